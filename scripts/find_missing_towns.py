"""Names the news puts after a settlement noun that the gazetteer lacks, most frequent first.

    .venv/bin/python scripts/find_missing_towns.py [--news ../shared/data/news/saudinewsnet_all.jsonl.gz] [--top 60]

For curating hadath/resources/places/places.tsv (towns GeoNames' list lacks)
and cities_ar.tsv (Arabic names GeoNames lacks for a town it has): every word
after بلدة / قرية / مدينة / مخيم (and their duals) whose clitic readings are
no gazetteer key is counted, with one example context.  The output needs a
reader: many hits are adjectives ("المدينة القديمة") or parts of longer
names; the coordinates of the real towns come from the curator, checked
against a map.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter

from hadath.places.gazetteer import gazetteer
from hadath.text.normalise import normalise_string
from hadath.text.tokens import variants

_AFTER_NOUN = re.compile(
    r"(?:^|\s)(?:ب|و|في|ل)?(?:ال)?(?:بلدة|قرية|مدينة|مخيم|بلدتي|قريتي)\s+([\u0621-\u064a]{3,})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--news", default="../shared/data/news/saudinewsnet_all.jsonl.gz")
    ap.add_argument("--top", type=int, default=60)
    args = ap.parse_args()
    keys = gazetteer().keys
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    with gzip.open(args.news, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            for m in _AFTER_NOUN.finditer(text):
                word = m.group(1)
                if any(v in keys for v in variants(normalise_string(word))):
                    continue
                counts[word] += 1
                example.setdefault(word, text[max(0, m.start() - 30):m.end() + 40].replace("\n", " "))
    for word, n in counts.most_common(args.top):
        print(f"{n}\t{word}\t{example[word]}")


if __name__ == "__main__":
    main()
