"""Lexicon look-ups over a document: triggers, instruments, cues, actors, casualties.

All matchers run once over the whole token list (a phrase never crosses a
sentence boundary) and the hits are bucketed per sentence, so the later steps
(frames, features for the sentence classifier) only look at small lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hadath.document import Document, Token
from hadath.events.lexicon import (
    CasualtyEntry,
    CueEntry,
    SectorEntry,
    TriggerEntry,
    lexicons,
)

# Tokens that end a clause for the purposes of cue scope.
CLAUSE_BREAKS = frozenset(".,،؛;:!?؟\"«»()[]")
# How many words may stand between an auxiliary and its قد: the subject
# ("وكان تنظيم الدولة الإسلامية قد شن").
_AUX_REACH = 5


@dataclass(slots=True)
class Hit:
    """A lexicon match: tokens [i, j) of the document, and its entries."""

    i: int
    j: int
    entries: list


@dataclass(slots=True)
class SentenceView:
    """One sentence's tokens and every lexicon hit inside it."""

    index: int
    start: int  # character offsets of the sentence
    end: int
    tok_start: int  # token index range [tok_start, tok_end)
    tok_end: int
    triggers: list[Hit] = field(default_factory=list)
    instruments: list[Hit] = field(default_factory=list)
    cues: list[Hit] = field(default_factory=list)
    sectors: list[Hit] = field(default_factory=list)
    casualties: list[Hit] = field(default_factory=list)
    question: bool = False


def analyse(doc: Document) -> list[SentenceView]:
    """Per-sentence lexicon hits for `doc` (cached in doc.meta)."""
    cached = doc.meta.get("_event_views")
    if cached is not None:
        return cached
    lex = lexicons()
    toks = doc.tokens
    views: list[SentenceView] = []
    if doc.sentences:
        spans = [(s.start, s.end) for s in doc.sentences]
    else:
        spans = [(0, len(doc.text))]
    ti = 0
    for k, (s, e) in enumerate(spans):
        t0 = ti
        if doc.sentences:
            while ti < len(toks) and toks[ti].sentence == k:
                ti += 1
        else:
            ti = len(toks)
        views.append(SentenceView(k, s, e, t0, ti))
    by_tok = []
    for v in views:
        by_tok.extend([v] * (v.tok_end - v.tok_start))

    def view_of(i: int) -> SentenceView:
        return by_tok[i] if i < len(by_tok) else views[-1]

    for i, j, payloads in lex.events.find(toks):
        trig = [p for p in payloads if p.kind == "trigger" and p.type != "-"]
        inst = [p for p in payloads if p.kind == "instrument"]
        v = view_of(i)
        if trig:
            v.triggers.append(Hit(i, j, trig))
        if inst:
            v.instruments.append(Hit(i, j, inst))
    for matcher, attr in ((lex.cues, "cues"), (lex.sectors, "sectors"),
                          (lex.casualties, "casualties")):
        for i, j, payloads in matcher.find(toks):
            getattr(view_of(i), attr).append(Hit(i, j, list(payloads)))
    for v in views:
        words = [t for t in toks[v.tok_start:v.tok_end]]
        v.question = bool(words) and (
            any(t.norm == "؟" for t in words[-2:]) or words[0].norm in ("هل", "وهل")
        )
    doc.meta["_event_views"] = views
    return views


def is_definite(tokens: list[Token], i: int, j: int) -> bool:
    """Whether the noun phrase at [i, j) is definite (article or definite genitive)."""
    t = tokens[i]
    if "ال" in t.prefix:
        return True
    if j < len(tokens) and tokens[j].sentence == t.sentence and "ال" in tokens[j].prefix:
        return True  # هجوم الطائرة: construct state with a definite genitive
    return False


def clause_gap(tokens: list[Token], a: int, b: int) -> bool:
    """Whether a clause break lies among tokens [a, b)."""
    return any(tokens[x].norm in CLAUSE_BREAKS for x in range(max(a, 0), b))


def cues_for(view: SentenceView, tokens: list[Token], i: int, j: int,
             before: int = 3, near: int = 4) -> list[CueEntry]:
    """Cue entries whose scope covers the trigger at tokens [i, j)."""
    out: list[CueEntry] = []
    for h in view.cues:
        for c in h.entries:
            if c.scope == "sentence":
                out.append(c)
            elif c.scope == "before":
                if h.j <= i and i - h.j < before and not clause_gap(tokens, h.j, i):
                    out.append(c)
            elif c.scope == "near":
                if (h.j <= i and i - h.j < near) or (h.i >= j and h.i - j < near):
                    out.append(c)
            elif c.scope == "after":
                if h.i >= j and h.i - j < near:
                    out.append(c)
            elif c.scope == "pluperfect":
                if (h.j <= i and i - h.j < before and not clause_gap(tokens, h.j, i)
                        and any(a.j <= h.i and h.i - a.j < _AUX_REACH
                                and a.entries[0].scope == "aux"
                                and not clause_gap(tokens, a.j, h.i) for a in view.cues)):
                    out.append(c)
            elif c.scope == "quantifies":
                # "عشرات الهجمات", "مئات من الغارات": the count is of the events
                # themselves; "مئات الطلاب في مظاهرة" counts people, not protests.
                if h.j == i or (h.j + 1 == i and tokens[h.j].norm == "من"):
                    out.append(c)
    return out


__all__ = [
    "CLAUSE_BREAKS", "CasualtyEntry", "CueEntry", "Hit", "SectorEntry", "SentenceView",
    "TriggerEntry", "analyse", "clause_gap", "cues_for", "is_definite",
]
