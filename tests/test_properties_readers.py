"""Property tests on the readers: any bytes give Articles or ReadErrors, never an exception.

Whatever a file holds - random bytes, broken JSON Lines, broken gzip, tag
soup - `iter_articles` yields only `Article` or `ReadError` items, and
`batch.process_item` turns each into exactly one object without raising.
Example counts are modest (HYPOTHESIS_EXAMPLES raises them).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hadath.batch import process_item
from hadath.readers import Article, ReadError, iter_articles
from hadath.readers.decode import DecodeError, decode_bytes
from hadath.readers.html import html_to_text

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES * 4, deadline=None,
                    derandomize=os.environ.get("HYPOTHESIS_RANDOM") is None,
                    suppress_health_check=list(HealthCheck))

# Fragments that make files look like something they are not.
FRAGMENTS = [b"{", b"}", b'"text"', b":", b'"', b"\\u0000", b"\n", b"\r\n", b"\xef\xbb\xbf",
             b"\xff\xfe", b"\xfe\xff", b"\x00", b"<html>", b"<p>", b"</p>", b"<script>",
             b"<!--", b"WARC/1.0\r\n", b"<?xml", b"<rss>", "بغداد".encode(),
             "بغداد".encode("windows-1256"), "بغداد".encode("utf-16-le"), b"\xd8", b"\x1f\x8b"]
soup = st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=40), max_size=60).map(b"".join)
any_bytes = st.binary(max_size=3000) | soup
SUFFIXES = [".txt", ".jsonl", ".html", ".jsonl.gz", ".txt.gz", ".xml", ""]


@SETTINGS
@given(data=any_bytes)
def test_decode_gives_text_or_decode_error(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        assert str(exc)
        return
    assert isinstance(text, str) and encoding


@SETTINGS
@given(data=any_bytes, suffix=st.sampled_from(SUFFIXES), compress=st.booleans())
def test_any_file_gives_items_and_one_object_each(tmp_path_factory, data: bytes, suffix: str,
                                                  compress: bool) -> None:  # noqa: ANN001
    folder: Path = tmp_path_factory.mktemp("any")
    path = folder / f"input{suffix}"
    if suffix.endswith(".gz") and compress:
        data = gzip.compress(data)
    path.write_bytes(data)
    items = list(iter_articles(path))
    for item in items:
        assert isinstance(item, Article | ReadError)
        out = process_item(item) if isinstance(item, ReadError) or len(item.text) < 200 else None
        if out is not None:
            assert isinstance(out, dict) and ("error" in out or "text" in out)


@SETTINGS
@given(markup=st.text(max_size=2000) | soup.map(lambda b: b.decode("utf-8", "replace")))
def test_any_markup_gives_title_and_text(markup: str) -> None:
    title, text = html_to_text(markup)
    assert title is None or isinstance(title, str)
    assert isinstance(text, str)
    if "&" not in markup:  # (an escaped "&lt;script" is text, rightly kept)
        assert "<script" not in text.lower()
