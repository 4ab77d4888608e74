"""Clitic-aware Arabic tokenisation with offsets into the original text.

Tokens are found by one compiled regex over the normalised view and mapped
back to original offsets.  Arabic attaches conjunctions (و ف), prepositions
(ب ل ك), the article ال and the future marker س to the word, and pronouns
(ه ها هم هما هن ك كم نا ي) to its end.  Stripping them is ambiguous (بغداد
is not ب + غداد), so a token carries a conservative `base` (only the
unambiguous article combinations removed) and `variants()` lists every
reading for lexicon look-ups to choose from.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hadath.document import Document, Token
from hadath.text.normalise import _MARK_CHARS, NormalisedText, extend_over_marks

# Arabic letters (after normalisation), digits with decimal or thousands
# separators, Latin words, and any other non-space character on its own.
_TOKEN = re.compile(
    r"([\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]+)"
    r"|(\d+(?:[.,\u066b\u066c]\d+)*)"
    r"|([a-z\u00c0-\u024f\u1e00-\u1eff][a-z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f'\-]*)"
    r"|(\S)"
)
_AR, _NUM, _LAT, _OTHER = 1, 2, 3, 4
_ARTICLE = re.compile(r"^([وف]?(?:[بكل])?)ال(.{2,})$")
_LIL = re.compile(r"^([وف]?ل)ل(.{2,})$")
_SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "نا", "ه", "ك", "ي")
# Per-word-form caches (can a phrase start here, is this a speech verb, a
# cue, a nisba ...) hold this many forms.  3,400 SaudiNewsNet conflict
# articles hold 98,500 distinct forms: a smaller cache keeps relearning them
# (at 50,000, `hadath bench --warm 1200` ran 10 % slower).
FORM_CACHE_SIZE = 150_000


@lru_cache(maxsize=200_000)
def split_article(norm: str) -> tuple[str, str]:
    """(prefix, base): proclitics removed only where the article shows them."""
    m = _ARTICLE.match(norm)
    if m:
        return m.group(1) + "ال", m.group(2)
    m = _LIL.match(norm)
    if m and len(m.group(2)) >= 2:
        return m.group(1) + "ل", m.group(2)
    return "", norm


@lru_cache(maxsize=200_000)
def variants(norm: str) -> tuple[str, ...]:
    """Every plausible base of a normalised word, most literal first.

    The word itself; without the article and its proclitics; without a
    conjunction (و ف); without a preposition (ب ل ك) after an optional
    conjunction.  Bases shorter than two letters are not offered.
    """
    out = [norm]
    prefix, base = split_article(norm)
    if prefix:
        out.append(base)
    rest = norm
    if len(rest) > 3 and rest[0] in "وف":
        rest = rest[1:]
        out.append(rest)
        p, b = split_article(rest)
        if p:
            out.append(b)
    if len(rest) > 3 and rest[0] in "بلك":
        out.append(rest[1:])
    seen: set[str] = set()
    return tuple(v for v in out if (len(v) >= 2 or v is norm) and not (v in seen or seen.add(v)))


@lru_cache(maxsize=200_000)
def suffix_variants(norm: str) -> tuple[str, ...]:
    """`variants` plus readings without a pronoun suffix (قتلته → قتلت)."""
    out = list(variants(norm))
    for v in list(out):
        for suf in _SUFFIXES:
            if v.endswith(suf) and len(v) - len(suf) >= 3:
                out.append(v[: -len(suf)])
                break
    seen: set[str] = set()
    return tuple(v for v in out if not (v in seen or seen.add(v)))


# Quotation marks as tokens (their norm): places read a cue past them
# ('محافظة «مأرب»'), sources a cited outlet inside them ('لـ«الرياض»').
OPENING_QUOTES = frozenset('«"“„')
CLOSING_QUOTES = frozenset('»"”“')

def tokenize_normalised(norm: NormalisedText) -> list[Token]:
    """Tokens of a normalised text, with offsets into its original."""
    tokens: list[Token] = []
    append = tokens.append
    identity = norm.segments is None
    original = norm.original
    n = len(original)
    if not identity:
        norm.orig_start(0)  # builds the position arrays once
        starts, ends = norm._starts, norm._ends
    for m in _TOKEN.finditer(norm.text):
        s, e = m.span()
        if not identity:
            s, e = starts[s], ends[e - 1]  # type: ignore[index]
            if e < n and original[e] in _MARK_CHARS:
                e = extend_over_marks(original, e)
        word = m.group()
        kind = m.lastindex
        if kind == _AR:
            prefix, base = split_article(word)
            append(Token(s, e, word, base, prefix, 0, True))
        else:
            append(Token(s, e, word, word, "", 0, kind != _OTHER))
    return tokens


def tokenize(doc: Document) -> Document:
    """Pipeline stage: fill `doc.tokens`, each with its sentence index."""
    tokens = tokenize_normalised(doc.norm)
    if doc.sentences:
        ends = [s.end for s in doc.sentences]
        si = 0
        last = len(ends) - 1
        for t in tokens:
            while si < last and t.start >= ends[si]:
                si += 1
            t.sentence = si
    doc.tokens = tokens
    return doc
