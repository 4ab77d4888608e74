"""Word clusters learned without labels from raw Arabic news.

Names that the annotated corpora never saw still share contexts with names
they did see ("قال X", "الرئيس X", "في X"), so a cluster id is a feature
that carries over to unseen words.  Brown clustering would be the textbook
choice, but no maintained permissively licensed Python package implements
it, so we use the same idea via linear algebra: a positive-PMI matrix of
left/right neighbour counts, a truncated SVD (scikit-learn), and k-means at
three granularities (coarse to fine, like Brown-cluster bit prefixes).

Build-time only (numpy, scipy, scikit-learn); at run time the result is a
plain text file `word<TAB>c64<TAB>c256<TAB>c1024` read by `lexicon.py`.
"""

from __future__ import annotations

import gzip
import json
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from hadath.text.normalise import normalise_string

_WORD = re.compile(r"[\u0621-\u064a]+|\d+|[^\s\w]")
GRANULARITIES = (64, 256, 1024)


def news_sentences(paths: Iterable[Path], limit: int | None = None) -> Iterator[list[str]]:
    """Normalised token lists, one per line of article text."""
    n = 0
    for p in paths:
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                art = json.loads(line)
                for para in (art.get("title") or "", art.get("text") or ""):
                    for chunk in para.split("\n"):
                        toks = _WORD.findall(normalise_string(chunk))
                        if toks:
                            yield toks
                n += 1
                if limit and n >= limit:
                    return


def build_clusters(
    paths: Iterable[Path],
    out: Path,
    vocab_size: int = 60_000,
    context_size: int = 4_000,
    dims: int = 100,
    min_count: int = 5,
    seed: int = 13,
) -> int:
    """Learn clusters from news JSONL files and write them to `out`."""
    import numpy as np
    from scipy import sparse
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.utils.extmath import randomized_svd

    paths = list(paths)
    counts: Counter[str] = Counter()
    for sent in news_sentences(paths):
        counts.update(sent)
    vocab = [w for w, c in counts.most_common(vocab_size) if c >= min_count]
    index = {w: i for i, w in enumerate(vocab)}
    ctx = {w: i for i, w in enumerate(vocab[:context_size])}
    nctx = len(ctx)
    # Compact int arrays: tens of millions of pairs would not fit as lists.
    rows = array("i")
    cols = array("i")
    # Left and right neighbours (distance 1 and 2) are distinct context
    # dimensions: "في X" and "X في" say different things about X.
    for sent in news_sentences(paths):
        ids = [index.get(w, -1) for w in sent]
        cids = [ctx.get(w, -1) for w in sent]
        n = len(sent)
        for i, wi in enumerate(ids):
            if wi < 0:
                continue
            for off, block in ((-1, 0), (1, 1), (-2, 2), (2, 3)):
                j = i + off
                if 0 <= j < n and cids[j] >= 0:
                    rows.append(wi)
                    cols.append(block * nctx + cids[j])
    m = sparse.coo_matrix(
        (np.ones(len(rows), dtype=np.float32), (np.frombuffer(rows, dtype=np.int32), np.frombuffer(cols, dtype=np.int32))),
        shape=(len(vocab), 4 * nctx),
    ).tocsr()
    m.sum_duplicates()
    total = m.sum()
    row_sum = np.asarray(m.sum(axis=1)).ravel()
    col_sum = np.asarray(m.sum(axis=0)).ravel() ** 0.75  # context smoothing
    col_sum = col_sum / col_sum.sum() * total
    m = m.tocoo()
    pmi = np.log(m.data * total / (row_sum[m.row] * col_sum[m.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    u, s, _ = randomized_svd(ppmi, n_components=dims, random_state=seed)
    emb = u * np.sqrt(s)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    labels = []
    for k in GRANULARITIES:
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3)
        labels.append(km.fit_predict(emb))
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("# word clusters: word, then cluster ids at " + ", ".join(map(str, GRANULARITIES)) + "\n")
        for i, w in enumerate(vocab):
            fh.write(w + "\t" + "\t".join(str(int(lab[i])) for lab in labels) + "\n")
    return len(vocab)
