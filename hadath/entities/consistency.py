"""Document-level consistency for entity mentions.

A news article names a person in full once ("رئيس الوزراء مصطفى الكاظمي")
and then by family name ("الكاظمي"), which a sentence-level tagger may miss
or mistype.  Within one document (title included) we therefore

- give every short mention of a person the canonical full name it abbreviates
  (last name or first name of a longer PER mention), and tag untagged
  occurrences of such a name part as PER;
- settle the type of a surface form that was tagged differently in different
  places by majority (ties keep the model's per-mention decision).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from hadath.document import Token
from hadath.text.normalise import normalise_string
from hadath.text.tokens import split_article, variants

Entity = dict[str, Any]


@lru_cache(maxsize=50_000)  # asked several times per mention
def key(text: str) -> str:
    """Comparison key of a mention: normalised words without the article."""
    return " ".join(split_article(w)[1] for w in normalise_string(text).split())


def _name_parts(e: Entity) -> list[str]:
    return key(e["text"]).split()


def canonical_names(entities: Sequence[Entity]) -> None:
    """Fill `canonical`: full PER name for short mentions, else the mention."""
    full: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entities:
        if e["type"] == "PER":
            parts = _name_parts(e)
            if len(parts) >= 2:
                full[parts[-1]][e["text"]] += 1
                if len(parts[0]) > 2:
                    full.setdefault(parts[0], Counter())
    for e in entities:
        e.setdefault("canonical", e["text"])
        if e["type"] != "PER":
            continue
        parts = _name_parts(e)
        if len(parts) == 1 and full.get(parts[0]):
            e["canonical"] = full[parts[0]].most_common(1)[0][0]


def majority_types(entities: Sequence[Entity]) -> None:
    """One type per surface form in a document, by majority vote."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entities:
        votes[key(e["text"])][e["type"]] += 1
    for e in entities:
        v = votes[key(e["text"])]
        if len(v) > 1:
            (best, n), (_, m) = v.most_common(2)
            if n > m:
                e["type"] = best


def propagate_names(
    tokens: Sequence[Token], tags: list[str], family_names: set[str]
) -> None:
    """Tag untagged tokens that repeat the family name of a tagged person.

    `tags` are the BIO tags of `tokens` (the whole document) and are changed
    in place.  Only the last word of a multi-word PER span counts as a
    family name, so a given name alone ("محمد") is not spread.
    """
    if not family_names:
        return
    seen: dict[str, bool] = {}  # word form -> repeats a family name
    for i, t in enumerate(tokens):
        if tags[i] != "O" or not t.is_word:
            continue
        hit = seen.get(t.norm)
        if hit is None:
            hit = seen[t.norm] = not family_names.isdisjoint(variants(t.norm)[:2])
        if hit:
            # Inside a longer name the neighbours would carry tags already.
            tags[i] = "B-PER"


def family_names_of(tokens: Sequence[Token], tags: Sequence[str]) -> set[str]:
    """Last words (article-free) of multi-word PER spans."""
    out: set[str] = set()
    i, n = 0, len(tags)
    while i < n:
        if tags[i] == "B-PER":
            j = i + 1
            while j < n and tags[j] == "I-PER":
                j += 1
            if j - i >= 2:
                last = tokens[j - 1].norm
                out.add(last)
                out.add(split_article(last)[1])
            i = j
        else:
            i += 1
    return {w for w in out if len(w) >= 3}
