"""Cross-report event deduplication: article-level events to canonical events.

Reports of one event — the same type, dates within a day, places within a
few kilometres, compatible actors — become one canonical event that lists
every report and source and keeps the lowest casualty figures (ACLED's
conservative practice).  Assignment is incremental: each new report is
compared with the canonical events already stored, so ingest can dedup as it
goes and a later batch joins the events of an earlier one.  Clusters cannot
chain: a report joins a canonical event only if the whole cluster still
spans at most MAX_DAY_SPAN days and it is near the cluster's best place.

Where evidence is thin (no place, or only a country/province, or no exact
day) a merge needs more: the same article or a near-duplicate article (a
rewrite of one agency story, found by MinHash LSH), or a positive actor
match.  Two air strikes reported in "Syria" on one day stay two events.

No library implements event-record deduplication with these rules (record
linkage libraries learn generic string similarity), so it is written here.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    String,
    bindparam,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from hadath.resources import read_lines
from hadath.store.models import articles, canonical_events, events
from hadath.text.normalise import normalise_string

MAX_DAY_SPAN = 1  # days between the earliest and latest report of one event
MAX_KM = 10.0  # distance between two precisely located reports of one event

FINE_FEATURES = frozenset({"city", "district", "landmark"})
# Precision of a place, most precise first (a merged event keeps the best).
FEATURE_RANK = {"landmark": 0, "district": 1, "city": 2, "region": 3, "admin1": 4, "country": 5}
STATUS_RANK = {"occurred": 0, "attempted": 1, "planned": 2, "threatened": 3, "denied": 4}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def party_key(party: dict[str, Any]) -> str:
    """Normalised name of an actor/recipient, with the article dropped."""
    norm = normalise_string(party.get("text") or "").strip()
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in norm.split())


@cache
def generic_keys() -> frozenset[str]:
    """Party names too generic to tie two reports (resources/store/generic_parties.txt)."""
    return frozenset(party_key({"text": line}) for line in read_lines("store/generic_parties.txt"))


def shares_named_party(report: dict[str, Any], cand: dict[str, Any]) -> bool:
    """Whether an informative party name (not generic, not the place itself)
    is an actor of both or a recipient of both."""
    skip = set(generic_keys())
    for place in (report.get("place") or {}, cand.get("place") or {}):
        for field in ("text", "name_ar"):
            if place.get(field):
                skip.add(party_key({"text": place[field]}))
    for role in ("actors", "recipients"):
        xs = [p for p in report.get(role) or [] if (p.get("key") or party_key(p)) not in skip]
        ys = [p for p in cand.get(role) or [] if (p.get("key") or party_key(p)) not in skip]
        if any(_name_match(x, y) for x in xs for y in ys):
            return True
    return False


def same_sentence(a: str | None, b: str | None, threshold: float = 0.6) -> bool:
    """Whether two evidence sentences are one sentence, possibly rewritten."""
    if not a or not b:
        return False
    wa, wb = set(normalise_string(a).split()), set(normalise_string(b).split())
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= threshold


def same_figures(r: dict[str, Any], c: dict[str, Any]) -> bool:
    """Whether both give the same number killed or the same number injured."""
    return any(r.get(k) is not None and r.get(k) == c.get(k) for k in ("fatalities", "injured"))


def _name_match(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ka, kb = a.get("key") or party_key(a), b.get("key") or party_key(b)
    return bool(ka and kb and (ka == kb or (min(len(ka), len(kb)) >= 3 and (ka in kb or kb in ka))))


def _party_match(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if _name_match(a, b):
        return True
    sa, sb = a.get("sector"), b.get("sector")
    ca, cb = a.get("country"), b.get("country")
    return bool(sa and sb and ca and cb and sa == sb and ca == cb)


def parties_relation(xs: list[dict[str, Any]], ys: list[dict[str, Any]]) -> int:
    """2 when a party is named on both sides, 1 when only sector and country
    agree, 0 when a side is unknown, -1 on conflict."""
    if not xs or not ys:
        return 0
    if any(_name_match(x, y) for x in xs for y in ys):
        return 2
    return 1 if any(_party_match(x, y) for x in xs for y in ys) else -1


def _fine(p: dict[str, Any]) -> bool:
    return p.get("place_feature") in FINE_FEATURES and p.get("lat") is not None and p.get("lon") is not None


def place_relation(r: dict[str, Any], c: dict[str, Any]) -> str:
    """How two places relate: near, contains, same_area, unknown or far."""
    if not r.get("country") or not c.get("country"):
        return "unknown"
    if r["country"] != c["country"]:
        return "far"
    if _fine(r) and _fine(c):
        return "near" if haversine_km(r["lat"], r["lon"], c["lat"], c["lon"]) <= MAX_KM else "far"
    if _fine(r) or _fine(c):
        fine, coarse = (r, c) if _fine(r) else (c, r)
        if coarse.get("place_feature") == "country":
            return "contains"
        if coarse.get("admin1") and fine.get("admin1") == coarse.get("admin1"):
            return "contains"
        return "far"
    if r.get("geonameid") is not None and r.get("geonameid") == c.get("geonameid"):
        return "same_area"
    if (r.get("place_feature"), r.get("admin1")) == (c.get("place_feature"), c.get("admin1")):
        return "same_area"
    return "far"


def match_score(report: dict[str, Any], cand: dict[str, Any], related: bool) -> float | None:
    """A score for merging `report` into canonical `cand`, or None if it must not.

    `related` says the candidate already holds a report from the same article
    or a near-duplicate of it.
    """
    if report["type"] != cand["type"]:
        return None
    d, lo, hi = _day(report.get("date")), _day(cand.get("date_min")), _day(cand.get("date_max"))
    precise_days = d is not None and lo is not None and hi is not None
    if precise_days:
        assert d is not None and lo is not None and hi is not None
        if (max(hi, d) - min(lo, d)).days > MAX_DAY_SPAN:
            return None
    elif not related:
        return None
    elif report.get("date") and cand.get("date"):
        a, b = report["date"], cand["date"]
        if not (a.startswith(b) or b.startswith(a)):
            return None
    actors = parties_relation(report.get("actors") or [], cand.get("actors") or [])
    recipients = parties_relation(report.get("recipients") or [], cand.get("recipients") or [])
    if actors < 0 or recipients < 0:
        return None
    positive = actors > 0 or recipients > 0
    # Reports from unrelated articles need a party named in both: type, day
    # and town alone merged distinct events in the hand check (a capital
    # sees several events of one type a day).
    # A merge needs evidence beyond type, day and town (the hand check found
    # those alone wrong more often than right, even inside one article):
    # a party named in both, or, for the same story, the same sentence
    # (near-duplicate rewrites) or the same casualty figure.
    if not shares_named_party(report, cand):
        if not related:
            return None
        if not (same_sentence(report.get("notes"), cand.get("notes"))
                or same_figures(report, cand)):
            return None
    # Different instruments (an air strike, a shelling) are different
    # events unless the same story or the same named parties tie them.
    modes_differ = bool(report.get("mode") and cand.get("mode") and report["mode"] != cand["mode"])
    if modes_differ and not (related or positive):
        return None
    place = place_relation(report, cand)
    if place == "far":
        return None
    if place == "near":
        score = 3.0
    elif place in ("contains", "same_area"):
        if not (positive or related):
            return None
        score = 2.0
    else:  # unknown place on at least one side
        if not related:
            return None
        score = 1.0
    return score + actors + recipients + (2.0 if related else 0.0) + (0.5 if precise_days else 0.0)


def _merge_parties(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = list(old)
    for p in new:
        if not any(_party_match(p, q) for q in out):
            out.append(p)
    return out


def _parties(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Parties reduced to what dedup compares, with their normalised key."""
    return [
        {"text": p.get("text"), "sector": p.get("sector"), "country": p.get("country"),
         "key": p.get("key") or party_key(p)}
        for p in items or [] if isinstance(p, dict) and p.get("text")
    ]


def _min_known(a: int | None, b: int | None) -> int | None:
    known = [x for x in (a, b) if x is not None]
    return min(known) if known else None


def _source_entry(report: dict[str, Any]) -> dict[str, Any]:
    return {k: report.get(k) for k in ("event_id", "article_id", "source", "url", "title", "article_date")}


def _canonical_id(event_id: str) -> str:
    return "c" + hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:15]


def _new_canonical(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _canonical_id(report["event_id"]),
        "type": report["type"],
        "mode": report.get("mode"),
        "acled_event_type": report.get("acled_event_type"),
        "acled_sub_event_type": report.get("acled_sub_event_type"),
        "status": report.get("status"),
        "date": report.get("date"),
        "date_precision": report.get("date_precision"),
        "date_min": report.get("date") if _day(report.get("date")) else None,
        "date_max": report.get("date") if _day(report.get("date")) else None,
        "place": report.get("place"),
        "place_name": report.get("place_name"),
        "country": report.get("country"),
        "admin1": report.get("admin1"),
        "lat": report.get("lat"),
        "lon": report.get("lon"),
        "fatalities": report.get("fatalities"),
        "injured": report.get("injured"),
        "confidence": report.get("confidence"),
        "actors": _parties(report.get("actors")),
        "recipients": _parties(report.get("recipients")),
        "trigger": report.get("trigger"),
        "notes": report.get("notes"),
        "n_reports": 1,
        "n_articles": 1,
        "sources": [_source_entry(report)],
        "first_article_id": report["article_id"],
    }


def _merged(c: dict[str, Any], r: dict[str, Any], new_article: bool) -> dict[str, Any]:
    """Canonical `c` with report `r` added (but for `sources`, which the
    caller appends to); `new_article` says no earlier report of `c` comes
    from r's article."""
    out = dict(c)
    out["n_reports"] = c["n_reports"] + 1
    out["n_articles"] = c["n_articles"] + (1 if new_article else 0)
    out["fatalities"] = _min_known(c.get("fatalities"), r.get("fatalities"))
    out["injured"] = _min_known(c.get("injured"), r.get("injured"))
    out["confidence"] = max(c.get("confidence") or 0.0, r.get("confidence") or 0.0)
    out["actors"] = _merge_parties(c.get("actors") or [], _parties(r.get("actors")))
    out["recipients"] = _merge_parties(c.get("recipients") or [], _parties(r.get("recipients")))
    if STATUS_RANK.get(r.get("status") or "", 9) < STATUS_RANK.get(c.get("status") or "", 9):
        out["status"] = r.get("status")
    if not c.get("mode") and r.get("mode"):
        out["mode"] = r["mode"]
    if not c.get("acled_event_type") and r.get("acled_event_type"):
        out["acled_event_type"] = r["acled_event_type"]
        out["acled_sub_event_type"] = r.get("acled_sub_event_type")
    d = _day(r.get("date"))
    if d is not None:
        lo, hi = _day(c.get("date_min")), _day(c.get("date_max"))
        lo = min(lo, d) if lo else d
        hi = max(hi, d) if hi else d
        out["date_min"], out["date_max"] = lo.isoformat(), hi.isoformat()
        # ACLED dates an event by its earliest reported day.
        out["date"], out["date_precision"] = lo.isoformat(), "day"
    elif not c.get("date") and r.get("date"):
        out["date"], out["date_precision"] = r["date"], r.get("date_precision")
    rank_r = FEATURE_RANK.get(r.get("place_feature") or "", 9) if r.get("country") else 10
    rank_c = FEATURE_RANK.get((c.get("place") or {}).get("feature") or "", 9) if c.get("country") else 10
    if rank_r < rank_c:
        for k in ("place", "place_name", "country", "admin1", "lat", "lon"):
            out[k] = r.get(k)
    return out


def _cand_view(c: dict[str, Any]) -> dict[str, Any]:
    """A canonical row with the place fields `place_relation` reads."""
    place = c.get("place") or {}
    return {**c, "place_feature": place.get("feature"), "geonameid": place.get("geonameid")}


_CANON_COLS = [col.name for col in canonical_events.columns]
# What a candidate is scored and merged on: all but `sources`, which grows
# with every report (hundreds of entries for a syndicated story) and is only
# appended to, in SQL (see _merge_statement), and `first_article_id`, which
# never changes (and, stored after `sources`, would make SQLite walk the
# row's overflow pages).
_SCORE_COLS = [col for col in canonical_events.columns if col.name not in ("sources", "first_article_id")]
# What merging a report can change (see _merged).
_MERGED_COLS = [k for k in _CANON_COLS
                if k not in ("id", "type", "trigger", "notes", "first_article_id", "sources")]
# The most recent articles of a near-duplicate group whose events mark a
# canonical event as "related".  Keeps an insert's cost bounded when an
# agency story has hundreds of copies; normal groups are far smaller (the
# largest of the 30,950 SaudiNewsNet articles has 13), so nothing changes
# for them, and the copies of a big story all report the same events, which
# its recent members hold as well as its first ones.
MAX_GROUP_ARTICLES = 64

# Statements built once, with bound parameters: ingest runs them for every
# report, and SQLAlchemy then reuses their compiled form.
_c = canonical_events.c
# The window is also bounded on `date`, so that the (type, date) index
# serves it instead of a scan of every canonical event of the type: a
# canonical event with a day range has `date` == `date_min` (ACLED's
# earliest day) and spans at most MAX_DAY_SPAN days, so every event whose
# range meets [lo, hi] has its date in [lo - MAX_DAY_SPAN, hi].
_WINDOW = (_c.type == bindparam("t"), _c.date >= bindparam("lo_min"), _c.date <= bindparam("hi"),
           _c.date_min <= bindparam("hi"), _c.date_max >= bindparam("lo"))
_BY_WINDOW = select(*_SCORE_COLS).where(*_WINDOW, or_(_c.country == bindparam("cc"), _c.country.is_(None)))
_BY_WINDOW_ANY_PLACE = select(*_SCORE_COLS).where(*_WINDOW)
_BY_IDS = select(*_SCORE_COLS).where(_c.id.in_(bindparam("ids", expanding=True)))
# Newest first: SQLite keeps index entries of one dup_group in rowid (seq)
# order, so this walks the index backwards and stops at the limit.
_GROUP_MEMBERS = (select(articles.c.id).where(articles.c.dup_group == bindparam("g"))
                  .order_by(articles.c.seq.desc()).limit(bindparam("cap")))
# Only article_id is constrained (type is checked in Python): with
# `type = ?` in the query SQLite, without statistics, walks every event of
# the type instead of the few of these articles.
_GROUP_EVENTS = select(
    events.c.type, events.c.canonical_id, (events.c.article_id == bindparam("aid")).label("own"),
).where(events.c.article_id.in_(bindparam("aids", expanding=True))).distinct()
_INSERT = canonical_events.insert()
_SET_CANONICAL = update(events).where(events.c.id == bindparam("b_event")).values(
    canonical_id=bindparam("b_canon"))


def _merge_statement(dialect: str) -> Any:
    """One UPDATE writing a merged canonical event: the columns a merge
    changes, and the new source entry appended to the JSON list in the
    database (no decoding of a list that grows with every report, and one
    rewrite of the row).  Other back ends get the whole list (`b_sources`)."""
    values: dict[str, Any] = {k: bindparam("b_" + k) for k in _MERGED_COLS}
    src = bindparam("b_source", type_=String())
    empty = literal("[]", type_=String())
    if dialect == "sqlite":
        values["sources"] = func.json_insert(func.coalesce(_c.sources, func.json(empty)),
                                             literal("$[#]", type_=String()), func.json(src))
    elif dialect == "postgresql":
        values["sources"] = func.coalesce(_c.sources, cast(empty, JSONB)).op("||")(
            func.jsonb_build_array(cast(src, JSONB)))
    else:
        values["sources"] = bindparam("b_sources", type_=canonical_events.c.sources.type)
    return update(canonical_events).where(_c.id == bindparam("b_id")).values(values)


_MERGE = {d: _merge_statement(d) for d in ("sqlite", "postgresql", "other")}
_SOURCES = select(_c.sources).where(_c.id == bindparam("b_id"))


def _related(conn: Connection, report: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Canonical events of the report's type holding a report from its own
    article or from a near-duplicate of it (the group's MAX_GROUP_ARTICLES
    most recent articles), and those holding one from its own article."""
    aid = report["article_id"]
    group = report.get("dup_group") or aid
    # The group's members all carry its id as dup_group (the group's first
    # article included); an article leading a group is its own dup_group.
    aids = {aid, group}
    aids.update(r[0] for r in conn.execute(_GROUP_MEMBERS, {"g": group, "cap": MAX_GROUP_ARTICLES}))
    related: set[str] = set()
    own: set[str] = set()
    for type_, canon, is_own in conn.execute(_GROUP_EVENTS, {"aids": sorted(aids), "aid": aid}):
        if canon is None:
            continue
        if type_ == report["type"]:
            related.add(canon)
        if is_own:
            own.add(canon)
    return related, own


def assign(conn: Connection, report: dict[str, Any]) -> str:
    """Attach one stored article-level event to a canonical event; return its id.

    `report` holds the event's flat columns plus article_id, dup_group,
    source, url, title and article_date.  The work per report is bounded:
    canonical events of its type in its date window, plus those its
    near-duplicate group's recent articles point to.
    """
    t = report["type"]
    report = {**report, "actors": _parties(report.get("actors")),
              "recipients": _parties(report.get("recipients"))}
    rows: dict[str, dict[str, Any]] = {}
    d = _day(report.get("date"))
    if d is not None:
        lo = (d - timedelta(days=MAX_DAY_SPAN)).isoformat()
        hi = (d + timedelta(days=MAX_DAY_SPAN)).isoformat()
        params = {"t": t, "lo": lo, "hi": hi,
                  "lo_min": (d - timedelta(days=2 * MAX_DAY_SPAN)).isoformat()}
        # A report in a known country cannot join an event in another one.
        if report.get("country"):
            q = conn.execute(_BY_WINDOW, {**params, "cc": report["country"]})
        else:
            q = conn.execute(_BY_WINDOW_ANY_PLACE, params)
        rows.update((r["id"], dict(r)) for r in q.mappings())
    related, own = _related(conn, report)
    missing = [i for i in related if i not in rows]
    if missing:
        rows.update((r["id"], dict(r)) for r in conn.execute(_BY_IDS, {"ids": sorted(missing)}).mappings())
    best: tuple[float, dict[str, Any]] | None = None
    # Ties go to the smallest id, not to the back end's row order, so that
    # SQLite and PostgreSQL build the same canonical events.
    for row in sorted(rows.values(), key=lambda r: r["id"]):
        score = match_score(report, _cand_view(row), row["id"] in related)
        if score is not None and (best is None or score > best[0]):
            best = (score, row)
    if best is None:
        canon = _new_canonical(report)
        conn.execute(_INSERT, canon)
    else:
        # The article already counted when one of its earlier events is here.
        canon = _merged(best[1], report, new_article=best[1]["id"] not in own)
        params = {"b_" + k: canon.get(k) for k in _MERGED_COLS}
        params["b_id"] = canon["id"]
        entry = _source_entry(report)
        stmt = _MERGE.get(conn.dialect.name)
        if stmt is not None:
            params["b_source"] = json.dumps(entry)
        else:
            stmt = _MERGE["other"]
            params["b_sources"] = [*(conn.execute(_SOURCES, {"b_id": canon["id"]}).scalar() or []), entry]
        conn.execute(stmt, params)
    conn.execute(_SET_CANONICAL, {"b_event": report["event_id"], "b_canon": canon["id"]})
    return canon["id"]


def sentence_text(title: str | None, body: str | None, ev: dict[str, Any]) -> str | None:
    """The sentence an event was found in (its evidence), from the stored text."""
    sent = ev.get("sentence") if isinstance(ev.get("sentence"), dict) else {}
    start, end = sent.get("start"), sent.get("end")
    source = title if ev.get("field") == "title" else body
    if not isinstance(start, int) or not isinstance(end, int) or not source:
        return None
    return " ".join(source[start:end].split()) or None


def report_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A dedup report from a joined events+articles row (see `rebuild`)."""
    data = row.get("data") or {}
    return {**row, "event_id": row["id"], "place": data.get("place"), "trigger": data.get("trigger"),
            "notes": sentence_text(row.get("title"), row.get("text"), data)}


def rebuild(conn: Connection) -> tuple[int, int]:
    """Recompute every canonical event from the stored reports.

    Reports are replayed in ingest order, so the result equals what
    incremental assignment gives.  Returns (reports, canonical events).
    """
    conn.execute(update(events).values(canonical_id=None))
    conn.execute(delete(canonical_events))
    q = (
        select(
            events, articles.c.dup_group, articles.c.source, articles.c.url,
            articles.c.title, articles.c.text, articles.c.date.label("article_date"),
        )
        .join(articles, articles.c.id == events.c.article_id)
        .order_by(articles.c.seq, events.c.idx)
    )
    rows = [dict(r) for r in conn.execute(q).mappings()]  # read before rewriting
    for row in rows:
        assign(conn, report_from_row(row))
    n_canon = conn.execute(select(canonical_events.c.id)).all()
    return len(rows), len(n_canon)
