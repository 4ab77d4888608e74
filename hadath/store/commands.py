"""`hadath ingest`, `search`, `export`, `dedup` and `stats` subcommands.

Argument parsing only; each command calls the library.  Heavy imports
(SQLAlchemy, datasketch, pyarrow) happen inside the command functions so
that other subcommands start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date as _date
from typing import Any

DB_ENV = "HADATH_DB"
# Kept in step with hadath.store.export.FORMATS (a test checks), so that
# registering the command does not import the exporters.
EXPORT_FORMATS = ("acled-csv", "plover-jsonl", "geojson", "csv", "parquet")


def _default_db() -> str:
    return os.environ.get(DB_ENV) or "sqlite:///hadath.db"


def _open_existing(url: str) -> Any:
    """A Store for reading, or None (after saying why) when there is no database."""
    from hadath.store.store import Store, normalise_url

    url = normalise_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        from pathlib import Path

        path = Path(url[len("sqlite:///"):].split("?", 1)[0])
        if not path.exists():
            print(f"hadath: no database at {path} (run `hadath ingest` first)", file=sys.stderr)
            return None
    return Store(url)


def _day(value: str) -> str:
    try:
        return _date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from exc


def _bbox(value: str) -> tuple[float, float, float, float]:
    try:
        parts = [float(x) for x in value.split(",")]
    except ValueError as exc:
        raise argparse.ArgumentTypeError("bbox is min_lon,min_lat,max_lon,max_lat") from exc
    if len(parts) != 4:
        raise argparse.ArgumentTypeError("bbox is min_lon,min_lat,max_lon,max_lat")
    return parts[0], parts[1], parts[2], parts[3]


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, metavar="URL",
                   help=f"database URL (default: ${DB_ENV} or sqlite:///hadath.db; "
                        "postgresql://user:pass@host/db for PostgreSQL)")


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--type", help="PLOVER event type, e.g. ASSAULT")
    p.add_argument("--mode", help="PLOVER mode, e.g. drone")
    p.add_argument("--from", dest="date_from", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--country", help="ISO 3166-1 alpha-2 code, e.g. IQ")
    p.add_argument("--admin1", help="first-level division, e.g. Baghdad")
    p.add_argument("--bbox", type=_bbox, metavar="MINLON,MINLAT,MAXLON,MAXLAT")
    p.add_argument("--actor", help="actor or recipient name (any spelling, normalised)")
    p.add_argument("--reports", action="store_true",
                   help="article-level reports instead of canonical (deduplicated) events")


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {k: getattr(args, k) for k in
            ("type", "mode", "date_from", "date_to", "country", "admin1", "bbox", "actor")}


def cmd_ingest(args: argparse.Namespace) -> int:
    from hadath.store.ingest import ingest
    from hadath.store.store import Store

    if args.workers is not None:
        workers = args.workers
    else:
        from hadath.batch import default_workers

        workers = default_workers()
    from sqlalchemy.exc import SQLAlchemyError

    from hadath.store.ingest import database_message

    try:
        with Store(args.db or _default_db()) as store:
            report = ingest(args.paths, store, workers=workers, reference_date=args.date,
                            batch_size=args.batch_size, progress=not args.quiet)
            if report.added:
                store.analyze()  # the planner's statistics, for the API's filters
            stats = store.stats()
    except SQLAlchemyError as exc:
        # Refused articles are recorded and skipped; what reaches here is
        # the database itself failing (unreachable, disk full).
        print(f"hadath: database error: {database_message(exc)}; committed batches are kept, "
              "run again to resume", file=sys.stderr)
        return 1
    print(f"read {report.read} from {report.files} file(s): added {report.added} articles "
          f"({report.events} events), skipped {report.skipped} already stored, "
          f"{report.errors} new errors", file=sys.stderr)
    print(f"store: {stats['articles']} articles, {stats['events']} events, "
          f"{stats['canonical_events']} canonical events, {stats['errors']} errors, "
          f"{stats['near_duplicate_groups']} near-duplicate groups", file=sys.stderr)
    for line in report.error_samples[:5]:
        print(f"  error: {line}", file=sys.stderr)
    if report.interrupted:
        print("interrupted: committed batches are kept; run again to resume", file=sys.stderr)
        return 130
    return 0 if report.read else 1


def cmd_search(args: argparse.Namespace) -> int:
    import orjson


    query = " ".join(args.query) or None
    store = _open_existing(args.db or _default_db())
    if store is None:
        return 1
    with store:
        if args.articles:
            total, rows = store.search_articles(query or "", limit=args.limit, offset=args.offset)
        else:
            total, rows = store.events(q=query, limit=args.limit, offset=args.offset,
                                       canonical=not args.reports, **_filters(args))
    out = sys.stdout
    if args.json:
        for row in rows:
            out.write(orjson.dumps(row).decode("utf-8") + "\n")
    else:
        print(f"{total} match(es); showing {len(rows)}", file=sys.stderr)
        for r in rows:
            if args.articles:
                out.write(f"{r['id']}\t{r.get('date') or '-'}\t{r.get('source') or '-'}\t{r.get('title') or ''}\n")
                continue
            place = r.get("place") or {}
            where = place.get("name") or place.get("text") or "-"
            who = ", ".join(p["text"] for p in r.get("actors") or []) or "-"
            whom = ", ".join(p["text"] for p in r.get("recipients") or []) or "-"
            extra = f"\treports={r['n_reports']}" if r.get("canonical") else ""
            out.write(f"{r['id']}\t{r.get('date') or '-'}\t{r['type']}/{r.get('mode') or '-'}\t"
                      f"{where} ({r.get('country') or '-'})\t{who} -> {whom}\t"
                      f"killed={_n(r.get('fatalities'))} injured={_n(r.get('injured'))}{extra}\n")
    return 0


def _n(value: Any) -> str:
    return "?" if value is None else str(value)


def cmd_export(args: argparse.Namespace) -> int:
    from hadath.store.export import export

    store = _open_existing(args.db or _default_db())
    if store is None:
        return 1
    with store:
        n = export(store, args.format, args.output, canonical=not args.reports, **_filters(args))
    print(f"exported {n} events ({args.format})", file=sys.stderr)
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    from hadath.store.store import Store

    with Store(args.db or _default_db()) as store:
        reports, canonical = store.rebuild_canonical()
    print(f"{reports} article-level events -> {canonical} canonical events", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    import orjson


    store = _open_existing(args.db or _default_db())
    if store is None:
        return 1
    with store:
        stats = store.stats()
        stats["integrity_ok"] = store.integrity_check()
    sys.stdout.write(orjson.dumps(stats, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n")
    return 0 if stats["integrity_ok"] else 1


def register(sub: Any) -> None:
    """Add this module's subcommands to the `hadath` parser's subparsers."""
    p = sub.add_parser("ingest", help="read, extract and store articles (idempotent, resumable)")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="files, folders or globs: .txt .jsonl(.gz) .html RSS/Atom WARC")
    _add_db(p)
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--date", type=_day, help="reference date for relative expressions")
    p.add_argument("--batch-size", type=int, default=100,
                   help="articles per commit (the most an interruption loses)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="search stored events (or articles) by text and filters")
    p.add_argument("query", nargs="*", metavar="QUERY", help="words that must occur in the article")
    _add_db(p)
    _add_filters(p)
    p.add_argument("--articles", action="store_true", help="list matching articles, not events")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true", help="JSON Lines output")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help="export stored events")
    _add_db(p)
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    _add_filters(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("dedup", help="recompute canonical events from all stored reports")
    _add_db(p)
    p.set_defaults(func=cmd_dedup)

    p = sub.add_parser("stats", help="counts and an integrity check of the store")
    _add_db(p)
    p.set_defaults(func=cmd_stats)
