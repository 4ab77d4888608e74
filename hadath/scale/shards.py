"""Writing one partition's results: JSON Lines or Parquet shards, or a store.

Every writer is idempotent so that a partition re-run after a worker died
(Dask retries it) or a whole job re-run after a crash adds nothing twice:
shards are written to a temporary name and renamed into place, and an
existing shard means the partition is done; the store skips articles it
already holds by content hash.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from hadath.readers import Article, Item

SHARD_FORMATS = ("jsonl", "parquet")


def shard_paths(out_dir: str | Path, name: str, fmt: str) -> list[Path]:
    """The files a finished partition leaves in `out_dir`."""
    d = Path(out_dir)
    if fmt == "jsonl":
        return [d / f"{name}.jsonl"]
    if fmt == "parquet":
        return [d / f"articles-{name}.parquet", d / f"events-{name}.parquet"]
    raise ValueError(f"unknown shard format {fmt!r} (one of {', '.join(SHARD_FORMATS)})")


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


Pairs = Iterable[tuple[Item, dict[str, Any]]]


def write_jsonl(pairs: Pairs, path: Path) -> tuple[int, int, int]:
    """(articles, errors, events) written to one JSON Lines shard.

    The lines are exactly what `hadath extract` prints for the same input.
    """
    n = errors = events = 0
    tmp = _tmp(path)
    with open(tmp, "wb") as fh:
        for _, r in pairs:
            fh.write(orjson.dumps(r) + b"\n")
            n += 1
            errors += "error" in r
            events += len(r.get("events") or ())
    os.replace(tmp, path)
    return n, errors, events


# One row an article: metadata, the error if any, and the whole contract
# object as JSON (nested spans do not fit a flat table, and the JSON keeps
# every field that later versions add).
ARTICLE_COLUMNS = ("id", "origin", "title", "date", "source", "url", "error",
                   "n_events", "document")
# One row an event, flat enough for pandas/DuckDB/Spark; `event` keeps the
# whole contract object (actors, spans, ...) as JSON.
EVENT_COLUMNS = ("article_id", "event_index", "type", "mode", "acled_event_type",
                 "acled_sub_event_type", "status", "date", "date_precision", "country",
                 "admin1", "location", "location_ar", "geonameid", "latitude", "longitude",
                 "fatalities", "injured", "confidence", "actors", "recipients", "trigger",
                 "article_date", "source", "url", "event")
_INT = {"n_events", "event_index", "geonameid", "fatalities", "injured"}
_FLOAT = {"latitude", "longitude", "confidence"}


def _schema(columns: tuple[str, ...]) -> Any:
    import pyarrow as pa

    return pa.schema([(c, pa.int64() if c in _INT else pa.float64() if c in _FLOAT else pa.string())
                      for c in columns])


def _int(v: Any) -> int | None:
    try:
        return int(v) if v is not None and not isinstance(v, bool) else None
    except (TypeError, ValueError):
        return None


def _float(v: Any) -> float | None:
    try:
        return float(v) if v is not None and not isinstance(v, bool) else None
    except (TypeError, ValueError):
        return None


def _names(parties: list[dict[str, Any]] | None) -> str | None:
    names = [p.get("text") for p in parties or () if p.get("text")]
    return "; ".join(names) if names else None


def article_row(item: Item, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r.get("id"), "origin": item.origin, "title": r.get("title"),
        "date": r.get("date"), "source": r.get("source"), "url": r.get("url"),
        "error": r.get("error"), "n_events": len(r.get("events") or ()),
        "document": orjson.dumps(r).decode("utf-8"),
    }


def event_rows(r: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for i, ev in enumerate(r.get("events") or ()):
        place = ev.get("place") or {}
        acled = ev.get("acled") or {}
        date = ev.get("date") or {}
        yield {
            "article_id": r.get("id"), "event_index": i, "type": ev.get("type"),
            "mode": ev.get("mode"), "acled_event_type": acled.get("event_type"),
            "acled_sub_event_type": acled.get("sub_event_type"), "status": ev.get("status"),
            "date": date.get("value"), "date_precision": date.get("precision"),
            "country": place.get("country"), "admin1": place.get("admin1"),
            "location": place.get("name"), "location_ar": place.get("name_ar") or place.get("text"),
            "geonameid": _int(place.get("geonameid")), "latitude": _float(place.get("lat")),
            "longitude": _float(place.get("lon")), "fatalities": _int(ev.get("fatalities")),
            "injured": _int(ev.get("injured")), "confidence": _float(ev.get("confidence")),
            "actors": _names(ev.get("actors")), "recipients": _names(ev.get("recipients")),
            "trigger": (ev.get("trigger") or {}).get("text"), "article_date": r.get("date"),
            "source": r.get("source"), "url": r.get("url"),
            "event": orjson.dumps(ev).decode("utf-8"),
        }


def write_parquet(pairs: Pairs, articles_path: Path, events_path: Path) -> tuple[int, int, int]:
    """(articles, errors, events) written to an articles and an events shard."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arts: list[dict[str, Any]] = []
    evs: list[dict[str, Any]] = []
    errors = 0
    for item, r in pairs:
        arts.append(article_row(item, r))
        errors += "error" in r
        evs.extend(event_rows(r))
    for rows, columns, path in ((arts, ARTICLE_COLUMNS, articles_path),
                                (evs, EVENT_COLUMNS, events_path)):
        tmp = _tmp(path)
        pq.write_table(pa.Table.from_pylist(rows, schema=_schema(columns)), tmp)
        os.replace(tmp, path)
    return len(arts), errors, len(evs)


def write_store(items: Iterable[Item], store: Any, reference_date: str | None = None,
                batch_size: int = 100) -> tuple[int, int, int, int]:
    """Extract and store the articles `store` lacks: (added, errors, events, skipped).

    Articles already stored (by content hash) or already recorded as bad are
    skipped before extraction, as `hadath ingest` does, so a re-run partition
    costs only reading.  Each batch is one transaction.
    """
    from hadath.batch import process_item
    from hadath.store.store import content_hash, error_key

    added = errors = events = skipped = 0
    chunk: list[Item] = []
    seen: set[str] = set()

    def flush() -> None:
        nonlocal added, errors, events, skipped
        keyed = [(i, content_hash(i.title, i.text) if isinstance(i, Article)
                  else error_key(i.origin, i.id, None, i.error)) for i in chunk]
        known = (store.known([k for i, k in keyed if isinstance(i, Article)])
                 | store.known_error_keys([k for i, k in keyed if not isinstance(i, Article)]))
        todo = []
        for i, k in keyed:
            if k not in known and k not in seen:  # `seen`: the same article twice in a partition
                seen.add(k)
                todo.append((i, k))
        skipped += len(chunk) - len(todo)
        chunk.clear()
        results = [(i, k, process_item(i, reference_date)) for i, k in todo]
        with store.transaction() as conn:
            for item, key, r in results:
                if r.get("error") is not None:
                    chash = key if isinstance(item, Article) else None
                    if store.record_error(conn, item.origin, r.get("id"), chash, str(r["error"])):
                        errors += 1
                elif store.add_to(conn, r, item.origin) is not None:
                    added += 1
                    events += len(r.get("events") or ())

    for item in items:
        chunk.append(item)
        if len(chunk) >= batch_size:
            flush()
    if chunk:
        flush()
    return added, errors, events, skipped
