#!/usr/bin/env python
"""Print the event records of a fixed sample of news articles, for review by hand.

    .venv/bin/python benchmarks/sample_events_review.py [--n 50] [--seed 6]

The sample is drawn reproducibly from ../shared/data/news/saudinewsnet_conflict.jsonl.gz;
the error counts of the review are in docs/events.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hadath  # noqa: E402


def _span(x):
    return f"{x['text']}[{x.get('sector')},{x.get('country')}]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news", type=Path,
                    default=ROOT.parent / "shared/data/news/saudinewsnet_conflict.jsonl.gz")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=6)
    args = ap.parse_args()
    with gzip.open(args.news, "rt", encoding="utf-8") as fh:
        arts = [json.loads(line) for line in fh]
    sample = random.Random(args.seed).sample(arts, args.n)
    for k, a in enumerate(sample):
        date = (a.get("date") or "")[:10] or None
        doc = hadath.extract(a["text"], title=a.get("title"), date=date)
        print(f"### {k} {date} {a.get('title')}")
        print(a["text"][:700].replace("\n", " "))
        for e in doc.events:
            place = e["place"] and f"{e['place'].get('name')}/{e['place'].get('country')}"
            acled = e["acled"] and e["acled"]["sub_event_type"]
            print(f"  - {e['type']}/{e['mode']} {e['status']} «{e['trigger']['text']}» "
                  f"A={[_span(x) for x in e['actors']]} R={[_span(x) for x in e['recipients']]} "
                  f"D={e['date'] and e['date']['value']}/{e['date'] and e['date']['precision']} "
                  f"P={place}({e['place_source']}) K={e['fatalities']} I={e['injured']} "
                  f"acled={acled} c={e['confidence']} n={len(e['mentions'])}")
        print()


if __name__ == "__main__":
    main()
