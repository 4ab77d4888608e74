"""Word lists the place resolver reads (all in resources/places/).

- stop.txt: common words that are also the name of some place somewhere;
- common_words.tsv: how often each one-word gazetteer name is tagged as a
  place versus not in the NER corpora (built by scripts/build_gazetteer.py);
- proper_names.txt: names those counts make common words that are not
  (their common use is a phrase blocked in not_places.txt: "مسقط رأسه");
- cues.tsv: locative nouns ("مدينة"), direction words ("شمال"),
  prepositions ("في") and person-name particles ("بن") as they matter here.
"""

from __future__ import annotations

from functools import lru_cache

from hadath import resources
from hadath.text.matcher import phrase_keys

# A one-word name tagged as something else at least this often, and more
# often than as a place, needs explicit evidence to count as a place.
_MIN_OTHER = 3
# A name whose word occurs in news both with and without the article, each
# often enough, is a common noun too (اللوم/لوم, البيان/بيان, صور/الصور):
# place names keep one form (بغداد, الموصل).
_MIN_FORM = 10
_FORM_RATIO = 0.15
# Tagged as something else this often and almost never as a place: not a
# place name at all (في، التي، أن).
_NEVER_OTHER = 300
_NEVER_SHARE = 0.02


def _key(word: str) -> str:
    return " ".join(phrase_keys(word))


@lru_cache(maxsize=1)
def stop_keys() -> frozenset[str]:
    return frozenset(_key(w) for w in resources.read_lines("places/stop.txt"))


@lru_cache(maxsize=1)
def _word_stats() -> dict[str, tuple[int, int, int, int]]:
    out = {}
    for line in resources.read_lines("places/common_words.tsv"):
        key, *nums = line.split("\t")
        out[key] = tuple(int(n) for n in nums)
    return out


@lru_cache(maxsize=1)
def common_keys() -> frozenset[str]:
    """Names that are also common words: they need explicit evidence."""
    out = set()
    for key, (place, other, bare, article) in _word_stats().items():
        if other >= _MIN_OTHER and other > place:
            out.add(key)
        elif min(bare, article) >= _MIN_FORM and min(bare, article) >= _FORM_RATIO * max(bare, article):
            out.add(key)
    # Names whose common use is one phrase, blocked in not_places.txt
    # ("مسقط رأسه"), or that the corpora count only inside longer names.
    out -= {_key(w) for w in resources.read_lines("places/proper_names.txt")}
    return frozenset(out)


@lru_cache(maxsize=1)
def never_keys() -> frozenset[str]:
    """Words that are never read as place names: function words, cue words."""
    out = set()
    for key, (place, other, _bare, _article) in _word_stats().items():
        if other >= _NEVER_OTHER and place < _NEVER_SHARE * (place + other):
            out.add(key)
    for kind, words in cues().items():
        if kind not in ("capital", "core", "given", "sea", "head", "compound", "ordinal",
                        "adjective", "epithet", "junction"):
            out.update(words)
    return frozenset(out)


@lru_cache(maxsize=1)
def core_countries() -> frozenset[str]:
    """Countries whose small towns Arabic news names (cues.tsv "core")."""
    for line in resources.read_lines("places/cues.tsv"):
        kind, words = line.split("\t")
        if kind == "core":
            return frozenset(words.split("|"))
    return frozenset()


def form_counts(key: str) -> tuple[int, int]:
    """Standalone news occurrences of a one-word name without / with the article."""
    stats = _word_stats().get(key)
    return (0, 0) if stats is None else (stats[2], stats[3])


def other_count(key: str) -> int:
    """How often the NER corpora tag a one-word name as something else."""
    stats = _word_stats().get(key)
    return 0 if stats is None else stats[1]


def news_count(key: str) -> int | None:
    """Standalone occurrences of a one-word name in the news corpus (None: unknown)."""
    stats = _word_stats().get(key)
    return None if stats is None else stats[2] + stats[3]


@lru_cache(maxsize=1)
def not_places():
    """A phrase matcher for names that contain a place but are not places."""
    from hadath.text.matcher import PhraseMatcher

    return PhraseMatcher((p, True) for p in resources.read_lines("places/not_places.txt"))


@lru_cache(maxsize=1)
def context_names():
    """A phrase matcher: leaders, bodies and groups -> the country they tell."""
    from hadath.text.matcher import PhraseMatcher

    entries = []
    for line in resources.read_lines("places/context.tsv"):
        code, phrases = line.split("\t")
        entries.extend((p, code) for p in phrases.split("|"))
    return PhraseMatcher(entries)


@lru_cache(maxsize=1)
def frequent_words() -> frozenset[str]:
    """Ordinary words of news prose (normalised, article removed)."""
    return frozenset(resources.read_lines("places/frequent_words.txt"))


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """First words of person names (from the NER corpora, plus cues.tsv)."""
    words = {_key(w) for w in resources.read_lines("places/given_names.txt")}
    words |= {w for w in resources.read_lines("places/given_names.txt")}
    return frozenset(words | cues().get("given", frozenset()))


@lru_cache(maxsize=1)
def cues() -> dict[str, frozenset[str]]:
    """Cue words by kind, normalised and without the article."""
    kinds: dict[str, set[str]] = {}
    for line in resources.read_lines("places/cues.tsv"):
        kind, words = line.split("\t")
        kinds.setdefault(kind, set()).update(_key(w) for w in words.split("|"))
    return {k: frozenset(v) for k, v in kinds.items()}
