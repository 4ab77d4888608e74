"""Exports of stored events: ACLED CSV, PLOVER JSONL, GeoJSON, CSV, Parquet.

Canonical (deduplicated) events by default — one row per real-world event,
as ACLED users expect; article-level reports on request.  The ACLED CSV has
ACLED's columns in ACLED's order so existing ACLED tooling reads it; actor
names are the Arabic names as found (ACLED's English actor dictionary is
not reproduced) and `notes` holds the evidence sentence.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any

import orjson

from hadath.resources import read_lines
from hadath.store.store import Store, _int

FORMATS = ("acled-csv", "plover-jsonl", "geojson", "csv", "parquet")

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]

# The flat table of `--format csv` and `parquet` (documented in docs/store.md).
FLAT_COLUMNS = [
    "id", "type", "mode", "acled_event_type", "acled_sub_event_type", "status", "date",
    "date_precision", "date_min", "date_max", "country", "country_iso3", "admin1",
    "location", "location_ar", "geonameid", "place_feature", "latitude", "longitude",
    "fatalities", "injured", "confidence", "actors", "actor_sectors", "actor_countries",
    "recipients", "recipient_sectors", "recipient_countries", "trigger", "n_reports",
    "n_articles", "article_ids", "sources", "urls", "notes",
]

# ACLED interaction codes of PLOVER/CAMEO sectors: 1 state forces, 2 rebel
# groups, 3 political militias, 4 identity militias, 5 rioters,
# 6 protesters, 7 civilians, 8 external/other forces.
SECTOR_INTER = {
    "GOV": 1, "MIL": 1, "COP": 1, "SPY": 1, "JUD": 1, "LEG": 1,
    "REB": 2, "INS": 2,
    "UAF": 3, "OPP": 3, "PTY": 3,
    "ETH": 4, "REL": 4,
    "CVL": 7, "REF": 7, "MED": 7, "EDU": 7, "HLH": 7, "BUS": 7, "LAB": 7, "AGR": 7,
    "IGO": 8, "NGO": 8, "MNC": 8, "IMG": 8,
}
TIME_PRECISION = {"day": 1, "week": 2, "month": 3}
GEO_PRECISION = {"landmark": 1, "district": 1, "city": 1, "region": 2, "admin1": 3, "country": 3}
DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
# Sub-event types ACLED files under both political violence and demonstrations.
DISORDER_BOTH = {"Excessive force against protesters", "Mob violence"}


@cache
def countries() -> dict[str, tuple[str, int | None, str, str]]:
    """ISO alpha-2 -> (alpha-3, numeric, English name, ACLED region)."""
    out = {}
    for line in read_lines("store/acled_countries.tsv"):
        cc, iso3, num, name, *rest = line.split("\t")
        out[cc] = (iso3, int(num) if num.isdigit() else None, name, rest[0] if rest else "")
    return out


def _names(parties: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(p["text"] for p in parties or [] if p.get("text")))


def _inter(party: dict[str, Any] | None, ev: dict[str, Any]) -> int | None:
    if party is None:
        return None
    acled = ev.get("acled") or {}
    if acled.get("event_type") == "Protests":
        return 6
    if acled.get("event_type") == "Riots":
        return 5
    return SECTOR_INTER.get((party.get("sector") or "").upper(), 8 if party.get("sector") else None)


def _date_for_acled(ev: dict[str, Any]) -> tuple[str, int] | None:
    value, precision = ev.get("date"), ev.get("date_precision") or "day"
    if not value or precision not in TIME_PRECISION:
        return None
    if len(value) == 7:
        value += "-01"
    if len(value) != 10:
        return None
    rng = ev.get("date_range") or [None, None]
    prec = TIME_PRECISION[precision]
    if prec == 1 and rng[0] and rng[1] and rng[0] != rng[1]:
        prec = 2  # reports disagree by a day: ACLED's "within a few days"
    return value, prec


def acled_row(ev: dict[str, Any], timestamp: int) -> dict[str, Any] | None:
    """One ACLED row, or None for an event ACLED would not record."""
    acled = ev.get("acled") or {}
    dated = _date_for_acled(ev)
    if not acled.get("event_type") or dated is None:
        return None
    event_date, precision = dated
    actors, recipients = ev.get("actors") or [], ev.get("recipients") or []
    a_names, r_names = _names(actors), _names(recipients)
    inter1 = _inter(actors[0] if actors else None, ev)
    inter2 = _inter(recipients[0] if recipients else None, ev)
    if inter1 is None and inter2 is not None:  # ACLED always fills actor1
        a_names, r_names, inter1, inter2 = r_names, [], inter2, None
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    interaction = (codes[0] * 10 + codes[1]) if len(codes) == 2 else (codes[0] * 10 if codes else "")
    cc = ev.get("country") or ""
    iso3, iso_num, cname, region = countries().get(cc, ("", None, "", ""))
    place = ev.get("place") or {}
    sub = acled.get("sub_event_type") or ""
    disorder = DISORDER.get(acled["event_type"], "")
    if sub in DISORDER_BOTH:
        disorder = "Political violence; Demonstrations"
    civilians = any((p.get("sector") or "").upper() == "CVL" for p in recipients)
    sources = [s for s in dict.fromkeys(x.get("source") for x in ev.get("sources") or []) if s]
    tags = []
    if ev.get("injured") is not None:
        tags.append(f"injured={ev['injured']}")
    if ev.get("status") and ev["status"] != "occurred":
        tags.append(f"status={ev['status']}")
    tags.append(f"reports={ev.get('n_reports') or 1}")
    return {
        "event_id_cnty": f"{iso3 or 'XXX'}{ev['id']}",
        "event_date": event_date,
        "year": int(event_date[:4]),
        "time_precision": precision,
        "disorder_type": disorder,
        "event_type": acled["event_type"],
        "sub_event_type": sub,
        "actor1": a_names[0] if a_names else "",
        "assoc_actor_1": "; ".join(a_names[1:]),
        "inter1": inter1 if inter1 is not None else "",
        "actor2": r_names[0] if r_names else "",
        "assoc_actor_2": "; ".join(r_names[1:]),
        "inter2": inter2 if inter2 is not None else "",
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if civilians and disorder.startswith("Political") else "",
        "iso": iso_num if iso_num is not None else "",
        "region": region,
        "country": cname,
        "admin1": ev.get("admin1") or "",
        "admin2": "",
        "admin3": "",
        "location": place.get("name") or place.get("name_ar") or place.get("text") or "",
        "latitude": ev.get("lat") if ev.get("lat") is not None else "",
        "longitude": ev.get("lon") if ev.get("lon") is not None else "",
        "geo_precision": GEO_PRECISION.get(place.get("feature") or "", 3) if place else "",
        "source": "; ".join(sources),
        "source_scale": "",
        "notes": ev.get("notes") or "",
        "fatalities": ev.get("fatalities") or 0,
        "tags": "; ".join(tags),
        "timestamp": timestamp,
    }


def _iso3(cc: str | None) -> str | None:
    return countries().get(cc or "", (None,))[0] if cc else None


def _party(p: dict[str, Any] | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"name": p.get("text"), "country": _iso3(p.get("country")), "sector": p.get("sector")}


def plover_record(ev: dict[str, Any]) -> dict[str, Any]:
    """A PLOVER event record (the PLOVER/POLECAT JSON field names)."""
    actors, recipients = ev.get("actors") or [], ev.get("recipients") or []
    place = ev.get("place") or None
    a0, r0 = _party(actors[0] if actors else None), _party(recipients[0] if recipients else None)
    return {
        "id": ev["id"],
        "event_date": ev.get("date"),
        "date_precision": ev.get("date_precision"),
        "event_type": ev["type"],
        "mode": ev.get("mode") or "",
        "context": ev.get("context") or [],
        "status": ev.get("status"),
        "actor": a0["name"] if a0 else None,
        "actor_country": a0["country"] if a0 else None,
        "actor_sector": a0["sector"] if a0 else None,
        "recipient": r0["name"] if r0 else None,
        "recipient_country": r0["country"] if r0 else None,
        "recipient_sector": r0["sector"] if r0 else None,
        "actors": [_party(p) for p in actors],
        "recipients": [_party(p) for p in recipients],
        "location": None if place is None else {
            "placename": place.get("name") or place.get("text"),
            "placename_ar": place.get("name_ar") or place.get("text"),
            "country": _iso3(place.get("country")),
            "admin1": place.get("admin1"),
            "lat": place.get("lat"),
            "lon": place.get("lon"),
            "geonameid": place.get("geonameid"),
            "feature": place.get("feature"),
        },
        "fatalities": ev.get("fatalities"),
        "injured": ev.get("injured"),
        "acled_event_type": (ev.get("acled") or {}).get("event_type"),
        "acled_sub_event_type": (ev.get("acled") or {}).get("sub_event_type"),
        "confidence": ev.get("confidence"),
        "trigger": (ev.get("trigger") or {}).get("text"),
        "raw_text": ev.get("notes"),
        "language": "ar",
        "n_reports": ev.get("n_reports", 1),
        "sources": ev.get("sources") or [{"article_id": ev.get("article_id")}],
    }


def flat_row(ev: dict[str, Any]) -> dict[str, Any]:
    """One row of the flat CSV/Parquet table."""
    place = ev.get("place") or {}
    actors, recipients = ev.get("actors") or [], ev.get("recipients") or []
    acled = ev.get("acled") or {}
    sources = ev.get("sources") or [{"article_id": ev.get("article_id")}]
    rng = ev.get("date_range") or [ev.get("date"), ev.get("date")]

    def join(items: Iterable[Any]) -> str:
        return "; ".join(str(x) if x is not None else "" for x in items)

    return {
        "id": ev["id"], "type": ev["type"], "mode": ev.get("mode"),
        "acled_event_type": acled.get("event_type"), "acled_sub_event_type": acled.get("sub_event_type"),
        "status": ev.get("status"), "date": ev.get("date"), "date_precision": ev.get("date_precision"),
        "date_min": rng[0], "date_max": rng[1],
        "country": ev.get("country"), "country_iso3": _iso3(ev.get("country")),
        "admin1": ev.get("admin1"), "location": place.get("name"), "location_ar": place.get("name_ar") or place.get("text"),
        "geonameid": _int(place.get("geonameid")), "place_feature": place.get("feature"),
        "latitude": ev.get("lat"), "longitude": ev.get("lon"),
        "fatalities": ev.get("fatalities"), "injured": ev.get("injured"),
        "confidence": ev.get("confidence"),
        "actors": join(p.get("text") for p in actors),
        "actor_sectors": join(p.get("sector") for p in actors),
        "actor_countries": join(p.get("country") for p in actors),
        "recipients": join(p.get("text") for p in recipients),
        "recipient_sectors": join(p.get("sector") for p in recipients),
        "recipient_countries": join(p.get("country") for p in recipients),
        "trigger": (ev.get("trigger") or {}).get("text"),
        "n_reports": ev.get("n_reports", 1),
        "n_articles": ev.get("n_articles", 1),
        "article_ids": join(dict.fromkeys(s.get("article_id") for s in sources)),
        "sources": join(dict.fromkeys(s.get("source") for s in sources if s.get("source"))),
        "urls": join(dict.fromkeys(s.get("url") for s in sources if s.get("url"))),
        "notes": ev.get("notes"),
    }


def geojson_feature(ev: dict[str, Any]) -> dict[str, Any] | None:
    if ev.get("lat") is None or ev.get("lon") is None:
        return None
    props = flat_row(ev)
    props.pop("latitude")
    props.pop("longitude")
    return {"type": "Feature", "id": ev["id"],
            "geometry": {"type": "Point", "coordinates": [ev["lon"], ev["lat"]]},
            "properties": props}


def _with_notes(store: Store, evs: Iterator[dict[str, Any]], canonical: bool) -> Iterator[dict[str, Any]]:
    """Article-level events carry no notes column: add the evidence sentence."""
    if canonical:
        yield from evs
        return
    for ev in evs:
        full = store.event(ev["id"]) or {}
        ev["notes"] = (full.get("evidence") or {}).get("sentence_text")
        yield ev


def export(store: Store, fmt: str, out: str | Path | None = None, *, canonical: bool = True,
           **filters: Any) -> int:
    """Write matching events in `fmt` to `out` (stdout if None); the number written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    evs = _with_notes(store, store.iter_events(canonical=canonical, **filters), canonical)
    if fmt == "parquet":
        if out is None:
            raise ValueError("parquet export needs an output file (-o FILE)")
        return _write_parquet(evs, Path(out))
    if out is None:
        fh: IO[str] = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="",
                                       write_through=True)
    else:
        fh = open(out, "w", encoding="utf-8", newline="")
    try:
        if fmt == "acled-csv":
            return _write_csv(fh, ACLED_COLUMNS, (acled_row(e, int(time.time())) for e in evs))
        if fmt == "csv":
            return _write_csv(fh, FLAT_COLUMNS, (flat_row(e) for e in evs))
        if fmt == "plover-jsonl":
            n = 0
            for e in evs:
                fh.write(orjson.dumps(plover_record(e)).decode("utf-8") + "\n")
                n += 1
            return n
        return _write_geojson(fh, evs)
    finally:
        if out is None:
            fh.detach()
        else:
            fh.close()


def _write_csv(fh: IO[str], columns: list[str], rows: Iterable[dict[str, Any] | None]) -> int:
    w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    n = 0
    for row in rows:
        if row is not None:
            w.writerow({k: ("" if v is None else v) for k, v in row.items()})
            n += 1
    return n


def _write_geojson(fh: IO[str], evs: Iterable[dict[str, Any]]) -> int:
    # Streamed feature by feature so memory stays flat on large stores.
    fh.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for ev in evs:
        feat = geojson_feature(ev)
        if feat is None:
            continue
        fh.write((",\n" if n else "") + orjson.dumps(feat).decode("utf-8"))
        n += 1
    fh.write("\n]}\n")
    return n


def _write_parquet(evs: Iterable[dict[str, Any]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([
        (c, pa.float64() if c in ("latitude", "longitude", "confidence") else
         pa.int64() if c in ("fatalities", "injured", "geonameid", "n_reports", "n_articles") else
         pa.string())
        for c in FLAT_COLUMNS
    ])
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        buf: list[dict[str, Any]] = []
        for ev in evs:
            buf.append(flat_row(ev))
            if len(buf) >= 5000:
                writer.write_table(pa.Table.from_pylist(buf, schema=schema))
                n += len(buf)
                buf.clear()
        if buf or n == 0:
            writer.write_table(pa.Table.from_pylist(buf, schema=schema))
            n += len(buf)
    return n
