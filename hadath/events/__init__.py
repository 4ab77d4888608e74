"""Events stage: who did what to whom, when, where, how many (PLOVER, mapped to ACLED).

Pipeline: lexicon hits per sentence (triggers.py) → a learned sentence
filter for ASSAULT/PROTEST (classifier.py, trained by scripts/train_events.py)
→ one mention per trigger with status, actors/recipients, date, place and
casualties (frames.py and friends) → mentions of one event merged into one
record (merge.py) → ACLED type (acled.py).  See docs/events.md.
"""

from __future__ import annotations

from typing import Any

from hadath.document import Document
from hadath.events.acled import STATE, acled_type
from hadath.events.anchoring import article_date, main_place
from hadath.events.frames import Mention, mentions
from hadath.events.merge import Record, best_mode, best_status, merge
from hadath.events.triggers import analyse


def _dedupe(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each actor once: the first span of each wording (mentions of one event
    often name the same side again, "ميليشيات الحوثي" in two sentences)."""
    seen: set[str] = set()
    out = []
    for p in parts:
        k = " ".join(p["text"].split())
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def _casualties(r: Record, kind: str) -> tuple[int | None, list[dict[str, Any]], Any]:
    """Lowest figure stated by any mention (summed within a mention), and evidence."""
    per_mention = []
    evidence = []
    for m in r.mentions:
        fs = [f for f in m.figures if f.kind == kind]
        if fs:
            per_mention.append(sum(f.value for f in fs))
            evidence += fs
    return (min(per_mention) if per_mention else None), evidence, None


def _record_dict(doc: Document, r: Record, fallback_date, fallback_place) -> dict[str, Any]:
    first: Mention = r.mentions[0]
    toks = doc.tokens
    actors = _dedupe([a for m in r.mentions for a in m.actors])
    # One span is not both sides: a mention that read it as the doer ("هجوم
    # المسلحين") outweighs another that took it for the target.
    acting = {" ".join(a["text"].split()) for a in actors}
    recipients = _dedupe([a for m in r.mentions for a in m.recipients
                          if " ".join(a["text"].split()) not in acting])
    if not actors:
        unid = next((m.unidentified for m in r.mentions if m.unidentified), None)
        if unid is not None:
            actors = [unid]
    dated = r.dated()
    if dated is not None:
        date = dict(dated.date)
        date_source = "sentence"
    elif (fallback_date is not None and best_status(r) in ("occurred", "attempted", "denied")
          and not all(m.background for m in r.mentions)):
        # (An event told only in the past perfect, "كان قد", happened before
        # the news: the article's week would be wrong, and no date is right.)
        date = {"value": fallback_date[0], "precision": "week"}
        date_source = fallback_date[1]
    else:
        date, date_source = None, None
    placed = r.placed()
    place = dict(placed.place) if placed else (dict(fallback_place) if fallback_place else None)
    place_source = "sentence" if placed else ("article" if fallback_place else None)
    # State forces without a stated nationality that use force or coercion
    # act in their own country (a diplomatic actor may well be foreign).
    for a in actors + recipients:
        if r.type in ("ASSAULT", "PROTEST", "COERCE") and a.get("country") is None \
                and a.get("sector") in STATE and place:
            a["country"] = place.get("country")
            a["country_source"] = "place"
    mode = best_mode(r)
    typ = r.type
    killed, kev, _ = _casualties(r, "killed")
    injured, iev, _ = _casualties(r, "injured")
    s = first.view
    out: dict[str, Any] = {
        "type": typ,
        "mode": mode,
        "acled": acled_type(typ, mode, actors, recipients),
        "status": best_status(r),
        "trigger": first.trigger_span(doc),
        "sentence": {"start": s.start, "end": s.end},
        "actors": [_public(a) for a in actors],
        "recipients": [_public(a) for a in recipients],
        "date": date,
        "place": place,
        "fatalities": killed,
        "injured": injured,
        "confidence": round(max(m.confidence for m in r.mentions), 3),
        "date_source": date_source,
        "place_source": place_source,
        "mentions": [{"trigger": m.trigger_span(doc),
                      "sentence": {"start": m.view.start, "end": m.view.end},
                      "status": m.status, "mode": m.mode} for m in r.mentions],
        "evidence": {
            "date": ({"text": dated.time["text"], "start": dated.time["start"],
                      "end": dated.time["end"]} if dated and dated.time else None),
            "place": ({"text": placed.place.get("text"), "start": placed.place.get("start"),
                       "end": placed.place.get("end")} if placed else None),
            "fatalities": [_span(doc, toks, f.i, f.j) for f in kev],
            "injured": [_span(doc, toks, f.i, f.j) for f in iev],
        },
    }
    return out


def _span(doc: Document, toks, i: int, j: int) -> dict[str, Any]:
    s, e = toks[i].start, toks[j - 1].end
    return {"text": doc.text[s:e], "start": s, "end": e}


def _public(a: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in a.items() if not k.startswith("_")}


def annotate(doc: Document) -> Document:
    """Pipeline stage: fill `doc.events` with contract-shaped event records."""
    if doc.meta.get("is_title") or not doc.tokens:
        return doc
    views = analyse(doc)
    ms = mentions(doc, views)
    records = merge(ms)
    fb_date = article_date(doc)
    fb_place = main_place(doc)
    doc.events = [_record_dict(doc, r, fb_date, fb_place) for r in records]
    return doc
