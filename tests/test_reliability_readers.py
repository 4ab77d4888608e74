"""Reader hardening: the gzip guard, damaged UTF-8 and deep HTML, unit by unit."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from hadath.readers import (
    GZIP_CHECK_AFTER,
    GuardedGzipRaw,
    GzipBombError,
    ReadError,
    iter_articles,
)
from hadath.readers.decode import decode_bytes
from hadath.readers.html import _flat, html_to_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bad_inputs import NEWS  # noqa: E402

ARABIC = "أعلن الجيش العراقي أن طائرة مسيرة استهدفت مقر إقامة رئيس الوزراء في بغداد.\n"


def guarded(data: bytes) -> io.BufferedReader:
    return io.BufferedReader(GuardedGzipRaw(io.BytesIO(data)))


def test_guard_reads_like_gzip() -> None:
    text = (ARABIC * 2000).encode()
    one = gzip.compress(text)
    assert guarded(one).read() == text
    # several members, then zero padding (as some archivers write)
    assert guarded(one + one + b"\x00" * 512).read() == text * 2
    assert guarded(b"").read() == b""
    lines = guarded(one).readlines()
    assert b"".join(lines) == text and len(lines) == 2000


def test_guard_reads_the_real_corpus_unchanged() -> None:
    if not NEWS.exists():
        pytest.skip(f"news corpus missing: {NEWS}")
    with gzip.open(NEWS, "rb") as fh:
        expected = fh.read()
    with open(NEWS, "rb") as raw:
        got = io.BufferedReader(GuardedGzipRaw(raw)).read()
    assert got == expected


def test_guard_stops_bombs_early() -> None:
    bomb = gzip.compress(b"\x00" * (64 * 1024 * 1024), compresslevel=9)
    reader = guarded(bomb)
    with pytest.raises(GzipBombError):
        while reader.read(1 << 16):
            pass
    raw = reader.raw
    assert isinstance(raw, GuardedGzipRaw)
    assert raw.bytes_out <= GZIP_CHECK_AFTER + (1 << 17)  # stopped at the first check


def test_guard_reports_corrupt_and_truncated_files() -> None:
    data = gzip.compress((ARABIC * 500).encode())
    with pytest.raises(gzip.BadGzipFile):
        guarded(data[:20] + b"\xff" * 50 + data[70:]).read()
    with pytest.raises(EOFError):
        guarded(data[: len(data) // 2]).read()


def test_truncated_jsonl_gz_keeps_the_complete_lines(tmp_path: Path) -> None:
    line = ('{"text": "' + ARABIC.strip() + '"}\n').encode()
    data = gzip.compress(line * 200)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: int(len(data) * 0.8)])
    items = list(iter_articles(path))
    assert isinstance(items[-1], ReadError) and "read failed" in items[-1].error
    assert all(not isinstance(i, ReadError) for i in items[:-1]) and len(items) > 1


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_utf8_cut_inside_a_character_is_utf8(cut: int) -> None:
    data = (ARABIC + "٣ قتلى 🙂").encode()
    text, encoding = decode_bytes(data[:-cut])
    assert encoding.startswith("utf-8")
    assert (ARABIC + "٣ قتلى").startswith(text[:len(ARABIC)]) and text.startswith(ARABIC)


def test_utf8_with_a_few_bad_bytes_is_not_mojibake() -> None:
    data = (ARABIC * 20).encode()
    damaged = data[:500] + b"\xff" + data[501:900] + b"\xc0" + data[901:]
    text, encoding = decode_bytes(damaged)
    assert encoding.startswith("utf-8") and "replaced" in encoding
    assert text.count("\ufffd") <= 4 and "الجيش العراقي" in text
    # windows-1256 stays windows-1256
    assert decode_bytes((ARABIC * 20).encode("windows-1256")) == (ARABIC * 20, "windows-1256")


def test_deeply_nested_html_keeps_its_text() -> None:
    deep = "<html><body>" + "<div>" * 50_000 + "<p>نص عربي قصير</p>" + "</div>" * 50_000
    title, text = html_to_text(deep)
    assert text == "نص عربي قصير"


def test_flat_scan_skips_raw_text_and_handlers() -> None:
    page = ("<title>عنوان &amp; خبر</title><script>if (a<b) x='</p>'</script>"
            "<p onclick=\"alert(1)\">فقرة <b>أولى</b> &lt;3</p><!-- <p>تعليق</p> -->"
            "<style>p{}</style><p title='a>b'>ثانية <a href=\"x>ثالثة</p>")
    assert _flat(page) == ("عنوان & خبر", "فقرة أولى <3\nثانية ثالثة")
