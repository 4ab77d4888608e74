"""Full-text index documents and queries over normalised Arabic text.

Both back ends index the same string: the normalised title and text (so a
query in any spelling — with or without diacritics, hamza forms, ta marbuta
— meets the text in one form) followed by the clitic-free readings of each
Arabic word (والكاظمي also indexed as الكاظمي and كاظمي), because neither
FTS5's unicode61 tokenizer nor PostgreSQL's 'simple' configuration knows
Arabic proclitics.  A query is the AND of its normalised words taken
literally: a user's base form then meets the text's clitic-bearing forms.
"""

from __future__ import annotations

import regex

from hadath.text.normalise import normalise_string
from hadath.text.tokens import variants

# tsvector values are limited to 1 MB; very long articles are indexed by
# their first part only.
MAX_INDEX_CHARS = 400_000

_WORD = regex.compile(r"[\p{L}\p{N}]+")
_ARABIC_WORD = regex.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]+")


def index_document(title: str | None, text: str) -> str:
    """The string both back ends index for an article."""
    norm = normalise_string(((title or "") + "\n" + text)[:MAX_INDEX_CHARS])
    extra: dict[str, None] = {}
    for m in _ARABIC_WORD.finditer(norm):
        for v in variants(m.group())[1:]:
            extra[v] = None
    return norm + "\n" + " ".join(extra)


def query_terms(query: str) -> list[str]:
    """The normalised words of a user query."""
    return _WORD.findall(normalise_string(query))


def fts5_query(query: str) -> str | None:
    """An FTS5 MATCH expression: every word required, each quoted literally."""
    terms = query_terms(query)
    if not terms:
        return None
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def tsquery_text(query: str) -> str | None:
    """Text for PostgreSQL's plainto_tsquery('simple', …) (AND of words)."""
    terms = query_terms(query)
    return " ".join(terms) if terms else None
