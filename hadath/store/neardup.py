"""Near-duplicate articles (rewrites of one agency story) by MinHash LSH.

Signatures are datasketch MinHashes of word 3-shingles of the normalised
text, stored with each article (so the index survives restarts and a
resumed ingest sees what earlier runs stored); the LSH index itself lives in
memory and is rebuilt from the stored signatures on first use.
"""

from __future__ import annotations

import numpy as np
from datasketch import MinHash, MinHashLSH

from hadath.text.normalise import normalise_string

NUM_PERM = 128
THRESHOLD = 0.5  # estimated Jaccard of 3-shingle sets for "same story"
SHINGLE = 3
MIN_WORDS = 20  # shorter texts are too small to call near-duplicates


def shingles(title: str | None, text: str) -> set[bytes]:
    words = normalise_string(text).split()
    if len(words) < MIN_WORDS:
        return set()
    return {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)}


# Stored signatures must be read back with the scheme that made them
# (datasketch 2 refuses to guess); affine32 values fit in four bytes.
SCHEME = "affine32"


def signature(title: str | None, text: str) -> MinHash | None:
    sh = shingles(title, text)
    if not sh:
        return None
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    m.update_batch(list(sh))
    return m


def to_bytes(m: MinHash) -> bytes:
    # datasketch hash values are below 2**32: four bytes each suffice.
    return m.hashvalues.astype(np.uint32).tobytes()


def from_bytes(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype=np.uint32).astype(np.uint64)
    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)


# Members of one group put in the LSH index.  A query returns every indexed
# member of every matching group, so an agency story with hundreds of copies
# would make each new copy cost hundreds of Jaccard comparisons; later
# copies are grouped (they matched an indexed member) but not indexed.
# Normal groups are far smaller (the largest of the 30,950 SaudiNewsNet
# articles has 13), so their grouping does not change.
MAX_INDEXED_PER_GROUP = 32


class NearDuplicateIndex:
    """Article id -> near-duplicate group id, by MinHash LSH."""

    def __init__(self) -> None:
        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self.groups: dict[str, str] = {}  # every article seen -> its group
        self.sigs: dict[str, MinHash] = {}  # indexed articles only
        self.indexed: dict[str, int] = {}  # group -> its indexed members
        self.pending: list[str] = []  # added since the last commit()

    def _add(self, article_id: str, group: str, m: MinHash, stored: bool = False) -> None:
        self.groups[article_id] = group
        if not stored:
            self.pending.append(article_id)
        if self.indexed.get(group, 0) < MAX_INDEXED_PER_GROUP:
            self.lsh.insert(article_id, m)
            self.sigs[article_id] = m
            self.indexed[group] = self.indexed.get(group, 0) + 1

    def commit(self) -> None:
        """The articles added so far are stored for good."""
        self.pending.clear()

    def rollback(self) -> None:
        """Forget the articles added since the last commit() (their
        transaction was rolled back), instead of rebuilding the whole index
        from the database, which costs a pass over every stored signature."""
        for article_id in reversed(self.pending):
            group = self.groups.pop(article_id, None)
            if self.sigs.pop(article_id, None) is not None:
                self.lsh.remove(article_id)
                if group is not None:
                    self.indexed[group] -= 1
        self.pending.clear()

    def add_stored(self, article_id: str, group: str | None, data: bytes | None) -> None:
        if data is None or article_id in self.groups:
            return
        self._add(article_id, group or article_id, from_bytes(data), stored=True)

    def group_of(self, article_id: str, m: MinHash | None) -> str:
        """The group of a new article (its own id if it has no near-duplicate); indexes it."""
        if m is None:
            return article_id
        best, best_j = None, THRESHOLD
        for other in self.lsh.query(m):
            j = m.jaccard(self.sigs[other])
            if j >= best_j:
                best, best_j = other, j
        group = self.groups[best] if best is not None else article_id
        if article_id not in self.groups:
            self._add(article_id, group, m)
        return group
