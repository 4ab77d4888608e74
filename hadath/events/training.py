"""Training and cross-validation of the sentence-level event filter.

Used by scripts/train_events.py (fit and write the shipped weights) and
benchmarks/bench_events.py (cross-validated figures).  scikit-learn is a
training-time dependency only: it is imported inside the functions, and
the shipped model is plain JSON read by hadath.events.classifier.

Rows are `Counter`s of feature strings plus, optionally, a dense block: the
mean word vector of the sentence (hadath.events.vectors), multiplied by a
scale that is a hyper-parameter like C (0 switches the block off).  The
fitted weights of the block are folded into one score per word on export.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

from hadath.document import Document
from hadath.events.features import sentence_features
from hadath.events.triggers import analyse
from hadath.pipeline import normalise_stage
from hadath.text.sentences import sentences
from hadath.text.tokens import tokenize

DEFAULT_GSR = Path(__file__).resolve().parents[2].parent / "shared/data/arabic_event_gsr_dev"
TYPES = {"ASSAULT": "assault", "PROTEST": "protest"}
POSITIVE = {"yes": 1, "easy no": 0, "difficult no": 0}  # "ambiguous" is left out


def structural_doc(text: str) -> Document:
    """A Document with only the structural layers (what features need)."""
    doc = Document(text)
    for stage in (normalise_stage, sentences, tokenize):
        stage(doc)
    return doc


def doc_features(doc: Document) -> list[str]:
    feats: list[str] = []
    for v in analyse(doc):
        feats += sentence_features(v, doc.tokens)
    return feats


def load_gsr(event_type: str, root: Path = DEFAULT_GSR) -> list[dict[str, Any]]:
    """Labelled rows of one GSR file: id, text, label (1/0), difficulty."""
    rows = []
    with open(root / (TYPES[event_type] + ".csv"), encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["label"] in POSITIVE:
                rows.append({"id": r["id"], "text": r["text"], "y": POSITIVE[r["label"]],
                             "label": r["label"]})
    return rows


def featurize(rows: list[dict[str, Any]]) -> list[Counter]:
    return [Counter(doc_features(structural_doc(r["text"]))) for r in rows]


class Dense:
    """Mean word vectors of the rows (unique `w:` words found in the vocabulary)."""

    def __init__(self, feats: list[Counter], words: list[str], vecs) -> None:
        import numpy as np

        index = {w: k for k, w in enumerate(words)}
        self.words, self.vecs = words, vecs
        self.rows = np.zeros((len(feats), vecs.shape[1]), dtype=np.float64)
        for r, c in enumerate(feats):
            ks = [index[f[2:]] for f in c if f.startswith("w:") and f[2:] in index]
            if ks:
                self.rows[r] = vecs[ks].mean(axis=0)

    def take(self, idx: list[int]) -> Dense:
        out = Dense.__new__(Dense)
        out.words, out.vecs, out.rows = self.words, self.vecs, self.rows[idx]
        return out


def _matrix(feats: list[Counter], vocab: dict[str, int], dense: Dense | None = None,
            scale: float = 0.0):
    from scipy.sparse import csr_matrix, hstack

    data, ind, ptr = [], [], [0]
    for c in feats:
        for f, n in c.items():
            k = vocab.get(f)
            if k is not None:
                ind.append(k)
                data.append(1.0 + math.log(n))  # sublinear counts
        ptr.append(len(ind))
    x = csr_matrix((data, ind, ptr), shape=(len(feats), len(vocab)))
    if dense is None or not scale:
        return x
    return hstack([x, csr_matrix(dense.rows * scale)]).tocsr()


def _vocab(feats: list[Counter], min_df: int) -> dict[str, int]:
    df: Counter = Counter()
    for c in feats:
        df.update(c.keys())
    # Lexicon features always stay; word n-grams need min_df documents.
    keep = sorted(f for f, n in df.items() if n >= min_df or f[:2] in ("T:", "C:", "I:", "K:"))
    return {f: k for k, f in enumerate(keep)}


def fit(feats: list[Counter], y: list[int], c: float, min_df: int = 2,
        dense: Dense | None = None, scale: float = 0.0):
    from sklearn.linear_model import LogisticRegression

    vocab = _vocab(feats, min_df)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(_matrix(feats, vocab, dense, scale), y)
    return vocab, model


def predict(vocab, model, feats: list[Counter], dense: Dense | None = None,
            scale: float = 0.0) -> list[float]:
    return list(model.predict_proba(_matrix(feats, vocab, dense, scale))[:, 1])


def best_threshold(probs: list[float], y: list[int]) -> float:
    """The probability cut-off with the best F1 on (out-of-fold) predictions."""
    best = (0.0, 0.5)
    for t in sorted(set(round(p, 3) for p in probs)):
        f = prf(probs, y, t)[2]
        if f > best[0]:
            best = (f, t)
    return best[1]


def prf(probs: list[float], y: list[int], t: float) -> tuple[float, float, float]:
    tp = sum(1 for p, g in zip(probs, y, strict=True) if p >= t and g)
    fp = sum(1 for p, g in zip(probs, y, strict=True) if p >= t and not g)
    fn = sum(1 for p, g in zip(probs, y, strict=True) if p < t and g)
    pr = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return pr, rc, (2 * pr * rc / (pr + rc) if pr + rc else 0.0)


def _take(dense: Dense | None, idx) -> Dense | None:
    return None if dense is None else dense.take(list(idx))


def oof(feats: list[Counter], y: list[int], c: float, folds: int, seed: int,
        dense: Dense | None = None, scale: float = 0.0) -> list[float]:
    """Out-of-fold probabilities from a stratified k-fold split."""
    from sklearn.model_selection import StratifiedKFold

    out = [0.0] * len(y)
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(feats, y):
        vocab, model = fit([feats[i] for i in tr], [y[i] for i in tr], c,
                           dense=_take(dense, tr), scale=scale)
        for i, p in zip(te, predict(vocab, model, [feats[i] for i in te], _take(dense, te), scale),
                        strict=True):
            out[i] = p
    return out


# 0.03 since the fourth round: with the realis features PROTEST (31 positives per
# training fold) often prefers it; ASSAULT keeps 0.1-0.3.
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
# Scale of the mean-word-vector block (0 = off): chosen with C inside the
# training folds, so each type uses the vectors only where they help there.
SCALE_GRID = (0.0, 10.0)


def choose_c(feats, y, folds: int = 4, seed: int = 7, dense: Dense | None = None,
             ) -> tuple[float, float, float]:
    """(C, vector scale, threshold) with the best out-of-fold F1 on these rows."""
    best = (-1.0, 1.0, 0.0, 0.5)
    for scale in (SCALE_GRID if dense is not None else (0.0,)):
        for c in C_GRID:
            probs = oof(feats, y, c, folds, seed, dense, scale)
            t = best_threshold(probs, y)
            f = prf(probs, y, t)[2]
            if f > best[0]:
                best = (f, c, scale, t)
    return best[1], best[2], best[3]


def nested_cv(feats, y, folds: int = 5, seed: int = 13, dense: Dense | None = None,
              ) -> tuple[list[float], list[int]]:
    """Honest held-out predictions: C, vector scale and threshold chosen inside
    each outer training fold only.  Returns per-row (probability, predicted label)."""
    from sklearn.model_selection import StratifiedKFold

    probs = [0.0] * len(y)
    preds = [0] * len(y)
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(feats, y):
        ftr = [feats[i] for i in tr]
        ytr = [y[i] for i in tr]
        c, scale, t = choose_c(ftr, ytr, dense=_take(dense, tr))
        vocab, model = fit(ftr, ytr, c, dense=_take(dense, tr), scale=scale)
        for i, p in zip(te, predict(vocab, model, [feats[i] for i in te], _take(dense, te), scale),
                        strict=True):
            probs[i] = p
            preds[i] = int(p >= t)
    return probs, preds


EDGES = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def calibration(probs: list[float], y: list[int]) -> list[list[float]]:
    """Held-out precision per probability band: [lo, hi, precision, n].

    Adjacent bands are pooled until precision rises monotonically (pool
    adjacent violators), so a higher score never means a lower confidence;
    empty bands are skipped.
    """
    table = []
    for lo, hi in zip(EDGES, EDGES[1:], strict=False):
        chunk = [g for p, g in zip(probs, y, strict=True) if lo <= p < hi or (hi == 1.0 and p == 1.0)]
        if chunk:
            table.append([lo, hi, sum(chunk), len(chunk)])
    merged: list[list[float]] = []
    for row in table:
        merged.append(list(row))
        while len(merged) > 1 and merged[-2][2] / merged[-2][3] >= merged[-1][2] / merged[-1][3]:
            b = merged.pop()
            a = merged.pop()
            merged.append([a[0], b[1], a[2] + b[2], a[3] + b[3]])
    return [[float(lo), float(hi), round(pos / cnt, 3), int(cnt)] for lo, hi, pos, cnt in merged]


def export(vocab, model, threshold: float, calib, c: float, dense: Dense | None = None,
           scale: float = 0.0) -> dict[str, Any]:
    coef = model.coef_[0]
    weights = {f: round(float(coef[k]), 5) for f, k in vocab.items() if abs(coef[k]) >= 1e-4}
    out = {"bias": round(float(model.intercept_[0]), 5), "threshold": threshold,
           "C": c, "calibration": calib, "weights": weights, "vector_scale": scale}
    if dense is not None and scale:
        # Linear in the mean vector, so w . (scale * mean(v)) = mean(scale * w . v):
        # one score per word, averaged at run time over the sentence's known words.
        scores = dense.vecs @ (coef[len(vocab):] * scale)
        out["word_scores"] = {w: round(float(x), 4) for w, x in zip(dense.words, scores, strict=True)}
    return out


def write_model(models: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(models, ensure_ascii=False, sort_keys=True, indent=0),
                    encoding="utf-8")
