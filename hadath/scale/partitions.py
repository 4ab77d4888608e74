"""Cutting the input into partitions that workers can read on their own.

A JSON Lines file (plain or gzipped) is cut into ranges of lines; any other
file (text, HTML, feeds, WARC) is one unit and such files are grouped.  A
worker re-opens the file and reads only its range, so nothing but the
partition's description travels to it, and the origins it reports
(`path:line`) are exactly those of a single-process run.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hadath.readers import Item, detect_kind, iter_articles, iter_jsonl_stream

DEFAULT_PARTITION_SIZE = 500  # articles a partition: a few seconds of work a core


@dataclass(frozen=True, slots=True)
class Partition:
    """Lines [first, last) of one JSON Lines file, or whole files."""

    index: int
    files: tuple[str, ...]
    first: int = 0  # 0-based line numbers; only for a single JSON Lines file
    last: int | None = None

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}"


def _open(path: str) -> BinaryIO:
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")  # type: ignore[return-value]


def _is_jsonl(path: str) -> bool:
    try:
        with _open(path) as fh:
            head = fh.read(4096)
    except (OSError, EOFError):
        return False  # unreadable: the reader reports it as one error
    return detect_kind(Path(path), head) == "jsonl"


def count_lines(path: str) -> int:
    """Lines in a (possibly gzipped) file, a final unterminated line included."""
    n = 0
    last = b"\n"
    with _open(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def plan(paths: Iterable[str], size: int = DEFAULT_PARTITION_SIZE) -> list[Partition]:
    """Partitions of about `size` articles each, in input order."""
    size = max(1, size)
    out: list[Partition] = []
    loose: list[str] = []

    def flush_loose() -> None:
        if loose:
            out.append(Partition(len(out), tuple(loose)))
            loose.clear()

    for path in paths:
        if path == "-":
            raise ValueError("a distributed run reads files, not standard input")
        if not _is_jsonl(path):
            loose.append(path)
            if len(loose) >= size:
                flush_loose()
            continue
        flush_loose()
        total = count_lines(path)
        for first in range(0, max(total, 1), size):
            out.append(Partition(len(out), (path,), first, min(first + size, total)))
    flush_loose()
    return out


class _LineRange:
    """A binary stream's lines [first, last) as a stream iter_jsonl_stream can read."""

    def __init__(self, fh: BinaryIO, first: int, last: int | None) -> None:
        self.fh, self.left = fh, (None if last is None else last - first)
        for _ in range(first):  # skipping lines is a C-level scan
            if not fh.readline():
                break

    def readline(self, limit: int = -1) -> bytes:
        if self.left is not None and self.left <= 0:
            return b""
        line = self.fh.readline(limit)
        if self.left is not None and (line.endswith(b"\n") or not line):
            self.left -= 1
        return line


def read(part: Partition) -> Iterator[Item]:
    """The partition's articles and read errors, as a single-process run reads them."""
    if part.last is None:
        for path in part.files:
            yield from iter_articles(path)
        return
    (path,) = part.files
    origin = str(Path(path))
    try:
        fh = _open(path)
    except OSError as exc:
        from hadath.readers import ReadError

        yield ReadError(origin, f"cannot open: {exc.strerror or exc}")
        return
    prefix = origin + ":"
    with fh:
        for item in iter_jsonl_stream(_LineRange(fh, part.first, part.last), origin):  # type: ignore[arg-type]
            # iter_jsonl_stream numbers lines from 1: shift to the file's numbering.
            if item.origin.startswith(prefix):
                item.origin = f"{prefix}{int(item.origin[len(prefix):]) + part.first}"
            yield item
