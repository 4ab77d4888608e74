"""Word vectors for the sentence filter, learned from unlabelled news (build time only).

With 135 ASSAULT and 39 PROTEST positives, word n-grams see too few
examples to generalise; the filter also gets the mean of the sentence's
word vectors, learned from co-occurrence in 30,950 unlabelled news
articles (../shared/data/news/saudinewsnet_all.jsonl.gz) as a truncated SVD
of the positive PMI matrix (Levy, Goldberg & Dagan 2015: as good as
word2vec on similarity tasks at this corpus size, and it needs only
numpy/scipy, which are training-time dependencies here).

Nothing of this module runs at extraction time: the classifier is linear,
so the weight vector of the mean-vector block is folded into one score per
word (`word_scores` in sentence_model.json) and the run-time cost is a
dict look-up per word (hadath.events.classifier).  The vectors themselves
are a build cache (build/event_vectors.npz), never shipped.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from hadath.document import Document
from hadath.events.features import _word

DIMS = 100
VOCAB = 30000
MIN_COUNT = 10
WINDOW = 4  # tokens either side
CDS = 0.75  # context-distribution smoothing of the PMI (Levy et al. 2015)


def _structural_doc(text: str) -> Document:
    from hadath.events.training import structural_doc

    return structural_doc(text)


def corpus_sentences(path: Path) -> Iterator[list[str]]:
    """Word forms (as the filter's `w:` features see them) of each sentence of a JSONL(.gz) corpus."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = _structural_doc(json.loads(line)["text"])
            cur: list[str] = []
            sent = -1
            for tok in doc.tokens:
                if tok.sentence != sent:
                    if cur:
                        yield cur
                    cur, sent = [], tok.sentence
                if tok.is_word:
                    cur.append(_word(tok))
            if cur:
                yield cur


def ppmi_svd(sentences: list[list[str]], dims: int = DIMS, vocab: int = VOCAB,
             min_count: int = MIN_COUNT, window: int = WINDOW):
    """(words, unit-length vectors) from a PPMI co-occurrence matrix's truncated SVD."""
    import numpy as np
    from scipy.sparse import coo_matrix, csr_matrix
    from scipy.sparse.linalg import svds

    counts = Counter(w for s in sentences for w in s)
    words = [w for w, n in counts.most_common(vocab) if n >= min_count]
    index = {w: k for k, w in enumerate(words)}
    rows, cols = [], []
    for s in sentences:
        ids = np.array([index.get(w, -1) for w in s], dtype=np.int64)
        for d in range(1, window + 1):
            a, b = ids[:-d], ids[d:]
            keep = (a >= 0) & (b >= 0)
            rows.append(a[keep])
            cols.append(b[keep])
    n = len(words)
    r, c = np.concatenate(rows), np.concatenate(cols)
    m = coo_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=(n, n)).tocsr()
    m = (m + m.T).tocoo()
    total = m.data.sum()
    row_sum = np.bincount(m.row, weights=m.data, minlength=n)
    ctx = row_sum ** CDS
    ctx /= ctx.sum()
    pmi = np.log(m.data / (row_sum[m.row] / total) / ctx[m.col] / total)
    pos = pmi > 0
    ppmi = csr_matrix((pmi[pos], (m.row[pos], m.col[pos])), shape=(n, n))
    u, s, _ = svds(ppmi, k=dims, random_state=0)
    vecs = u * np.sqrt(s)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    # svds returns singular vectors up to sign; fix it so rebuilds are identical.
    vecs *= np.where(vecs[np.abs(vecs).argmax(axis=0), range(dims)] < 0, -1.0, 1.0)
    return words, vecs.astype(np.float32)


def load_or_build(corpus: Path, cache: Path, log=print):
    """The word vectors, from `cache` if it exists (else built from `corpus` and cached)."""
    import numpy as np

    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        return list(z["words"]), z["vectors"]
    log(f"building word vectors from {corpus} (a few minutes) ...")
    words, vecs = ppmi_svd(list(corpus_sentences(corpus)))
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, words=np.array(words), vectors=vecs)
    log(f"cached {len(words)} word vectors in {cache}")
    return words, vecs
