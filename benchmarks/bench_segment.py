"""Read and segment the news corpus: normalise, sentences, tokens only.

    python benchmarks/bench_segment.py [PATH] [--limit N]

Reports articles per second on one core (reading and JSON decoding
included), for the foundation's bar of 500 articles/s.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hadath.document import Document
from hadath.pipeline import normalise_stage
from hadath.readers import Article, iter_articles
from hadath.text.sentences import sentences
from hadath.text.tokens import tokenize

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/news/saudinewsnet_all.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    n = chars = toks = sents = 0
    t0 = time.perf_counter()
    for item in iter_articles(args.path):
        if not isinstance(item, Article):
            continue
        doc = Document(item.text, title=item.title, id=item.id, date=item.date)
        for stage in (normalise_stage, sentences, tokenize):
            stage(doc)
        n += 1
        chars += len(item.text)
        toks += len(doc.tokens)
        sents += len(doc.sentences)
        if args.limit and n >= args.limit:
            break
    dt = time.perf_counter() - t0
    print(f"{n} articles, {chars / max(n, 1):.0f} chars avg, {toks} tokens, {sents} sentences")
    print(f"{dt:.2f} s: {n / dt:.0f} articles/s, {toks / dt:.0f} tokens/s (one core)")


if __name__ == "__main__":
    main()
