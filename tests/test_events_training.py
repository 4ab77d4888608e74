"""The shipped filter's pure-Python scoring agrees with the trained model."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from hadath.events import training
from hadath.events.classifier import probability_with


def test_exported_weights_and_word_scores_reproduce_the_fitted_model():
    np = pytest.importorskip("numpy")
    pytest.importorskip("sklearn")
    rng = random.Random(3)
    words = [f"w{k}" for k in range(40)]
    feats, y = [], []
    for _ in range(120):
        label = rng.random() < 0.3
        pool = words[:20] if label else words[15:]
        c = Counter("w:" + rng.choice(pool) for _ in range(6))
        if label:
            c["T:ASSAULT"] += 1
        feats.append(c)
        y.append(int(label))
    vecs = np.random.default_rng(0).normal(size=(30, 8)).astype("float32")
    dense = training.Dense(feats, words[:30], vecs)  # w30..w39 have no vector
    vocab, model = training.fit(feats, y, 1.0, dense=dense, scale=10.0)
    exported = training.export(vocab, model, 0.5, [], 1.0, dense, 10.0)
    assert exported["word_scores"] and exported["vector_scale"] == 10.0
    expected = training.predict(vocab, model, feats, dense, 10.0)
    got = [probability_with(exported, c) for c in feats]
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) < 2e-3
