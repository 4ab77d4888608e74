"""Readers: files of every supported kind to Articles, errors kept per article.

`iter_articles(path)` yields an `Article` or a `ReadError` for each article
in a file, in order, and never raises for bad content: one bad article
cannot stop a batch.  Sizes are bounded so that a huge or hostile file
cannot exhaust memory.
"""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from hadath.readers.decode import DecodeError, decode_bytes

MAX_ARTICLE_BYTES = 8 * 1024 * 1024  # larger articles get an error, not a result
MAX_LINE_BYTES = 16 * 1024 * 1024  # JSON Lines: an over-long line is an error
MAX_GZIP_RATIO = 200  # decompressed / compressed bytes beyond which a .gz is a bomb
GZIP_CHECK_AFTER = 1024 * 1024  # the ratio is judged once this much came out


@dataclass(slots=True)
class Article:
    """One article as read: the text offsets will point into, and metadata."""

    text: str
    title: str | None = None
    id: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    origin: str = ""
    author: str | None = None


@dataclass(slots=True)
class ReadError:
    """An article that could not be read, with the reason."""

    origin: str
    error: str
    id: str | None = None


Item = Article | ReadError


def split_title(text: str) -> tuple[str | None, str]:
    """Plain text: the first non-empty line is the title, the rest the body."""
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        if text[pos:line_end].strip():
            body_start = n if nl < 0 else nl + 1
            return text[pos:line_end].strip(), text[body_start:]
        pos = line_end + 1
    return None, ""


def _read_limited(fh: BinaryIO, limit: int) -> bytes | None:
    data = fh.read(limit + 1)
    return None if len(data) > limit else data


def read_text_bytes(data: bytes, origin: str) -> Item:
    try:
        text, _ = decode_bytes(data)
    except DecodeError as exc:
        return ReadError(origin, str(exc))
    title, body = split_title(text.replace("\r\n", "\n"))
    return Article(text=_no_nul(body) or "", title=_no_nul(title), origin=origin)


def read_html_bytes(data: bytes, origin: str) -> Item:
    from hadath.readers.html import html_to_text

    try:
        markup, _ = decode_bytes(data)
    except DecodeError as exc:
        return ReadError(origin, str(exc))
    title, text = html_to_text(markup)
    return Article(text=_no_nul(text) or "", title=_no_nul(title), origin=origin)


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _no_nul(value: str | None) -> str | None:
    """NUL characters as U+FFFD: same length, so offsets hold.

    A JSON "\\u0000" in scraped text is never content, PostgreSQL refuses NUL
    in text (one such article used to abort a whole ingest), and the
    phrase matcher's trie treats a NUL token as its end-of-phrase key.
    """
    return value.replace("\x00", "\ufffd") if value and "\x00" in value else value


def article_from_json(obj: object, origin: str) -> Item:
    """A JSON Lines record to an Article (or a ReadError saying what is wrong)."""
    if not isinstance(obj, dict):
        return ReadError(origin, f"JSON line is a {type(obj).__name__}, not an object")
    rid = _no_nul(_str_or_none(obj.get("id")))
    text = obj.get("text")
    if not isinstance(text, str):
        return ReadError(origin, "JSON object has no string 'text' field", rid)
    return Article(
        text=_no_nul(text) or "",
        title=_no_nul(_str_or_none(obj.get("title"))),
        id=rid,
        date=_no_nul(_str_or_none(obj.get("date"))),
        source=_no_nul(_str_or_none(obj.get("source"))),
        url=_no_nul(_str_or_none(obj.get("url"))),
        author=_no_nul(_str_or_none(obj.get("author"))),
        origin=origin,
    )


def iter_jsonl_stream(fh: BinaryIO, name: str) -> Iterator[Item]:
    """JSON Lines from a binary stream, line by line with a length bound."""
    lineno = 0
    while True:
        line = fh.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        lineno += 1
        origin = f"{name}:{lineno}"
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line in bounded chunks
                rest = fh.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield ReadError(origin, f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        if not line.strip():
            continue
        if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield ReadError(origin, f"malformed JSON line: {exc}")
            continue
        yield article_from_json(obj, origin)


class GzipBombError(OSError):
    """A compressed file that expands far more than any text does."""


class GuardedGzipRaw(io.RawIOBase):
    """gzip decompression that counts bytes in and out and stops a bomb early.

    Deflate expands up to ~1000:1 (a gigabyte of zeros or newlines fits in a
    megabyte); news text, even repetitive JSON, compresses 3-20:1.  Once
    GZIP_CHECK_AFTER bytes have come out, an expansion over MAX_GZIP_RATIO
    is refused, so a bomb costs a megabyte and milliseconds instead of a
    full decompression (a bomb of blank lines would otherwise mean hundreds
    of millions of readline calls).  Written over zlib rather than with
    gzip.GzipFile because GzipFile reads ahead and hides how much compressed
    input it has consumed.  Multi-member files and zero padding are read
    like gzip.GzipFile reads them; CRC and length are checked by zlib.
    """

    CHUNK = 16 * 1024  # compressed bytes read from the file at a time

    def __init__(self, fh: BinaryIO) -> None:
        super().__init__()
        self._fh = fh
        self._d = zlib.decompressobj(31)  # 16 + 15: gzip header and trailer
        self._buf = b""
        self._started = False
        self.bytes_in = 0
        self.bytes_out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        want = len(b)
        if not want:
            return 0
        while True:
            if not self._buf:
                self._buf = self._fh.read(self.CHUNK)
                if not self._buf:
                    if self._started and not self._d.eof:
                        raise EOFError("compressed file ended before the end-of-stream marker")
                    return 0
            if self._d.eof:
                if not self._buf.strip(b"\x00"):  # zero padding after the last member
                    self._buf = b""
                    continue
                self._d = zlib.decompressobj(31)  # the next member
            before = len(self._buf)
            try:
                out = self._d.decompress(self._buf, want)
            except zlib.error as exc:
                raise gzip.BadGzipFile(f"corrupt gzip data: {exc}") from exc
            self._started = True
            self._buf = self._d.unused_data if self._d.eof else self._d.unconsumed_tail
            self.bytes_in += before - len(self._buf)
            if out:
                self.bytes_out += len(out)
                if (self.bytes_out > GZIP_CHECK_AFTER
                        and self.bytes_out > MAX_GZIP_RATIO * max(1, self.bytes_in)):
                    raise GzipBombError(
                        f"gzip data expands more than {MAX_GZIP_RATIO}:1 "
                        "(a compression bomb), not read further")
                n = len(out)
                b[:n] = out
                return n

    def close(self) -> None:
        try:
            self._fh.close()
        finally:
            super().close()


def _open_binary(path: Path) -> BinaryIO:
    if path.suffix == ".gz":
        return io.BufferedReader(GuardedGzipRaw(open(path, "rb")), 64 * 1024)  # type: ignore[return-value]
    return open(path, "rb")


def detect_kind(path: Path, head: bytes = b"") -> str:
    """The reader to use for a path: txt, jsonl, html, feed or warc."""
    name = path.name.lower()
    for suffix in (".gz",):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if name.endswith((".rss", ".atom")):
        return "feed"
    if name.endswith((".warc", ".arc")):
        return "warc"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith(".xml") or stripped.startswith(b"<?xml"):
        low = stripped[:2000].lower()
        if b"<rss" in low or b"<feed" in low or b"<rdf:rdf" in low:
            return "feed"
    if stripped.startswith(b"{"):
        return "jsonl"
    low = stripped[:1000].lower()
    if low.startswith(b"<!doctype html") or low.startswith(b"<html"):
        return "html"
    if stripped.startswith(b"WARC/"):
        return "warc"
    return "txt"


def iter_articles(path: str | Path, kind: str | None = None) -> Iterator[Item]:
    """Every article in `path` (or `-` for standard input), in order."""
    if str(path) == "-":
        yield from _iter_stdin()
        return
    p = Path(path)
    origin = str(p)
    try:
        fh = _open_binary(p)
    except OSError as exc:
        yield ReadError(origin, f"cannot open: {exc.strerror or exc}")
        return
    with fh:
        try:
            head = fh.peek(4096)[:4096] if hasattr(fh, "peek") else b""
        except (OSError, EOFError) as exc:
            yield ReadError(origin, f"cannot read: {exc}")
            return
        kind = kind or detect_kind(p, head)
        try:
            yield from _iter_kind(fh, kind, origin, p)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield ReadError(origin, f"read failed: {exc}")


def _iter_kind(fh: BinaryIO, kind: str, origin: str, p: Path) -> Iterator[Item]:
    if kind == "jsonl":
        yield from iter_jsonl_stream(fh, origin)
        return
    if kind == "feed":
        from hadath.readers.feeds import iter_feed

        yield from iter_feed(p)
        return
    if kind == "warc":
        from hadath.readers.warc import iter_warc

        yield from iter_warc(p)
        return
    data = _read_limited(fh, MAX_ARTICLE_BYTES)
    if data is None:
        yield ReadError(origin, f"article larger than {MAX_ARTICLE_BYTES} bytes")
        return
    yield read_html_bytes(data, origin) if kind == "html" else read_text_bytes(data, origin)


def _iter_stdin() -> Iterator[Item]:
    stream = sys.stdin.buffer
    data = stream.read(MAX_ARTICLE_BYTES + 1)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"{":
        rest = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
        yield from iter_jsonl_stream(_Chain(rest, stream), "-")
        return
    if len(data) > MAX_ARTICLE_BYTES:
        yield ReadError("-", f"article larger than {MAX_ARTICLE_BYTES} bytes")
        return
    kind = detect_kind(Path("stdin"), data[:4096])
    yield read_html_bytes(data, "-") if kind == "html" else read_text_bytes(data, "-")


class _Chain:
    """Read from a buffered head, then from the rest of a stream."""

    def __init__(self, first: BinaryIO, second: BinaryIO) -> None:
        self.first, self.second = first, second
        self.first_done = False

    def readline(self, limit: int = -1) -> bytes:
        if not self.first_done:
            line = self.first.readline(limit)
            if line.endswith(b"\n") or (limit > 0 and len(line) >= limit):
                return line
            self.first_done = True
            if line:
                more = self.second.readline(limit - len(line) if limit > 0 else -1)
                return line + more
        return self.second.readline(limit)
