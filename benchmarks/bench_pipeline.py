"""Speed, memory and scaling of the whole pipeline on real news.

    nice .venv/bin/python benchmarks/bench_pipeline.py [PATH] [--limit 300] [--workers 1,2]
        [--cold-runs 3] [--profile 40] [--json benchmarks/results/pipeline.json]

Same as `hadath bench`; PATH defaults to $HADATH_NEWS or
../shared/data/news/saudinewsnet_conflict.jsonl.gz.  Reports articles per
CPU second on one core end to end and per stage, peak memory of one worker,
cold start of `python -m hadath extract` on one article, and the speed-up of
the process pool from 1 to N workers (with the load average, since other
processes on the same cores distort it).  Optional `--dask N` also times a
Dask LocalCluster of N workers over the same articles and checks that it
gives the single-process results.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hadath.scale.bench import default_input, format_report, run_bench  # noqa: E402
from hadath.scale.commands import _workers_list  # noqa: E402


def dask_check(path: str, workers: int, partition_size: int, limit: int | None) -> str:
    """Dask LocalCluster over `path` vs a single-process run of the same file."""
    import orjson

    from hadath.batch import process
    from hadath.readers import iter_articles
    from hadath.scale import dask_engine
    from hadath.scale.bench import load

    if limit:
        import tempfile

        tmp = Path(tempfile.mkdtemp()) / "sample.jsonl"
        with open(tmp, "wb") as fh:
            for item in load(path, limit):
                fh.write(orjson.dumps({k: getattr(item, k, None) for k in
                                       ("id", "title", "text", "date", "source", "url")}) + b"\n")
        path = str(tmp)
    t0 = time.perf_counter()
    client = dask_engine.connect(workers=workers)
    started = time.perf_counter() - t0
    lines: list[bytes] = []
    try:
        rep = dask_engine.run([path], client, partition_size=partition_size,
                              on_result=lines.append)
    finally:
        dask_engine.close(client)
    t1 = time.perf_counter()
    same = 0
    n = 0
    for line, ref in zip(lines, process(iter_articles(path), workers=1), strict=False):
        n += 1
        same += orjson.loads(line) == ref
    single = time.perf_counter() - t1
    return (f"dask LocalCluster, {workers} workers: cluster start {started:.1f} s, "
            f"{rep.articles} articles in {rep.seconds:.1f} s ({rep.articles / rep.seconds:.1f}/s, "
            f"{rep.partitions} partitions, {rep.events} events); single process "
            f"{n / single:.1f}/s; identical objects: {same}/{n} "
            f"(and {len(lines)} vs {n} articles)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", default=None)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--workers", type=_workers_list, default=None)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--no-stages", action="store_true")
    ap.add_argument("--profile", type=int, default=0)
    ap.add_argument("--json", default=None)
    ap.add_argument("--dask", type=int, default=0, metavar="N",
                    help="also run a Dask LocalCluster of N workers and compare")
    ap.add_argument("--partition-size", type=int, default=500)
    args = ap.parse_args()
    path = args.input or default_input()
    rep = run_bench(path, limit=args.limit or None, workers=args.workers,
                    cold_runs=args.cold_runs, stages=not args.no_stages, profile_top=args.profile)
    print(format_report(rep), flush=True)
    if args.json:
        import orjson

        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_bytes(orjson.dumps(rep, option=orjson.OPT_INDENT_2) + b"\n")
    if args.dask:
        print(dask_check(path, args.dask, args.partition_size, args.limit or None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
