"""When and where: an event mention's date and place from its surroundings.

Date: the nearest time expression in the mention's sentence (its own
precision; one before a reporting إن/أن dates the saying, so it comes last), else the article's reference date at "week" precision (the
event is reported, not dated, by the article); never a time the times stage
flags as generic, and a definite, anaphoric mention (الهجوم) only takes a
time right next to it, so "جاء هجوم ... بعد ... يوم الجمعة" does not re-date
an earlier attack.  Place: the nearest place in the sentence not inside an
actor span nor introduced as an affiliation (مرتبطة بإيران), preferring
places after في/ب; else the article's main place.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hadath.document import Document
from hadath.text.normalise import normalise_string

_GRAN_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
_AFFILIATION = frozenset({"مرتبط", "مرتبطه", "المرتبط", "المرتبطه", "الموالي", "الموالية",
                          "مدعوم", "المدعومه", "المدعوم", "مدعومه", "تابع", "التابع",
                          "التابعه", "موالي", "مواليه"})
_COMPLEMENTISER = frozenset({"ان", "انه", "انها", "بان", "بانه", "بانها", "فان"})
_FEATURE_RANK = {"landmark": 0, "district": 1, "city": 2, "admin1": 3, "region": 4, "country": 5}


def _usable_time(t: dict[str, Any]) -> bool:
    if t.get("generic") or t.get("future") or t.get("field") == "title":
        return False
    v = t.get("value")
    return isinstance(v, str) and len(v) >= 4 and v[:4].isdigit()


def sentence_time(doc: Document, s_start: int, s_end: int, t_start: int, t_end: int,
                  anaphoric: bool) -> dict[str, Any] | None:
    """The time expression a mention at [t_start, t_end) takes from its sentence."""
    best = None
    for t in doc.times:
        if not (s_start <= t["start"] < s_end) or not _usable_time(t):
            continue
        dist = t["start"] - t_end if t["start"] >= t_end else t_start - t["end"]
        if anaphoric and dist > 12:  # about two words
            continue
        # "قال أمس إن الهجوم وقع يوم الجمعة": a time before a reporting
        # complementiser dates the saying, not the event; use it last.
        reported = t["end"] <= t_start and _COMPLEMENTISER.intersection(
            normalise_string(doc.text[t["end"]:t_start]).split())
        key = (bool(reported), dist, _GRAN_RANK.get(t.get("granularity", "year"), 4))
        if best is None or key < best[0]:
            best = (key, t)
    return best[1] if best else None


def article_date(doc: Document) -> tuple[str, str] | None:
    """(value, source) of the article's own date, for undated mentions."""
    if doc.reference_date:
        return doc.reference_date[:10], "reference"
    # No publication date: the first full date the article states (a
    # dateline or "صباح الأحد (7 تشرين الثاني 2021)") anchors it.
    days = [t for t in doc.times if _usable_time(t) and t.get("granularity") == "day"
            and not t.get("relative")]
    if days:
        return days[0]["value"][:10], "article"
    return None


def _affiliated(doc: Document, start: int) -> bool:
    before = normalise_string(doc.text[max(0, start - 16):start])
    words = before.split()
    if words and words[-1] in ("ب", "بـ"):
        words.pop()
    return bool(words) and words[-1] in _AFFILIATION


def sentence_place(doc: Document, s_start: int, s_end: int, t_start: int, t_end: int,
                   exclude: list[tuple[int, int]]) -> dict[str, Any] | None:
    best = None
    for p in doc.places:
        if not (s_start <= p["start"] < s_end) or p.get("field") == "title":
            continue
        if any(a <= p["start"] < b for a, b in exclude) or _affiliated(doc, p["start"]):
            continue
        dist = p["start"] - t_end if p["start"] >= t_end else t_start - p["end"]
        pre = doc.text[max(0, p["start"] - 3):p["start"]]
        locative = "في" in pre or pre.endswith(("ب", "بـ"))
        key = (0 if locative else 1, _FEATURE_RANK.get(p.get("feature", ""), 6) > 3, dist)
        if best is None or key < best[0]:
            best = (key, p)
    return best[1] if best else None


def main_place(doc: Document) -> dict[str, Any] | None:
    """The article's main place: its most mentioned sub-national place, else country."""
    places = [p for p in doc.places if not _affiliated(doc, p["start"])]
    if doc.title_doc is not None:
        # Title places point into the title: say so on the copy.
        places += [{**p, "field": "title"} for p in doc.title_doc.places]
    if not places:
        return None
    key = lambda p: p.get("geonameid") or p.get("name")  # noqa: E731
    counts = Counter(key(p) for p in places)
    fine = [p for p in places if _FEATURE_RANK.get(p.get("feature", ""), 6) <= 3]
    pool = fine or places
    best = max(pool, key=lambda p: (counts[key(p)], -places.index(p)))
    return best
