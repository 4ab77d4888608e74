"""The time vocabulary, read from hadath/resources/times/ and normalised.

Every word the grammar knows (month names of each system, hijri months,
weekdays, number and ordinal words, relative-day words, modifiers, parts of
the day, fuzzy period words, units, future cues) lives in those data files;
this module only loads them, in the same normalised spelling the grammar
matches against (`Document.norm.text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hadath.resources import read_lines
from hadath.text.normalise import normalise_string

_DIR = "times/"


def _norm(phrase: str) -> str:
    return " ".join(normalise_string(phrase).split())


def _table(name: str) -> list[list[str]]:
    return [line.split("\t") for line in read_lines(_DIR + name)]


@dataclass(frozen=True, slots=True)
class Lexicon:
    months: dict[str, int]            # gregorian month names (all systems)
    month_system: dict[str, str]
    ambiguous_months: frozenset[str]  # also ordinary words: need an anchor
    hijri_months: dict[str, int]
    weekdays: dict[str, int]          # ISO weekday, Monday 1
    ambiguous_weekdays: frozenset[str]
    parts_of_day: dict[str, str]
    relative_days: dict[str, int]
    modifiers: dict[str, str]         # past / next / current
    fuzzy: dict[str, str]             # early / mid / late
    units: dict[str, tuple[str, int]]  # unit, implied count (0: needs a number)
    numbers: dict[str, int]
    ordinals: dict[str, int]
    future_cues: frozenset[str]
    exclusions: dict[str, frozenset[str]]  # kind -> normalised phrases


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The vocabulary, loaded once on first use."""
    months: dict[str, int] = {}
    system: dict[str, str] = {}
    ambiguous: set[str] = set()
    for name, number, sys_name, amb in _table("months.tsv"):
        key = _norm(name)
        months[key] = int(number)
        system.setdefault(key, sys_name)
        if amb == "1":
            ambiguous.add(key)
    excl: dict[str, set[str]] = {}
    for kind, phrase in _table("exclusions.tsv"):
        excl.setdefault(kind, set()).add(_norm(phrase))
    weekdays: dict[str, int] = {}
    amb_wd: set[str] = set()
    for name, number, amb in _table("weekdays.tsv"):
        weekdays[_norm(name)] = int(number)
        if amb == "1":
            amb_wd.add(_norm(name))
    return Lexicon(
        months=months,
        month_system=system,
        ambiguous_months=frozenset(ambiguous),
        hijri_months={_norm(n): int(v) for n, v in _table("hijri_months.tsv")},
        weekdays=weekdays,
        ambiguous_weekdays=frozenset(amb_wd),
        parts_of_day={_norm(n): v for n, v in _table("parts_of_day.tsv")},
        relative_days={_norm(n): int(v) for n, v in _table("relative_days.tsv")},
        modifiers={_norm(n): v for n, v in _table("modifiers.tsv")},
        fuzzy={_norm(n): v for n, v in _table("fuzzy.tsv")},
        units={_norm(n): (u, int(c)) for n, u, c in _table("units.tsv")},
        numbers={_norm(n): int(v) for n, v in _table("numbers.tsv")},
        ordinals={_norm(n): int(v) for n, v in _table("ordinals.tsv")},
        future_cues=frozenset(_norm(w) for w in read_lines(_DIR + "future_cues.txt")),
        exclusions={k: frozenset(v) for k, v in excl.items()},
    )


def key(phrase: str) -> str:
    """Look-up key for matched text: single spaces, already normalised."""
    return " ".join(phrase.split())
