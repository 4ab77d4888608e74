"""Entities stage: named entities from the shipped CRF tagger.

`annotate(doc)` fills `doc.entities` with contract dicts
`{"text", "type", "start", "end", "canonical"}`.  How a mention's span is
chosen, since Arabic glues clitics onto words:

- A proclitic conjunction or preposition is not part of the name: "وبغداد"
  gives "بغداد", "والجيش العراقي" gives "الجيش العراقي" (the article stays,
  it is part of how the name is written).  The clitic is cut off only where
  the reading without it is the known word (name lists, gazetteer, or the
  news vocabulary), so "وليد" and "بوتين" stay whole.
- Types: the model's LOC becomes GPE for countries, cities and places headed
  by مدينة/محافظة/..., FAC for places headed by مطار/سجن/شارع/..., else LOC.
  A nisba adjective ("العراقي", "الأمريكيين") outside any name is NORP; inside
  an organisation name ("الجيش العراقي") it stays part of it.
- Document consistency (`consistency.py`): "الكاظمي" after "مصطفى الكاظمي"
  is PER with canonical "مصطفى الكاظمي", in the title too.

`tag_conll(lines)` is `hadath tag` (see the contract).
"""

from __future__ import annotations

from hadath.entities.annotate import annotate
from hadath.entities.tagger import tag_conll

__all__ = ["annotate", "tag_conll"]
