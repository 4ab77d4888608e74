"""Nisba adjectives (العراقي، الليبية، الأمريكيين) -> ISO country codes.

The lexicon (resources/places/nisba.tsv) lists masculine singular stems;
inflected forms are recognised by stripping the clitics (و ف ب ل ك ال) and
the feminine, dual and plural endings.
"""

from __future__ import annotations

from functools import lru_cache

from hadath import resources
from hadath.text.normalise import normalise_string
from hadath.text.tokens import variants

# Endings added to a masculine singular nisba stem ending in ي: feminine ـة
# (normalised ه), plural ـون/ـين, feminine plural ـات, dual ـان/ـتان/ـين/ـتين.
_ENDINGS = ("ه", "ون", "ين", "ات", "ان", "تان", "تين")


@lru_cache(maxsize=1)
def _stems() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in resources.read_lines("places/nisba.tsv"):
        code, stems = line.split("\t")
        for s in stems.split("|"):
            out[normalise_string(s)] = code
    return out


@lru_cache(maxsize=100_000)
def country_for(word: str) -> str | None:
    """ISO alpha-2 code for a nisba adjective in any form, else None."""
    stems = _stems()
    norm = normalise_string(word.strip())
    if not norm or " " in norm:
        return None
    for v in variants(norm):
        if v in stems:
            return stems[v]
        for end in _ENDINGS:
            if v.endswith(end) and len(v) - len(end) >= 3:
                base = v[: -len(end)]
                if base in stems:
                    return stems[base]
    return None
