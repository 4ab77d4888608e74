"""The shipped CRF's weights as arrays, and Viterbi decoding over state scores.

The model is trained and stored by crfsuite (`model.crfsuite`).  Tagging
through crfsuite costs about 7 µs a token, nearly all of it spent turning
some 25 attribute strings per token into crfsuite's own ids; the search
itself is cheap.  Yet a linear-chain CRF's state score is a sum of weights,
and every attribute of a token comes from one word (its own form, or a
neighbour's form seen at an offset), so the per-label sums can be cached per
word type (`features.EmissionScorer`) and a sentence's scores built from a
handful of array additions.  crfsuite has no entry point that takes state
scores, hence the few lines of Viterbi here; `tests/test_entities.py`
checks that the tags equal crfsuite's own.

The weights are written next to the model (`write`, run by
scripts/train_ner.py and `python -m hadath.entities.tagger
--write-weights`): the attribute names one per line after a header giving
the model's SHA-256 and its labels, and the non-zero weights as a
structured array.  Files left from another model are ignored and the
weights are read from the model itself instead (crfsuite's dump, ~0.4 s).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pycrfsuite

# One row per state feature (attribute index, label index, weight); a
# transition from label i is stored with attribute index -1 - i.
_WEIGHT_DTYPE = np.dtype([("attr", "<i4"), ("label", "<i2"), ("weight", "<f8")])


def file_sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class CrfWeights:
    labels: tuple[str, ...]
    index: dict[str, int]  # attribute -> row of `state`
    state: np.ndarray  # (attributes, labels) float64
    transitions: np.ndarray  # (labels, labels) float64: from row label to column label

    @classmethod
    def from_tagger(cls, tagger: pycrfsuite.Tagger) -> CrfWeights:
        info = tagger.info()
        labels = tuple(tagger.labels())
        lid = {name: i for i, name in enumerate(labels)}
        names = sorted(info.attributes)
        index = {a: i for i, a in enumerate(names)}
        state = np.zeros((len(names), len(labels)))
        for (attr, label), w in info.state_features.items():
            state[index[attr], lid[label]] = w
        trans = np.zeros((len(labels), len(labels)))
        for (a, b), w in info.transitions.items():
            trans[lid[a], lid[b]] = w
        return cls(labels, index, state, trans)

    def write(self, names_path: Path, weights_path: Path, model_sha256: str) -> None:
        names = sorted(self.index, key=self.index.__getitem__)
        rows = [(i, j, w) for i, row in enumerate(self.state.tolist())
                for j, w in enumerate(row) if w != 0.0]
        rows += [(-1 - i, j, w) for i, row in enumerate(self.transitions.tolist())
                 for j, w in enumerate(row) if w != 0.0]
        np.save(weights_path, np.array(rows, dtype=_WEIGHT_DTYPE), allow_pickle=False)
        header = [f"# sha256 {model_sha256}", "# labels " + " ".join(self.labels),
                  f"# weights {weights_path.name} sha256 {file_sha256(weights_path)}"]
        names_path.write_text("\n".join(header + names) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, names_path: Path, weights_path: Path, model_sha256: str) -> CrfWeights | None:
        """The written weights, or None if they are missing or belong to another model."""
        if not names_path.exists() or not weights_path.exists():
            return None
        lines = names_path.read_text(encoding="utf-8").split("\n")
        if (len(lines) < 3 or lines[0] != f"# sha256 {model_sha256}"
                or not lines[1].startswith("# labels ")
                or lines[2] != f"# weights {weights_path.name} sha256 {file_sha256(weights_path)}"):
            return None
        labels = tuple(lines[1][len("# labels "):].split())
        names = [x for x in lines[3:] if x]
        rows = np.load(weights_path, allow_pickle=False)
        state = np.zeros((len(names), len(labels)))
        trans = np.zeros((len(labels), len(labels)))
        feats = rows[rows["attr"] >= 0]
        state[feats["attr"], feats["label"]] = feats["weight"]
        moves = rows[rows["attr"] < 0]
        trans[-1 - moves["attr"], moves["label"]] = moves["weight"]
        return cls(labels, {a: i for i, a in enumerate(names)}, state, trans)


def viterbi(scores: np.ndarray, lengths: Sequence[int], transitions: np.ndarray) -> list[int]:
    """Best label index per token for consecutive sentences of `lengths` tokens.

    `scores` is (tokens, labels): the state scores of all sentences one after
    another.  The sentences are decoded side by side, one step per token
    position, so the Python loop runs as often as the longest sentence is
    long rather than once per token.  Ties go to the lower label index, as
    in crfsuite.

    Each step is a few NumPy calls on small arrays, so their fixed cost is
    what counts: the sentences are ordered longest first, so that those
    still running are a prefix and every array is a view; candidates are laid
    out (sentence, current, previous) so that the arg-max runs along the
    last axis, the cheap one; and the best scores are taken at those arg-max
    positions rather than found by a second reduction.
    """
    n_sent = len(lengths)
    if n_sent == 0:
        return []
    n_labels = transitions.shape[0]
    lens = np.asarray(lengths, dtype=np.intp)
    starts = np.zeros(n_sent, dtype=np.intp)
    np.cumsum(lens[:-1], out=starts[1:])
    order = np.argsort(-lens, kind="stable")  # longest first
    rank = np.empty(n_sent, dtype=np.intp)
    rank[order] = np.arange(n_sent)
    sorted_lens = lens[order].tolist()
    longest = sorted_lens[0]
    sent_of = np.repeat(np.arange(n_sent), lens)
    grid = np.zeros((longest, n_sent, n_labels))  # position, sentence (by rank), label
    grid[np.arange(len(scores)) - starts[sent_of], rank[sent_of]] = scores
    back = np.zeros((longest, n_sent, n_labels), dtype=np.intp)
    into = transitions.T.copy()  # (current, previous)
    cand = np.empty((n_sent, n_labels, n_labels))
    picked = np.empty((n_sent, n_labels), dtype=np.intp)
    # Flat position of (sentence, current, previous 0) in `cand`.
    row_base = (np.arange(n_sent * n_labels, dtype=np.intp) * n_labels).reshape(n_sent, n_labels)
    final = np.empty((n_sent, n_labels))  # best scores at each sentence's last token
    best = grid[0].copy()
    running = n_sent
    for t in range(1, longest):
        still = running
        while sorted_lens[still - 1] <= t:
            still -= 1
        if still < running:
            final[still:running] = best[still:running]
            running = still
        c = cand[:running]
        np.add(best[:running, None, :], into, out=c)
        b = back[t, :running]
        c.argmax(axis=2, out=b)
        p = picked[:running]
        np.add(b, row_base[:running], out=p)
        best = c.take(p)
        best += grid[t, :running]
    final[:running] = best[:running]
    # Back through the pointers, all sentences side by side again: a
    # sentence joins at its own last token with its best final label.
    cur = final.argmax(axis=1)
    path = np.empty((longest, n_sent), dtype=np.intp)
    rows = np.arange(n_sent)
    running = 0
    for t in range(longest - 1, -1, -1):
        while running < n_sent and sorted_lens[running] > t:
            running += 1
        now = cur[:running]
        path[t, :running] = now
        if t:
            now[:] = back[t, rows[:running], now]
    # Row r of path.T is the sentence of rank r; keep each one's own tokens.
    return path.T[rank][np.arange(longest) < lens[:, None]].tolist()
