"""The learned sentence filter: plain logistic-regression weights read from JSON.

Trained by scripts/train_events.py on ../shared/data/arabic_event_gsr_dev
(see docs/events.md); shipped as hadath/resources/events/sentence_model.json
and read here with pure Python, so scikit-learn is not a run-time dependency.
Per type: sparse feature weights, and (where the training folds found them
useful) `word_scores`, the mean-word-vector block folded into one score per
word (hadath.events.vectors).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from functools import lru_cache
from typing import Any

from hadath.document import Token
from hadath.events.features import sentence_features
from hadath.events.triggers import SentenceView
from hadath.resources import path

MODEL_FILE = "events/sentence_model.json"


@lru_cache(maxsize=1)
def model() -> dict[str, Any]:
    """The shipped weights per event type ({} when none is built yet)."""
    p = path(MODEL_FILE)
    if not p.exists():
        return {}
    return json.loads(p.read_text(encoding="utf-8"))


def probability(event_type: str, feats: Counter) -> float | None:
    """The model's raw probability that a sentence reports an event of this type."""
    m = model().get(event_type)
    if m is None:
        return None
    return probability_with(m, feats)


def _words(feats: Counter) -> list[str]:
    return [f[2:] for f in feats if f.startswith("w:")]


def probability_with(m: dict[str, Any], feats: Counter, words: list[str] | None = None) -> float:
    """The probability under one type's exported weights (see probability);
    `words` are the sentence's distinct `w:` words when the caller has them."""
    w = m["weights"]
    # Features without a weight add exactly 0.0, so they are skipped (the
    # sum stays the same, in the same order); most counts are 1.
    z = m["bias"] + sum(w[f] * (1.0 if n == 1 else 1.0 + math.log(n))
                        for f, n in feats.items() if f in w)
    scores = m.get("word_scores")
    if scores:
        # The mean word vector's contribution, folded into per-word scores
        # (hadath.events.training.export): the mean over the sentence's known words.
        known = [scores[x] for x in (_words(feats) if words is None else words) if x in scores]
        if known:
            z += sum(known) / len(known)
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def threshold(event_type: str) -> float:
    m = model().get(event_type)
    return m["threshold"] if m else 0.5


def calibrated(event_type: str, p: float) -> float:
    """Held-out precision of sentences scored like `p` (the calibration table)."""
    m = model().get(event_type)
    if m is None:
        return p
    table = m["calibration"]
    for _lo, hi, prec, _n in table:
        if p <= hi:
            return prec
    return table[-1][2]


def score_sentence(view: SentenceView, tokens: list[Token]) -> dict[str, float]:
    """Raw probabilities for every modelled type of one sentence."""
    feats = Counter(sentence_features(view, tokens))
    words = _words(feats)
    return {t: probability_with(m, feats, words) for t, m in model().items()}
