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


# Letters that are vowels in each script: a vowel letter in the Arabic
# spelling must face a vowel in the Latin name (see vowel_slots).
_AR_VOWELS = frozenset("اوي")
_LATIN_VOWELS = frozenset("aeiouyw")


def _shape(units: list[list[str]]) -> tuple[str, tuple[bool, ...]]:
    """Skeleton and vowel slots of a name given as words of units (a
    consonant class, "V" for a vowel, "" for a silent letter): runs of one
    consonant class collapse, a word-final h is dropped, and slot k tells
    whether a vowel stands before consonant k (the last slot: after the
    last consonant)."""
    skeleton: list[str] = []
    slots = [False]
    for word in units:
        while word and word[-1] in ("", "V"):
            if word[-1] == "V":
                break
            word = word[:-1]
        if word and word[-1] == "h":
            word = word[:-1]
        for u in word:
            if u == "V":
                slots[-1] = True
            elif u and (not skeleton or skeleton[-1] != u):
                skeleton.append(u)
                slots.append(False)
    return "".join(skeleton), tuple(slots)


def _arabic_units(words: list[str]) -> list[list[str]]:
    ar = _tables()[0]
    out = []
    for w in words:
        if w.startswith("ال") and len(w) > 3:
            w = w[2:]
        w = w.replace("تش", "\0")
        out.append(["c" if ch == "\0" else "V" if ch in _AR_VOWELS else ar.get(ch, "")
                    for ch in w])
    return out


def _latin_units(name: str) -> list[list[str]]:
    _, _, pre, articles, _ = _tables()
    pattern, classes = _latin_pattern()
    s = name.lower()
    for k, v in pre.items():
        s = s.replace(k, v)
    s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    return [["V" if m in _LATIN_VOWELS else classes.get(m, "") for m in pattern.findall(w)]
            for w in regex.split(r"[\s\-'‘’`ʿʾ]+", s) if w and w not in articles]


def arabic_skeleton(words: list[str]) -> str:
    """Skeleton of a normalised Arabic name given as words ("دياربكر" -> "drbkr")."""
    return _shape(_arabic_units(words))[0]


def latin_skeleton(name: str) -> str:
    """Skeleton of a romanised name ("Diyarbakır" -> "drbkr", "Deir ez-Zor" -> "drzr")."""
    return _shape(_latin_units(name))[0]


def vowel_agreement(words: list[str], name: str) -> int:
    """How well the vowels of an Arabic spelling fit a Latin name, consonant
    slot by slot: 2 when vowels stand in the same slots in both, 1 when every
    long vowel of the Arabic faces a vowel of the Latin name, 0 otherwise.

    Arabic writes the vowels of foreign names long ("بولانيك" Bulanık), so a
    name with no vowel there is another town of the same skeleton
    (Bulancak)."""
    arabic = _arabic_slots(tuple(words))
    latin = _latin_slots(name)
    if len(arabic) != len(latin):
        # The index's skeleton came from GeoNames' spelling ("Doğubayazıt");
        # the name given here may have lost its diacritics ("Dogubayazit"),
        # and with them the slots: nothing to check.
        return 1
    if arabic == latin:
        return 2
    return int(all(b or not a for a, b in zip(arabic, latin, strict=True)))


@lru_cache(maxsize=20_000)
def _arabic_slots(words: tuple[str, ...]) -> tuple[bool, ...]:
    return _shape(_arabic_units(list(words)))[1]


@lru_cache(maxsize=20_000)
def _latin_slots(name: str) -> tuple[bool, ...]:
    # Cached per town: the same towns come up article after article.
    return _shape(_latin_units(name))[1]


def is_latin(name: str) -> bool:
    """A name in Latin script (with diacritics), worth a skeleton."""
    return bool(name) and all(
        ch.isascii() or unicodedata.category(ch).startswith("M")
        or "LATIN" in unicodedata.name(ch, "") for ch in name)


def cue_words() -> tuple[str, ...]:
    return _tables()[4].get("cue", ())


def countries() -> tuple[str, ...]:
    return _tables()[4].get("countries", ())
