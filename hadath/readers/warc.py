"""WARC (web archive) files to Articles: one per archived HTML page.

warcio (Apache-2.0, the Webrecorder reference implementation) reads WARC
and ARC files, gzipped per record or not.  Only successful (2xx) HTML
responses and HTML/text resource records are articles; images, scripts,
redirects, request and metadata records are skipped.  The publication date
comes from the page itself (htmldate, trafilatura's date finder) and not
from the crawl date, which can be years later than the article.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from hadath.readers import MAX_ARTICLE_BYTES, Article, Item, ReadError, split_title
from hadath.readers.decode import DecodeError, decode_bytes


def _page_date(markup: str) -> str | None:
    try:
        from htmldate import find_date

        return find_date(markup, extensive_search=False, original_date=True,
                         outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises on hostile markup; the date is optional
        return None


def _content_type(record) -> str:  # noqa: ANN001 - a warcio ArcWarcRecord
    if record.rec_type == "response" and record.http_headers is not None:
        return (record.http_headers.get_header("Content-Type") or "").lower()
    return (record.rec_headers.get_header("Content-Type") or "").lower()


def iter_warc(path: str | Path) -> Iterator[Item]:
    """Every HTML (or plain-text) page archived in a WARC/ARC file, in order."""
    p = Path(path)
    origin = str(p)
    try:
        fh = open(p, "rb")
    except OSError as exc:
        yield ReadError(origin, f"cannot open: {exc.strerror or exc}")
        return
    with fh:
        n = 0
        try:
            for record in ArchiveIterator(fh, arc2warc=True):
                if record.rec_type not in ("response", "resource"):
                    continue
                if record.rec_type == "response" and record.http_headers is not None:
                    status = record.http_headers.get_statuscode() or ""
                    if not status.startswith("2"):
                        continue
                ctype = _content_type(record)
                is_html = "html" in ctype
                if not (is_html or ctype.startswith("text/plain")):
                    continue
                n += 1
                uri = record.rec_headers.get_header("WARC-Target-URI")
                rorigin = f"{origin}#{n}"
                data = record.content_stream().read(MAX_ARTICLE_BYTES + 1)
                if len(data) > MAX_ARTICLE_BYTES:
                    yield ReadError(rorigin, f"article larger than {MAX_ARTICLE_BYTES} bytes", uri)
                    continue
                try:
                    markup, _ = decode_bytes(data)
                except DecodeError as exc:
                    yield ReadError(rorigin, str(exc), uri)
                    continue
                if is_html:
                    from hadath.readers.html import html_to_text

                    title, text = html_to_text(markup)
                    date = _page_date(markup)
                else:
                    title, text = split_title(markup.replace("\r\n", "\n"))
                    date = None
                yield Article(text=text, title=title, id=uri, date=date, url=uri, origin=rorigin)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            yield ReadError(origin, f"WARC read failed: {exc}")
