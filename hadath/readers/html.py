"""HTML pages to (title, main text) with trafilatura.

trafilatura removes navigation, scripts and boilerplate; for short pages it
may find no "main content", so the paragraphs and headings are taken
directly (lxml) as a fallback.  Scripts, styles and event handlers never
reach the text.
"""

from __future__ import annotations

import trafilatura
from lxml import html as lxml_html

_BLOCKS = ("h1", "h2", "h3", "p", "li", "blockquote")


def _fallback(markup: str) -> tuple[str | None, str]:
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return None, ""
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    title_el = tree.find(".//title")
    h1 = tree.find(".//h1")
    title = None
    if h1 is not None and h1.text_content().strip():
        title = " ".join(h1.text_content().split())
    elif title_el is not None and title_el.text_content().strip():
        title = " ".join(title_el.text_content().split())
    lines = []
    for el in tree.iter(*_BLOCKS):
        if el.tag == "h1" and title is not None:
            continue
        text = " ".join(el.text_content().split())
        if text:
            lines.append(text)
    return title, "\n".join(lines)


def html_to_text(markup: str) -> tuple[str | None, str]:
    """(title, main text) of an HTML page; text paragraphs one per line."""
    title: str | None = None
    text: str | None = None
    try:
        doc = trafilatura.bare_extraction(
            markup, include_comments=False, include_tables=False, favor_precision=True,
            with_metadata=True,
        )
    except Exception:  # trafilatura raises assorted errors on hostile markup
        doc = None
    if doc is not None:
        title = getattr(doc, "title", None)
        text = getattr(doc, "text", None)
    fb_title, fb_text = _fallback(markup)
    # trafilatura may drop short pages or headline-only paragraphs; keep the
    # longer of the two extractions.
    if not text or len(fb_text) > len(text) * 1.2:
        text = fb_text
    title = fb_title or title
    text = (text or "").strip()
    if title:
        # The headline is the title, not the first line of the body.
        first, _, rest = text.partition("\n")
        if " ".join(first.split()) == " ".join(title.split()):
            text = rest.strip()
    return title, text
