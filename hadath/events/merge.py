"""One record per event: merging the mentions of the same event in an article.

News names an event several times ("طائرة مسيرة استهدفت" … "الهجوم" …
"هجوم الطائرة المسيرة").  A mention joins an earlier record of the same
PLOVER type when
  * it has no date of its own (an anaphoric "الهجوم", or an undated "دوي
    انفجار") and its own place, if any, does not contradict the record's; or
  * it lies in the same sentence as one of the record's mentions, or has the
    same date, and neither date nor place contradicts;
and it is realised as the record is (a planned or threatened event does not
join one that happened).  An anaphoric noun ("الهجوم") prefers the record
named by the same word family, if its own place agrees.
Otherwise it opens a new record.  A record keeps every mention as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hadath.events.frames import MODE_RANK, STATUS_RANK, Mention


@dataclass(slots=True)
class Record:
    mentions: list[Mention] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.mentions[0].type

    def dated(self) -> Mention | None:
        return next((m for m in self.mentions if m.date), None)

    def placed(self) -> Mention | None:
        return next((m for m in self.mentions if m.place), None)


def _place_key(p: dict[str, Any] | None) -> Any:
    if p is None:
        return None
    return p.get("geonameid") or p.get("name") or p.get("text")


def _places_agree(a: dict[str, Any] | None, b: dict[str, Any] | None,
                  same_admin1: bool = False) -> bool:
    if a is None or b is None:
        return True
    if _place_key(a) == _place_key(b):
        return True
    # A country and a place inside it agree; so, for a word that refers back
    # ("الهجوم"), do two places of one admin1 (the Green Zone and Baghdad).
    if a.get("feature") == "country" or b.get("feature") == "country":
        return a.get("country") == b.get("country")
    return (same_admin1 and a.get("country") == b.get("country")
            and a.get("admin1") is not None and a.get("admin1") == b.get("admin1"))


def _dates_agree(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return True
    va, vb = a["value"], b["value"]
    return va.startswith(vb) or vb.startswith(va)


def _modes_agree(a: str | None, b: str | None, typ: str) -> bool:
    if a is None or b is None or a == b or typ == "ASSAULT":
        return True  # instruments of one attack vary between mentions
    return False


# An event that happened (or was attempted, or is denied) is not one that
# is planned or threatened: "ستشن غارات" does not join the raids of the day.
_UNREALISED = frozenset({"planned", "threatened"})


def _realis_agree(r: Record, m: Mention) -> bool:
    return (r.mentions[0].status in _UNREALISED) == (m.status in _UNREALISED)


def merge(mentions: list[Mention]) -> list[Record]:
    records: list[Record] = []
    for m in mentions:
        target = None
        if m.anaphoric and m.date is None:
            # "الهجوم" refers back to the last record named by the same word
            # family, unless its own sentence places it elsewhere.
            target = next((r for r in reversed(records) if r.type == m.type and any(
                x.entry.line == m.entry.line for x in r.mentions)), None)
            if target is not None and _realis_agree(target, m) and _places_agree(
                    (p := target.placed()) and p.place, m.place, same_admin1=True):
                target.mentions.append(m)
                continue
            target = None
        for r in reversed(records):
            if r.type != m.type or not _realis_agree(r, m):
                continue
            d = r.dated()
            p = r.placed()
            mode_ok = _modes_agree(r.mentions[0].mode, m.mode, m.type)
            if m.date is None and (not m.place or _places_agree(p and p.place, m.place,
                                                                 same_admin1=m.anaphoric)):
                if mode_ok or m.anaphoric:
                    target = r
                    break
            same_sentence = any(x.view.index == m.view.index for x in r.mentions)
            if (same_sentence or (d and m.date and d.date["value"] == m.date["value"])) \
                    and _dates_agree(d and d.date, m.date) \
                    and _places_agree(p and p.place, m.place) and mode_ok:
                target = r
                break
        if target is None:
            records.append(Record([m]))
        else:
            target.mentions.append(m)
    # "الغارات" in an opinion piece that reports no raid refers to nothing.
    return [r for r in records if not all(x.below_gate for x in r.mentions)]


def best_mode(r: Record) -> str | None:
    """The first mention's mode (it names the event), else the most specific."""
    if r.mentions[0].mode:
        return r.mentions[0].mode
    modes = [m.mode for m in r.mentions if m.mode]
    return max(modes, key=lambda x: MODE_RANK.get(x, 0)) if modes else None


def best_status(r: Record) -> str:
    return max((m.status for m in r.mentions), key=lambda s: STATUS_RANK[s])
