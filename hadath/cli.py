"""The `hadath` command line: thin argument parsing over the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date as _date
from typing import Any, BinaryIO

import orjson


def _iso_date(value: str) -> str:
    try:
        return _date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from exc


def _items(paths: list[str]) -> Iterator[Any]:
    from hadath.readers import iter_articles

    for path in paths:
        yield from iter_articles(path)


def cmd_extract(args: argparse.Namespace) -> int:
    if args.engine == "dask":
        return _extract_dask(args)
    if args.output_dir or args.db:
        print("hadath: --output-dir and --db need --engine dask "
              "(use `hadath ingest` for a store on one machine)", file=sys.stderr)
        return 2
    from hadath.batch import default_workers, process_encoded

    workers = args.workers if args.workers is not None else default_workers()
    out: BinaryIO = open(args.output, "wb") if args.output else sys.stdout.buffer
    ok = total = 0
    opts = orjson.OPT_INDENT_2 if args.format == "json" else 0
    try:
        if args.format == "json":
            out.write(b"[\n")
        # Encoded in the workers: the parent only writes bytes in order.
        for good, data in process_encoded(_items(args.paths or ["-"]), workers=workers,
                                          reference_date=args.date, option=opts):
            if args.format == "json" and total:
                out.write(b",\n")
            total += 1
            ok += good
            out.write(data)
            if args.format == "jsonl":
                out.write(b"\n")
                out.flush()
        if args.format == "json":
            out.write(b"\n]\n")
    finally:
        if args.output:
            out.close()
    if total and not ok:
        print(f"hadath: none of {total} articles could be processed", file=sys.stderr)
    elif not total:
        print("hadath: no article found in the input", file=sys.stderr)
    return 0 if ok else 1


def _extract_dask(args: argparse.Namespace) -> int:
    """`hadath extract --engine dask`: partitions of the input on a Dask cluster."""
    try:
        import distributed  # noqa: F401 - the optional [dask] extra

        from hadath.scale import dask_engine
    except ImportError as exc:
        print(f"hadath: --engine dask needs dask[distributed] ({exc})", file=sys.stderr)
        return 2
    paths = args.paths or ["-"]
    if "-" in paths:
        print("hadath: --engine dask reads files (workers open them), not standard input",
              file=sys.stderr)
        return 2
    to_stream = not (args.output_dir or args.db)
    out: BinaryIO | None = None
    if to_stream:
        out = open(args.output, "wb") if args.output else sys.stdout.buffer
    count = 0

    def write(line: bytes) -> None:
        nonlocal count
        assert out is not None
        if args.format == "json":
            out.write(b"[\n" if not count else b",\n")
            out.write(orjson.dumps(orjson.loads(line), option=orjson.OPT_INDENT_2))
        else:
            out.write(line + b"\n")
        count += 1

    client = dask_engine.connect(args.scheduler, args.workers)
    try:
        report = dask_engine.run(
            paths, client, out_dir=args.output_dir, fmt=args.shard_format, db=args.db,
            reference_date=args.date, partition_size=args.partition_size,
            on_result=write if to_stream else None,
        )
    finally:
        dask_engine.close(client)
        if out is not None:
            if args.format == "json":
                out.write(b"\n]\n" if count else b"[]\n")
            if args.output:
                out.close()
            else:
                out.flush()
    print(f"hadath: {report.partitions} partitions on {report.workers} workers: "
          f"{report.articles} articles ({report.errors} errors, {report.events} events), "
          f"{report.skipped} already done, {report.seconds:.1f} s", file=sys.stderr)
    done = report.articles + report.skipped
    return 0 if done and report.errors < done else 1


def cmd_tag(args: argparse.Namespace) -> int:
    from hadath.entities import tag_conll

    source = (nullcontext(sys.stdin) if args.path == "-"
              else open(args.path, encoding="utf-8-sig", errors="replace"))
    with source as lines:
        for line in tag_conll(lines):
            sys.stdout.write(line + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from hadath import __version__

    parser = argparse.ArgumentParser(
        prog="hadath", description="Structured, dated, geocoded events from Arabic news."
    )
    parser.add_argument("--version", action="version", version=f"hadath {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="annotate articles and print the contract's JSON")
    ex.add_argument("paths", nargs="*", metavar="PATH", help="files, or - for standard input")
    ex.add_argument("--format", choices=["jsonl", "json"], default="jsonl")
    ex.add_argument("--date", type=_iso_date, help="reference date for relative expressions")
    ex.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    ex.add_argument("--workers", type=int, default=None,
                    help="processes to use (default: all cores; with --engine dask and no "
                         "--scheduler, the local cluster's worker processes)")
    ex.add_argument("--engine", choices=["local", "dask"], default="local",
                    help="local: a process pool on this machine; dask: partitions of the "
                         "input on a Dask cluster (see docs/scale.md)")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    ex.add_argument("--output-dir", metavar="DIR",
                    help="dask: write one shard per partition here instead of to the output")
    ex.add_argument("--shard-format", choices=["jsonl", "parquet"], default="jsonl",
                    help="dask: shard format in --output-dir")
    ex.add_argument("--db", metavar="URL",
                    help="dask: store results in this database (postgresql://... or sqlite:///...)")
    ex.add_argument("--partition-size", type=int, default=500, metavar="N",
                    help="dask: articles per partition (default 500)")
    ex.set_defaults(func=cmd_extract)

    tg = sub.add_parser("tag", help="named-entity tagging of CoNLL-style tokens")
    tg.add_argument("path", nargs="?", default="-", metavar="PATH")
    tg.set_defaults(func=cmd_tag)

    for module in _COMMAND_MODULES:
        __import__(module, fromlist=["register"]).register(sub)
    return parser


# Subsystems that add their own subcommands; each keeps heavy imports inside
# its command functions so `hadath extract` starts fast.
_COMMAND_MODULES: list[str] = ["hadath.store.commands", "hadath.api.commands",
                               "hadath.scale.commands"]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
