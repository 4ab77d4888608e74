"""The words behind each field of an event, as spans the dashboard highlights.

The contract gives offsets for the trigger, actors, recipients and place, but
an event's date and casualty figures are values only; the events stage adds
their words as an extra `evidence` object, and every mention of the event
(trigger and sentence) as `mentions`.  This module gathers every span an
event carries, falls back to the article's time annotations for a date
whose source is not given, and keeps only spans that really point at the
stored text, so the dashboard never highlights the wrong words.
"""

from __future__ import annotations

from typing import Any

# Keys of an event whose value is a span or a list of spans, and the field
# name the dashboard shows for them.
_SPAN_KEYS = {
    "trigger": "trigger",
    "actors": "actor",
    "recipients": "recipient",
    "place": "place",
    "date": "date",
}
# Keys never treated as evidence even when they carry offsets.
_SKIP_KEYS = {"sentence", "acled", "evidence", "mentions"}


def _span(item: Any, field: str, text: str, title: str,
          default_in: str = "text") -> dict[str, Any] | None:
    """A checked evidence span from an annotation dict, or None."""
    if not isinstance(item, dict):
        return None
    start, end = item.get("start"), item.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    where = "title" if item.get("field", default_in) == "title" else "text"
    target = title if where == "title" else text
    if not (0 <= start < end <= len(target)):
        return None
    words = target[start:end]
    given = item.get("text")
    if isinstance(given, str) and given and given != words:
        return None
    return {"field": field, "in": where, "start": start, "end": end, "text": words}


def _date_span(event: dict[str, Any], article: dict[str, Any], text: str,
               title: str) -> dict[str, Any] | None:
    """The time expression behind the event's date, when it has no offsets.

    Prefers a time with the event's value inside the event's sentence, then
    the one with that value nearest the trigger; a time of another value is
    never taken, since that would show the wrong words as evidence.
    """
    date = event.get("date")
    if not isinstance(date, dict) or not date.get("value"):
        return None
    value = str(date["value"])
    sentence = event.get("sentence") or {}
    s_start, s_end = sentence.get("start", -1), sentence.get("end", -1)
    anchor = (event.get("trigger") or {}).get("start", s_start)
    best: tuple[int, dict[str, Any]] | None = None
    for t in article.get("times") or ():
        if str(t.get("value", "")) != value:
            continue
        span = _span(t, "date", text, title)
        if span is None:
            continue
        if span["in"] == "title":
            rank = 1_000_000  # a title date only when the body has none
        elif s_start <= span["start"] and span["end"] <= s_end:
            rank = -1
        else:
            rank = abs(span["start"] - anchor) if isinstance(anchor, int) else 999_999
        if best is None or rank < best[0]:
            best = (rank, span)
    return best[1] if best else None


def evidence(event: dict[str, Any], article: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Evidence spans of `event` (contract-shaped) in `article` (text, title, times).

    Each span: {"field", "in": "text"|"title", "start", "end", "text"}.  With
    no article (not stored) there is nothing to check the offsets against and
    the list is empty.
    """
    if not article or not isinstance(article.get("text"), str):
        return []
    text: str = article["text"]
    title: str = article.get("title") or ""
    # An event found in the title has all its offsets in the title.
    where = "title" if event.get("field") == "title" else "text"
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, int, int]] = set()

    def add(span: dict[str, Any] | None) -> None:
        if span is None:
            return
        key = (span["field"], span["in"], span["start"], span["end"])
        if key not in seen:
            seen.add(key)
            out.append(span)

    def add_all(value: Any, field: str) -> None:
        if isinstance(value, dict):
            add(_span(value, field, text, title, where))
        elif isinstance(value, list):
            for item in value:
                add(_span(item, field, text, title, where))

    for key, value in event.items():
        if key in _SKIP_KEYS or key.startswith("_"):
            continue
        add_all(value, _SPAN_KEYS.get(key, key))
    # The extractor's own evidence: the words it read the date, place and
    # casualty figures from ({"date": span|None, "fatalities": [spans], …}).
    own = event.get("evidence")
    if isinstance(own, dict):
        for key, value in own.items():
            add_all(value, _SPAN_KEYS.get(key, key))
    # Every mention of the event in the article: its trigger and sentence.
    for mention in event.get("mentions") or ():
        if isinstance(mention, dict):
            add_all(mention.get("trigger"), "trigger")
            add_all(mention.get("sentence"), "sentence")
    # A date with no words given: the time expression with that value, unless
    # the extractor said where the date came from (then it has no words).
    if (not any(s["field"] == "date" for s in out)
            and not (isinstance(own, dict) and "date" in own)):
        add(_date_span(event, article, text, title))
    sentence = _span(event.get("sentence"), "sentence", text, title, where)
    if sentence is not None:
        add(sentence)
    out.sort(key=lambda s: (s["in"] != "title", s["start"], -s["end"]))
    return out
