"""Transliteration skeletons: Arabic names against romanised GeoNames names.

Most towns of Turkey, the Maghreb, Iran or Nigeria have no Arabic name in
GeoNames, and Arabic news spells them by ear ("مانيسا", "بالكسير",
"دياربكر").  Both scripts map to one string of consonant classes
(resources/places/translit.tsv): vowels, ع/ء, the article and a final ه/h
leave no trace, and letters Arabic and Latin spellings confuse share a class
(ق/ك/ج/غ and q/k/g/j, ص/س/ث and s/th, ط/ت and t ...).  "مانيسا" and
"Manisa" both read "mns".

scripts/build_gazetteer.py indexes the skeletons of GeoNames' romanised
names (table `translit`); hadath.places.resolve looks up only words that a
locative noun introduces ("مدينة مانيسا", "ولاية بالكسير") in the countries
the article is about.

Written by hand: the romanisers on PyPI go from Arabic to one Latin
spelling, not from both scripts to a shared key.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

from hadath import resources

# Skeletons shorter than this are too common to tell towns apart.
MIN_CONSONANTS = 3


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], list[tuple[str, str]], dict[str, str],
                       frozenset[str], dict[str, tuple[str, ...]]]:
    ar: dict[str, str] = {}
    latin: list[tuple[str, str]] = []
    pre: dict[str, str] = {}
    articles: frozenset[str] = frozenset()
    lists: dict[str, tuple[str, ...]] = {}
    for line in resources.read_lines("places/translit.tsv"):
        kind, *rest = line.split("\t")
        if kind == "ar":
            for letters in rest[0].split("|"):
                ar[letters] = rest[1]
        elif kind == "latin":
            latin.extend((letters, rest[1]) for letters in rest[0].split("|"))
        elif kind == "latin_pre":
            pre[rest[0]] = rest[1] if len(rest) > 1 else ""
        elif kind == "article":
            articles = frozenset(rest[0].split("|"))
        else:
            lists[kind] = tuple(rest[0].split("|"))
    latin.sort(key=lambda x: -len(x[0]))
    return ar, latin, pre, articles, lists


@lru_cache(maxsize=1)
def _latin_pattern() -> tuple[regex.Pattern, dict[str, str]]:
    _, latin, _, _, _ = _tables()
    classes = dict(latin)
    pattern = regex.compile("|".join(regex.escape(k) for k, _ in latin) + "|.")
    return pattern, classes


def _collapse(s: str) -> str:
    out = []
    for ch in s:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def arabic_skeleton(words: list[str]) -> str:
    """Skeleton of a normalised Arabic name given as words ("دياربكر" -> "drbkr")."""
    ar = _tables()[0]
    parts = []
    for w in words:
        if w.startswith("ال") and len(w) > 3:
            w = w[2:]
        w = w.replace("تش", "\0")
        s = "".join("c" if ch == "\0" else ar.get(ch, "") for ch in w)
        parts.append(s.removesuffix("h"))
    return _collapse("".join(parts))


def latin_skeleton(name: str) -> str:
    """Skeleton of a romanised name ("Diyarbakır" -> "drbkr", "Deir ez-Zor" -> "drzr")."""
    _, _, pre, articles, _ = _tables()
    pattern, classes = _latin_pattern()
    s = name.lower()
    for k, v in pre.items():
        s = s.replace(k, v)
    s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    words = [w for w in regex.split(r"[\s\-'‘’`ʿʾ]+", s) if w]
    parts = []
    for w in words:
        if w in articles:
            continue
        sk = "".join(classes.get(m, "") for m in pattern.findall(w))
        parts.append(sk.removesuffix("h"))
    return _collapse("".join(parts))


def is_latin(name: str) -> bool:
    """A name in Latin script (with diacritics), worth a skeleton."""
    return bool(name) and all(
        ch.isascii() or unicodedata.category(ch).startswith("M")
        or "LATIN" in unicodedata.name(ch, "") for ch in name)


def cue_words() -> tuple[str, ...]:
    return _tables()[4].get("cue", ())


def countries() -> tuple[str, ...]:
    return _tables()[4].get("countries", ())
