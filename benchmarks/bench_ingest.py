"""Ingest, idempotency, SQLite/PostgreSQL agreement and cross-report dedup on real news.

    nice .venv/bin/python benchmarks/bench_ingest.py \\
        [--input ../shared/data/news/saudinewsnet_conflict.jsonl.gz] [--workers 2] \\
        [--pg postgresql+psycopg://...] [--limit N] [--merges docs/store_merges.md]

1. ingests the input into a fresh SQLite file (timed, with the progress bar);
2. ingests it again: must add nothing;
3. with --pg, ingests the same input into PostgreSQL (the extraction results
   of step 1 are reused, so only storage is timed) and compares counts;
4. reports how many article-level events collapse into how many canonical
   events, and writes 30 random merges (seeded) with their evidence for a
   hand check.

With --dedup-only --db URL it only recomputes the canonical events of an
existing store (after a change to the dedup rules) and reports the same.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import hadath.batch  # noqa: E402
from hadath.store import Store  # noqa: E402
from hadath.store.ingest import ingest  # noqa: E402

DEFAULT_INPUT = REPO / ".." / "shared" / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"
COUNT_KEYS = ("articles", "events", "canonical_events", "errors", "near_duplicate_groups",
              "articles_in_near_duplicate_groups")


def _key(item) -> tuple[str, str]:
    return item.origin, getattr(item, "text", None) or getattr(item, "error", "")


def recording(memo: dict):
    """hadath.batch.process that remembers each result (outputs are in input order)."""
    real = hadath.batch.process

    def process(items, workers=1, reference_date=None, **kw):
        keys: deque = deque()

        def feed():
            for item in items:
                keys.append(_key(item))
                yield item

        for result in real(feed(), workers=workers, reference_date=reference_date, **kw):
            memo[keys.popleft()] = result
            yield result

    return process


def replaying(memo: dict):
    """hadath.batch.process answering from `memo` (extracting only what it lacks)."""

    def process(items, workers=1, reference_date=None, **kw):
        for item in items:
            r = memo.get(_key(item))
            yield r if r is not None else hadath.batch.process_item(item, reference_date)

    return process


def limited_input(path: Path, limit: int | None, tmp: Path) -> Path:
    if not limit:
        return path
    out = tmp / "sample.jsonl"
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        out.write_text("".join(itertools.islice(fh, limit)), encoding="utf-8")
    return out


def merge_samples(store: Store, n: int, seed: int) -> list[dict]:
    total, rows = store.events(limit=None)
    merged = [r for r in rows if r["n_reports"] > 1]
    random.Random(seed).shuffle(merged)
    out = []
    for c in merged[:n]:
        detail = store.event(c["id"])
        out.append(detail)
    return out


def write_merges(samples: list[dict], path: Path) -> None:
    lines = ["# 30 random merges for a hand check (benchmarks/bench_ingest.py)", ""]
    for i, c in enumerate(samples, 1):
        place = (c.get("place") or {}).get("name") or "-"
        lines.append(f"## {i}. {c['id']} {c['type']}/{c.get('mode') or '-'} {c.get('date')} "
                     f"{place} ({c.get('country') or '-'}) reports={c['n_reports']} "
                     f"articles={c['n_articles']} killed={c.get('fatalities')} injured={c.get('injured')}")
        for r in c["reports"]:
            ev = r.get("evidence") or {}
            p = (r.get("place") or {}).get("name") or "-"
            who = ", ".join(a["text"] for a in r.get("actors") or []) or "-"
            whom = ", ".join(a["text"] for a in r.get("recipients") or []) or "-"
            lines.append(f"- `{r['id']}` {r.get('date')} {p} | {who} -> {whom} | "
                         f"k={r.get('fatalities')} i={r.get('injured')} | "
                         f"{(ev.get('sentence_text') or '')[:300]}")
        lines.append("- verdict: ")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def dedup_figures(store: Store) -> dict:
    _, rows = store.events(limit=None)
    return {
        "canonical_with_several_reports": sum(1 for r in rows if r["n_reports"] > 1),
        "reports_in_merged_events": sum(r["n_reports"] for r in rows if r["n_reports"] > 1),
        "canonical_spanning_articles": sum(1 for r in rows if r["n_articles"] > 1),
        "articles_in_cross_article_merges": sum(r["n_articles"] for r in rows if r["n_articles"] > 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--db", help="SQLite URL (default: a fresh file in a temp dir)")
    ap.add_argument("--pg", help="PostgreSQL URL: also ingest there and compare counts")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--limit", type=int, help="only the first N lines of the input")
    ap.add_argument("--merges", type=Path, help="write 30 random merges here (markdown)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dedup-only", action="store_true",
                    help="no ingest: recompute canonical events in --db (timed) and report dedup")
    args = ap.parse_args()
    if args.dedup_only:
        if not args.db:
            ap.error("--dedup-only needs --db")
        with Store(args.db) as store:
            t0 = time.perf_counter()
            reports, canonical = store.rebuild_canonical()
            res = {"dedup_s": round(time.perf_counter() - t0, 1), "reports": reports,
                   "canonical_events": canonical, **dedup_figures(store),
                   "integrity_ok": store.integrity_check()}
            if args.merges:
                write_merges(merge_samples(store, 30, args.seed), args.merges)
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return

    tmp = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    src = limited_input(args.input, args.limit, tmp)
    memo: dict = {}
    real_process = hadath.batch.process
    hadath.batch.process = recording(memo)
    out: dict = {"input": str(args.input), "limit": args.limit, "workers": args.workers}

    url = args.db or f"sqlite:///{tmp / 'hadath.db'}"
    with Store(url) as store:
        t0 = time.perf_counter()
        first = ingest([str(src)], store, workers=args.workers)
        out["sqlite_ingest_s"] = round(time.perf_counter() - t0, 1)
        out["sqlite_first"] = first.as_dict()
        t0 = time.perf_counter()
        second = ingest([str(src)], store, workers=args.workers)
        out["sqlite_rerun_s"] = round(time.perf_counter() - t0, 1)
        out["sqlite_rerun"] = second.as_dict()
        stats = store.stats()
        out["sqlite_counts"] = {k: stats[k] for k in COUNT_KEYS}
        out["sqlite_integrity_ok"] = store.integrity_check()
        out["by_type"] = stats["by_type"]
        out.update(dedup_figures(store))
        if args.merges:
            write_merges(merge_samples(store, 30, args.seed), args.merges)

    if args.pg:
        hadath.batch.process = replaying(memo)
        from sqlalchemy import create_engine

        from hadath.store.models import metadata, pg_metadata

        engine = create_engine(Store(args.pg, create=False).url)
        with engine.begin() as conn:
            pg_metadata.drop_all(conn)
            metadata.drop_all(conn)
        engine.dispose()
        with Store(args.pg) as pg:
            t0 = time.perf_counter()
            ingest([str(src)], pg, workers=args.workers)
            out["pg_store_s"] = round(time.perf_counter() - t0, 1)
            again = ingest([str(src)], pg, workers=args.workers, progress=False)
            out["pg_rerun_added"] = again.added
            pstats = pg.stats()
            out["pg_counts"] = {k: pstats[k] for k in COUNT_KEYS}
            out["pg_integrity_ok"] = pg.integrity_check()
            out["pg_same_counts"] = out["pg_counts"] == out["sqlite_counts"]
    hadath.batch.process = real_process
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
