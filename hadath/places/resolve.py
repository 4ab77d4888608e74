"""Find place names in a document and resolve each to one gazetteer place.

Three steps:

1. Candidates: the longest gazetteer name starting at each token, the first
   word read with any proclitic (ببغداد, وبالعراق), later words with the
   article only.  The span starts after و ف ب ل ك but keeps the article
   ("بالعراق" -> "العراق").
2. Filtering: a name that is also a common word (stop.txt, or mostly tagged
   as a non-place in the NER corpora: صور، أمل، سنة، البيان) or a very short
   one needs explicit evidence: a locative noun before it ("مدينة صور"), a
   qualifier after it ("صور جنوب لبنان"), an NER LOC/GPE/FAC span, or, for
   a sizeable town of a country the article is about, a preposition ("في
   صور").  A word inside a person's name (after بن، أبو، الشيخ; inside an NER
   PER span) is not a place.  Small towns need some support from context.
3. Disambiguation: each reading of a name is scored by a population/feature
   prior, the countries the article is about (country names and nisba
   adjectives: العراقي، الليبية; other unambiguous places), explicit
   qualifiers ("طرابلس شمال لبنان", "عمان عاصمة الأردن", "طرابلس الليبية"),
   and closeness to the other places named.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hadath.document import Document, Token
from hadath.places.gazetteer import PRECISION, Gazetteer, Place, gazetteer
from hadath.places.lexicon import (
    common_keys,
    context_names,
    core_countries,
    cues,
    form_counts,
    frequent_words,
    given_names,
    never_keys,
    news_count,
    not_places,
    stop_keys,
)
from hadath.places.nisba import country_for
from hadath.text.normalise import normalise_string
from hadath.text.tokens import split_article, variants

_CURATED = ("country", "admin1", "region", "district", "landmark")
_PRIOR = {"country": 8.5, "admin1": 7.5, "region": 7.5, "district": 7.5, "landmark": 7.5}
# Bonus for a reading in a country the article is about, plus a share for
# how dominant that country is in the article.
_CONTEXT_BASE = 2.5
_CONTEXT_WEIGHT = 1.0
_QUALIFIER_WEIGHT = 20.0
_NEAR_KM = 150.0
_NEAR_WEIGHT = 1.5
# A town this many times smaller than a namesake is not meant unless the
# text says so (London, Kentucky against London).
_DOMINANCE = 10
# A town of a core country this size is a place without other support.
_CORE_TOWN = 20_000
# A town outside the core countries needs this population (or evidence);
# below _FOREIGN_VILLAGE not even a preposition in an article about its
# country is enough.
_FOREIGN_TOWN = 50_000
_FOREIGN_VILLAGE = 5_000
# "الحمص" is not Homs when news writes the bare name this many times more
# often than with the article (and at least _MIN_FORMS times).
_FORM_SKEW = 5
_MIN_FORMS = 10
# A name read off a word with a conjunction or preposition ("وأرى") is a
# foreign city only if it is this big or the article is about its country.
_CLITIC_CITY = 1_000_000
# A name read off a word by stripping a preposition ("بلاتر" -> "لاتر") must
# also occur on its own in news this often to be plausible.
_MIN_STANDALONE = 2
# A town this size is a place on its own; smaller ones need some support.
_BIG_TOWN = 100_000
# A common word is read as a town of the article's country only if the town
# is at least this size (حماة، صور), and only after a preposition.
_COMMON_TOWN = 50_000
_QUALIFIER_WINDOW = 4


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
    adjectival: bool = False  # the word is also a nisba adjective (سورية)
    article: bool = False  # the first word carries the article in the text
    coordinated: bool = False  # joined by و to the place before it
    sea: bool = False  # "بحر اليابان": names a sea, not the place
    head: bool = False  # "قصر الحسينية": part of a building's or street's name
    person_like: bool = False  # starts like a person's name ("الشيخ مقصود")
    nisba_qualifier: bool = False  # the qualifier is an adjective ("طرابلس الليبية")
    direction_qualifier: bool = False  # "صور جنوب لبنان"
    qualifier_points: list[Place] = field(default_factory=list)  # "جنوب بغداد"
    qualifier_countries: set[str] = field(default_factory=set)
    qualifier_admin1: set[str] = field(default_factory=set)
    prefer: str | None = None  # "city" after مدينة, "admin1" after محافظة
    chosen: Place | None = None


def _words(tokens: list[Token], i: int) -> tuple[str, ...]:
    return variants(tokens[i].norm) if tokens[i].is_word else ()


def _is_cue(tok: Token, kind: str) -> bool:
    if not tok.is_word:
        return False
    words = cues()[kind]
    return any(v in words for v in variants(tok.norm))


def _clitic_cut(doc: Document, tok: Token, reading: str) -> int:
    """Original offset where `reading` (with its article) starts in `tok`."""
    norm = tok.norm
    if not norm.endswith(reading) or norm == reading:
        return tok.start
    prefix = norm[: len(norm) - len(reading)]
    if prefix.endswith("ال"):
        cut = len(prefix) - 2
    else:
        cut = len(prefix)
    if cut <= 0:
        return tok.start
    # Count `cut` letters in the original, skipping marks that normalise away.
    text = doc.text
    pos = tok.start
    seen = 0
    while pos < tok.end and seen < cut:
        if normalise_string(text[pos]):
            seen += 1
        pos += 1
    while pos < tok.end and not normalise_string(text[pos]):
        pos += 1
    return pos


def _best_prior(gaz: Gazetteer, key: str) -> float:
    return max((_prior(p) for p in gaz.lookup(key)), default=0.0)


def _longest_at(tokens: list[Token], i: int, gaz: Gazetteer,
                allow_common_word: bool = False) -> tuple[int, str, str] | None:
    """(end token, key, first-word reading) of the longest name at token i."""
    tok = tokens[i]
    if not tok.is_word:
        return None
    keys, prefixes = gaz.keys, gaz.prefixes
    n = len(tokens)
    best: tuple[int, str, str] | None = None
    readings = variants(tok.norm)
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
    "في السعودية": the country.
    """
    tok = tokens[i]
    if country_for(tok.norm) is None or i == 0:
        return False
    prev = tokens[i - 1]
    return (prev.is_word and prev.sentence == tok.sentence and tok.prefix.endswith("ال")
            and prev.prefix.endswith("ال"))


_BLOCK_REACH = 3  # words before a place that a blocking name may start with


def _blocked(tokens: list[Token], i: int, j: int) -> bool:
    """Is tokens[i:j] inside a name that contains a place but is not one?"""
    matcher = not_places()
    for k in range(max(0, i - _BLOCK_REACH), i + 1):
        m = matcher.match_at(tokens, k)
        if m is not None and m[0] > i:
            return True
    return False


def find_candidates(doc: Document, gaz: Gazetteer) -> list[Candidate]:
    """Longest gazetteer names, left to right, without overlaps."""
    tokens = doc.tokens
    out: list[Candidate] = []
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        # "مدينة الباب": after a locative noun even a common word is a name.
        after_cue = (i > 0 and not tokens[i - 1].prefix
                     and split_article(tokens[i - 1].norm)[1] in _NAME_CUES)
        best = _longest_at(tokens, i, gaz, allow_common_word=after_cue)
        if best is None:
            i += 1
            continue
        j, key, reading = best
        if j - i > 1 and _is_cue(tok, "locative"):
            # "مدينة عين العرب": the name after the cue may run further.
            after = _longest_at(tokens, i + 1, gaz)
            if after is not None and after[0] > j:
                i += 1
                continue
        if (key in never_keys() and not after_cue) or (j == i + 1 and _is_adjective(tokens, i)):
            i += 1
            continue
        if _blocked(tokens, i, j):
            i = j
            continue
        start = _clitic_cut(doc, tok, reading)
        cand = Candidate(i, j, start, tokens[j - 1].end, key, gaz.lookup(key))
        prefix = tok.norm[: len(tok.norm) - len(reading)] if tok.norm.endswith(reading) else ""
        cand.clitic = bool(prefix.removesuffix("ال").removesuffix("ل")) or prefix == "ل"
        cand.article = prefix.endswith("ال") or prefix.endswith("لل")
        out.append(cand)
        i = j
    return out


def _entity_spans(doc: Document) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    places, people = [], []
    for e in doc.entities:
        t = e.get("type")
        if t in ("LOC", "GPE", "FAC"):
            places.append((e["start"], e["end"]))
        elif t == "PER":
            people.append((e["start"], e["end"]))
    return places, people


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _gather_evidence(doc: Document, cands: list[Candidate]) -> None:
    tokens = doc.tokens
    stop, common = stop_keys(), common_keys()
    ner_places, ner_people = _entity_spans(doc)
    by_start = {c.i: c for c in cands}
    for c in cands:
        curated = any(p.feature in _CURATED for p in c.places)
        c.common = c.key in stop or (c.key in common and not curated) or len(c.key) <= 2
        words = c.key.split(" ")
        if (len(words) > 1 and words[0] in cues()["person"]
                and max((p.population for p in c.places), default=0) < _BIG_TOWN):
            # "الشيخ مقصود", "أبو غريب": also a person's name.
            c.person_like = True
        tok = tokens[c.i]
        # A name that is also a nisba adjective ("مدن سورية") is the
        # country only after a preposition or at the start of a sentence.
        c.adjectival = (c.j == c.i + 1 and not tok.prefix.endswith("ال")
                        and country_for(tok.norm) is not None)
        if _inside(ner_places, c.start, c.end):
            c.strong = True
        if _inside(ner_people, c.start, c.end):
            c.person = True
        # Before: a locative noun, a preposition, a person particle, and
        # "العاصمة الأردنية عمان" style qualifiers.
        if c.i > 0 and tokens[c.i - 1].sentence == tokens[c.i].sentence:
            prev = tokens[c.i - 1]
            # "مدينة صور", "العاصمة بغداد" introduce a name; the definite
            # "المنطقة دون" does not.
            if (_is_cue(prev, "locative") and not c.clitic
                    and (not prev.prefix.endswith("ال") or _is_cue(prev, "capital"))):
                c.strong = True
                base = split_article(prev.norm)[1]
                if base in ("محافظه", "ولايه", "اقليم"):
                    c.prefer = "admin1"
                elif base in ("مدينه", "بلده", "قريه", "عاصمه"):
                    c.prefer = "city"
            if _is_cue(prev, "preposition"):
                c.weak = True
            if _is_cue(prev, "near"):
                c.near = True
                c.weak = True
            if _is_cue(prev, "direction"):
                c.strong = True
            c.sea = _is_cue(prev, "sea")
            c.head = _is_cue(prev, "head")
            if " " not in c.key and (_is_cue(prev, "person") or prev.norm in given_names()) and not (
                _is_cue(prev, "locative") or _is_cue(prev, "preposition")
            ):
                c.person = True
            code = country_for(prev.norm) if prev.is_word else None
            if code and c.i > 1 and (
                _is_cue(tokens[c.i - 2], "capital") or _is_cue(tokens[c.i - 2], "locative")
            ):
                c.qualifier_countries.add(code)
                c.strong = True
        tok = tokens[c.i]
        if c.clitic:
            # A preposition written on the word ("ببغداد") is as good as "في".
            prefix = tok.norm[: len(tok.norm) - len(c.key.split(" ")[0])]
            if prefix.removesuffix("ال")[-1:] in ("ب", "ل") or prefix.endswith("لل"):
                c.weak = True
        # A family name after it makes it a given name ("نايف البكري").
        if c.j < len(tokens) and not (c.strong or c.weak):
            nxt = tokens[c.j]
            if (nxt.is_word and nxt.sentence == tok.sentence and nxt.norm.startswith("ال")
                    and nxt.norm.endswith("ي") and len(nxt.norm) >= 5
                    and country_for(nxt.norm) is None and not _is_cue(nxt, "direction")):
                c.person = True
        # After: nisba adjective, or (cue words then) a country/region name.
        k = c.j
        steps = 0
        while k < len(tokens) and steps < _QUALIFIER_WINDOW:
            t = tokens[k]
            if not t.is_word or t.sentence != tok.sentence:
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
                steps > 0 or attached or _is_cue(t, "direction")
            ):
                c.direction_qualifier = any(
                    _is_cue(tokens[m], "direction") for m in range(c.j, k + 1)
                )
                quals = [p for p in other.places if p.feature in ("country", "admin1", "region")]
                if not quals and not other.common and _is_cue(tokens[k - 1], "direction"):
                    # "الإسكندرية جنوب بغداد": near that city.
                    c.qualifier_points = [p for p in other.places if p.feature == "city"]
                    c.qualifier_countries.update(p.country for p in c.qualifier_points)
                if quals:
                    c.qualifier_countries.update(p.country for p in quals)
                    c.qualifier_admin1.update(p.admin1 for p in quals if p.admin1)
                break
            if not (_is_cue(t, "direction") or _is_cue(t, "capital")
                    or _is_cue(t, "preposition") or _is_cue(t, "locative")):
                break
            k += 1
            steps += 1
        # A common word needs "X جنوب لبنان"; "ثورة في سوريا" or "الثورة
        # السورية" is a noun and its complement.
        if (c.qualifier_countries and any(p.country in c.qualifier_countries for p in c.places)
                and (not c.common or c.direction_qualifier)):
            c.strong = True
    # "في الجهراء والأحمدي": a name joined by و to the place before it
    # shares that place's evidence.
    for prev_c, c in zip(cands, cands[1:], strict=False):
        if c.i == prev_c.j and tokens[c.i].norm.startswith("و") and not c.person:
            # A list of places ("بنغازي والبيضاء") is itself evidence.
            listed = prev_c.weak or prev_c.strong or not prev_c.common
            c.coordinated = listed
            c.weak = c.weak or listed
            c.strong = c.strong or (prev_c.strong and not c.common)


# Every inflected nisba ends so (عراقي، عراقيه، عراقيون، عراقيين، عراقيات،
# عراقيان، عراقيتان); other words need no look-up.
_NISBA_ENDS = ("ي", "يه", "ون", "ين", "ات", "ان", "تان", "تين")


def _context(doc: Document, cands: list[Candidate]) -> Counter:
    """How strongly the article is about each country."""
    ctx: Counter = Counter()
    for tok in doc.tokens:
        if tok.is_word and tok.norm.endswith(_NISBA_ENDS):
            code = country_for(tok.norm)
            if code:
                ctx[code] += 1
    # Leaders, bodies and groups (context.tsv): "الملك عبد الله الثاني" -> JO.
    for _i, _j, codes in context_names().find(doc.tokens):
        for code in set(codes):
            ctx[code] += 1
    for c in cands:
        if not c.places or (c.common and not c.strong):
            continue
        if c.person and not all(p.feature in ("country", "admin1") for p in c.places):
            continue  # "أمير قطر" still tells Qatar; "باراك أوباما" tells nothing
        countries = {p.country for p in c.places}
        if len(countries) != 1:
            continue
        # Only names that stand on their own count: a small town's name is
        # no evidence for its own country (أوباما is not a reason for Japan).
        if any(p.feature in _CURATED for p in c.places):
            ctx[next(iter(countries))] += 2
        elif c.strong or max(p.population for p in c.places) >= _BIG_TOWN:
            ctx[next(iter(countries))] += 1
    return ctx


def _prior(p: Place) -> float:
    if p.feature in _PRIOR:
        return _PRIOR[p.feature]
    return math.log10(p.population + 10)


def _haversine(a: Place, b: Place) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _accept(c: Candidate, p: Place, ctx: Counter) -> bool:
    """Is reading `p` of candidate `c` well enough supported to report?"""
    in_context = ctx.get(p.country, 0) > 0
    if c.sea:
        return False
    if c.head and not c.strong and p.population < _BIG_TOWN and p.feature in ("city", "district"):
        return False
    if c.person_like and not (c.strong or (c.weak and in_context)):
        return False
    if c.adjectival and not (c.weak or c.qualifier_countries or c.i == 0):
        return False
    if not c.article and not p.bare_name:
        # "منصورة" (victorious) is not "المنصورة", "سعودية" not "السعودية".
        return False
    if c.article and not p.article_name and " " not in c.key:
        # "الحمص" (chickpeas) is not "حمص" (Homs), when news writes the name
        # without the article far more often than with it.
        bare, art = form_counts(c.key)
        if bare >= _MIN_FORMS and bare >= _FORM_SKEW * art:
            return False
    if (c.clitic and not c.coordinated and " " not in c.key
            and (news_count(c.key) or 0) < _MIN_STANDALONE
            and p.population < _CLITIC_CITY and p.feature not in _CURATED):
        return c.strong
    if (c.clitic and p.feature == "city" and not in_context and not c.strong
            and not c.coordinated and p.population < _CLITIC_CITY):
        return False
    if (p.feature == "city" and p.country not in core_countries()
            and p.population < _FOREIGN_TOWN and not c.strong
            and not (c.weak and in_context and p.population >= _FOREIGN_VILLAGE)):
        return False
    if c.common:
        if c.strong:
            return True
        big = p.feature in _CURATED or p.population >= _COMMON_TOWN
        if (p.country in c.qualifier_countries and not c.nisba_qualifier
                and p.population >= _BIG_TOWN):
            return True  # "العين في الإمارات": a big town placed in its country
        capital = p.capital and c.key not in stop_keys()
        return c.weak and (in_context or capital) and big and p.feature != "country"
    if p.feature in _CURATED or p.population >= _BIG_TOWN:
        return True
    # A small town: named as a place ("بلدة X", "X شمال سوريا"), or after a
    # preposition in an article about its country; a town of the countries
    # Arabic news covers closely also when it is not tiny.
    if c.strong or (c.weak and in_context):
        return True
    return p.country in core_countries() and (
        in_context or c.weak or p.population >= _CORE_TOWN
    )


def _score(c: Candidate, p: Place, ctx: Counter, top: int, anchors: list[Place]) -> float:
    s = _prior(p)
    if top and ctx.get(p.country, 0):
        s += _CONTEXT_BASE + _CONTEXT_WEIGHT * ctx[p.country] / top
    if c.qualifier_points:
        if any(_haversine(p, q) <= _NEAR_KM for q in c.qualifier_points):
            s += _QUALIFIER_WEIGHT
    elif c.qualifier_countries:
        if p.country in c.qualifier_countries:
            s += _QUALIFIER_WEIGHT
            if p.admin1 and p.admin1 in c.qualifier_admin1:
                s += 2.0
    if c.prefer == "city" and p.feature in ("country", "admin1"):
        s -= 6.0
    elif c.prefer == "admin1" and p.feature == "admin1":
        s += 4.0
    if anchors and p.feature not in ("country",):
        if any(_haversine(p, a) <= _NEAR_KM for a in anchors if a.id != p.id):
            s += _NEAR_WEIGHT
    return s


def resolve(doc: Document, cands: list[Candidate], ctx: Counter) -> None:
    top = max(ctx.values()) if ctx else 0
    # Unambiguous, accepted places anchor the closeness score.
    anchors = [
        c.places[0] for c in cands
        if len(c.places) == 1 and not c.person and _accept(c, c.places[0], ctx)
        and c.places[0].feature != "country"
    ]
    for c in cands:
        ok = [p for p in c.places if _accept(c, p, ctx)]
        if c.person and not (c.strong and not c.common):
            # Part of a person's name: only a country or region reading stays.
            ok = [p for p in ok if p.feature != "city"]
        if not ok:
            continue
        biggest = max((p.population for p in ok if p.feature == "city"), default=0)
        core = core_countries()
        ok = [
            p for p in ok
            if p.feature != "city" or p.population * _DOMINANCE >= biggest
            or p.country in c.qualifier_countries
            or (p.country in core and ctx.get(p.country, 0) > 0)
        ]
        c.chosen = max(ok, key=lambda p: (_score(c, p, ctx, top, anchors), p.population))


def to_dict(doc: Document, c: Candidate) -> dict[str, Any]:
    p = c.chosen
    assert p is not None
    text = doc.text[c.start:c.end]
    precision = PRECISION[p.feature]
    if c.near and precision == 1:
        precision = 2
    return {
        "text": text,
        "name": p.name,
        "name_ar": text if p.feature == "city" else p.name_ar,
        "country": p.country,
        "admin1": p.admin1,
        "lat": p.lat,
        "lon": p.lon,
        "geonameid": p.geonameid,
        "feature": p.feature,
        "precision": precision,
        "start": c.start,
        "end": c.end,
    }


# Singular locative nouns after which even a common word is a name.
_NAME_CUES = frozenset({"مدينه", "بلده", "قريه", "حي", "مخيم", "ناحيه", "قضاء", "مديريه"})
_UNKNOWN_CUES = ("مدينه", "بلده", "قريه", "منطقه", "حي", "مخيم", "ناحيه", "في", "قرب")


def approximate(doc: Document, cands: list[Candidate]) -> list[tuple[int, dict[str, Any]]]:
    """Villages the gazetteer lacks, placed by a qualifier: "في عوكر شمال بيروت".

    The unknown name gets the coordinates of the town it is placed against,
    with precision 2 (ACLED: near a known place), and `approximate: true`.
    Only a word that is not ordinary news prose, after a locative noun or
    "في", followed by a direction word and a resolved town, qualifies.
    """
    tokens = doc.tokens
    by_start = {c.i: c for c in cands}
    covered = {k for c in cands for k in range(c.i, c.j)}
    frequent, stop, common, never = frequent_words(), stop_keys(), common_keys(), never_keys()
    out = []
    for c in cands:
        p = c.chosen
        if p is None or p.feature not in ("city", "district") or c.i < 3:
            continue
        k = c.i - 1
        while k > 0 and _is_cue(tokens[k], "direction") and tokens[k].prefix == "":
            k -= 1
        if k == c.i - 1 or k < 1:
            continue  # no direction word between
        x, cue = tokens[k], tokens[k - 1]
        if k in covered or k - 1 in by_start or not x.is_word or x.sentence != tokens[c.i].sentence:
            continue
        key = split_article(x.norm)[1]
        if (x.norm != x.base and not x.prefix.endswith("ال")) or x.norm[:1] in "وفبلك" and not x.prefix:
            continue  # a clitic on the word: too ambiguous
        if (len(key) < 3 or key in frequent or key in stop or key in common or key in never
                or country_for(x.norm) or x.norm in given_names()):
            continue
        if split_article(cue.norm)[1] not in _UNKNOWN_CUES or cue.prefix.endswith("ال"):
            continue
        text = doc.text[x.start:x.end]
        out.append((x.start, {
            "text": text, "name": text, "name_ar": text, "country": p.country,
            "admin1": p.admin1, "lat": p.lat, "lon": p.lon, "geonameid": None,
            "feature": "city", "precision": 2, "approximate": True, "near": p.name,
            "start": x.start, "end": x.end,
        }))
    return out


def _places(doc: Document, cands: list[Candidate]) -> list[dict[str, Any]]:
    found = [(c.start, to_dict(doc, c)) for c in cands if c.chosen is not None]
    found += approximate(doc, cands)
    return [d for _, d in sorted(found, key=lambda x: x[0])]


def annotate(doc: Document) -> Document:
    """Pipeline stage: fill `doc.places` (and re-resolve the title's)."""
    gaz = gazetteer()
    cands = find_candidates(doc, gaz)
    _gather_evidence(doc, cands)
    ctx = _context(doc, cands)
    title = doc.title_doc
    title_cands: list[Candidate] = []
    if title is not None and not doc.meta.get("is_title") and title.tokens:
        # The title is read with the body's context (and adds to it).
        title_cands = find_candidates(title, gaz)
        _gather_evidence(title, title_cands)
        ctx.update(_context(title, title_cands))
        resolve(title, title_cands, ctx)
        title.places = _places(title, title_cands)
    resolve(doc, cands, ctx)
    doc.places = _places(doc, cands)
    return doc
