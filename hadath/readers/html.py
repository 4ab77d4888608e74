"""HTML pages to (title, main text) with trafilatura.

trafilatura removes navigation, scripts and boilerplate; for short pages it
may find no "main content", so the paragraphs and headings are taken
directly (lxml) as a fallback.  Scripts, styles and event handlers never
reach the text.
"""

from __future__ import annotations

import html
import re

import trafilatura
from lxml import html as lxml_html

_BLOCKS = ("h1", "h2", "h3", "p", "li", "blockquote")
# Elements whose content is never article text.
_SKIP = frozenset(("script", "style", "noscript", "template", "svg", "math", "iframe",
                   "object", "head", "nav", "footer", "button", "select", "textarea"))


# Tags (name captured, quoted attribute values bounded so a stray quote
# cannot make the scan quadratic), comments, doctype/CDATA, and text runs.
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>\"']|\"[^\"]{0,2000}\"|'[^']{0,2000}'|[\"'])*>?")
_SPECIAL = re.compile(r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)|<[!?][^>]*>?", re.S)
_TEXT = re.compile(r"[^<]+|<")
# Raw-text elements: their content runs to the matching end tag, whatever it holds.
_RAW = {name: re.compile(rf"</{name}\s*>?", re.I)
        for name in ("script", "style", "textarea", "xmp", "iframe", "noembed", "noframes")}


def _flat(markup: str) -> tuple[str | None, str]:
    """(title, block text) from a token stream, keeping no tree.

    libxml2 (under lxml and trafilatura) stops building the tree at 256
    levels of nesting, so text below that depth is silently lost, and
    hostile or broken pages nest far deeper.  A flat scan costs the same at
    any depth; the standard library's HTMLParser does this too but takes
    ~20 us a tag, seconds on a page of 10^5 tags, hence the regexes.
    """
    skip = 0  # open elements whose content is dropped
    in_title = in_block = False
    title: str | None = None
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join(html.unescape("".join(current)).split())
        if text:
            lines.append(text)
        current.clear()

    pos, n = 0, len(markup)
    while pos < n:
        m = _TAG.match(markup, pos)
        if m:
            pos = m.end()
            closing, tag = m.group(1), m.group(2).lower()
            if tag in _RAW and not closing:
                end = _RAW[tag].search(markup, pos)
                pos = end.end() if end else n  # its content is never text
            elif tag in _SKIP:
                skip = max(0, skip - 1) if closing else skip + 1
            elif tag == "title":
                in_title = not closing
            elif tag in _BLOCKS:
                flush()
                in_block = not closing
            continue
        m = _SPECIAL.match(markup, pos) or _TEXT.match(markup, pos)
        assert m is not None  # _TEXT matches any character
        pos = m.end()
        if m.re is _TEXT:
            data = m.group()
            if in_title and title is None and data.strip():
                title = " ".join(html.unescape(data).split())
            elif not skip and in_block:
                current.append(data)
    flush()
    return title, "\n".join(lines)


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
    if not text:
        fl_title, text = _flat(markup)
        fb_title = fb_title or fl_title
    title = fb_title or title
    text = (text or "").strip()
    if title:
        # The headline is the title, not the first line of the body.
        first, _, rest = text.partition("\n")
        if " ".join(first.split()) == " ".join(title.split()):
            text = rest.strip()
    return title, text
