"""Actor and recipient candidates of a sentence, and who did what to whom.

Candidates are the named entities (PER, ORG, NORP, GPE) of the entities
stage and the actor nouns of the sector lexicon (الجيش، قوات الأمن،
مسلحون، متظاهرون ...), a title joined to the name it heads (رئيس الوزراء
العراقي مصطفى الكاظمي), and a following nisba adjective giving the country
(الجيش العراقي → IQ).  Roles follow Arabic word order: a candidate right
after a verb trigger is its subject when it can act (VSO), one before it in
the same clause is its subject (SVO), and the next one after that is the
target; after an event noun, "على/ضد X" is the target.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hadath.document import Document, Token
from hadath.events.casualties import number_value
from hadath.events.triggers import CLAUSE_BREAKS, SentenceView
from hadath.resources import read_lines
from hadath.text.matcher import PhraseMatcher

AGENTIVE = frozenset({"GOV", "MIL", "COP", "REB", "UAF", "OPP", "PTY", "IGO", "LEG", "JUD"})
# Sector of a named entity with no actor noun in it: a state named as an
# actor is its government; a people (العراقيون) are civilians; a person or
# organisation without a title or actor noun stays unknown (None).
_ENTITY_SECTOR = {"ORG": None, "GPE": "GOV", "NORP": "CVL", "PER": None}
_TARGET_PREPS = frozenset({"علي", "ضد", "باتجاه", "نحو"})
_ADJUNCT_PREPS = frozenset({"في", "وفي", "خلال", "اثر", "جراء", "بعد", "قبل", "عقب", "اثناء"})
_PLACE_PREPS = frozenset({"امام", "وامام", "قرب", "بقرب", "في", "وفي", "وسط", "عند", "داخل",
                          "خارج", "قبالة", "مقابل", "حول", "الي", "من"})


@dataclass
class Candidate:
    i: int  # token range [i, j)
    j: int
    sector: str | None
    country: str | None
    crowd: bool = False
    unknown: bool = False
    entity: bool = False
    title: bool = False  # a title that heads a following name
    kind: str = ""  # entity type, "" for a lexicon noun

    def to_dict(self, doc: Document) -> dict[str, Any]:
        s, e = doc.tokens[self.i].start, doc.tokens[self.j - 1].end
        out: dict[str, Any] = {"text": doc.text[s:e], "start": s, "end": e,
                               "sector": self.sector, "country": self.country}
        if self.crowd:
            out["_crowd"] = True
        return out


def _nisba() -> Any:
    """hadath.places.nisba.country_for when the places stage provides it."""
    try:
        from hadath.places.nisba import country_for  # type: ignore[import-not-found]
    except Exception:  # the places stage is built separately; work without it
        return None
    return country_for


def _lookup_country() -> Any:
    try:
        from hadath.places import lookup_country  # type: ignore[attr-defined]
    except Exception:
        return None
    return lookup_country


def _country_of_word(tok: Token) -> str | None:
    fn = _nisba()
    if fn is None:
        return None
    try:
        return fn(tok.norm) or (fn(tok.base) if tok.base != tok.norm else None)
    except Exception:
        return None


def _entity_start(e: dict[str, Any]) -> int:
    return e["start"]


def candidates(doc: Document, view: SentenceView) -> list[Candidate]:
    """Actor candidates of a sentence, left to right, non-overlapping.

    Sector-lexicon hits and named entities are pooled; overlapping ones are
    one candidate (the lexicon gives the sector: الجيش in "الجيش العراقي"),
    a following nisba or NORP gives the country, and a title heads the
    name after it (رئيس الوزراء العراقي مصطفى الكاظمي: GOV, IQ).
    """
    toks = doc.tokens
    pool: list[Candidate] = []
    for h in view.sectors:
        entry = h.entries[0]
        if "unknown" in entry.flags:
            continue  # "أي جهة" is handled as an unclaimed attack, not an actor
        if "article" in entry.flags and h.j - h.i == 1 and "ال" not in toks[h.i].prefix \
                and not toks[h.i].prefix.endswith("لل"):  # ("للمقاومة": ل + ال)
            continue  # "تجمعوا أمام المبنى": the preposition, not an imam
        pool.append(Candidate(h.i, h.j, entry.sector, None, "crowd" in entry.flags,
                              title="person" in entry.flags))
    starts = {t.start: k for k, t in enumerate(toks[view.tok_start:view.tok_end], view.tok_start)}
    ends = {t.end: k for k, t in enumerate(toks[view.tok_start:view.tok_end], view.tok_start)}
    # The entities stage leaves doc.entities sorted by start: this sentence's
    # are one slice of them.
    ents = doc.entities
    first = bisect_left(ents, view.start, key=_entity_start)
    for e in ents[first:bisect_left(ents, view.end, lo=first, key=_entity_start)]:
        typ = e.get("type")
        if typ not in _ENTITY_SECTOR or e.get("field") == "title":
            continue
        i, j = starts.get(e["start"]), ends.get(e["end"])
        if i is None or j is None:
            continue
        country = None
        if typ == "GPE":
            # A state named as an actor is its government; a town is a place.
            country = _gpe_country(e)
            if country is None or _in_place_phrase(toks, i):
                continue
        elif typ == "NORP":
            country = _country_of_word(toks[j])
        pool.append(Candidate(i, j + 1, _ENTITY_SECTOR[typ], country, entity=True,
                              kind=typ))
    pool.sort(key=lambda c: (c.i, -(c.j - c.i)))
    out: list[Candidate] = []
    for c in pool:
        if out and c.i < out[-1].j:  # overlap: one candidate, the lexicon's sector
            cur = out[-1]
            cur.j = max(cur.j, c.j)
            if cur.sector is None or (cur.entity and not c.entity and c.sector):
                cur.sector = c.sector
            cur.country = cur.country or c.country
            cur.crowd = cur.crowd or c.crowd
            cur.entity = cur.entity or c.entity
            continue
        if out and c.i == out[-1].j:
            cur = out[-1]
            if not c.entity and not cur.entity and c.sector == cur.sector and not cur.title:
                cur.j = c.j  # "مسلحين مجهولين": one actor, not two
                cur.crowd = cur.crowd or c.crowd
                continue
            if c.kind == "NORP" and cur.kind != "NORP":  # الجيش + العراقي
                cur.j = c.j
                cur.country = cur.country or c.country
                continue
            if cur.title and c.kind == "PER":  # رئيس الوزراء العراقي + مصطفى الكاظمي
                cur.j = c.j
                cur.entity = True
                cur.kind = "PER"
                continue
        out.append(c)
    for c in out:
        _extend_with_nisba(toks, c, view.tok_end)
        if c.country is None and c.kind != "PER":  # وزارة الخارجية الأمريكية → US
            for k in range(c.j - 1, c.i, -1):
                country = _country_of_word(toks[k])
                if country:
                    c.country = country
                    break
        if c.kind == "NORP" and c.j - c.i == 1 and not toks[c.i].norm.endswith(("ين", "ون")):
            c.sector = None  # a lone singular nisba is an adjective, not an actor
            c.entity = False
    return [c for c in out if c.sector is not None or c.entity]


# Before a state's name, words that make it the place of the event, not a
# party to it: "داخل سوريا", "قرب الحدود مع سوريا", "في العراق".
_STATE_PLACE_PREPS = frozenset({"في", "وفي", "داخل", "قرب", "بقرب", "عبر", "وسط", "خارج", "شمال",
                                "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي"})


def _in_place_phrase(toks: list[Token], i: int) -> bool:
    prev = toks[i - 1].norm if i > 0 else ""
    if prev in _STATE_PLACE_PREPS:
        return True
    if prev == "مع" and i > 1 and toks[i - 2].base in ("حدود", "الحدود"):
        return True  # "الحدود مع سوريا"
    return False  # ("بسوريا": an entity after a clitic starts inside its token, never a candidate)


def _gpe_country(e: dict[str, Any]) -> str | None:
    lc = _lookup_country()
    if lc is None:
        return None
    try:
        return lc(e.get("canonical") or e["text"])
    except Exception:
        return None


def _extend_with_nisba(toks: list[Token], c: Candidate, limit: int) -> None:
    """Grow a candidate over a following nisba adjective (الجيش العراقي → IQ)."""
    k = c.j
    if k < limit and toks[k].is_word:
        country = _country_of_word(toks[k])
        if country:
            c.country = c.country or country
            c.j = k + 1


# A complementiser starts a new clause: "أعلن الجيش أن طائرة استهدفت" — the
# army reports, it is not the attacker.
_COMPLEMENTISERS = frozenset({"ان", "انه", "انها", "بان", "بانه", "بانها", "وان", "لان"})


def _past_time(doc: Document, j: int) -> int:
    """The token after a time expression (and its comma) that starts at token j, else j."""
    toks = doc.tokens
    if j >= len(toks):
        return j
    start = toks[j].start
    span = next((t for t in doc.times if t["start"] == start), None)
    if span is None:
        return j
    k = j
    while k < len(toks) and toks[k].end <= span["end"]:
        k += 1
    if k < len(toks) and toks[k].norm in ("،", ","):
        k += 1
    return k


def _breaks(toks: list[Token], a: int, b: int) -> bool:
    return any(toks[x].norm in CLAUSE_BREAKS or toks[x].norm in _COMPLEMENTISERS
               for x in range(a, b))


_QUANTITIES = frozenset({"الاف", "الف", "مئات", "عشرات", "عدد", "من", "مئه", "مائه",
                         "حوالي", "نحو", "اكثر", "قرابه", "المئات", "العشرات", "بضع", "بضعه"})


def _number(tok: Token) -> bool:
    """A digit figure or a number word (ثلاثة، عشرين)."""
    return number_value(tok) is not None


def _quantity(tok: Token) -> bool:
    return tok.norm.isdigit() or tok.norm in _QUANTITIES


def _lam(tok: Token) -> bool:
    """Whether a word carries the preposition ل (للمقاومة، لقوات)."""
    n = tok.norm[1:] if tok.norm.startswith("و") else tok.norm
    return len(n) > 3 and n[0] == "ل" and (n[1:].startswith("ل") or n[1:] != tok.base)


def _prepositional(tok: Token) -> bool:
    """Whether a word carries a preposition (بقوات، للجيش), so is no subject."""
    n = tok.norm
    if n.startswith("و"):
        n = n[1:]
    return len(n) > 3 and n[0] in "بل" and (n[1:].startswith("ال") or n[1:] != tok.base)


@lru_cache(maxsize=1)
def _protest_targets() -> PhraseMatcher:
    """Phrases before what a protest is against (resources/events/protest_targets.tsv)."""
    return PhraseMatcher((line.strip(), True) for line in read_lines("events/protest_targets.tsv"))


@lru_cache(maxsize=1)
def _agent_links() -> PhraseMatcher:
    """Verbs joining an event noun to its doer (resources/events/agent_links.tsv)."""
    return PhraseMatcher((line.strip(), True) for line in read_lines("events/agent_links.tsv"))


@lru_cache(maxsize=1)
def _passive_agents() -> PhraseMatcher:
    """Phrases before a passive event's doer (resources/events/passive_agents.tsv)."""
    return PhraseMatcher((line.strip(), True) for line in read_lines("events/passive_agents.tsv"))


_LINK_REACH = 4  # "الهجوم الأكثر دموية الذي نفذته طالبان": modifiers before the linking verb


def _linked_agent(toks: list[Token], j: int, after: list[Candidate]) -> Candidate | None:
    """The candidate right after a doer-linking verb that follows the event noun
    within a few modifiers ("هجوم انتحاري نفذته امرأة")."""
    for k in range(j, min(j + _LINK_REACH, len(toks))):
        if toks[k].norm in CLAUSE_BREAKS:
            return None
        m = _agent_links().match_at(toks, k)
        if m is not None:
            return next((c for c in after if c.i == m[0]), None)
    return None


def _passive_agent(toks: list[Token], j: int, after: list[Candidate]) -> Candidate | None:
    """The candidate right after "على أيدي / من قبل" among the trigger's followers."""
    for c in after:
        for a in range(max(j, c.i - 3), c.i):
            m = _passive_agents().match_at(toks, a)
            if m is not None and m[0] <= c.i <= m[0] + 1:  # "على أيدي (رجال) مسلحين"
                return c
    return None


def _protest_target(doc: Document, cands: list[Candidate], j: int, end: int) -> Candidate | None:
    """The first candidate after a protest-target phrase ("احتجاجا على X", "ضد X") after the trigger."""
    toks = doc.tokens
    for a, b, _ in _protest_targets().find(toks[j:end]):
        a, b = a + j, b + j
        for c in cands:
            if b <= c.i <= b + 1 and not _breaks(toks, b, c.i):
                return c
    return None


@dataclass(slots=True)
class Roles:
    actors: list[Candidate]
    recipients: list[Candidate]


def assign(doc: Document, cands: list[Candidate], i: int, j: int, verb: bool,
           event_type: str, anaphoric: bool = False, relative: bool = False,
           window: int = 6, sentence_end: int | None = None,
           instruments: frozenset[int] = frozenset()) -> Roles:
    """Actors and recipients of the trigger at tokens [i, j).

    An anaphoric noun (الهجوم) is the object of someone else's verb ("وصف
    الجيش الهجوم"), so it takes no subject from before it.  A `relative`
    verb qualifies the event noun before it ("ضربة جوية استهدفت داعش"): its
    subject is that noun, so what follows it is the target.  `instruments`
    are token indices of instrument words ("طائرات"): after a verb, "قصفت
    طائرات التحالف" names the doer through its weapon.
    """
    toks = doc.tokens
    actors: list[Candidate] = []
    recipients: list[Candidate] = []
    before = [c for c in cands if c.j <= i and i - c.j < 4 and not _breaks(toks, c.j, i)]
    if verb:
        j = _past_time(doc, j)  # "التقى مساء أمس، وزير الخارجية": the subject follows the time
    after = [c for c in cands if c.i >= j and c.i - j < window and not _breaks(toks, j, c.i)]
    # "قتل جنود في هجوم": a preposition before an event noun puts the noun in
    # an adjunct, so the candidate before it is no subject of it.
    adjunct = bool(not verb and before and any(toks[k].norm in _ADJUNCT_PREPS
                                               for k in range(before[-1].j, i)))
    if before and not anaphoric and not adjunct and not _prepositional(toks[before[-1].i]) and (
        before[-1].sector in AGENTIVE or before[-1].crowd or before[-1].kind in ("PER", "ORG")
    ):
        actors.append(before[-1])
    # "هجوم شنه مسلحون", "خطفوا على أيدي مسلحين": the doer is named after the
    # event, whatever its sector (the linking words say it acts).
    doer = (_linked_agent(toks, j, after) if not verb else None) or _passive_agent(toks, j, after)
    if doer is not None:
        actors[:] = [doer]
        after = [c for c in after if c is not doer]
    if (not verb and after and after[0].i == j and after[0].j == j + 1 and not after[0].kind
            and toks[i].prefix.endswith("ال") and toks[j].prefix.endswith("ال")):
        # "الهجوم الإرهابي", "الاشتباك المسلح": a definite noun takes no
        # genitive, so the definite word after it is an adjective, neither
        # doer nor target.  (A nisba entity, "الهجوم الإسرائيلي", still names
        # the attacker's country.)
        after = after[1:]
    if after:
        first = after[0]
        gap = first.i - j
        # "تظاهر آلاف الطلاب", "قتل مسلحون": a quantity before the subject is no gap
        counted = gap and all(_number(toks[k]) for k in range(j, first.i))
        if gap and all(_quantity(toks[k]) for k in range(j, first.i)):
            gap = 0
        if verb and gap and all(k in instruments for k in range(j, first.i)):
            gap = 0  # "قصفت طائرات التحالف": the planes' owner did it
        if verb and event_type == "ASSAULT" and counted and first.kind != "PER":
            pass  # "وقتل 4 جنود": a figure after a violent verb counts its victims (passive)
        elif verb and gap == 0 and not actors and not relative and not _prepositional(toks[first.i]) and (
            first.sector in AGENTIVE or first.crowd or first.entity
        ):
            actors.append(first)
            after = after[1:]
        elif not verb and gap == 0 and not actors and not _prepositional(toks[first.i]) \
                and toks[j - 1].norm not in _TARGET_PREPS and (
            first.sector in AGENTIVE or first.crowd
        ):
            actors.append(first)  # هجوم المسلحين: the genitive is the attacker
            after = after[1:]
        elif (not verb and gap == 0 and not actors and event_type in ("ASSAULT", "PROTEST")
              and _lam(toks[first.i]) and (first.sector in AGENTIVE or first.crowd)):
            actors.append(first)  # "هجوم للمقاومة", "غارات للتحالف": ل names the doer
            after = after[1:]
    if event_type == "PROTEST":
        # A protest's target is named by "ضد/احتجاجا على X"; the nouns after a
        # protest trigger are its place or the addressee of demands.
        tgt = _protest_target(doc, cands, j, sentence_end if sentence_end is not None else len(toks))
        if tgt is not None and tgt not in actors:
            return Roles(actors, [tgt])
        # Otherwise the next candidate, unless a place preposition makes it
        # the protest's location ("أمام مبنى المحافظة").
        after = [c for c in after if c.i == 0 or toks[c.i - 1].norm not in _PLACE_PREPS]
    if after:
        tgt = after[0]
        prep = toks[tgt.i - 1].norm if tgt.i > 0 else ""
        if verb or prep in _TARGET_PREPS or toks[tgt.i].prefix.startswith(("عل",)) or tgt.i - j <= 3:
            recipients.append(tgt)
    # A verb with an object pronoun after a noun it qualifies ("لرجل قتلته")
    # targets that noun.
    if verb and not recipients and before and before[-1] not in actors and not anaphoric:
        recipients.append(before[-1])
    return Roles(actors, recipients)
