"""Store throughput with many near-copies of one story (syndicated agency wires).

    nice .venv/bin/python benchmarks/bench_ingest_copies.py \\
        [--input ../shared/data/news/saudinewsnet_conflict.jsonl.gz] [--stories 3] \\
        [--copies 300] [--db sqlite:///...]

Extracts the first `--stories` articles of the input that have events (the
real pipeline, once), then stores `--copies` near-copies of each, story
after story, through `Store.add_results` in ingest's batch size (at most `--window`).  A copy is
the original with a different closing line (another outlet's credit), so
its content hash differs, MinHash puts it in the original's near-duplicate
group, and its events keep their offsets.  Only storage is timed: it reports
events stored per second for the first and the last `--window` copies of
each story, by wall and by CPU time (flat figures mean insert cost does
not grow with the group), the canonical events that result, and the
store's integrity check.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hadath.batch import process_item  # noqa: E402
from hadath.readers import iter_articles  # noqa: E402
from hadath.store import Store  # noqa: E402
from hadath.store.ingest import BATCH_SIZE  # noqa: E402

DEFAULT_INPUT = REPO / ".." / "shared" / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"
OUTLETS = ("واس", "رويترز", "فرانس برس", "الأناضول", "سبوتنيك", "د ب أ", "كونا", "وام")


def stories(path: Path, n: int, scan: int = 200) -> list[dict]:
    """The first `n` articles of `path` whose extraction has events."""
    out: list[dict] = []
    for i, item in enumerate(iter_articles(str(path))):
        if i >= scan or len(out) >= n:
            break
        result = process_item(item, None)
        if result.get("error") is None and result.get("events"):
            out.append(result)
    return out


def near_copy(result: dict, story: int, k: int) -> dict:
    """Copy `k` of a story: same text and events, a different credit line appended."""
    c = copy.deepcopy(result)
    c["id"] = f"s{story}-copy{k}"
    c["source"] = OUTLETS[k % len(OUTLETS)]
    c["text"] = result["text"] + f"\n(المصدر: {OUTLETS[k % len(OUTLETS)]} - نسخة {k})"
    return c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--stories", type=int, default=3)
    ap.add_argument("--copies", type=int, default=300)
    ap.add_argument("--window", type=int, default=50, help="copies per timed window")
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file in a temp dir)")
    args = ap.parse_args()
    if not args.input.exists():
        ap.error(f"no input at {args.input}")
    originals = stories(args.input, args.stories)
    tmp = Path(tempfile.mkdtemp(prefix="bench_copies_"))
    url = args.db or f"sqlite:///{tmp / 'copies.db'}"
    windows: list[dict] = []
    total_events, t_all, cpu_all = 0, 0.0, 0.0
    with Store(url) as store:
        for s, original in enumerate(originals):
            copies = [near_copy(original, s, k) for k in range(args.copies)]
            per_copy: list[float] = []
            cpu_per_copy: list[float] = []
            n_ev = len(original["events"])
            step = min(BATCH_SIZE, args.window)
            for start in range(0, len(copies), step):
                batch = copies[start:start + step]
                t0, c0 = time.perf_counter(), time.process_time()
                store.add_results(batch)
                dt, dc = time.perf_counter() - t0, time.process_time() - c0
                per_copy += [dt / len(batch)] * len(batch)
                cpu_per_copy += [dc / len(batch)] * len(batch)
            t_all += sum(per_copy)
            cpu_all += sum(cpu_per_copy)
            total_events += n_ev * len(copies)
            w = min(args.window, len(per_copy))
            windows.append({
                "story": s, "events_per_copy": n_ev,
                "first_copies_events_per_s": round(n_ev * w / sum(per_copy[:w]), 1),
                "last_copies_events_per_s": round(n_ev * w / sum(per_copy[-w:]), 1),
                # CPU time of this process: steadier than wall time on a shared machine.
                "first_copies_events_per_cpu_s": round(n_ev * w / sum(cpu_per_copy[:w]), 1),
                "last_copies_events_per_cpu_s": round(n_ev * w / sum(cpu_per_copy[-w:]), 1),
            })
        stats = store.stats()
        out = {
            "stories": len(originals), "copies_per_story": args.copies,
            "events_stored": total_events, "store_s": round(t_all, 1),
            "events_per_s": round(total_events / t_all, 1) if t_all else None,
            "events_per_cpu_s": round(total_events / cpu_all, 1) if cpu_all else None,
            "windows": windows,
            "counts": {k: stats[k] for k in ("articles", "events", "canonical_events",
                                              "near_duplicate_groups",
                                              "articles_in_near_duplicate_groups")},
            "integrity_ok": store.integrity_check(),
        }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    # Keep the store only when the caller named it.
    if not args.db:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
