"""Speed of the places stage on real news (SaudiNewsNet conflict subset).

Articles are normalised, split and tokenised first; only `places.annotate`
is timed.  Also reports the time to open the gazetteer index.

    python benchmarks/bench_places_speed.py [--n 400] [--news PATH]
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

from hadath.document import Document
from hadath.pipeline import normalise_stage, run
from hadath.text.sentences import sentences
from hadath.text.tokens import tokenize


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--news", type=Path, default=Path(__file__).resolve().parents[2]
                    / "shared/data/news/saudinewsnet_conflict.jsonl.gz")
    args = ap.parse_args()

    t0 = time.perf_counter()
    from hadath.places.gazetteer import gazetteer

    gazetteer()
    t_open = time.perf_counter() - t0

    docs = []
    with gzip.open(args.news, "rt", encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if k >= args.n:
                break
            doc = Document(json.loads(line)["text"])
            run(doc, [normalise_stage, sentences, tokenize])
            docs.append(doc)
    from hadath.places import annotate

    annotate(docs[0])  # word lists load on first use
    t1 = time.perf_counter()
    n_places = 0
    for doc in docs:
        annotate(doc)
        n_places += len(doc.places)
    dt = time.perf_counter() - t1
    chars = sum(len(d.text) for d in docs)
    print(f"index open {t_open * 1000:.0f} ms; {len(docs)} articles, {chars} chars, "
          f"{n_places} places in {dt:.2f} s: {chars / dt / 1000:.0f}k chars/s, "
          f"{dt / len(docs) * 1000:.1f} ms/article")


if __name__ == "__main__":
    main()
