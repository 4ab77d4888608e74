"""Sentence splitting for Arabic news.

`.`, `؟`, `?`, `!`, `؛` and line breaks end a sentence; `،` does not.  A
stop inside a number (1.5) or after a listed abbreviation ("د.") does not,
and neither does one inside a quotation «…» or "…" that closes on the same
line (an unclosed quotation protects nothing, so one stray mark cannot
swallow an article).  Written by hand: general splitters (pysbd, NLTK's
punkt) have no Arabic punctuation or quotation model.
"""

from __future__ import annotations

import re

from hadath.document import Document, Span
from hadath.resources import read_lines
from hadath.text.normalise import normalise_string

_ENDERS = ".!?؟؛…"
_CANDIDATE = re.compile(r"[.!?؟؛…\n«»\"“”]")
_OPEN_CLOSE = {"«": "»", "“": "”"}
_ABBREV = frozenset(normalise_string(a) for a in read_lines("abbreviations.txt"))
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_MAX_QUOTE = 600  # characters a quotation may span and still protect stops


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed, none empty."""
    bounds: list[int] = []
    n = len(text)
    protect_until = -1
    for m in _CANDIDATE.finditer(text):
        i = m.start()
        ch = text[i]
        if ch == "\n":
            bounds.append(i)
            protect_until = -1
            continue
        if i < protect_until:
            continue
        if ch in _OPEN_CLOSE or ch == '"':
            close = _OPEN_CLOSE.get(ch, '"')
            j = text.find(close, i + 1, min(n, i + _MAX_QUOTE))
            nl = text.find("\n", i + 1, j if j >= 0 else i + 1)
            if j >= 0 and nl < 0:
                protect_until = j
            continue
        if ch in "»”":
            continue
        if ch == ".":
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < n else ""
            if prev.isdigit() and nxt.isdigit():
                continue  # 1.5
            if nxt == "." or (nxt and not nxt.isspace() and nxt not in "»\"”)'"):
                continue  # ellipsis in progress, a URL, an initialism
            w = _WORD_BEFORE.search(text, max(0, i - 12), i)
            if w and normalise_string(w.group(1)) in _ABBREV:
                continue
        # Absorb closing quotes/brackets and repeated marks after the stop.
        j = i + 1
        while j < n and (text[j] in _ENDERS or text[j] in "»\"”)'"):
            j += 1
        bounds.append(j)
    out: list[tuple[int, int]] = []
    start = 0
    for b in bounds + [n]:
        s, e = start, b
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and (not out or s >= out[-1][1]):
            out.append((s, e))
        start = max(start, b)
    return out


def sentences(doc: Document) -> Document:
    """Pipeline stage: fill `doc.sentences`."""
    doc.sentences = [Span(s, e, "sentence") for s, e in split_sentences(doc.text)]
    return doc
