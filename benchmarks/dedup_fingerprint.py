"""Which reports merge into which canonical events, as one fingerprint.

    nice .venv/bin/python benchmarks/dedup_fingerprint.py \\
        [--input ../shared/data/news/saudinewsnet_conflict.jsonl.gz] [--limit 500] \\
        [--cache /tmp/hadath-results-500.jsonl]

Ingests the first `--limit` articles of the input into a fresh SQLite store
(through `hadath.store.ingest.ingest`, batches and all) and prints the counts
a SHA-256 of the partition of article-level events into canonical events
(each canonical event as the sorted ids of its reports) and one of every
column of every canonical event, plus the time spent storing.  Run it before and after a change to the dedup code:
equal fingerprints mean the change merges exactly the same reports.
Extraction results are cached in `--cache` (JSON Lines), so a second run,
or the same run from an older checkout, extracts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import hadath.batch  # noqa: E402
from hadath.readers import iter_articles  # noqa: E402
from hadath.store import Store  # noqa: E402
from hadath.store.ingest import ingest  # noqa: E402

DEFAULT_INPUT = REPO / ".." / "shared" / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"


def _key(item) -> str:
    # Not the origin: it names the temporary sample file, which differs per run.
    return json.dumps([item.id, getattr(item, "text", None) or getattr(item, "error", "")],
                      ensure_ascii=False)


def cached_results(src: Path, cache: Path) -> dict[str, dict]:
    """Extraction result per item key, extracting (and caching) what is missing."""
    memo: dict[str, dict] = {}
    if cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            memo[row["key"]] = row["result"]
    items = [i for i in iter_articles(str(src)) if _key(i) not in memo]
    if items:
        with open(cache, "a", encoding="utf-8") as out:
            for item, result in zip(items, hadath.batch.process(iter(items)), strict=True):
                memo[_key(item)] = result
                out.write(json.dumps({"key": _key(item), "result": result}, ensure_ascii=False) + "\n")
    return memo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "hadath-results-500.jsonl")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dedup_fp_"))
    src = tmp / "sample.jsonl"
    with open(src, "wb") as out:
        for item_line in itertools.islice(_lines(args.input), args.limit):
            out.write(item_line)
    memo = cached_results(src, args.cache)

    def replay(items, workers=1, reference_date=None, **_kw):
        for item in items:
            yield memo[_key(item)]

    hadath.batch.process = replay
    with Store(f"sqlite:///{tmp / 'fp.db'}") as store:
        t0 = time.perf_counter()
        report = ingest([str(src)], store, progress=False)
        store_s = time.perf_counter() - t0
        groups: dict[str, list[str]] = defaultdict(list)
        with store.engine.connect() as conn:
            for eid, cid in conn.exec_driver_sql("SELECT id, canonical_id FROM events"):
                groups[cid].append(eid)
        partition = sorted(sorted(g) for g in groups.values())
        # Every column of every canonical event (sources, counts, figures, place).
        from sqlalchemy import select

        from hadath.store.models import canonical_events
        with store.engine.connect() as conn:
            canon = sorted((dict(r) for r in conn.execute(select(canonical_events)).mappings()),
                           key=lambda r: r["id"])
        stats = store.stats()
        out = {
            "articles": stats["articles"], "events": stats["events"],
            "canonical_events": stats["canonical_events"],
            "canonical_with_several_reports": sum(1 for g in partition if len(g) > 1),
            "near_duplicate_groups": stats["near_duplicate_groups"],
            "errors": stats["errors"], "added": report.added,
            "partition_sha256": hashlib.sha256(json.dumps(partition).encode()).hexdigest(),
            "canonical_rows_sha256": hashlib.sha256(
                json.dumps(canon, sort_keys=True, default=str).encode()).hexdigest(),
            "store_s": round(store_s, 1),
            "integrity_ok": store.integrity_check(),
        }
    print(json.dumps(out, indent=2))
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()


def _lines(path: Path):
    from hadath.readers import _open_binary

    with _open_binary(path) as fh:
        yield from fh


if __name__ == "__main__":
    main()
