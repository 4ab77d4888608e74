#!/usr/bin/env python
"""Named-entity tagger: load time, speed, and (optionally) accuracy.

    python benchmarks/bench_ner.py                      # load time + speed
    python benchmarks/bench_ner.py --conll test.txt     # + entity F1 of the shipped model
    python -m hadath.entities.train --eval dev cross     # dev / cross-corpus F1 (trains)

Speed is measured in CPU time of one single-threaded process (one core;
wall-clock figures are printed too, but on a shared machine they measure the
other jobs as much as this one), over the ANERcorp sentences (pre-tokenised,
the `hadath tag` path) and over SaudiNewsNet conflict articles run through the
entities stage (`hadath extract` path, tokens from the pipeline).  The shipped
model saw all of ANERcorp, so accuracy on it here would be inflated: the
held-out figures come from `hadath.entities.train` (models trained without
the scored part).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"


def load_time() -> tuple[float, float]:
    """Seconds from a fresh interpreter to the first tagged sentence."""
    code = ("import time; t=time.perf_counter(); c=time.process_time(); from hadath.entities import tag_conll; "
            "list(tag_conll(['مصطفى', 'الكاظمي'])); print(time.perf_counter()-t, time.process_time()-c)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    wall, cpu = map(float, out.stdout.split())
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--conll", type=Path, help="score the shipped model on this CoNLL file (token ... tag)")
    ap.add_argument("--articles", type=int, default=300)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    loads = sorted(load_time() for _ in range(3))
    print(f"load (fresh process, import + first sentence): median wall {loads[1][0]:.3f}s, "
          f"cpu {loads[1][1]:.3f}s")

    from hadath.entities.corpora import read_anercorp
    from hadath.entities.tagger import normalise_word, tag_conll, tag_words

    sents = read_anercorp(DATA / "ner" / "anercorp" / "train.txt")
    lines = [line for s in sents for line in [t for t, _ in s] + [""]]
    n = sum(map(len, sents))
    for label in ("cold", "warm"):  # warm: the per-word-type score table is filled
        t, c = time.perf_counter(), time.process_time()
        for _ in tag_conll(lines):
            pass
        dt, dc = time.perf_counter() - t, time.process_time() - c
        print(f"hadath tag path ({label}): {n} tokens, {n / dc:,.0f} tokens per CPU-second "
              f"({n / dt:,.0f} tokens/s wall)")

    import hadath.entities as ent
    from hadath.document import Document
    from hadath.pipeline import normalise_stage
    from hadath.text.sentences import sentences
    from hadath.text.tokens import tokenize

    docs = []
    with gzip.open(DATA / "news" / "saudinewsnet_conflict.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            d = Document(a["text"])
            for st in (normalise_stage, sentences, tokenize):
                st(d)
            docs.append(d)
            if len(docs) >= args.articles:
                break
    n = sum(len(d.tokens) for d in docs)
    t, c = time.perf_counter(), time.process_time()
    ents = 0
    for d in docs:
        ent.annotate(d)
        ents += len(d.entities)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    print(f"entities stage on {len(docs)} news articles: {n} tokens, {n / dc:,.0f} tokens per CPU-second "
          f"({n / dt:,.0f} tokens/s wall), {ents} entities")

    if args.conll:
        from hadath.entities.corpora import read_anercorp as read
        from hadath.entities.train import score

        gold_sents = read(args.conll)
        gold = [[y for _, y in s] for s in gold_sents]
        pred = [tag_words([normalise_word(t) for t, _ in s]) for s in gold_sents]
        res = score(gold, pred)
        print(json.dumps(res))


if __name__ == "__main__":
    main()
