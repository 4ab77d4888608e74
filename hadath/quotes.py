"""Quotes: quoted speech and who said it.

Quotation marks «…», “…”, „…“ and straight "…" on one line delimit a quote.
Its speaker is the subject of the nearest speech verb before it in the
sentence (قال، أعلن، كتب، وصف … from resources/quotes/speech_verbs.txt) or
right after it ("«…» قال الوزير").  Arabic news puts the subject after the
verb (VSO): "وكتب الكاظمي"; a verb with no subject of its own ("ووصفته
بأنه", "وقال إن") inherits the speaker of the clause it continues.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache, lru_cache
from typing import Any

from hadath.document import Document, Token
from hadath.resources import read_lines
from hadath.text.normalise import normalise_string
from hadath.text.tokens import FORM_CACHE_SIZE, suffix_variants

_QUOTE = re.compile(r"«([^«»\n]{1,1500})»|“([^“”\n]{1,1500})”|„([^„“”\n]{1,1500})[“”]|\"([^\"\n]{1,1500})\"")
_MAX_NP = 5  # tokens in a speaker noun phrase


@cache
def _speech_verbs() -> frozenset[str]:
    return frozenset(normalise_string(w) for w in read_lines("quotes/speech_verbs.txt"))


@cache
def _stops() -> frozenset[str]:
    return frozenset(normalise_string(w) for w in read_lines("quotes/speaker_stops.txt"))


def is_speech_verb(tok: Token) -> bool:
    """A speech verb (قال، أكد، صرح …), with its clitics and suffixes."""
    return tok.is_word and _speech_form(tok.norm)


# Asked of every token before a quotation: answered once per word form.
@lru_cache(maxsize=FORM_CACHE_SIZE)
def _speech_form(norm: str) -> bool:
    return not _speech_verbs().isdisjoint(suffix_variants(norm))


def _entity_at(doc: Document, start: int) -> dict[str, Any] | None:
    for ent in doc.entities:
        if ent["start"] <= start < ent["end"] and ent["type"] in ("PER", "ORG", "GPE", "NORP"):
            return ent
    return None


def _looks_nisba(norm: str) -> bool:
    return norm.startswith("ال") and norm.endswith(("ي", "يه", "يون", "يين"))


def _noun_phrase(doc: Document, tokens: list[Token], k: int) -> tuple[int, int] | None:
    """Character span of the subject noun phrase starting at token k."""
    if k >= len(tokens) or not tokens[k].is_word:
        return None
    first = tokens[k]
    if first.norm in _stops() or is_speech_verb(first):
        return None
    ent = _entity_at(doc, first.start)
    if ent is not None:
        return ent["start"], ent["end"]
    end = k + 1
    while end < len(tokens) and end - k < _MAX_NP and tokens[end].is_word \
            and tokens[end].sentence == first.sentence:
        prev, nxt = tokens[end - 1], tokens[end]
        idafa = not prev.norm.startswith("ال") and nxt.norm.startswith("ال") and end - k == 1
        if not (idafa or _looks_nisba(nxt.norm)):
            break
        end += 1
    return first.start, tokens[end - 1].end


def _start(t: Token) -> int:
    return t.start


def _end(t: Token) -> int:
    return t.end


def _speaker(doc: Document, tokens: list[Token], qstart: int, qend: int,
             previous: dict[str, Any] | None) -> tuple[int, int] | None:
    sent = doc.sentences[doc.sentence_of(qstart)] if doc.sentences else None
    lo = sent.start if sent else 0
    i0 = bisect_left(tokens, lo, key=_start)
    before = list(range(i0, max(i0, bisect_right(tokens, qstart, key=_end))))
    verbs = [i for i in before if is_speech_verb(tokens[i])]
    for i in reversed(verbs):
        span = _noun_phrase(doc, tokens, i + 1)
        if span is not None:
            return span
        # A verb with no subject of its own continues an earlier clause.
        if previous is not None and previous["speaker_start"] is not None \
                and previous["speaker_start"] >= lo:
            return previous["speaker_start"], previous["speaker_end"]
    a0 = bisect_left(tokens, qend, key=_start)
    after = list(range(a0, min(a0 + 3, len(tokens))))
    for i in after:
        if is_speech_verb(tokens[i]):
            span = _noun_phrase(doc, tokens, i + 1)
            if span is not None:
                return span
    if verbs and before:
        # Fall back on the first organisation or person named in the sentence.
        for ent in doc.entities:
            if lo <= ent["start"] < qstart and ent["type"] in ("PER", "ORG"):
                return ent["start"], ent["end"]
    return None


def annotate(doc: Document) -> Document:
    """Pipeline stage: fill `doc.quotes`."""
    quotes: list[dict[str, Any]] = []
    tokens = doc.tokens
    previous: dict[str, Any] | None = None
    for m in _QUOTE.finditer(doc.text):
        group = next(g for g in range(1, 5) if m.group(g) is not None)
        start, end = m.span(group)
        content = doc.text[start:end]
        stripped = content.strip()
        if not stripped or not any(c.isalpha() for c in stripped):
            continue
        start += len(content) - len(content.lstrip())
        end -= len(content) - len(content.rstrip())
        speaker = _speaker(doc, tokens, m.start(), m.end(), previous)
        quote: dict[str, Any] = {
            "speaker": doc.text[speaker[0]:speaker[1]] if speaker else None,
            "speaker_start": speaker[0] if speaker else None,
            "speaker_end": speaker[1] if speaker else None,
            "text": doc.text[start:end], "start": start, "end": end,
        }
        if speaker:
            ent = _entity_at(doc, speaker[0])
            if ent is not None and ent.get("canonical"):
                quote["speaker_canonical"] = ent["canonical"]
        quotes.append(quote)
        previous = quote
    doc.quotes = quotes
    return doc
