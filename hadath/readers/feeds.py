"""RSS and Atom feed files to Articles: one per entry.

feedparser handles every RSS/RDF/Atom dialect and broken feeds in the wild
(it is the reference parser, BSD-licensed).  An entry's full content is
preferred to its summary; HTML in either becomes text through the same
extractor as HTML files.  The entry's publication date is the article date.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from hadath.readers import MAX_ARTICLE_BYTES, Article, Item, ReadError

MAX_FEED_BYTES = 64 * 1024 * 1024


def _open(path: Path) -> bytes:
    # The readers' opener: a .gz feed goes through the same gzip-bomb guard.
    from hadath.readers import _open_binary

    with _open_binary(path) as fh:
        return fh.read(MAX_FEED_BYTES + 1)


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return time.strftime("%Y-%m-%d", value)
    return None


def _looks_html(value: str, content_type: str | None) -> bool:
    if content_type and "html" in content_type:
        return True
    return "<" in value and ">" in value


def _entry_text(entry: Any) -> str:
    """Full content if present, else the summary, as plain text."""
    candidates: list[tuple[str, str | None]] = []
    for c in entry.get("content") or []:
        if c.get("value"):
            candidates.append((c["value"], c.get("type")))
    if entry.get("summary"):
        detail = entry.get("summary_detail") or {}
        candidates.append((entry["summary"], detail.get("type")))
    if not candidates:
        return ""
    value, ctype = max(candidates, key=lambda c: len(c[0]))
    if _looks_html(value, ctype):
        from hadath.readers.html import html_to_text

        _, text = html_to_text(f"<html><body>{value}</body></html>")
        return text
    return value.strip()


def iter_feed(path: str | Path) -> Iterator[Item]:
    """Every entry of an RSS/Atom file, in document order."""
    p = Path(path)
    origin = str(p)
    try:
        data = _open(p)
    except (OSError, EOFError) as exc:
        yield ReadError(origin, f"cannot open: {exc.strerror or exc}")
        return
    if len(data) > MAX_FEED_BYTES:
        yield ReadError(origin, f"feed larger than {MAX_FEED_BYTES} bytes")
        return
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        reason = parsed.get("bozo_exception")
        yield ReadError(origin, f"no feed entries found{f': {reason}' if reason else ''}")
        return
    source = (parsed.get("feed") or {}).get("title") or None
    for i, entry in enumerate(entries, 1):
        eorigin = f"{origin}#{i}"
        eid = entry.get("id") or entry.get("link") or None
        text = _entry_text(entry)
        if len(text.encode("utf-8", "surrogatepass")) > MAX_ARTICLE_BYTES:
            yield ReadError(eorigin, f"article larger than {MAX_ARTICLE_BYTES} bytes", eid)
            continue
        title = entry.get("title")
        if title and _looks_html(title, (entry.get("title_detail") or {}).get("type")):
            from hadath.readers.html import html_to_text

            title = html_to_text(f"<html><body><p>{title}</p></body></html>")[1] or None
        yield Article(
            text=text, title=(title or "").strip() or None, id=eid, date=_entry_date(entry),
            source=source, url=entry.get("link"), origin=eorigin,
        )
