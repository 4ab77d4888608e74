"""Places stage: find place names and resolve them against an Arabic gazetteer.

`annotate(doc)` fills `doc.places` (see hadath.places.resolve);
`lookup_country(name)` and `hadath.places.nisba.country_for(word)` give ISO
country codes for country names and nisba adjectives, for other stages.
The gazetteer index loads lazily on first use.
"""

from __future__ import annotations

from hadath.document import Document
from hadath.places.gazetteer import lookup_country

__all__ = ["annotate", "lookup_country"]


def annotate(doc: Document) -> Document:
    """Pipeline stage: fill `doc.places` with resolved places."""
    from hadath.places.resolve import annotate as _annotate

    return _annotate(doc)
