"""`hadath ingest`: files, folders and globs into the store, resumably.

Idempotent by content hash: an article already stored (or already recorded
as bad) is skipped before extraction, so re-running over the same input adds
nothing and costs only reading.  Results are committed in batches; a crash
loses at most the uncommitted batch and re-running finishes the job.  A bad
article is recorded in the errors table and the batch goes on.
"""

from __future__ import annotations

import glob
import gzip
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hadath.readers import Article, Item, ReadError, iter_articles
from hadath.store.store import Store, content_hash, error_key

BATCH_SIZE = 100  # results per transaction: the most a crash can lose
LOOKUP_CHUNK = 256  # items per "already stored?" query

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
    """Articles in a file, cheaply: lines of JSON Lines, 1 for single articles."""
    low = path.lower().removesuffix(".gz")
    if low.endswith((".jsonl", ".ndjson", ".json")):
        try:
            opener = gzip.open if path.lower().endswith(".gz") else open
            with opener(path, "rb") as fh:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        except OSError:
            return None
    if low.endswith((".txt", ".html", ".htm", ".xhtml")):
        return 1
    return None  # feeds and WARC files: unknown until read


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
        with st.transaction() as conn:
            for result, item, chash in batch:
                origin = item.origin
                if result.get("error") is not None:
                    if st.record_error(conn, origin, result.get("id"), chash, str(result["error"])):
                        report.errors += 1
                        if len(report.error_samples) < 20:
                            report.error_samples.append(f"{origin}: {result['error']}")
                    continue
                if st.add_to(conn, result, origin) is not None:
                    report.added += 1
                    report.events += len(result.get("events") or [])
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
