"""`hadath ingest`: files, folders and globs into the store, resumably.

Idempotent by content hash: an article already stored (or already recorded
as bad) is skipped before extraction, so re-running over the same input adds
nothing and costs only reading.  Results are committed in batches; a crash
loses at most the uncommitted batch and re-running finishes the job.  A bad
article is recorded in the errors table and the batch goes on.
"""

from __future__ import annotations

import glob
import io
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hadath.readers import Article, GuardedGzipRaw, Item, ReadError, iter_articles
from hadath.store.store import Store, content_hash, error_key

BATCH_SIZE = 100  # results per transaction: the most a crash can lose
LOOKUP_CHUNK = 256  # items per "already stored?" query
# Bytes of (decompressed) data whose lines estimate_count counts exactly;
# beyond them it extrapolates (a progress estimate need not read a whole file).
EXACT_COUNT_BYTES = 32 * 1024 * 1024

ARTICLE_SUFFIXES = (
    ".txt", ".jsonl", ".ndjson", ".json", ".html", ".htm", ".xhtml", ".rss", ".atom", ".xml",
    ".warc", ".arc", ".jsonl.gz", ".ndjson.gz", ".json.gz", ".txt.gz", ".warc.gz", ".arc.gz",
    ".rss.gz", ".atom.gz", ".xml.gz", ".html.gz",
)


@dataclass
class IngestReport:
    """What one ingest run did."""

    files: int = 0
    read: int = 0  # articles and read errors seen
    skipped: int = 0  # already stored or already recorded as bad
    added: int = 0  # new articles stored
    errors: int = 0  # new bad articles recorded
    events: int = 0  # article-level events stored
    interrupted: bool = False
    error_samples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "error_samples"}


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files named, found under folders (recursively) or matched by globs, in order."""
    out: list[str] = []
    for raw in paths:
        if raw == "-":
            out.append(raw)
            continue
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and name.lower().endswith(ARTICLE_SUFFIXES):
                        out.append(str(Path(root) / name))
        elif p.exists():
            out.append(str(p))
        elif glob.has_magic(raw):
            out.extend(m for m in sorted(glob.glob(raw, recursive=True)) if Path(m).is_file())
        else:
            out.append(str(p))  # the reader reports "cannot open" as an error
    return list(dict.fromkeys(out))


def estimate_count(path: str) -> int | None:
    """Articles in a file, cheaply: lines of JSON Lines, 1 for single articles.

    Only a progress estimate: lines are counted in the first
    EXACT_COUNT_BYTES of (decompressed) data and, for a longer file,
    extrapolated from the share of the file read so far.  Compressed files
    go through the readers' gzip-bomb guard, so a bomb costs milliseconds.
    """
    low = path.lower().removesuffix(".gz")
    if low.endswith((".jsonl", ".ndjson", ".json")):
        try:
            return _count_lines(Path(path))
        except (OSError, EOFError, ValueError):  # GzipBombError and BadGzipFile are OSErrors
            return None
    if low.endswith((".txt", ".html", ".htm", ".xhtml")):
        return 1
    return None  # feeds and WARC files: unknown until read


def _count_lines(path: Path) -> int:
    size = path.stat().st_size
    with open(path, "rb") as raw:
        guarded = GuardedGzipRaw(raw) if path.name.lower().endswith(".gz") else None
        fh = io.BufferedReader(guarded, 1 << 16) if guarded is not None else raw
        lines = read = 0
        last = b""
        while read < EXACT_COUNT_BYTES:
            chunk = fh.read(1 << 20)
            if not chunk:
                # A last line without a newline is an article too.
                return lines + (1 if last and not last.endswith(b"\n") else 0)
            lines += chunk.count(b"\n")
            read += len(chunk)
            last = chunk
        # Extrapolate by the share of the file on disk consumed so far.
        consumed = guarded.bytes_in if guarded is not None else read
        return round(lines * size / max(1, consumed))


def _item_key(item: Item) -> tuple[str, str]:
    """("hash", content hash) for an article, ("error", error key) for a read error."""
    if isinstance(item, Article):
        return "hash", content_hash(item.title, item.text)
    return "error", error_key(item.origin, item.id, None, item.error)


def _unseen(items: Iterable[Item], store: Store, report: IngestReport,
            on_skip: Any) -> Iterator[tuple[Item, str | None]]:
    """Items not stored yet, with their content hash (None for read errors)."""
    run_seen: set[str] = set()
    chunk: list[tuple[Item, tuple[str, str]]] = []

    def flush() -> Iterator[tuple[Item, str | None]]:
        hashes = [k for _, (kind, k) in chunk if kind == "hash"]
        keys = [k for _, (kind, k) in chunk if kind == "error"]
        known = store.known(hashes) | store.known_error_keys(keys)
        for item, (kind, k) in chunk:
            if k in known or k in run_seen:
                report.skipped += 1
                on_skip()
                continue
            run_seen.add(k)
            yield item, (k if kind == "hash" else None)
        chunk.clear()

    for item in items:
        report.read += 1
        chunk.append((item, _item_key(item)))
        if len(chunk) >= LOOKUP_CHUNK:
            yield from flush()
    yield from flush()


def _read_all(files: list[str], report: IngestReport) -> Iterator[Item]:
    for f in files:
        report.files += 1
        yield from iter_articles(f)


Stored = tuple[dict[str, Any], Item, str | None]  # (result, item, content hash)
# The most characters of a database message kept in the errors table: the
# first line says what was refused; the rest (SQL, parameters) is the article.
MAX_DB_MESSAGE = 300
# DB-API error classes that say the database, not the row, is in trouble
# (a lost connection, a lock, a full disk): such an article is tried again
# on the next run.
_OPERATIONAL = ("OperationalError", "InterfaceError", "DisconnectionError")


def _store_items(st: Store, conn: Any, items: list[Stored], tally: IngestReport) -> None:
    """Store results (or record their errors) on `conn`, counting into `tally`."""
    for result, item, chash in items:
        if result.get("error") is not None:
            if st.record_error(conn, item.origin, result.get("id"), chash, str(result["error"])):
                tally.errors += 1
                tally.error_samples.append(f"{item.origin}: {result['error']}")
            continue
        if st.add_to(conn, result, item.origin) is not None:
            tally.added += 1
            tally.events += len(result.get("events") or [])


def _store_batch(st: Store, items: list[Stored]) -> IngestReport:
    """Everything in one transaction (the fast path); raises if any row is refused."""
    tally = IngestReport()
    with st.transaction() as conn:
        _store_items(st, conn, items, tally)
    return tally


def database_message(exc: BaseException) -> str:
    """What the database (or driver) said, without the SQL and its parameters."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0].strip()
    return f"{type(orig).__name__}: {first}"[:MAX_DB_MESSAGE]


def _is_operational(exc: BaseException) -> bool:
    names = {c.__name__ for c in type(exc).__mro__}
    orig = getattr(exc, "orig", None)
    if orig is not None:
        names |= {c.__name__ for c in type(orig).__mro__}
    return bool(names & set(_OPERATIONAL)) or bool(getattr(exc, "connection_invalidated", False))


def _error_prefix(exc: BaseException) -> str:
    """How a storing failure is recorded.  Only a refusal by the database
    (a value too long, a constraint) is the article's own fault; operational
    trouble (a lock, a timeout) and a failure of our code get the "internal
    error" prefix, so that the next run tries the article again."""
    from sqlalchemy.exc import SQLAlchemyError

    if _is_operational(exc):
        return "internal error: database"
    # sqlite3 refuses an integer beyond 64 bits with a bare OverflowError
    # (PostgreSQL's driver with a DataError, which SQLAlchemy wraps).
    if isinstance(exc, SQLAlchemyError | OverflowError):
        return "database refused the article"
    return "internal error: storing failed"


def _database_alive(st: Store) -> bool:
    from sqlalchemy import text

    try:
        with st.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not usable now"
        return False


def _store_one_by_one(st: Store, items: list[Stored]) -> IngestReport:
    """A refused batch again, one transaction per article.

    The article the database refuses is recorded in the errors table and the
    others land; ingest goes on.  A refusal of the whole database (a lost
    connection, a full disk) is raised instead: recording every article as
    bad would be wrong, and a re-run resumes after the committed batches.
    """
    tally = IngestReport()
    for one in items:
        try:
            _store_batch_into(st, [one], tally)
            continue
        except Exception as exc:  # noqa: BLE001 - the database refused this article
            refused = exc
        if _is_operational(refused) and not _database_alive(st):
            raise refused
        result, item, chash = one
        message = f"{_error_prefix(refused)}: {database_message(refused)}"
        article_id = result.get("id")
        article_id = str(article_id)[:200] if article_id is not None else None  # the column's size
        try:
            with st.transaction() as conn:
                recorded = st.record_error(conn, item.origin, article_id, chash, message)
        except Exception as exc:  # noqa: BLE001 - not even the error could be stored
            if _is_operational(exc) and not _database_alive(st):
                raise
            recorded = True
            message += f" (not recorded: {database_message(exc)})"
        if recorded:
            tally.errors += 1
            tally.error_samples.append(f"{item.origin}: {message}")
    return tally


def _store_batch_into(st: Store, items: list[Stored], tally: IngestReport) -> None:
    """`items` in one transaction, counted into `tally` only once it has committed."""
    part = _store_batch(st, items)
    tally.added += part.added
    tally.events += part.events
    tally.errors += part.errors
    tally.error_samples.extend(part.error_samples)


def ingest(
    paths: Iterable[str],
    store: Store | str,
    *,
    workers: int = 1,
    reference_date: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: bool = True,
) -> IngestReport:
    """Read, extract and store every new article under `paths`."""
    from tqdm import tqdm

    from hadath.batch import process

    own = isinstance(store, str)
    st = Store(store) if isinstance(store, str) else store
    files = expand_paths(paths)
    estimates = [estimate_count(f) for f in files]
    total = sum(e for e in estimates if e is not None) if all(e is not None for e in estimates) else None
    report = IngestReport()
    bar = tqdm(total=total, unit="article", disable=not progress, dynamic_ncols=True,
               smoothing=0.05, desc="ingest")
    pending: deque[tuple[Item, str | None]] = deque()

    def queued() -> Iterator[Item]:
        for item, chash in _unseen(_read_all(files, report), st, report, lambda: bar.update(1)):
            pending.append((item, chash))
            yield item

    batch: list[tuple[dict[str, Any], Item, str | None]] = []

    def commit() -> None:
        if not batch:
            return
        try:
            tally = _store_batch(st, batch)
        except Exception:  # noqa: BLE001 - any refusal: find the article that caused it
            tally = _store_one_by_one(st, batch)
        report.added += tally.added
        report.events += tally.events
        report.errors += tally.errors
        room = 20 - len(report.error_samples)
        report.error_samples.extend(tally.error_samples[:max(0, room)])
        bar.set_postfix(added=report.added, skipped=report.skipped, errors=report.errors,
                        refresh=False)
        batch.clear()

    try:
        for result in process(queued(), workers=workers, reference_date=reference_date):
            item, chash = pending.popleft()
            batch.append((result, item, chash))
            bar.update(1)
            if len(batch) >= batch_size:
                commit()
        commit()
    except KeyboardInterrupt:
        report.interrupted = True  # committed batches stay; re-running resumes
    finally:
        bar.close()
        if own:
            st.close()
    return report


def ingest_results(results: Iterable[dict[str, Any]], store: Store,
                   batch_size: int = BATCH_SIZE) -> int:
    """Store already-extracted contract objects (e.g. `hadath extract` output)."""
    n = 0
    buf: list[dict[str, Any]] = []
    for r in results:
        buf.append(r)
        if len(buf) >= batch_size:
            n += sum(1 for x in store.add_results(buf) if x is not None)
            buf.clear()
    if buf:
        n += sum(1 for x in store.add_results(buf) if x is not None)
    return n


__all__ = ["IngestReport", "expand_paths", "ingest", "ingest_results", "ReadError"]
