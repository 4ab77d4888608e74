"""CRF features for a sentence of normalised words (shared by training and tagging).

A token's own features depend only on its normalised form, so they are
computed once per word type and cached, together with the prefixed copies
its neighbours need.  Training reads the feature strings
(`sentence_features`); tagging sums the model's weights over them once per
word type (`EmissionScorer`) and never builds them per token.

Arabic writes clitics onto the word ("وبغداد", "للجيش"), so besides the
surface form every clitic reading (`variants`) is a feature and is looked up
in the lexicons; Arabic has no capital letters, so name lists, head words
("وزارة", "مدينة"), titles ("الرئيس", "اللواء") and unsupervised word
clusters stand in for them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from hadath.entities.lexicon import Lexicon, lexicon
from hadath.text.tokens import FORM_CACHE_SIZE, split_article, variants

_OFFSETS = (-2, -1, 1, 2)


def _shape(w: str) -> str:
    if not w:
        return "empty"
    c = w[0]
    if "\u0621" <= c <= "\u064a":
        return "ar"
    if c.isdigit():
        return "num"
    if c.isalpha():
        return "lat"
    return "p:" + w if len(w) == 1 else "sym"


def _flags(vs: Sequence[str], literal: tuple[str, ...], lex: Lexicon) -> list[str]:
    out: list[str] = []
    tables = (
        ("GIV", lex.given), ("FAM", lex.family), ("PLC", lex.places),
        ("TTL", lex.titles), ("ORGH", lex.org_heads), ("LOCH", lex.loc_heads),
        ("SAY", lex.speech), ("NIS", lex.nisba),
    )
    for v in vs:
        mark = "" if v in literal else "~"
        for name, table in tables:
            if v in table:
                f = name + mark
                if f not in out:
                    out.append(f)
    return out


# The prefixes of the features a word lends its neighbours, per offset
# (built once: formatting the offset for every new word type is slow).
_LENT = {o: (f"{o}", f"{o}b=", f"{o}pre=", f"{o}c256=", f"{o}c1k=", f"{o}w=", f"{o}s2=")
         for o in _OFFSETS}


@lru_cache(maxsize=50_000)
def word_features(w: str) -> tuple[list[str], dict[int, list[str]]]:
    """(own features, {offset: features as seen from a neighbour at offset})."""
    lex = lexicon()
    shape = _shape(w)
    if shape != "ar":
        own = ["w=" + w, "sh=" + shape]
        if shape == "lat":
            own.append("cap" if w[:1].isupper() else "low")
        if shape == "num":
            own.append(f"nlen={min(len(w), 5)}")
        ctx = {o: [f"{o}w={w}", f"{o}sh={shape}"] for o in _OFFSETS}
        return own, ctx
    prefix, base = split_article(w)
    vs = variants(w)
    literal = (w, base)
    flags = _flags(vs, literal, lex)
    cl = None
    for v in vs:
        c = lex.clusters.get(v)
        if c is not None:
            cl = c.split("\t")
            break
    s2 = base[-2:]
    own = ["w=" + w, "b=" + base, "pre=" + prefix, f"len={min(len(base), 9)}",
           "s1=" + base[-1:], "s2=" + s2, "s3=" + base[-3:],
           "f1=" + w[:1], "f2=" + w[:2], "f3=" + base[:3]]
    own.extend(["v=" + v for v in vs[1:] if v != base])
    own.extend(flags)
    if cl is not None:
        own.extend(("c64=" + cl[0], "c256=" + cl[1], "c1k=" + cl[2]))
    else:
        own.append("c=none")
    ctx: dict[int, list[str]] = {}
    for o in _OFFSETS:
        p, pb, ppre, pc256, pc1k, pw, ps2 = _LENT[o]
        f = [pb + base, ppre + prefix]
        f.extend([p + x for x in flags])
        if cl is not None:
            f.append(pc256 + cl[1])
            if o in (-1, 1):
                f.append(pc1k + cl[2])
        if o in (-1, 1):
            f.append(pw + w)
            f.append(ps2 + s2)
        ctx[o] = f
    return own, ctx


def _phrase_marks(words: Sequence[str], lex: Lexicon) -> list[list[str]]:
    """Multi-word gazetteer matches (places, titles, organisations) as BI marks."""
    marks: list[list[str]] = [[] for _ in words]
    for name, matcher in (("mPLC", lex.place_phrases), ("mTTL", lex.title_phrases),
                          ("mORG", lex.org_phrases)):
        if not matcher.trie:
            continue
        for i, j, _ in matcher.find_words(words):
            if j - i < 2:
                continue
            marks[i].append(name + "-B")
            for k in range(i + 1, j):
                marks[k].append(name + "-I")
    return marks


def sentence_features(words: Sequence[str], domain: str | None = None) -> list[list[str]]:
    """Feature lists for a sentence of normalised words.

    `domain` ("A" news as in ANERcorp, "W" Wikipedia as in WikiFANE) adds a
    domain-specific copy of each token's own features (Daumé 2007,
    "frustratingly easy domain adaptation"): shared weights learn what both
    corpora agree on, the copies absorb their differing conventions.  News is
    tagged as domain "A".
    """
    n = len(words)
    cached = [word_features(w) for w in words]
    lex = lexicon()
    marks = _phrase_marks(words, lex)
    out = []
    for i in range(n):
        own, _ = cached[i]
        f = list(own)
        if domain:
            f.extend([domain + "|" + x for x in own])
        for o in _OFFSETS:
            j = i + o
            if 0 <= j < n:
                f.extend(cached[j][1][o])
            elif o in (-1, 1):
                f.append("BOS" if o < 0 else "EOS")
        b0 = split_article(words[i])[1]
        if i > 0:
            f.append("b-1|b0=" + split_article(words[i - 1])[1] + "|" + b0)
        if i + 1 < n:
            f.append("b0|b+1=" + b0 + "|" + split_article(words[i + 1])[1])
        if marks[i]:
            f.extend(marks[i])
        if i > 0 and marks[i - 1]:
            f.extend("-1" + x for x in marks[i - 1])
        if i + 1 < n and marks[i + 1]:
            f.extend("+1" + x for x in marks[i + 1])
        out.append(f)
    return out


class EmissionScorer:
    """The model's per-label state scores for sentences of normalised words.

    What a CRF with weights `state` (attribute row x label) and attribute rows
    `index` scores for `sentence_features(words, domain)`, summed without
    building the attribute strings per token: a word type's own attributes
    and the attributes it lends each neighbour are summed once into five
    label-score vectors, kept in one array (`_table`, a slot per word type,
    at most `max_words`), and a sentence's scores are then gathered from it
    with a few array additions.  Only the attributes that join two words
    (base pairs, phrase marks) and the sentence edges are added per token.

    A new word type costs ~16 µs (its feature strings), so the table holds as
    many as news brings in a long run (98,500 forms in 3,400 articles); it
    takes 54 MB when full and is emptied then.
    """

    _OWN = 0
    _AT = {-2: 1, -1: 2, 1: 3, 2: 4}  # slot row of the scores lent at each offset
    _PAIR_TO_NEXT = "b-1|b0="  # pair attribute of the second word
    _PAIR_TO_PREV = "b0|b+1="  # pair attribute of the first word

    def __init__(self, index: dict[str, int], state: np.ndarray, domain: str | None = None,
                 max_words: int = FORM_CACHE_SIZE) -> None:
        self.index = index
        self.state = state
        self.domain = domain
        self.max_words = max_words
        # Pair attributes by first base, then second base: (row to the
        # second word, row to the first word).
        self._pairs: dict[str, dict[str, list[int | None]]] = {}
        for attr, row in index.items():
            for k, prefix in enumerate((self._PAIR_TO_NEXT, self._PAIR_TO_PREV)):
                if attr.startswith(prefix):
                    a, _, b = attr[len(prefix):].partition("|")
                    self._pairs.setdefault(a, {}).setdefault(b, [None, None])[k] = row
        self._slots: dict[str, int] = {}
        # Per slot: (base, pairs whose first word has this base, or None).
        self._slot_info: list[tuple[str, dict[str, list[int | None]] | None]] = []
        self._table = np.zeros((max_words, 5, state.shape[1]))
        self._lookup, self._weights, self._group = self._word_attributes()
        self._bos = self._scores(["BOS"])
        self._eos = self._scores(["EOS"])

    def _scores(self, attributes: Sequence[str]) -> np.ndarray:
        index = self.index
        rows = [index[a] for a in attributes if a in index]
        return self.state[rows].sum(axis=0)

    def _slots_of(self, words: Sequence[str]) -> list[int]:
        slots = self._slots
        new = list(dict.fromkeys(w for w in words if w not in slots))
        if new:
            if len(slots) + len(new) > self.max_words:
                slots.clear()  # bounded; frequent words come straight back
                self._slot_info.clear()
                new = list(dict.fromkeys(words))
            self._add(new)
        return [slots[w] for w in words]

    def _word_attributes(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        """Attribute -> row of a weight matrix, and the slot row (`_OWN`, `_AT`) each adds to.

        What a word type brings is looked up here once per attribute, in one
        pass: an own attribute's row already holds its domain copy's weights
        added in (the copy is the same string after the domain's letter and
        "|": "A|w=..." for news), and the
        offset a neighbour's attribute is lent at is read off its prefix
        ("-2", "-1", "1", "2"; own attributes start with a letter).
        Attributes of the other domain, and those that join words (pairs,
        phrase marks: added per token in `scores`), are never looked up.
        """
        index, state = self.index, self.state
        own = self._OWN
        before = {"-2": self._AT[-2], "-1": self._AT[-1]}  # by the first two characters
        after = {"1": self._AT[1], "2": self._AT[2]}  # by the first character
        names = [a for a in index if a[1:2] != "|"]  # not a domain copy
        copy = f"{self.domain}|"
        copies = ({a[len(copy):]: r for a, r in index.items() if a.startswith(copy)}
                  if self.domain else {})
        group = [before.get(a[:2]) or after.get(a[:1], own) for a in names]
        matrix = state[[index[a] for a in names]]
        lookup = {a: i for i, a in enumerate(names)}
        pairs = [(i, c) for a, c in copies.items()
                 if (i := lookup.get(a)) is not None and group[i] == own]
        if pairs:
            matrix[[i for i, _ in pairs]] += state[[c for _, c in pairs]]
        alone = [(a, c) for a, c in copies.items() if a not in lookup]  # in this domain only
        if alone:
            for a, _ in alone:
                lookup[a] = len(group)
                group.append(own)
            matrix = np.concatenate([matrix, state[[c for _, c in alone]]])
        return lookup, matrix, np.array(group, dtype=np.intp)

    def _add(self, words: list[str]) -> None:
        """Give each word a slot and its five score vectors, summed in one pass."""
        get = self._lookup.get
        hits: list[int] = []  # row of `_weights` per attribute found, word after word
        counts: list[int] = []
        first = len(self._slots)
        for n, w in enumerate(words):
            # The uncached function: the table holds the summed scores.
            own, ctx = word_features.__wrapped__(w)
            # In slot-row order (own, then offsets -2, -1, 1, 2), so that the
            # targets below come out sorted.
            found = [r for a in (*own, *ctx[-2], *ctx[-1], *ctx[1], *ctx[2])
                     if (r := get(a)) is not None]
            hits += found
            counts.append(len(found))
            b = split_article(w)[1]
            self._slots[w] = first + n
            self._slot_info.append((b, self._pairs.get(b)))
        flat = self._table.reshape(-1, self.state.shape[1])
        flat[first * 5:(first + len(words)) * 5] = 0.0
        if not hits:
            return
        rows = np.array(hits, dtype=np.intp)
        slot_rows = np.arange(first * 5, (first + len(words)) * 5, 5, dtype=np.intp)
        targets = np.repeat(slot_rows, counts) + self._group[rows]
        # Sorted targets: each run of equal ones is summed by one reduceat.
        runs = np.flatnonzero(np.concatenate(([True], targets[1:] != targets[:-1])))
        flat[targets[runs]] = np.add.reduceat(self._weights[rows], runs, axis=0)

    def scores(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """(tokens, labels) state scores of the sentences, one after another."""
        words = [w for sent in sentences for w in sent]
        n = len(words)
        if n > self.max_words:
            raise ValueError(f"more than {self.max_words} words in one call")
        lengths = np.array([len(s) for s in sentences], dtype=np.intp)
        starts = np.zeros(len(sentences), dtype=np.intp)
        np.cumsum(lengths[:-1], out=starts[1:])
        pos = np.arange(n) - np.repeat(starts, lengths)
        left = (pos >= 1)[:, None]  # a token before, in the same sentence
        right = (np.repeat(lengths, lengths) - pos >= 2)[:, None]  # a token after
        slots = self._slots_of(words)
        g = self._table[slots]
        out = g[:, self._OWN].copy()
        out[1:] += g[:-1, self._AT[-1]] * left[1:]
        out[2:] += g[:-2, self._AT[-2]] * (left[2:] & left[1:-1])
        out[:-1] += g[1:, self._AT[1]] * right[:-1]
        out[:-2] += g[2:, self._AT[2]] * (right[:-2] & right[1:-1])
        out[~left[:, 0]] += self._bos
        out[~right[:, 0]] += self._eos
        info = self._slot_info
        state = self.state
        k = 0
        for sent in sentences:
            for i in range(k + 1, k + len(sent)):
                pairs = info[slots[i - 1]][1]
                if pairs is not None:
                    rows = pairs.get(info[slots[i]][0])
                    if rows is not None:
                        if rows[0] is not None:
                            out[i] += state[rows[0]]
                        if rows[1] is not None:
                            out[i - 1] += state[rows[1]]
            k += len(sent)
        # Phrase marks for all sentences at once, a space (never a word)
        # between sentences so that no phrase runs over from one to the next.
        joined: list[str] = []
        ends: list[int] = []  # position of each sentence's separator in `joined`
        for sent in sentences:
            joined.extend(sent)
            ends.append(len(joined))
            joined.append(" ")
        marks = _phrase_marks(joined, lexicon())
        for p in [p for p, m in enumerate(marks) if m]:
            m = marks[p]
            i = p - bisect_left(ends, p)  # the token's index in `words`
            out[i] += self._scores(m)
            if p > 0 and joined[p - 1] != " ":
                out[i - 1] += self._scores(["+1" + x for x in m])
            if joined[p + 1] != " ":
                out[i + 1] += self._scores(["-1" + x for x in m])
        return out
