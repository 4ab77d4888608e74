"""Clitic-aware phrase matching over tokens.

Lexicons (outlets, places, triggers, titles) are stored as token tries
keyed on normalised words with the article removed.  In the text, the first
word of a phrase may carry any proclitic (و ف ب ل ك ال: "وبالمنطقة
الخضراء"), later words only the article.  One dict look-up per reading per
token, so matching costs a few look-ups a token whatever the lexicon size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hadath.document import Token
from hadath.text.normalise import normalise_string
from hadath.text.tokens import split_article, suffix_variants, tokenize_normalised, variants
from hadath.text.normalise import normalise

_END = "\x00"  # trie key that holds the payloads of a complete phrase


def phrase_keys(phrase: str) -> tuple[str, ...]:
    """The lexicon keys of a phrase: its normalised words, article removed."""
    toks = tokenize_normalised(normalise(phrase))
    return tuple(split_article(t.norm)[1] for t in toks)


class PhraseMatcher:
    """Longest-match phrase look-up over a token sequence.

    `suffixes=True` also lets the last word of a one-word phrase carry a
    pronoun suffix (قتلته matches قتل / قتلت), for verb lexicons.
    """

    def __init__(self, entries: Iterable[tuple[str, Any]] = (), suffixes: bool = False) -> None:
        self.trie: dict[str, Any] = {}
        self.suffixes = suffixes
        self.max_len = 0
        for phrase, payload in entries:
            self.add(phrase, payload)

    def add(self, phrase: str, payload: Any) -> None:
        keys = phrase_keys(phrase)
        if not keys:
            return
        node = self.trie
        for k in keys:
            node = node.setdefault(k, {})
        node.setdefault(_END, []).append(payload)
        self.max_len = max(self.max_len, len(keys))

    def __len__(self) -> int:
        return self.max_len

    def _first_readings(self, tok: Token) -> Sequence[str]:
        return suffix_variants(tok.norm) if self.suffixes else variants(tok.norm)

    def match_at(self, tokens: Sequence[Token], i: int) -> tuple[int, list[Any]] | None:
        """Longest phrase starting at token i: (end index, payloads) or None."""
        best: tuple[int, list[Any]] | None = None
        for reading in self._first_readings(tokens[i]):
            node = self.trie.get(reading)
            if node is None:
                continue
            j = i + 1
            if _END in node and (best is None or j > best[0]):
                best = (j, node[_END])
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
                    best = (j, node[_END])
        return best

    def find(self, tokens: Sequence[Token]) -> list[tuple[int, int, list[Any]]]:
        """Non-overlapping longest matches, left to right: (i, j, payloads)."""
        out = []
        i = 0
        n = len(tokens)
        trie = self.trie
        while i < n:
            tok = tokens[i]
            if tok.is_word and any(r in trie for r in self._first_readings(tok)):
                m = self.match_at(tokens, i)
                if m is not None:
                    out.append((i, m[0], m[1]))
                    i = m[0]
                    continue
            i += 1
        return out


def normalised_set(words: Iterable[str]) -> frozenset[str]:
    """A set of normalised words, for stop lists and single-word lexicons."""
    return frozenset(normalise_string(w) for w in words)
