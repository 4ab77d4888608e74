"""Clitic-aware phrase matching over tokens.

Lexicons (outlets, places, triggers, titles) are stored as token tries
keyed on normalised words with the article removed.  In the text, the first
word of a phrase may carry any proclitic (و ف ب ل ك ال: "وبالمنطقة
الخضراء"), later words only the article.  One dict look-up per reading per
token, so matching costs a few look-ups a token whatever the lexicon size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from hadath.document import Token
from hadath.text.normalise import normalise, normalise_string
from hadath.text.tokens import (
    FORM_CACHE_SIZE,
    split_article,
    suffix_variants,
    tokenize_normalised,
    variants,
)

_END = ""  # trie key holding a complete phrase's payloads; no token is empty
# Word forms remembered per matcher (can a phrase start here?); the cache is
# emptied when full, and the frequent forms come straight back.  A full
# cache's table takes 3.8 MB (the word strings are shared with the other
# matchers and caches).
MAX_START_FORMS = FORM_CACHE_SIZE


def phrase_keys(phrase: str) -> tuple[str, ...]:
    """The lexicon keys of a phrase: its normalised words, article removed."""
    toks = tokenize_normalised(normalise(phrase))
    return tuple(split_article(t.norm)[1] for t in toks)


class _StartForms(dict[str, bool]):
    """Word form -> can a phrase start there: answered on first look-up.

    A miss goes to `__missing__` from C, so scanning a document is one
    subscript per token.
    """

    __slots__ = ("trie", "readings")

    def __init__(self, trie: dict[str, Any], readings: Callable[[str], Sequence[str]]) -> None:
        super().__init__()
        self.trie = trie
        self.readings = readings

    def __missing__(self, norm: str) -> bool:
        hit = self[norm] = not self.trie.keys().isdisjoint(self.readings(norm))
        return hit


class PhraseMatcher:
    """Longest-match phrase look-up over a token sequence.

    `suffixes=True` also lets the last word of a one-word phrase carry a
    pronoun suffix (قتلته matches قتل / قتلت), for verb lexicons.
    """

    def __init__(self, entries: Iterable[tuple[str, Any]] = (), suffixes: bool = False) -> None:
        self.trie: dict[str, Any] = {}
        self.suffixes = suffixes
        # The readings of a phrase's first word (clitics, and pronoun suffixes).
        self._readings = suffix_variants if suffixes else variants
        self.max_len = 0
        self._starts = _StartForms(self.trie, self._readings)
        for phrase, payload in entries:
            self.add(phrase, payload)

    def add(self, phrase: str, payload: Any) -> None:
        self.add_keys(phrase_keys(phrase), payload)

    def add_keys(self, keys: Sequence[str], payload: Any) -> None:
        """Add a phrase given as its keys (normalised words without the article)."""
        if not keys:
            return
        node = self.trie
        for k in keys:
            node = node.setdefault(k, {})
        node.setdefault(_END, []).append(payload)
        self._starts.clear()
        self.max_len = max(self.max_len, len(keys))

    def unique_payloads(self) -> None:
        """Keep each phrase's payloads once (equal ones added by several forms).

        For lexicons whose entries are hashable; done once after loading, so
        that matching need not filter them again.
        """
        stack = [self.trie]
        while stack:
            node = stack.pop()
            for key, child in node.items():
                if key == _END:
                    node[key] = list(dict.fromkeys(child))
                else:
                    stack.append(child)

    def match_at(self, tokens: Sequence[Token], i: int) -> tuple[int, list[Any]] | None:
        """Longest phrase starting at token i: (end index, payloads) or None."""
        m = self._match_at(tokens, i)
        return None if m is None else (m[0], m[1])

    def _match_at(self, tokens: Sequence[Token], i: int) -> tuple[int, list[Any], str] | None:
        best: tuple[int, list[Any], str] | None = None
        for reading in self._readings(tokens[i].norm):
            node = self.trie.get(reading)
            if node is None:
                continue
            j = i + 1
            if _END in node and (best is None or j > best[0]):
                best = (j, node[_END], reading)
            while j < len(tokens) and tokens[j].sentence == tokens[i].sentence:
                t = tokens[j]
                nxt = node.get(t.norm)
                if nxt is None and t.base != t.norm:
                    nxt = node.get(t.base)
                if nxt is None:
                    break
                node = nxt
                j += 1
                if _END in node and (best is None or j > best[0]):
                    best = (j, node[_END], reading)
        return best

    def _iter_matches(self, tokens: Sequence[Token]) -> Iterator[tuple[int, int, list[Any], str]]:
        # Positions where a phrase may start, found by one comprehension over
        # the tokens (a cached answer per word form; most forms start
        # nothing), instead of stepping a Python loop through every token:
        # every stage runs matchers over whole articles.
        starts = self._starts
        if len(starts) > MAX_START_FORMS:
            starts.clear()
        candidates = [i for i, t in enumerate(tokens) if t.is_word and starts[t.norm]]
        i = 0
        for k in candidates:
            if k < i:
                continue  # inside the previous match
            m = self._match_at(tokens, k)
            if m is not None:
                yield k, m[0], m[1], m[2]
                i = m[0]

    def find_words(self, words: Sequence[str]) -> list[tuple[int, int, list[Any]]]:
        """`find` over one sentence of normalised words (no Token objects).

        For callers that hold plain words, such as the NER features: the
        same readings (clitics on the first word, the article on later
        ones) and the same left-to-right longest matches.
        """
        out: list[tuple[int, int, list[Any]]] = []
        trie = self.trie
        starts = self._starts
        if len(starts) > MAX_START_FORMS:
            starts.clear()
        n = len(words)
        bases: list[str | None] = [None] * n
        i = 0
        # As in _iter_matches: the possible starts by one comprehension.
        for k in [k for k, w in enumerate(words) if starts[w]]:
            if k < i:
                continue  # inside the previous match
            w = words[k]
            best: tuple[int, list[Any]] | None = None
            for reading in self._readings(w):
                node = trie.get(reading)
                j = k + 1
                while node is not None:
                    if _END in node and (best is None or j > best[0]):
                        best = (j, node[_END])
                    if j >= n:
                        break
                    nxt = node.get(words[j])
                    if nxt is None:
                        if bases[j] is None:
                            bases[j] = split_article(words[j])[1]
                        if bases[j] != words[j]:
                            nxt = node.get(bases[j])
                    node = nxt
                    j += 1
            if best is not None:
                out.append((k, best[0], best[1]))
                i = best[0]
        return out

    def find(self, tokens: Sequence[Token]) -> list[tuple[int, int, list[Any]]]:
        """Non-overlapping longest matches, left to right: (i, j, payloads)."""
        return [(i, j, p) for i, j, p, _ in self._iter_matches(tokens)]

    def find_spans(
        self, text: str, tokens: Sequence[Token]
    ) -> list[tuple[int, int, int, int, list[Any]]]:
        """Like `find`, with character offsets that leave out proclitics.

        Returns (start, end, i, j, payloads): "لوزارة الخارجية" gives the
        span of "وزارة الخارجية"; the article is kept ("بالعراق" → "العراق").
        """
        return [
            (clitic_start(text, tokens[i], reading), tokens[j - 1].end, i, j, payloads)
            for i, j, payloads, reading in self._iter_matches(tokens)
        ]


def clitic_start(text: str, tok: Token, reading: str) -> int:
    """Original offset where `reading` (a variant of tok.norm) begins.

    Proclitic letters in front of the reading are skipped; the article ال
    stays in the span.  For ل + ال ("للجيش") the whole token is kept, since
    the article's alef is elided and no sub-span spells the word.
    """
    norm = tok.norm
    if not norm.endswith(reading) or norm == reading:
        return tok.start
    k = len(norm) - len(reading)  # readings only ever drop a prefix
    if norm[:k].endswith("ال"):
        k -= 2
    elif norm[:k].endswith("لل"):
        return tok.start
    if k <= 0:
        return tok.start
    # Walk the original characters, counting only those that survive
    # normalisation (diacritics and tatweel do not).
    pos = tok.start
    seen = 0
    while pos < tok.end and seen < k:
        if normalise_string(text[pos]):
            seen += 1
        pos += 1
    while pos < tok.end and not normalise_string(text[pos]):
        pos += 1
    return pos


def normalised_set(words: Iterable[str]) -> frozenset[str]:
    """A set of normalised words, for stop lists and single-word lexicons."""
    return frozenset(normalise_string(w) for w in words)
