"""Paired speed comparison of two code trees on the same articles.

    git worktree add /tmp/before c677dc5
    .venv/bin/python benchmarks/bench_paired.py /tmp/before . --warm 600 --limit 600

A virtual machine's speed drifts: a fixed workload's time doubles for tens
of seconds at a time, so two runs one after the other can differ by more
than the change being measured.  Here both trees run at once, one Python
process each (PYTHONPATH set to the tree), and take turns: each loads the
same articles and processes `--warm` of them untimed, then the driver hands
both the same batch of `--step` articles, one after the other (alternating
which goes first), and sums each one's CPU time over the batches.  Both
thus see the same host speed, batch by batch.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_NEWS = "../shared/data/news/saudinewsnet_conflict.jsonl.gz"


def child(news: str, warm: int, limit: int) -> None:
    """Load, warm up, then process the batches the driver asks for."""
    import hadath.batch as batch
    from hadath.scale.bench import load

    items = load(news, warm + limit)
    batch.process_item(items[0], None)
    if hasattr(batch, "freeze_long_lived"):  # as `hadath extract` does, where it does
        batch.freeze_long_lived()
    for item in items[1:warm]:
        batch.process_item(item, None)
    timed = items[warm:]
    print("ready", flush=True)
    for line in sys.stdin:
        a, b = map(int, line.split())
        t = time.process_time()
        for item in timed[a:b]:
            batch.process_item(item, None)
        print(time.process_time() - t, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before", help="code tree A (e.g. a git worktree of an older commit)")
    ap.add_argument("after", help="code tree B")
    ap.add_argument("--news", default=DEFAULT_NEWS)
    ap.add_argument("--warm", type=int, default=600, help="articles processed untimed first")
    ap.add_argument("--limit", type=int, default=600, help="articles timed")
    ap.add_argument("--step", type=int, default=20, help="articles per turn")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    news = str(Path(args.news).resolve())
    if args.child:
        child(news, max(1, args.warm), args.limit)
        return
    procs = []
    for tree in (args.before, args.after):
        root = str(Path(tree).resolve())
        env = dict(os.environ, PYTHONPATH=root)
        procs.append(subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), root, root, "--child",
             "--news", news, "--warm", str(args.warm), "--limit", str(args.limit)],
            cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    for p in procs:
        if p.stdout.readline().strip() != "ready":
            sys.exit("a child failed to start")
    cpu = [0.0, 0.0]
    for turn, a in enumerate(range(0, args.limit, args.step)):
        b = min(args.limit, a + args.step)
        for i in ((0, 1) if turn % 2 == 0 else (1, 0)):
            procs[i].stdin.write(f"{a} {b}\n")
            procs[i].stdin.flush()
            cpu[i] += float(procs[i].stdout.readline())
    for p in procs:
        p.stdin.close()
        p.wait()
    for tree, c in zip((args.before, args.after), cpu, strict=True):
        print(f"{tree}: {args.limit / c:.1f} articles per CPU second ({c:.2f} s CPU)")
    print(f"speed ratio, {args.after} / {args.before}: {cpu[0] / cpu[1]:.3f}")


if __name__ == "__main__":
    main()
