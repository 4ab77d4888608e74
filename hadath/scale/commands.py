"""`hadath bench`: speed, memory and scaling of the pipeline on real news."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _workers_list(value: str) -> list[int]:
    try:
        out = [int(x) for x in value.split(",") if x.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError("workers is a comma-separated list, e.g. 1,2") from exc
    if not out or min(out) < 1:
        raise argparse.ArgumentTypeError("workers are positive numbers, e.g. 1,2")
    return out


def cmd_bench(args: argparse.Namespace) -> int:
    import orjson

    from hadath.scale.bench import default_input, format_report, run_bench

    path = args.input or default_input()
    rep = run_bench(path, limit=args.limit or None, workers=args.workers,
                    cold_runs=args.cold_runs, stages=not args.no_stages,
                    profile_top=args.profile, warm=args.warm, rounds=args.rounds)
    print(format_report(rep))
    if args.json:
        with open(args.json, "wb") as fh:
            fh.write(orjson.dumps(rep, option=orjson.OPT_INDENT_2) + b"\n")
        print(f"report written to {args.json}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("bench", help="measure speed, memory and scaling on real news")
    p.add_argument("input", nargs="?", default=None, metavar="PATH",
                   help="articles (default: $HADATH_NEWS or "
                        "../shared/data/news/saudinewsnet_conflict.jsonl.gz)")
    p.add_argument("--limit", type=int, default=300, help="articles to use (0: all; default 300)")
    p.add_argument("--workers", type=_workers_list, default=None, metavar="N,M,...",
                   help="also time the process pool with these worker counts, e.g. 1,2")
    p.add_argument("--rounds", type=int, default=1, metavar="R",
                   help="run the worker counts in turn R times; each speed-up is against its own "
                        "round's one-worker run, and the medians are reported")
    p.add_argument("--cold-runs", type=int, default=3,
                   help="fresh `hadath extract` processes to time (0: skip)")
    p.add_argument("--warm", type=int, default=0, metavar="N",
                   help="first run N other articles of the file, untimed, so that the per-word "
                        "caches are as in a long run (steady state; default 0: cold caches)")
    p.add_argument("--no-stages", action="store_true", help="skip the per-stage timing")
    p.add_argument("--profile", type=int, default=0, metavar="TOP",
                   help="also print a cProfile of the TOP functions by own time")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON here")
    p.set_defaults(func=cmd_bench)
