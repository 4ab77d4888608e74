"""Place-name candidates in a document and the evidence around each.

The longest gazetteer name starting at each token, the first word read with
any proclitic (ببغداد, وبالعراق), later words with the article only; the
span starts after و ف ب ل ك but keeps the article ("بالعراق" -> "العراق").
For each candidate, the evidence that it is a place (a locative noun before
it, a qualifier after it, an NER span, a preposition) and that it is not
(a common word, part of a person's or an organisation's name, a nisba
adjective, the name of a sea or a building) is recorded for
`hadath.places.resolve` to weigh.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from hadath.document import Document, Token
from hadath.places.gazetteer import Gazetteer, Place, gazetteer
from hadath.places.lexicon import (
    common_keys,
    cues,
    given_names,
    never_keys,
    not_places,
    stop_keys,
)
from hadath.places.nisba import country_for
from hadath.text.matcher import clitic_start
from hadath.text.tokens import (
    CLOSING_QUOTES,
    FORM_CACHE_SIZE,
    OPENING_QUOTES,
    split_article,
    variants,
)

CURATED = ("country", "admin1", "region", "district", "landmark")
_PRIOR = {"country": 8.5, "admin1": 7.5, "region": 7.5, "district": 7.5, "landmark": 7.5}
# A town this size is a place on its own; smaller ones need some support.
BIG_TOWN = 100_000
_QUALIFIER_WINDOW = 4

# Singular locative nouns after which even a common word is a name.
_NAME_CUES = frozenset({"مدينه", "بلده", "قريه", "حي", "مخيم", "ناحيه", "قضاء", "مديريه"})


# Tanween (ً ٌ ٍ) marks an indefinite word; place names are definite.
_TANWEEN = re.compile("[\u064b-\u064d]")


@dataclass(slots=True)
class Candidate:
    i: int  # first token
    j: int  # one past the last token
    start: int
    end: int
    key: str
    places: tuple[Place, ...]
    common: bool = False
    strong: bool = False  # locative noun, qualifier or NER place span
    weak: bool = False  # preposition before it
    near: bool = False
    person: bool = False
    clitic: bool = False  # a preposition or conjunction was stripped off
    conjunction: bool = False  # only و or ف was stripped off ("ورقة", "فرقة")
    adjectival: bool = False  # the word is also a nisba adjective (سورية)
    directed: bool = False  # after a direction word ("شمال سورية")
    article: bool = False  # the first word carries the article in the text
    coordinated: bool = False  # joined by و to the place before it
    sea: bool = False  # "بحر اليابان": names a sea, not the place
    junction: bool = False  # "مفرق سجو": a junction named after the next word
    outlet: bool = False  # "وكالة الأناضول", 'لـ«الرياض»': a news outlet's name
    accord: bool = False  # "اتفاق فيينا": names an accord, not the town
    region_list: bool = False  # "محافظات دمشق وحلب": a list of first-level regions
    head: bool = False  # "قصر الحسينية": part of a building's or street's name
    person_like: bool = False  # starts like a person's name ("الشيخ مقصود")
    tagged_person: bool = False  # the tagger's PER span is exactly this name, no other sign
    nisba_qualifier: bool = False  # the qualifier is an adjective ("طرابلس الليبية")
    direction_qualifier: bool = False  # "صور جنوب لبنان"
    qualifier_bearing: float | None = None  # degrees from north: "غرب عدن" -> 270
    qualifier_points: list[Place] = field(default_factory=list)  # "جنوب بغداد"
    qualifier_countries: set[str] = field(default_factory=set)
    qualifier_admin1: set[str] = field(default_factory=set)
    prefer: str | None = None  # "city" after مدينة, "admin1" after محافظة
    after_locative: bool = False  # "قرية X", "حي X": named as a settlement
    cue: str | None = None  # the locative noun before it (or starting it)
    # "بلدة الكرك في البقاع": the region, admin1 or town the text puts it in.
    qualifier_places: list[Place] = field(default_factory=list)
    # Places joined to it by و in a list ("الزاب والرياض والعباسي").
    partners: list[Candidate] = field(default_factory=list)
    own_context: str | None = None  # the country this mention adds to the context
    chosen: Place | None = None
    approx: Place | None = None  # an unknown homonym placed by its qualifier


def is_cue(tok: Token, kind: str) -> bool:
    return tok.is_word and _is_cue_form(tok.norm, kind)


@lru_cache(maxsize=FORM_CACHE_SIZE)
def _is_cue_form(norm: str, kind: str) -> bool:
    # Cached per word form: the qualifier scans ask about the same words
    # again and again (about 450 calls an article on the conflict subset).
    words = cues()[kind]
    if len(norm) > 2 and norm[0] in "وف" and norm[1:] in words:
        return True  # "وفي", "ومن": too short for variants() to strip
    return any(v in words for v in variants(norm))


def _clitic_cut(doc: Document, tok: Token, reading: str) -> int:
    """Original offset where `reading` (with its article) starts in `tok`."""
    return clitic_start(doc.text, tok, reading)


def _best_prior(gaz: Gazetteer, key: str) -> float:
    return max((prior(p) for p in gaz.lookup(key)), default=0.0)


def _longest_at(tokens: list[Token], i: int, gaz: Gazetteer,
                allow_common_word: bool = False) -> tuple[int, str, str] | None:
    """(end token, key, first-word reading) of the longest name at token i."""
    tok = tokens[i]
    if not tok.is_word:
        return None
    keys, prefixes = gaz.keys, gaz.prefixes
    can_start = gaz.start_forms.get(tok.norm)
    if can_start is False:
        return None
    n = len(tokens)
    best: tuple[int, str, str] | None = None
    readings = variants(tok.norm)
    if len(tok.norm) == 3 and tok.norm[0] in "وفبل" and tok.norm[1:] in prefixes:
        # "لسد النهضة": too short for variants() to strip the clitic; only
        # the first word of a longer name is read so.
        readings = (*readings, tok.norm[1:])
    if can_start is None:
        if len(gaz.start_forms) > FORM_CACHE_SIZE:
            gaz.start_forms.clear()
        can_start = gaz.start_forms[tok.norm] = any(r in keys or r in prefixes for r in readings)
        if not can_start:
            return None
    for reading in readings:
        if reading not in keys and reading not in prefixes:
            continue
        if "ك" in tok.norm[: len(tok.norm) - len(reading)]:
            # "كسلا" is Kassala, not ك + سلا: a place is rarely "like X".
            continue
        key = reading
        found = [(i + 1, key)] if key in keys else []
        j = i + 1
        while key in prefixes and j < n and tokens[j].sentence == tok.sentence:
            t = tokens[j]
            if t.norm == "_" and j + 1 < n and tokens[j + 1].start == t.end:
                # Hashtags join words with "_" (#حفر_الباطن).
                j += 1
                continue
            if not t.is_word:
                break
            nxt = f"{key} {split_article(t.norm)[1]}"
            if nxt not in keys and nxt not in prefixes:
                nxt = f"{key} {t.base}"
                if nxt not in keys and nxt not in prefixes:
                    break
            key = nxt
            j += 1
            if key in keys:
                found.append((j, key))
        if not found:
            continue
        j, key = found[-1]
        # Equal lengths: the reading naming the more prominent place
        # ("للبنان" is Lebanon, not the village بنان).
        if j == i + 1 and not allow_common_word and (
            any(r in never_keys() for r in readings[:2])
            or (tok.norm[:1] in "وف" and tok.norm[1:] in never_keys())
        ):
            # The word is a function or generic word ("بلاد", "وأن"): none of
            # its readings is a place on its own ("لاد", "وان").
            continue
        if best is None or j > best[0] or (
            j == best[0] and _best_prior(gaz, key) > _best_prior(gaz, best[1])
        ):
            best = (j, key, reading)
    return best


def _is_adjective(tokens: list[Token], i: int) -> bool:
    """Is token i a nisba adjective agreeing with the noun before it?

    "الحكومة السورية", "القوات السعودية": an adjective; "بقيادة السعودية",
    "في السعودية": the country.  A feminine form after a masculine nisba does
    not agree with it: "زار الرئيس الإماراتي السعودية" visits the country.
    """
    tok = tokens[i]
    if country_for(tok.norm) is None or i == 0:
        return False
    prev = tokens[i - 1]
    if tok.norm.endswith("يه") and prev.norm.endswith("ي") and country_for(prev.norm):
        return False
    # ("للعيادات السعودية": ل + ال is written لل.)
    return (prev.is_word and prev.sentence == tok.sentence and tok.prefix.endswith("ال")
            and prev.prefix.endswith(("ال", "لل")))


def _qualifies_place_before(out: list[Candidate], tokens: list[Token], i: int) -> bool:
    """Is token i a nisba adjective right after a place of its own country?

    "مدينة جدة السعودية": the Saudi city of Jeddah, not Jeddah and Saudi
    Arabia ("السعودية" is also the everyday name of the country).
    """
    if not out or out[-1].j != i or tokens[i].prefix != "ال":
        return False
    code = country_for(tokens[i].norm)
    return code is not None and any(p.country == code for p in out[-1].places)


# Directions as adverbs ("شمالاً": northwards), written without the tanween.
_ADVERBIAL_DIRECTIONS = frozenset({"شمالا", "جنوبا", "شرقا", "غربا"})
_RELATIVE_PRONOUNS = frozenset({"التي", "الذي", "الذين", "اللتين", "اللذين", "اللتان", "اللذان",
                                "اللاتي", "اللواتي"})


def _continues(tokens: list[Token], j: int) -> bool:
    """Does a name go on at token j (a plain word, no cue, no adjective)?"""
    if j >= len(tokens) or not tokens[j].is_word or tokens[j].sentence != tokens[j - 1].sentence:
        return False
    t = tokens[j]
    if t.norm[:1] in "وفبل" and t.norm != t.base:
        return False
    if t.norm in _RELATIVE_PRONOUNS:
        return False  # "مدينة الرمادي التي": the clause is about the town
    return not (country_for(t.norm) or any(
        is_cue(t, kind) for kind in ("preposition", "direction", "locative", "capital")))


_BLOCK_REACH = 3  # words before a place that a blocking name may start with


def _blocked(tokens: list[Token], i: int, j: int) -> bool:
    """Is tokens[i:j] inside a name that contains a place but is not one?"""
    matcher = not_places()
    for k in range(max(0, i - _BLOCK_REACH), i + 1):
        m = matcher.match_at(tokens, k)
        if m is not None and m[0] > i:
            return True
    return False


_SETTLEMENT_CUES = frozenset({"مدينه", "بلده", "قريه"})
# Nouns for a first-level region before its name; after the plural or dual
# ones, every name of the list that follows is a region too.
_REGION_LIST_CUES = frozenset({"محافظات", "محافظتي", "محافظتا", "ولايات", "ولايتي", "ولايتا"})
_REGION_CUES = frozenset({"محافظه", "محافظ", "ولايه", "اقليم"}) | _REGION_LIST_CUES
_REGION_HEADS = ("محافظه", "ولايه", "اقليم")  # as gazetteer keys: "محافظه حمص"
_LIST_COMMAS = frozenset({"،", ","})



# Compass words as unit vectors (north, east): "جنوب شرق" sums two.
_COMPASS = {"شمال": (1, 0), "جنوب": (-1, 0), "شرق": (0, 1), "غرب": (0, -1)}


def _bearing_of(words: list[Token]) -> float | None:
    """The bearing (degrees from north) that the direction words say, if any."""
    north = east = 0
    for w in words:
        if not is_cue(w, "direction"):
            continue
        for v in variants(w.norm):
            key = v.removesuffix("ي").removesuffix("ا")
            if key in _COMPASS:
                north += _COMPASS[key][0]
                east += _COMPASS[key][1]
                break
    if north == 0 and east == 0:
        return None
    return math.degrees(math.atan2(east, north)) % 360


def _contains_next(tokens: list[Token], k: int) -> bool:
    """"بمحافظة صنعاء", "في محافظة صنعاء": after a comma, an appositive that
    says where the place before the comma lies ("مطار عدن، في إطار" goes on
    with something else, and إطار is no qualifier)."""
    tok = tokens[k]
    if tok.norm == "في" and k + 1 < len(tokens):
        tok = tokens[k + 1]
        return not tok.prefix and is_cue(tok, "locative")
    return tok.norm[:1] == "ب" and not tok.prefix.endswith("ال") and is_cue(tok, "locative")

def _add_regions(c: Candidate) -> None:
    """Add the first-level regions named like the candidate's town.

    The gazetteer names a region with its head noun ("محافظه حمص"); after
    "محافظات" or "محافظتي" the bare name ("حمص") stands for it.
    """
    if c.key.split(" ", 1)[0] in _REGION_HEADS:
        return
    gaz = gazetteer()
    c.places = _merged(c.places, (p for head in _REGION_HEADS
                                  for p in gaz.lookup(f"{head} {c.key}") if p.feature == "admin1"))


def _merged(places: tuple[Place, ...], more: Iterable[Place]) -> tuple[Place, ...]:
    """`places` and those of `more` that are not among them already."""
    known = {p.id for p in places}
    return places + tuple(p for p in more if p.id not in known)


def _readings_of(gaz: Gazetteer, key: str) -> tuple[Place, ...]:
    """The places a name may be; "مدينة X" may also be any town named X.

    GeoNames gives some towns a name with "مدينة" ("مدينة زنجبار" is
    Zanzibar's), and as the longest name it would hide the other towns named
    X ("مدينة زنجبار اليمنية" is Zinjibar).  Context and qualifiers choose.
    Not when X is also a common word: "مدينة العين" in Yemen is no town that
    happens to be called "العين" (the eye, a spring).
    """
    places = gaz.lookup(key)
    head, _, rest = key.partition(" ")
    if (head in _SETTLEMENT_CUES and " " not in rest and rest in gaz.keys
            and rest not in stop_keys() and rest not in common_keys()):
        places = _merged(places, (p for p in gaz.lookup(rest) if p.feature in ("city", "district")))
    return places


def find_candidates(doc: Document, gaz: Gazetteer) -> list[Candidate]:
    """Longest gazetteer names, left to right, without overlaps."""
    tokens = doc.tokens
    out: list[Candidate] = []
    n = len(tokens)
    # Where a name may start: every token but those whose form is known to
    # start none (one comprehension instead of a call per token).  The
    # token right after a name is looked at in any case ("الحديدة وإب").
    forms = gaz.start_forms
    maybe = [k for k, t in enumerate(tokens) if t.is_word and forms.get(t.norm) is not False]
    i = 0
    while i < n:
        if not (out and out[-1].j == i):
            k = bisect_left(maybe, i)
            if k == len(maybe):
                break
            i = maybe[k]
        tok = tokens[i]
        # "مدينة الباب": after a locative noun even a common word is a name.
        after_cue = (i > 0 and not tokens[i - 1].prefix
                     and split_article(tokens[i - 1].norm)[1] in _NAME_CUES)
        best = _longest_at(tokens, i, gaz, allow_common_word=after_cue)
        if (best is None and out and out[-1].j == i and len(tok.norm) == 3
                and tok.norm[0] in "وف" and tok.norm[1:] in gaz.keys):
            # "الحديدة وإب": a two-letter name after a conjunction, too short
            # for variants() to strip, read only in a list of places.
            best = (i + 1, tok.norm[1:], tok.norm[1:])
        if best is None:
            i += 1
            continue
        j, key, reading = best
        if j - i > 1 and is_cue(tok, "locative"):
            # "مدينة عين العرب": the name after the cue may run further.
            after = _longest_at(tokens, i + 1, gaz)
            if after is not None and after[0] > j:
                i += 1
                continue
        if (key in never_keys() and not after_cue) or (j == i + 1 and (
                _is_adjective(tokens, i) or _qualifies_place_before(out, tokens, i))):
            i += 1
            continue
        if _blocked(tokens, i, j):
            i = j
            continue
        if j == i + 1 and _continues(tokens, j) and (
            key in cues()["compound"]
            or (i > 0 and is_cue(tokens[i - 1], "locative") and tokens[j].prefix.endswith("ال")
                and (key in stop_keys() or key in common_keys())
                and split_article(tokens[j].norm)[1] not in stop_keys()  # "الخيام الجنوبية"
                and not any(p.feature in CURATED for p in gaz.lookup(key)))
        ):
            # "منطقة عين كاوة", "بلدة كفر نبل", "منطقة الدرب الأحمر": the
            # first word of a longer name the gazetteer lacks, not the place
            # named by that word.
            i = j
            continue
        start = _clitic_cut(doc, tok, reading)
        if _TANWEEN.search(doc.text, start, tokens[j - 1].end):
            # "دوماً" (always) is an adverb: a name written with tanween is an
            # indefinite common word, never a place's name.
            i = j
            continue
        cand = Candidate(i, j, start, tokens[j - 1].end, key, _readings_of(gaz, key))
        prefix = tok.norm[: len(tok.norm) - len(reading)] if tok.norm.endswith(reading) else ""
        cand.clitic = bool(prefix.removesuffix("ال").removesuffix("ل")) or prefix == "ل"
        cand.conjunction = prefix in ("و", "ف")
        cand.article = prefix.endswith("ال") or prefix.endswith("لل")
        out.append(cand)
        i = j
    return out


class _Spans:
    """Character spans, for "does one of them contain [start, end)?" by bisection."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.exact = set(spans)
        self.reach: list[int] = []  # furthest end among the spans up to each one
        for _, e in self.spans:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def contain(self, start: int, end: int) -> bool:
        # Among the spans starting by `start`, one ends at or after `end`.
        k = bisect_right(self.spans, (start, math.inf))
        return k > 0 and self.reach[k - 1] >= end


def _entity_spans(doc: Document) -> tuple[_Spans, _Spans]:
    places: list[tuple[int, int]] = []
    people: list[tuple[int, int]] = []
    for e in doc.entities:
        t = e.get("type")
        if t in ("LOC", "GPE", "FAC"):
            places.append((e["start"], e["end"]))
        elif t == "PER":
            people.append((e["start"], e["end"]))
    return _Spans(places), _Spans(people)


def gather_evidence(doc: Document, cands: list[Candidate]) -> None:
    tokens = doc.tokens
    stop, common = stop_keys(), common_keys()
    ner_places, ner_people = _entity_spans(doc)
    # Listed outlets only: an unlisted one is a guess from a head word, and
    # "لقناة السويس" is the Suez Canal.
    outlets = _Spans([(s["start"], s["end"]) for s in doc.sources if s.get("canonical")])
    by_start = {c.i: c for c in cands}
    ends = {c.j - 1 for c in cands}  # last tokens of names
    for c in cands:
        curated = any(p.feature in CURATED for p in c.places)
        c.common = c.key in stop or (c.key in common and not curated) or len(c.key) <= 2
        words = c.key.split(" ")
        if (len(words) > 1 and words[0] in cues()["person"]
                and max((p.population for p in c.places), default=0) < BIG_TOWN):
            # "الشيخ مقصود", "أبو غريب": also a person's name.
            c.person_like = True
        tok = tokens[c.i]
        # "مفرق سجو", "ومفرق الوهط": a bare junction noun before a name is the
        # junction, not the town written with the article (المفرق).
        c.junction = (c.j == c.i + 1 and not tok.prefix.endswith("ال") and is_cue(tok, "junction")
                      and c.j < len(tokens) and tokens[c.j].is_word
                      and tokens[c.j].sentence == tok.sentence)
        # A name that is also a nisba adjective ("مدن سورية") is the
        # country only after a preposition or at the start of a sentence.
        c.adjectival = (c.j == c.i + 1 and not tok.prefix.endswith("ال")
                        and country_for(tok.norm) is not None)
        if ner_places.contain(c.start, c.end):
            c.strong = True
        if ner_people.contain(c.start, c.end):
            c.person = True
            c.tagged_person = (c.start, c.end) in ner_people.exact
        # Before: a locative noun, a preposition, a person particle, and
        # "العاصمة الأردنية عمان" style qualifiers.
        if outlets.contain(c.start, c.end):
            c.outlet = True  # the sources stage read it as an outlet: 'لـ«الرياض»'
        before = c.i - 1
        quoted = (before > 0 and tokens[before].norm in OPENING_QUOTES and c.j < len(tokens)
                  and tokens[c.j].norm in CLOSING_QUOTES)
        if quoted:
            before -= 1  # "محافظة «مأرب»": the cue stands before the quotation marks
        if before >= 0 and tokens[before].sentence == tokens[c.i].sentence:
            prev = tokens[before]
            # "مدينة صور", "العاصمة بغداد" introduce a name; the definite
            # "المنطقة دون" does not.
            # "شارع الثورة", "سجن بغداد": a street's or a building's name,
            # no evidence that the name itself is a place.
            # "مناطق جديدة", "ولاية جديدة": an indefinite adjective
            # describes the noun, it names nothing.
            if (is_cue(prev, "locative") and not c.clitic and not is_cue(prev, "head")
                    and (not prev.prefix.endswith("ال") or is_cue(prev, "capital"))
                    and not (is_cue(tok, "adjective") and not tok.prefix.endswith("ال"))):
                c.strong = True
                c.after_locative = not is_cue(prev, "capital")
                base = split_article(prev.norm)[1]
                c.cue = base
                if base in _REGION_CUES:
                    c.prefer = "admin1"
                    c.region_list = base in _REGION_LIST_CUES
                    _add_regions(c)
                elif base in _SETTLEMENT_CUES or base == "عاصمه":
                    c.prefer = "city"
            if is_cue(prev, "preposition"):
                c.weak = True
            if is_cue(prev, "near"):
                c.near = True
                c.weak = True
            if is_cue(prev, "direction"):
                c.strong = c.directed = True
            c.sea = is_cue(prev, "sea") and not quoted  # "عروس البحر «الحديدة»"
            # ("اختيار المجلة للسعودية": the magazine chose Saudi Arabia.)
            c.outlet = c.outlet or (is_cue(prev, "outlet") and not prev.prefix.endswith("ال")
                                    and not c.clitic)
            c.accord = is_cue(prev, "accord") and not prev.prefix.endswith("ال")
            c.head = is_cue(prev, "head")
            # ("شرم الشيخ والغردقة": الشيخ ends a place name, it is no title.)
            if " " not in c.key and c.i - 1 not in ends and (
                    is_cue(prev, "person") or prev.norm in given_names()) and not (
                is_cue(prev, "locative") or is_cue(prev, "preposition")
            ):
                c.person = True
                c.tagged_person = False  # a sign of its own, not the tagger's guess
            code = country_for(prev.norm) if prev.is_word else None
            if code and c.i > 1 and (
                is_cue(tokens[c.i - 2], "capital") or is_cue(tokens[c.i - 2], "locative")
            ):
                c.qualifier_countries.add(code)
                c.strong = True
        if c.j > c.i + 1 and is_cue(tokens[c.i], "locative") and not is_cue(tokens[c.i], "head"):
            # "منطقة السيدة زينب", "قضاء الحويجة": the cue is in the name.
            c.after_locative = c.strong = True
            c.cue = words[0]
            rest = " ".join(words[1:])
            if not curated and (rest in stop or rest in common):
                c.common = True  # "مدينة العين": still the common word العين
        tok = tokens[c.i]
        if c.clitic:
            # A preposition written on the word ("ببغداد") is as good as "في".
            prefix = tok.norm[: len(tok.norm) - len(c.key.split(" ")[0])]
            if prefix.removesuffix("ال")[-1:] in ("ب", "ل") or prefix.endswith("لل"):
                c.weak = True
        # A family name after it makes it a given name ("نايف البكري").
        big = max((p.population for p in c.places), default=0) >= BIG_TOWN
        if c.j < len(tokens) and not (c.strong or c.weak) and (
                not big or c.key in given_names()):
            # ("منفذ بنغازي البحري": a big town's name followed by an
            # adjective is the town.)
            nxt = tokens[c.j]
            if (nxt.is_word and nxt.sentence == tok.sentence and nxt.norm.startswith("ال")
                    and nxt.norm.endswith("ي") and len(nxt.norm) >= 5
                    and country_for(nxt.norm) is None and not is_cue(nxt, "direction")):
                c.person = True
                c.tagged_person = False  # a sign of its own, not the tagger's guess
        # After: nisba adjective, or (cue words then) a country/region name.
        k = c.j
        steps = 0
        inside = False  # "حي X في/ب مدينة Y": Y contains X
        if c.after_locative and k < len(tokens) and is_cue(tokens[k], "ordinal") \
                and tokens[k].prefix.endswith("ال"):
            k += 1  # "حي اليرموك الثانية غربي بعقوبة": the number is part of the name
        if c.after_locative and k + 1 < len(tokens) and tokens[k].norm in _LIST_COMMAS \
                and _contains_next(tokens, k + 1):
            k += 1  # "منطقة همدان، بمحافظة صنعاء": an appositive says where it lies
        while k < len(tokens) and steps < _QUALIFIER_WINDOW:
            t = tokens[k]
            if not t.is_word or t.sentence != tok.sentence or t.norm in _ADVERBIAL_DIRECTIONS:
                # ("من حلب شمالا إلى عدن جنوبا": "northwards" takes no
                # complement; Aden does not qualify Aleppo.)
                break
            code = country_for(t.norm)
            if code:
                # "طرابلس الليبية"; but "الثورة السورية" is a noun and its
                # adjective, no evidence that الثورة is a place.
                c.qualifier_countries.add(code)
                c.nisba_qualifier = True
                break
            other = by_start.get(k)
            # "طرابلس شمال لبنان", "عدن باليمن" qualify; "إيران والولايات
            # المتحدة" is a list, not a qualifier.
            attached = t.norm[:1] == "ب" and other is not None and other.clitic
            if other is not None and not t.norm.startswith("و") and (
                steps > 0 or attached or is_cue(t, "direction")
            ):
                c.direction_qualifier = any(
                    is_cue(tokens[m], "direction") for m in range(c.j, k + 1)
                )
                c.qualifier_bearing = _bearing_of(tokens[c.j:k + 1])
                inside = inside or attached
                quals = [p for p in other.places if p.feature in ("country", "admin1", "region")]
                # A country's name also names towns elsewhere (Lebanon,
                # Pennsylvania): towns only of a name that is no country.
                towns = [p for p in other.places if p.feature in ("city", "district")
                         and not any(q.feature == "country" for q in other.places)]
                if towns and not other.common and (
                    c.direction_qualifier or (inside and c.after_locative)
                ):
                    # "الإسكندرية جنوب بغداد", "حي الأشرفية في مدينة حلب":
                    # near that city.
                    c.qualifier_points = towns
                    c.qualifier_countries.update(p.country for p in c.qualifier_points)
                if quals:
                    c.qualifier_countries.update(p.country for p in quals)
                    c.qualifier_admin1.update(p.admin1 for p in quals if p.admin1)
                    if c.after_locative and inside and not c.direction_qualifier:
                        c.qualifier_places = [p for p in quals if p.feature != "country"]
                break
            if t.norm in ("في", "داخل") or (t.norm[:1] == "ب" and is_cue(t, "locative")):
                inside = True
            if not (is_cue(t, "direction") or is_cue(t, "capital")
                    or is_cue(t, "preposition") or is_cue(t, "locative")):
                break
            k += 1
            steps += 1
        # A common word needs "X جنوب لبنان"; "ثورة في سوريا" or "الثورة
        # السورية" is a noun and its complement.
        if (c.qualifier_countries and any(p.country in c.qualifier_countries for p in c.places)
                and (not c.common or c.direction_qualifier)):
            c.strong = True
    # "محافظات دمشق وحلب، حمص": every name of the list is a region.
    for prev_c, c in zip(cands, cands[1:], strict=False):
        if prev_c.region_list and c.prefer is None and tokens[c.i].sentence == tokens[prev_c.i].sentence and (
                (c.i == prev_c.j and tokens[c.i].norm.startswith("و"))
                or (c.i == prev_c.j + 1 and tokens[prev_c.j].norm in _LIST_COMMAS)):
            c.prefer = "admin1"
            c.region_list = True
            c.strong = c.strong or prev_c.strong
            _add_regions(c)
    # "بين كوباني وجرابلس": a name that only the tagger read as a person,
    # joined by و to a town with evidence of its own, is a town of that
    # town's country (names of people are not listed with towns).
    given = given_names()
    for a, b in zip(cands, cands[1:], strict=False):
        if b.i != a.j or not tokens[b.i].norm.startswith("و"):
            continue
        for guess, other in ((a, b), (b, a)):
            if (guess.tagged_person and not guess.common and guess.key not in given
                    and other.strong and not other.person
                    and {p.country for p in guess.places}
                    & {p.country for p in other.places if p.feature in ("city", "district")}):
                guess.person = guess.tagged_person = False
    # "مدينة عين العرب (كوباني)": a second name of the same place, in
    # parentheses right after the first, is that place.
    for a, b in zip(cands, cands[1:], strict=False):
        if (b.i == a.j + 1 and tokens[a.j].norm == "(" and b.j < len(tokens)
                and tokens[b.j].norm == ")"):
            same = {p.id for p in a.places} & {p.id for p in b.places}
            if same:
                b.places = [p for p in b.places if p.id in same]
                b.strong = True
                b.person = b.tagged_person = b.common = False
    # "في الجهراء والأحمدي": a name joined by و to the place before it
    # shares that place's evidence.
    for prev_c, c in zip(cands, cands[1:], strict=False):
        if c.i == prev_c.j and tokens[c.i].norm.startswith("و") and not c.person:
            c.partners.append(prev_c)
            prev_c.partners.append(c)
            # A list of places ("بنغازي والبيضاء", "الرمادي والفلوجة") is
            # itself evidence.
            listed = (prev_c.weak or prev_c.strong or not prev_c.common
                      or bool({p.country for p in prev_c.places} & {p.country for p in c.places}))
            c.coordinated = listed
            c.weak = c.weak or listed
            c.strong = c.strong or (prev_c.strong and not c.common)
            if prev_c.common and not prev_c.person and not c.common and c.places:
                # "وهما الرمادي والفلوجة": a common word listed before a
                # place name is read as a place of that name's country
                # (checked when resolving).
                prev_c.coordinated = True


def prior(p: Place) -> float:
    if p.feature in _PRIOR:
        return _PRIOR[p.feature]
    return math.log10(p.population + 10)
