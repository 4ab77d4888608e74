"""Event mentions: one per trigger, with its frame (who, whom, when, where, how many).

A mention is what one trigger says in one sentence.  Its status comes from
the cues around it (hadath/resources/events/cues.tsv); negated, hypothetical,
generic and questioned mentions are kept out of the records (they are not
events that happened or were attempted, threatened, planned or denied).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from hadath.document import Document
from hadath.events import actors as actor_roles
from hadath.events import anchoring
from hadath.events.casualties import Figure, figures, number_value
from hadath.events.classifier import calibrated, score_sentence, threshold
from hadath.events.triggers import Hit, SentenceView, TriggerEntry, cues_for, is_definite
from hadath.resources import read_lines
from hadath.text.normalise import normalise_string
from hadath.text.tokens import split_article

# How specific a mode is: when a sentence names several instruments the most
# specific wins (a drone that explodes is a drone strike).
MODE_RANK = {"abduct": 10, "sexual": 10, "torture": 10, "drone": 9, "aerial": 8,
             "suicide-attack": 8, "unconventional": 8, "crowd-control": 7, "explosives": 6,
             "heavy-weapons": 5, "firearms": 4, "primitive": 4, "targeted": 3, "beat": 2,
             "destroy": 2, "riot": 5, "vandalize": 4, "hunger": 6, "strike": 5, "obstruct": 4,
             "boycott": 4, "demo": 1}
STATUS_RANK = {"denied": 4, "attempted": 3, "threatened": 2, "planned": 1, "occurred": 0}
# Fixed prior confidence for types the GSR does not cover (no calibration data).
LEXICON_PRIOR = {"strong": 0.6, "weak": 0.35}
_VIOLENT_CROWD_MODES = {None, "beat", "primitive", "destroy", "firearms"}
_GENERIC_PHRASE_CUES = 3
# Below this raw probability of the sentence filter, a strong ASSAULT/PROTEST
# trigger is kept only with a day-precise date in its sentence (or a casualty
# figure): commentary ("شنّ هجومًا على الحكومة") is not an event report.
GATE = 0.05  # a multi-word generic cue ("في السنوات الاخيرة") scopes the sentence


@dataclass(slots=True)
class Mention:
    type: str
    mode: str | None
    status: str
    entry: TriggerEntry
    hit: Hit
    view: SentenceView
    actors: list[dict[str, Any]] = field(default_factory=list)
    recipients: list[dict[str, Any]] = field(default_factory=list)
    date: dict[str, Any] | None = None
    time: dict[str, Any] | None = None  # the time expression used, if any
    place: dict[str, Any] | None = None
    figures: list[Figure] = field(default_factory=list)
    confidence: float = 0.0
    anaphoric: bool = False
    figures_hint: bool = False  # the sentence states casualties
    # An anaphoric mention ("الغارات") in a sentence the filter finds no event
    # in: it may only add to a record that other mentions found.
    below_gate: bool = False
    background: bool = False  # "كان قد شن هجوما": told as what had happened before
    unidentified: dict[str, Any] | None = None

    def trigger_span(self, doc: Document) -> dict[str, Any]:
        s, e = doc.tokens[self.hit.i].start, doc.tokens[self.hit.j - 1].end
        return {"text": doc.text[s:e], "start": s, "end": e}


def _status(entry: TriggerEntry, cues: list, view: SentenceView) -> str | None:
    """The mention's status, or None when it must not become an event."""
    names = {c.cue for c in cues}
    if view.question or "negation" in names or "hypothetical" in names:
        return None
    if "generic" in names and "participant" not in entry.flags:
        return None
    if "denied" in names:
        return "denied"
    if "attempted" in names:
        return "attempted"
    if "threatened" in names and entry.type != "THREATEN":
        return "threatened"
    if "planned" in names or entry.future:
        return "planned"
    return "occurred"


def _nearest_trigger(view: SentenceView, h: Hit, typ: str) -> Hit | None:
    same = [t for t in view.triggers if t.entries[0].type == typ]
    if not same:
        return None
    return min(same, key=lambda t: min(abs(t.i - h.j), abs(h.i - t.j)))


def _mode(entry: TriggerEntry, view: SentenceView, trig: Hit) -> str | None:
    """The trigger's mode, refined by the instruments nearest to it (not to another trigger)."""
    best = entry.mode
    rank = MODE_RANK.get(best or "", 0)
    for h in view.instruments:
        if min(abs(h.i - trig.j), abs(trig.i - h.j)) > 8:
            continue
        if _nearest_trigger(view, h, h.entries[0].type) not in (trig, None):
            continue
        for e in h.entries:
            if e.type == entry.type and MODE_RANK.get(e.mode, 0) > rank:
                if entry.type == "PROTEST" and e.mode == "vandalize" and best == "demo":
                    best, rank = "riot", MODE_RANK["riot"]
                elif entry.type == "PROTEST" and e.mode == "riot":
                    best, rank = "riot", MODE_RANK["riot"]
                elif entry.type != "PROTEST":
                    best, rank = e.mode, MODE_RANK[e.mode]
    return best


def _no_claim(doc: Document, view: SentenceView) -> dict[str, Any] | None:
    """"لم تعلن أي جهة مسؤوليتها": an unidentified actor (span of the phrase)."""
    toks = doc.tokens
    for h in view.sectors:
        if "unknown" not in h.entries[0].flags:
            continue
        lo = max(view.tok_start, h.i - 3)
        hi = min(view.tok_end, h.j + 3)
        words = [toks[k].norm for k in range(lo, hi)]
        if any(w in ("لم", "ولم", "لا") for w in words) and any("مسؤولي" in w for w in words):
            s = toks[lo].start
            e = toks[hi - 1].end
            for k in range(lo, hi):  # from the negation to the responsibility word
                if toks[k].norm in ("لم", "ولم", "لا"):
                    s = toks[k].start
                    break
            for k in range(hi - 1, lo - 1, -1):
                if "مسؤولي" in toks[k].norm:
                    e = toks[k].end
                    break
            return {"text": doc.text[s:e], "start": s, "end": e, "sector": "UAF",
                    "country": None, "unidentified": True}
    return None


def _historical(doc: Document, t: dict[str, Any]) -> bool:
    """Whether a time lies more than a year before the article's date."""
    ref = doc.reference_date or (anchoring.article_date(doc) or (None,))[0]
    if not ref:
        return False
    try:
        return int(ref[:4]) - int(t["value"][:4]) >= 2 or (
            int(ref[:4]) - int(t["value"][:4]) == 1 and t["value"][5:7] != ""
            and t["value"][5:7] < ref[5:7])
    except (ValueError, TypeError):
        return False


def _dated_otherwise(doc: Document, view: SentenceView) -> bool:
    """Whether the sentence states a date (so an undated "الهجوم" in it is background)."""
    return any(view.start <= t["start"] < view.end and t.get("granularity") in ("month", "year")
               and not t.get("field") for t in doc.times)


@lru_cache(maxsize=1)
def _name_heads() -> frozenset[str]:
    return frozenset(normalise_string(w) for w in read_lines("events/name_heads.txt"))


def _in_title(toks: list, i: int, lo: int) -> bool:
    """An event noun with ل within three words after a title or an
    organisation's head noun, with no break between: part of its name."""
    tok = toks[i]
    if not tok.norm.startswith("ل") or tok.norm.startswith("ال"):
        return False
    heads = _name_heads()
    for k in range(i - 1, max(lo, i - 4) - 1, -1):
        t = toks[k]
        if not t.is_word:
            return False
        if split_article(t.norm)[1] in heads:
            return True
    return False


_TALLY = 50  # events counted this many times in one phrase are a tally


def _counted(toks: list, i: int, lo: int) -> bool:
    """A figure of fifty or more right before the trigger counts the events
    themselves ("121 هجومًا مسلحًا").  ("نحو 15 غارة على التواهي" overnight
    is one raid.)"""
    if i <= lo:
        return False
    value = number_value(toks[i - 1])
    return value is not None and value >= _TALLY


def _since(doc: Document, t: dict[str, Any]) -> bool:
    """Whether the time expression follows منذ (since): it starts a period."""
    words = normalise_string(doc.text[max(0, t["start"] - 12):t["start"]]).split()
    return bool(words) and words[-1] in ("منذ", "ومنذ")


def _inside_name(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of `spans` (sorted by start)."""
    k = bisect_right(spans, (start, math.inf))
    # Entity spans barely overlap: the few starting last before `start` decide.
    return any(s <= start and end <= e for s, e in spans[max(0, k - 3):k])


def mentions(doc: Document, views: list[SentenceView]) -> list[Mention]:
    """Every event mention of the document, in text order."""
    toks = doc.tokens
    out: list[Mention] = []
    org_spans = [(e["start"], e["end"]) for e in doc.entities if e.get("type") == "ORG"]
    for view in views:
        if not view.triggers:
            continue
        scores = score_sentence(view, toks)
        cands = actor_roles.candidates(doc, view)
        generic_sentence = any(
            c.cue == "generic" and len(c.form.split()) >= _GENERIC_PHRASE_CUES - 1
            for h in view.cues for c in h.entries
        )
        no_claim = _no_claim(doc, view)
        instrument_tokens = frozenset(k for o in view.instruments for k in range(o.i, o.j))
        sent_figures = figures(doc, view)
        local: list[Mention] = []
        for h in view.triggers:
            entry = h.entries[0]
            if _inside_name(org_spans, toks[h.i].start, toks[h.j - 1].end):
                continue  # "مجلس التعاون الخليجي", "منظمة التعاون الإسلامي": a name
            if entry.verb and toks[h.i].prefix.endswith("ال") and not entry.form.startswith("ال"):
                # No verb takes the article: "القتل" is the noun, "التدين"
                # (religiosity) no trigger at all.  (التقى is a verb: its ال
                # is the stem's own.)
                entry = next((e for e in h.entries if not e.verb), None)
                if entry is None:
                    continue
            if not entry.verb and _in_title(toks, h.i, view.tok_start):
                continue  # "المفوض الأوروبي للمساعدات الإنسانية": a title
            cues = cues_for(view, toks, h.i, h.j)
            status = _status(entry, cues, view)
            if status is None:
                continue
            p = scores.get(entry.type)
            weak = "weak" in entry.flags
            if p is not None:
                if weak and p < threshold(entry.type):
                    continue
                conf = calibrated(entry.type, p)
            else:
                conf = LEXICON_PRIOR["weak" if weak else "strong"]
            anaphoric = not entry.verb and "def" in entry.flags and is_definite(toks, h.i, h.j)
            relative = entry.verb and any(
                0 <= h.i - o.j <= 3 and o.entries[0].type == entry.type
                for o in view.triggers + view.instruments if o is not h
            )
            roles = actor_roles.assign(doc, cands, h.i, h.j, entry.verb, entry.type, anaphoric,
                                       relative, sentence_end=view.tok_end,
                                       instruments=instrument_tokens)
            m = Mention(entry.type, _mode(entry, view, h), status, entry, h, view,
                        [c.to_dict(doc) for c in roles.actors],
                        [c.to_dict(doc) for c in roles.recipients], confidence=conf)
            m.anaphoric = anaphoric
            m.figures_hint = bool(sent_figures)
            # The past perfect carries over the verbs that continue its
            # sentence: "وكان داعش قد شن هجوما ... وقتل خمسة جنود".
            m.background = any(c.cue == "background" for c in cues) or any(
                o.background for o in local)
            if "participant" in entry.flags and not m.actors:
                # "المتظاهرون" names the protest by its participants: they are its actors.
                part = next((c for c in cands if c.i <= h.i < c.j), None)
                m.actors = [part.to_dict(doc)] if part else [
                    {**m.trigger_span(doc), "sector": "CVL", "country": None}]
            # Violent crowd action is a riot (PLOVER PROTEST/riot), not an assault.
            if m.type == "ASSAULT" and m.mode in _VIOLENT_CROWD_MODES and any(
                a.get("_crowd") for a in m.actors
            ):
                m.type, m.mode = "PROTEST", "riot"
            # Verbs that continue a sentence ("... وقالت ... وعرضت") share its subject.
            if not m.actors and not m.anaphoric and local and local[-1].actors \
                    and m.type not in ("ASSAULT", "PROTEST"):
                m.actors = list(local[-1].actors)
            if not m.actors and m.type not in ("ASSAULT", "PROTEST"):
                first = next((c for c in cands if c.i < h.i and c.sector in
                              actor_roles.AGENTIVE | {"CVL"} and c.entity), None)
                if first is not None:
                    m.actors = [first.to_dict(doc)]
            if weak and p is None and not m.actors:
                continue  # a weak word of an uncalibrated type needs someone doing it
            if no_claim is not None and m.type == "ASSAULT" and not m.actors:
                m.unidentified = no_claim
            s0, e0 = toks[h.i].start, toks[h.j - 1].end
            t = anchoring.sentence_time(doc, view.start, view.end, s0, e0, m.anaphoric)
            if (generic_sentence or _counted(toks, h.i, view.tok_start)) and (
                    t is None or t.get("granularity") != "day"):
                continue  # "121 هجومًا مسلحًا" with no day: a tally of events, not one
            if t is None and anaphoric and _dated_otherwise(doc, view):
                continue  # "بعد أن أطاحت المظاهرات" in a sentence about 2020: background
            if p is not None and p < GATE and not m.figures_hint \
                    and (t is None or t.get("granularity") != "day"):
                if not m.anaphoric:
                    continue  # the filter finds no event here and nothing dates one
                m.below_gate = True
            if t is not None and _historical(doc, t):
                continue  # "سنة 2003", "عام 2009": background, not this article's event
            if t is not None and sent_figures and m.type == "ASSAULT" and _since(doc, t):
                continue  # "قتل 1000 شخص منذ 26 مارس": a running total, not one event
            if t is not None:
                m.time = t
                m.date = {"value": t["value"], "precision": t.get("granularity", "day")}
            spans = [(a["start"], a["end"]) for a in m.actors + m.recipients]
            m.place = anchoring.sentence_place(doc, view.start, view.end, s0, e0, spans)
            local.append(m)
        # Each casualty figure goes to the nearest violent mention of its sentence.
        violent = [m for m in local if m.type in ("ASSAULT", "PROTEST")]
        for f in sent_figures:
            if not violent:
                break
            nearest = min(violent, key=lambda m, f=f: min(abs(m.hit.i - f.j), abs(f.i - m.hit.j)))
            nearest.figures.append(f)
        if sent_figures:
            # Those counted among the dead or wounded ("مقتل 4 مدنيين وجندي")
            # are victims, not doers.
            spans = [(toks[f.i].start, toks[f.j - 1].end) for f in sent_figures]
            for m in local:
                victims = [a for a in m.actors if any(s <= a["start"] and a["end"] <= e
                                                      for s, e in spans)]
                if victims:
                    m.actors = [a for a in m.actors if a not in victims]
                    m.recipients += [a for a in victims if a not in m.recipients]
        out.extend(local)
    return out
