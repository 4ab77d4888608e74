#!/usr/bin/env python
"""Train the sentence-level event filter and write hadath/resources/events/sentence_model.json.

    .venv/bin/python scripts/train_events.py [--gsr ../shared/data/arabic_event_gsr_dev]
        [--news ../shared/data/news/saudinewsnet_all.jsonl.gz] [--vectors build/event_vectors.npz]

For each GSR event type (ASSAULT, PROTEST): features from hadath.events.features
(lexicon view, word n-grams, scene word classes and realis cues) plus the
sentence's mean word vector (hadath.events.vectors: PPMI-SVD vectors learned
from the unlabelled SaudiNewsNet articles, built on the first run and cached
in build/, ~10 min on a loaded 2-core machine), L2-regularised logistic
regression with balanced class weights; C, the vector block's scale (0 = off)
and the decision threshold are chosen by 4-fold cross-validation on the dev
set; the calibration table maps out-of-fold probabilities to held-out
precision.  Deterministic (fixed seeds).
Data: Arabic Event GSR (Open Event Data Alliance, MIT licence); word vectors
from SaudiNewsNet (CC BY-NC-SA 4.0): the shipped model holds one score per
word derived from them, no text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hadath.events import training, vectors  # noqa: E402
from hadath.resources import path  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gsr", type=Path, default=ROOT.parent / "shared/data/arabic_event_gsr_dev")
    ap.add_argument("--news", type=Path,
                    default=ROOT.parent / "shared/data/news/saudinewsnet_all.jsonl.gz")
    ap.add_argument("--vectors", type=Path, default=ROOT / "build/event_vectors.npz",
                    help="cache of the word vectors (built from --news when missing)")
    ap.add_argument("--no-vectors", action="store_true", help="sparse features only")
    ap.add_argument("-o", "--output", type=Path, default=path("events/sentence_model.json"))
    args = ap.parse_args()
    words_vecs = None if args.no_vectors else vectors.load_or_build(args.news, args.vectors)
    models = {}
    for typ in training.TYPES:
        rows = training.load_gsr(typ, args.gsr)
        feats = training.featurize(rows)
        dense = None if words_vecs is None else training.Dense(feats, *words_vecs)
        y = [r["y"] for r in rows]
        c, scale, t = training.choose_c(feats, y, dense=dense)
        probs = training.oof(feats, y, c, folds=4, seed=7, dense=dense, scale=scale)
        calib = training.calibration(probs, y)
        vocab, model = training.fit(feats, y, c, dense=dense, scale=scale)
        models[typ] = training.export(vocab, model, t, calib, c, dense, scale)
        p, r, f = training.prf(probs, y, t)
        print(f"{typ}: n={len(y)} pos={sum(y)} C={c} vector scale={scale} threshold={t:.3f} "
              f"4-fold P={p:.3f} R={r:.3f} F1={f:.3f} weights={len(models[typ]['weights'])}")
        print("  calibration [lo, hi, precision, n]:", calib)
    training.write_model(models, args.output)
    print("wrote", args.output, args.output.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
