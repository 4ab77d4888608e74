"""The `hadath` command line: thin argument parsing over the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
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
    from hadath.batch import default_workers, process

    workers = args.workers if args.workers is not None else default_workers()
    out: BinaryIO = open(args.output, "wb") if args.output else sys.stdout.buffer
    ok = total = 0
    opts = orjson.OPT_INDENT_2 if args.format == "json" else 0
    try:
        if args.format == "json":
            out.write(b"[\n")
        for result in process(_items(args.paths or ["-"]), workers=workers,
                              reference_date=args.date):
            if args.format == "json" and total:
                out.write(b",\n")
            total += 1
            ok += "error" not in result
            out.write(orjson.dumps(result, option=opts))
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


def cmd_tag(args: argparse.Namespace) -> int:
    from hadath.entities import tag_conll

    if args.path == "-":
        lines = sys.stdin
    else:
        lines = open(args.path, encoding="utf-8-sig", errors="replace")
    with lines if args.path != "-" else _nullcontext(lines):
        for line in tag_conll(lines):
            sys.stdout.write(line + "\n")
    return 0


class _nullcontext:
    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __enter__(self) -> Any:
        return self.obj

    def __exit__(self, *exc: object) -> None:
        return None


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
                    help="processes to use (default: all cores)")
    ex.set_defaults(func=cmd_extract)

    tg = sub.add_parser("tag", help="named-entity tagging of CoNLL-style tokens")
    tg.add_argument("path", nargs="?", default="-", metavar="PATH")
    tg.set_defaults(func=cmd_tag)

    for module in _COMMAND_MODULES:
        __import__(module, fromlist=["register"]).register(sub)
    return parser


# Subsystems that add their own subcommands; each keeps heavy imports inside
# its command functions so `hadath extract` starts fast.
_COMMAND_MODULES: list[str] = ["hadath.store.commands", "hadath.api.commands"]


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
