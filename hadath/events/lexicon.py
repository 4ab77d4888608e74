"""The events stage's language data, loaded once from hadath/resources/events.

Every lexicon is a TSV data file; this module only parses them into
`PhraseMatcher`s (clitic-aware, longest match) and small dicts.  Nothing is
read at import time: `lexicons()` loads on first use and caches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hadath.resources import read_lines
from hadath.text.matcher import PhraseMatcher
from hadath.text.normalise import normalise_string

_DIR = "events/"


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    """A trigger or instrument phrase and what it says about an event."""

    kind: str  # "trigger" | "instrument"
    type: str  # PLOVER type
    mode: str | None
    flags: frozenset[str]
    form: str  # the lexicon form, for features and debugging
    verb: bool = False  # generated verb form (past or imperfect)
    imperfect: bool = False
    future: bool = False
    rank: int = 0  # instruments: precedence when several set the mode
    line: int = 0  # the lexicon line: forms of one line name the same kind of event


@dataclass(frozen=True, slots=True)
class SectorEntry:
    sector: str
    flags: frozenset[str]
    form: str


@dataclass(frozen=True, slots=True)
class CueEntry:
    cue: str
    scope: str
    form: str


@dataclass(frozen=True, slots=True)
class CasualtyEntry:
    kind: str  # killed | injured
    position: str  # after | before | both
    implied: int | None
    verb: bool = False


def verb_forms(past: str, imperf: str) -> list[tuple[str, bool, bool]]:
    """Written forms of a verb: (form, imperfect?, future?).

    Unvocalised Arabic writes active and passive alike (قتل / قُتل), so the
    past and imperfect stems with their person affixes cover both voices.
    Pronoun objects (قتلته) are handled by the matcher's suffix readings.
    """
    out = [(past + s, False, False) for s in ("", "ت", "وا", "ا", "تا", "ن", "تم")]
    for pre in ("ي", "ت", "ن"):
        out += [(pre + imperf + s, True, False) for s in ("", "ون", "ان", "ين")]
    for pre in ("سي", "ست", "سن"):
        out += [(pre + imperf + s, True, True) for s in ("", "ون", "ان")]
    return out


def _expand_forms(field: str) -> list[tuple[str, bool, bool, bool]]:
    """(form, verb?, imperfect?, future?) for a `forms` column."""
    out = []
    for part in field.split("|"):
        part = part.strip()
        if not part:
            continue
        if part.startswith("v:"):
            past, _, imperf = part[2:].partition("/")
            out += [(f, True, i, fut) for f, i, fut in verb_forms(past, imperf or past)]
        else:
            out.append((part, False, False, False))
    return out


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in read_lines(_DIR + name):
        cols = [c.strip() for c in line.split("\t")]
        rows.append(cols)
    return rows


@dataclass(slots=True)
class Lexicons:
    events: PhraseMatcher  # triggers and instruments, one longest-match lexicon
    sectors: PhraseMatcher
    cues: PhraseMatcher
    casualties: PhraseMatcher
    numbers: dict[str, int]
    acled: list[tuple[str, str, str, str, str]]


def _build() -> Lexicons:
    events = PhraseMatcher(suffixes=True)
    for line, cols in enumerate(_rows("triggers.tsv")):
        forms, typ, mode = cols[0], cols[1], cols[2]
        flags = frozenset(f for f in (cols[3] if len(cols) > 3 else "").split(",") if f)
        for form, verb, imperf, fut in _expand_forms(forms):
            events.add(form, TriggerEntry("trigger", typ, None if mode == "-" else mode,
                                          flags, normalise_string(form), verb, imperf, fut,
                                          line=line))
    for cols in _rows("instruments.tsv"):
        forms, typ, mode, rank = cols[0], cols[1], cols[2], int(cols[3])
        for form, *_ in _expand_forms(forms):
            events.add(form, TriggerEntry("instrument", typ, mode, frozenset(),
                                          normalise_string(form), rank=rank))
    sectors = PhraseMatcher()
    for cols in _rows("sectors.tsv"):
        flags = frozenset(f for f in (cols[2] if len(cols) > 2 else "").split(",") if f)
        for form, *_ in _expand_forms(cols[0]):
            sectors.add(form, SectorEntry(cols[1], flags, normalise_string(form)))
    cues = PhraseMatcher(suffixes=False)
    for cols in _rows("cues.tsv"):
        for form, *_ in _expand_forms(cols[0]):
            cues.add(form, CueEntry(cols[1], cols[2], normalise_string(form)))
    casualties = PhraseMatcher(suffixes=True)
    for cols in _rows("casualties.tsv"):
        implied = None if cols[3] == "-" else int(cols[3])
        for form, verb, *_ in _expand_forms(cols[0]):
            casualties.add(form, CasualtyEntry(cols[1], cols[2], implied, verb))
    numbers: dict[str, int] = {}
    for cols in _rows("numbers.tsv"):
        for form in cols[0].split("|"):
            numbers[normalise_string(form)] = int(cols[1])
    acled = [tuple(cols[:5]) for cols in _rows("acled.tsv")]
    for matcher in (events, sectors, cues, casualties):
        matcher.unique_payloads()  # one hit lists an entry once
    return Lexicons(events, sectors, cues, casualties, numbers, acled)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    """The loaded lexicons (built on first call, then shared read-only)."""
    return _build()
