"""Find place names in a document and resolve each to one gazetteer place.

Three steps:

1. Candidates and their evidence (hadath.places.candidates): the longest
   gazetteer name starting at each token, clitics stripped, the span
   keeping the article ("بالعراق" -> "العراق").
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
   and closeness to the other places named.  The title is resolved with the
   body's context.
4. A village the gazetteer lacks but the text places ("في عوكر شمال بيروت")
   gets the coordinates of that town, precision 2, `approximate: true`.
5. A name the Arabic gazetteer lacks after a locative noun ("بمدينة مانيسا",
   "ولاية بالكسير") is looked up by its transliteration skeleton among the
   romanised GeoNames names of towns in the countries the article is about
   (hadath.places.translit), `match: "transliteration"`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from hadath.document import Document, Token
from hadath.places.candidates import (
    BIG_TOWN,
    CURATED,
    Candidate,
    find_candidates,
    gather_evidence,
    is_cue,
    prior,
)
from hadath.places.gazetteer import PRECISION, Place, gazetteer
from hadath.places.lexicon import (
    common_keys,
    context_names,
    core_countries,
    form_counts,
    frequent_words,
    given_names,
    never_keys,
    news_count,
    other_count,
    stop_keys,
)
from hadath.places.nisba import country_for
from hadath.places.translit import MIN_CONSONANTS, arabic_skeleton, cue_words, vowel_agreement
from hadath.text.normalise import normalise_string
from hadath.text.tokens import FORM_CACHE_SIZE, split_article, variants

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
# A common word is read as a town of the article's country only if the town
# is at least this size (حماة، صور), and only after a preposition.
_COMMON_TOWN = 50_000
# Tagged as something else this often in the NER corpora (تدمر the verb,
# دوما the Russian Duma): a town's name that needs some evidence.
_MIN_OTHER = 3
# A reading this close to an unambiguous place it is listed with ("X وY")
# gets this bonus.
_PARTNER_KM = 50.0
_PARTNER_WEIGHT = 3.0
# Airports, ports, crossings and bases are named after towns: a common word
# after one of these is that town wherever the article is.
_WORKS_CUES = frozenset({"مطار", "ميناء", "مرفا", "معبر", "منفذ", "قاعده"})


# Every inflected nisba ends so (عراقي، عراقيه، عراقيون، عراقيين، عراقيات،
# عراقيان، عراقيتان); other words need no look-up.
_NISBA_ENDS = ("ي", "يه", "ون", "ين", "ات", "ان", "تان", "تين")


def _context(doc: Document, cands: list[Candidate]) -> Counter:
    """How strongly the article is about each country."""
    ctx: Counter = Counter(
        code for code in [country_for(t.norm) for t in doc.tokens
                          if t.is_word and t.norm.endswith(_NISBA_ENDS)] if code)
    # Leaders, bodies and groups (context.tsv): "الملك عبد الله الثاني" -> JO.
    for _i, _j, codes in context_names().find(doc.tokens):
        for code in set(codes):
            ctx[code] += 1
    for c in cands:
        if not c.places or c.common:
            # A common word is a place only where the article already is
            # ("مدينة العين" in an article about Yemen is not Al Ain), so it
            # is no evidence for a country ("منطقتي سلمى" in Latakia is not Selma).
            continue
        if c.person and not all(p.feature in ("country", "admin1") for p in c.places):
            continue  # "أمير قطر" still tells Qatar; "باراك أوباما" tells nothing
        countries = {p.country for p in c.places}
        named = [p.country for p in c.places if p.feature == "country"]
        curated = {p.country for p in c.places if p.feature in CURATED}
        small_towns = all(p.population < BIG_TOWN for p in c.places if p.feature == "city")
        if named and small_towns:
            # "لبنان" names the country, whatever small towns abroad share
            # the name ("عمان" is also Amman: no evidence either way).
            countries = {named[0]}
        elif len(curated) == 1 and small_towns:
            countries = curated  # "كشمير": the curated region, not Cashmere, Washington
        if len(countries) != 1:
            continue
        # Only names that stand on their own count: a small town's name is
        # no evidence for its own country (أوباما is not a reason for Japan).
        code = next(iter(countries))
        if any(p.feature in CURATED for p in c.places):
            ctx[code] += 2
            c.own_context = code
        elif c.strong or max(p.population for p in c.places) >= BIG_TOWN:
            ctx[code] += 1
            c.own_context = code
    return ctx


def _ctx(c: Candidate, ctx: Counter, country: str) -> int:
    """Context for `country` from the rest of the article: a name is no
    evidence for its own reading (وهران alone does not make an article
    Algerian)."""
    n = ctx.get(country, 0)
    if c.own_context == country:
        n -= 2 if any(p.feature in CURATED for p in c.places) else 1
    return max(n, 0)


def _haversine(a: Place, b: Place) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


# A reading this close to the town it is placed against fits any direction.
_DIRECTION_SLACK_KM = 15.0
# News gives directions loosely ("البعاج جنوبي الموصل": Ba'aj lies west-south-
# west of Mosul).  A reading contradicts the stated direction when its
# bearing strays more than this many degrees (towards the opposite side) ...
_DIRECTION_OPPOSITE = 112.5
# ... or, this far away, more than a neighbouring compass point.
_DIRECTION_FAR_KM = 150.0
_DIRECTION_FAR = 67.5


def _bearing(a: Place, b: Place) -> float:
    """Initial bearing from a to b, degrees from north."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    y = math.sin(lo2 - lo1) * math.cos(la2)
    x = math.cos(la1) * math.sin(la2) - math.sin(la1) * math.cos(la2) * math.cos(lo2 - lo1)
    return math.degrees(math.atan2(y, x)) % 360


def _direction_fits(c: Candidate, p: Place) -> bool:
    """"منطقة عمران غرب عدن", "ناحية صوران شمالي حلب": a reading of a name that
    a locative noun introduces must lie in the stated direction from the town
    it is placed against ('Amran lies north of Aden: this is another place;
    "مدينة سبها جنوب طرابلس" is Sabha, however far)."""
    if (c.qualifier_bearing is None or not c.qualifier_points or not c.after_locative
            or p.feature not in ("city", "district")):
        return True
    for q in c.qualifier_points:
        km = _haversine(p, q)
        if km <= _DIRECTION_SLACK_KM:
            return True
        off = abs(_bearing(q, p) - c.qualifier_bearing) % 360
        off = min(off, 360 - off)
        if off <= _DIRECTION_FAR or (off <= _DIRECTION_OPPOSITE and km <= _DIRECTION_FAR_KM):
            return True
    return False


def _written_mostly(key: str, with_article: bool) -> bool:
    """Whether news writes the one-word name `key` with (or without) the
    article at least _FORM_SKEW times as often as the other way."""
    if " " in key:
        return False
    bare, art = form_counts(key)
    more, fewer = (art, bare) if with_article else (bare, art)
    return more >= _MIN_FORMS and more >= _FORM_SKEW * fewer


def _accept(c: Candidate, p: Place, ctx: Counter) -> bool:
    """Is reading `p` of candidate `c` well enough supported to report?"""
    in_context = ctx.get(p.country, 0) > 0
    if c.outlet and p.feature != "country":
        # 'لـ«الرياض»', "وكالة الأناضول": the outlet, not the town; a country
        # in the name ("تلفزيون الكويت") is still the outlet's country.
        return False
    if c.sea or c.junction or (c.accord and not c.partners and p.feature in ("city", "district")):
        return False
    if c.head and not c.strong and p.population < BIG_TOWN and p.feature in ("city", "district"):
        return False
    if c.person_like and not (c.strong or (c.weak and in_context)):
        return False
    if (p.feature == "country" and c.key in common_keys() and not (
            c.weak or c.strong or c.partners or c.qualifier_countries or c.person
            or _ctx(c, ctx, p.country))):
        # "دعم مالي", "عجز مالي" (financial): a country name that the NER
        # corpora mostly tag as no place needs a cue, a partner or its
        # country's context ("في مالي", "شمال مالي"), or a title ("رئيس مالي").
        return False
    if c.adjectival and not (c.weak or c.directed or c.qualifier_countries or c.i == 0):
        return False
    if not c.article and not p.bare_name:
        # "منصورة" (victorious) is not "المنصورة", "سعودية" not "السعودية".
        return False
    if c.article and not p.article_name and p.feature == "country":
        # A country named without the article is not named with it: "الدعم
        # المالي" is financial support, not Mali.
        return False
    if c.article and not p.article_name and _written_mostly(c.key, with_article=False):
        # "الحمص" (chickpeas) is not "حمص" (Homs), when news writes the name
        # without the article far more often than with it.
        return False
    if c.conjunction and _written_mostly(c.key, with_article=True):
        # "فرقة" (a division) is no ف + "رقة" when news writes Raqqa with the
        # article far more often than without it ("ورقة" is a sheet of paper).
        # (Not after a preposition: "لجبيل" is Byblos, whatever الجبيل is.)
        return False
    if (c.clitic and not c.coordinated and " " not in c.key
            and (news_count(c.key) or 0) < _MIN_STANDALONE
            and p.population < _CLITIC_CITY and p.feature not in CURATED):
        return c.strong
    # "ووهران" among Yemeni villages: a conjunction on the word, and only the
    # name itself speaks for its country.  (A preposition on it, "بغزة", is
    # evidence of its own.)
    if (c.clitic and p.feature == "city" and not c.strong
            and not (ctx.get(p.country, 0) if c.weak else _ctx(c, ctx, p.country))
            and not c.coordinated and p.population < _CLITIC_CITY):
        return False
    if (p.feature == "city" and p.country not in core_countries()
            and p.population < _FOREIGN_TOWN and not c.strong
            and not (c.weak and in_context and p.population >= _FOREIGN_VILLAGE)):
        return False
    if c.common:
        if c.strong:
            # "مديرية الأمن": after a locative noun a common word is a name,
            # but of a place in a country the article could be about.
            # ("مدينة العين" in an article about Yemen is not Al Ain.)
            if c.cue in _WORKS_CUES:
                return True  # "مطار العريش": airports and ports take town names
            others = any(n > 0 for code, n in ctx.items() if code != p.country)
            return (p.feature in CURATED or _ctx(c, ctx, p.country) > 0
                    or p.country in c.qualifier_countries) or (
                not others and (p.country in core_countries() or p.population >= BIG_TOWN))
        big = p.feature in CURATED or p.population >= _COMMON_TOWN
        if (p.country in c.qualifier_countries and not c.nisba_qualifier
                and p.population >= BIG_TOWN):
            return True  # "العين في الإمارات": a big town placed in its country
        if (c.coordinated and in_context and p.feature != "country"
                and (big or (p.country in core_countries() and p.population >= _FOREIGN_VILLAGE))
                and any(q.country == p.country for o in c.partners if not o.common
                        for q in o.places)):
            return True  # "وهما الرمادي والفلوجة": listed with a town of its country
        # A core country's capital after a preposition ("في الرباط"); not
        # "من سيول" (floods), however big Seoul is.
        capital = p.capital and c.key not in stop_keys() and p.country in core_countries()
        return c.weak and (in_context or capital) and big and p.feature != "country"
    if p.feature in CURATED or p.population >= BIG_TOWN:
        return True
    if not (c.strong or c.weak or in_context) and other_count(c.key) >= _MIN_OTHER:
        # "إذ تدمر هذه الحيوانات", "مجلس الدوما": a town's name the corpora
        # also tag as something else needs some evidence; bare, it is not
        # the town.
        return False
    # A small town: named as a place ("بلدة X", "X شمال سوريا"), or after a
    # preposition in an article about its country; a town of the countries
    # Arabic news covers closely also when it is not tiny.
    if c.strong or (c.weak and in_context):
        return True
    return p.country in core_countries() and (
        in_context or c.weak or p.population >= _CORE_TOWN
    )


def _score(c: Candidate, p: Place, ctx: Counter, top: int, anchors: list[Place]) -> float:
    s = prior(p)
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
    if p.feature not in ("country",) and any(
        _haversine(p, q) <= _PARTNER_KM for o in c.partners
        if len({q.country for q in o.places}) == 1 for q in o.places if q.id != p.id
    ):
        # "نواحي الزاب والرياض والعباسي": places listed together lie together.
        s += _PARTNER_WEIGHT
    return s


def _unknown_homonym(c: Candidate) -> Place | None:
    """"قرية النصر غربي قضاء مخمور", "بلدة الكرك في البقاع": a settlement the
    text places against a town (or in a region) of a country where no reading
    of its name lies ("مدينة سبها جنوب طرابلس" is Sabha, however far).  It is
    a village the gazetteer lacks, placed at that town or region."""
    if not c.after_locative or c.person or c.sea or c.outlet or any(
            p.feature in ("country", "admin1", "region") for p in c.places):
        return None
    if c.qualifier_points:
        near = [q for q in c.qualifier_points if q.feature in ("city", "district")]
        if near and not any(p.country == q.country and _direction_fits(c, p)
                            for p in c.places for q in near):
            return max(near, key=lambda q: q.population)
    elif c.qualifier_places:
        if not any(p.country == q.country and (q.admin1 is None or p.admin1 == q.admin1
                                               or _haversine(p, q) <= _NEAR_KM)
                   for p in c.places for q in c.qualifier_places):
            return c.qualifier_places[0]
    return None


def resolve(doc: Document, cands: list[Candidate], ctx: Counter) -> None:
    top = max(ctx.values()) if ctx else 0
    # Unambiguous, accepted places anchor the closeness score.
    anchors = [
        c.places[0] for c in cands
        if len(c.places) == 1 and not c.person and _accept(c, c.places[0], ctx)
        and c.places[0].feature != "country"
    ]
    for c in cands:
        c.approx = _unknown_homonym(c)
        if c.approx is not None:
            continue
        ok = [p for p in c.places if _accept(c, p, ctx)]
        if c.person and not (c.strong and not c.common):
            # Part of a person's name: only a country or region reading stays.
            ok = [p for p in ok if p.feature != "city"]
        if c.qualifier_countries:
            # "جزيرة كريت اليونانية": a reading outside the country the text
            # names (Crete, Illinois) is not meant.
            # (A capital stays: "حلفاء واشنطن في شمال سوريا" is Washington.)
            ok = [p for p in ok if p.country in c.qualifier_countries
                  or p.feature not in ("city", "district") or p.capital]
        ok = [p for p in ok if _direction_fits(c, p)]
        if not ok:
            continue
        if c.partners and any(p.feature == "country" for p in ok) and all(
                any(q.feature == "country" for q in o.places) for o in c.partners) and any(
                all(q.feature == "country" for q in o.places) for o in c.partners):
            # "والأردن والإمارات ... وعمان واليمن": listed with countries, a
            # country's name is the country (Oman, not Amman).
            ok = [p for p in ok if p.feature == "country"]
        biggest = max((p.population for p in ok if p.feature == "city"), default=0)
        core = core_countries()
        ok = [
            p for p in ok
            if p.feature != "city" or p.population * _DOMINANCE >= biggest
            or p.country in c.qualifier_countries
            or (p.country in core and ctx.get(p.country, 0) > 0)
        ]
        c.chosen = max(ok, key=lambda p: (_score(c, p, ctx, top, anchors), p.population))
    _same_name_again(doc, cands)


# Gazetteer keys of first-level regions begin with these ("محافظه حمص").
_REGION_KEY_HEADS = frozenset({"محافظه", "ولايه", "اقليم"})


def _same_name_again(doc: Document, cands: list[Candidate]) -> None:
    """"مدينة الرمادي ... معركة استعادة الرمادي": a common word (الرمادي is
    also "grey") that the article has named after a locative noun names that
    place again where it is written the same way, with the article: one
    sense per article.  (Not from the tagger's or a qualifier's evidence
    alone: "العربي" tagged once as a place is still "Arab" elsewhere.)"""
    placed: dict[str, Place] = {}
    for c in cands:
        if c.chosen is None or c.chosen.feature not in ("city", "district", "admin1"):
            continue
        if c.common and c.after_locative and c.article:
            placed.setdefault(c.key, c.chosen)
        head, _, rest = c.key.partition(" ")
        if rest and head in _REGION_KEY_HEADS and c.chosen.feature == "admin1":
            placed.setdefault(rest, c.chosen)  # "محافظة البيضاء ... في البيضاء"
    if not placed:
        return
    tokens = doc.tokens
    for c in cands:
        p = placed.get(c.key)
        if (p is None or c.chosen is not None or c.approx is not None or not c.article
                or c.person or c.person_like or c.sea or c.outlet
                or c.head or c.accord or c.adjectival):
            continue
        if p not in c.places:
            # The region named again by its bare name: its town of that name.
            p = next((q for q in c.places if q.country == p.country and q.admin1
                      and q.admin1 == p.admin1 and q.feature in ("city", "district")), None)
            if p is None:
                continue
        prev = tokens[c.i - 1] if c.i else None
        if prev is not None and prev.is_word and prev.prefix.endswith("ال"):
            continue  # "الثوب الرمادي": an adjective after a definite noun
        c.chosen = p


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


_UNKNOWN_CUES = ("مدينه", "بلده", "قريه", "منطقه", "حي", "مخيم", "ناحيه", "قضاء", "مديريه",
                 "ضاحيه", "بلديه", "في", "قرب", "معسكر", "تبه", "تله", "وادي", "جبل")
# Heads that are part of a natural feature's name ("تبة مسعود", "وادي عقان"):
# the reported span starts at them.
_FEATURE_HEADS = ("تبه", "تله", "وادي", "جبل")


_LIST_CUES = ("قريتي", "بلدتي", "مدينتي", "منطقتي", "حيي", "قري", "بلدات", "مناطق", "احياء", "مخيمات")
# At most this many words between the cue and the direction word
# ("قريتي تل أعور والفريكة جنوب ..."), and this many words a name.
_MAX_LIST_WORDS = 6
_MAX_NAME_WORDS = 3


def _is_conjoined(tok: Token, frequent: frozenset[str]) -> bool:
    """Does the word start with the conjunction و ("والفريكة", "ووهران")?"""
    if tok.prefix.startswith("و") or tok.norm.startswith("وو"):
        return True
    return tok.norm[:1] == "و" and len(tok.norm) >= 5 and tok.norm not in frequent


def approximate(doc: Document, cands: list[Candidate]) -> list[tuple[int, dict[str, Any]]]:
    """Villages the gazetteer lacks, placed by a qualifier: "في عوكر شمال بيروت",
    "منطقة مكيشيفة شمال مدينة سامراء", "قريتي تل أعور والفريكة جنوب مدينة جسر
    الشغور".

    Each unknown name gets the coordinates of the town it is placed against,
    with precision 2 (ACLED: near a known place), and `approximate: true`.
    Only names that are not ordinary news prose, between a locative noun or
    "في" and a direction word followed by a resolved town, qualify.
    """
    tokens = doc.tokens
    by_start = {c.i: c for c in cands}
    covered = {k for c in cands for k in range(c.i, c.j)}
    frequent, stop, common, never = frequent_words(), stop_keys(), common_keys(), never_keys()
    given = given_names()

    def plausible(x: Token, feature_name: bool = False) -> bool:
        # ("تبة مسعود", "جبل صبر": after a hill's or a valley's head noun a
        # person's name or a common word names the feature.)
        key = split_article(x.norm)[1]
        if feature_name:
            return not (len(key) < 3 or key in stop or key in never or country_for(x.norm))
        return not (len(key) < 3 or key in frequent or key in stop or key in common
                    or key in never or country_for(x.norm) or x.norm in given)

    out = []
    for c in cands:
        p = c.chosen
        if p is None or p.feature not in ("city", "district", "admin1") or c.i < 3:
            continue
        k = c.i - 1
        # "شمال مدينة سامراء": a locative noun between the direction and the town.
        while k > 0 and tokens[k].prefix == "" and is_cue(tokens[k], "locative") \
                and not is_cue(tokens[k], "direction"):
            k -= 1
        d = k
        while k > 0 and is_cue(tokens[k], "direction") and tokens[k].prefix == "":
            k -= 1
        if k == d or k < 1:
            continue  # no direction word between
        sentence = tokens[c.i].sentence
        # Back from k to the cue, the names in between.
        m = k
        while m > 0 and k - m < _MAX_LIST_WORDS and tokens[m].is_word \
                and tokens[m].sentence == sentence and m not in covered:
            cue = tokens[m - 1]
            base = split_article(cue.norm)[1]
            if not cue.prefix.endswith("ال") and (base in _UNKNOWN_CUES or base in _LIST_CUES or (
                    tokens[m - 1].is_word and any(v in _FEATURE_HEADS or v == "معسكر"
                                                  for v in variants(cue.norm)))):
                break
            m -= 1
        else:
            continue
        if m < 1 or not tokens[m].is_word or m in covered or m - 1 in by_start:
            continue
        # Split "تل أعور والفريكة" into names at a conjunction.
        names: list[list[int]] = [[m]]
        for t in range(m + 1, k + 1):
            if _is_conjoined(tokens[t], frequent):
                names.append([t])
            else:
                names[-1].append(t)
        if len(names) > 1 and not (split_article(tokens[m - 1].norm)[1] in _LIST_CUES
                                   or tokens[m - 1].norm == "في"):
            continue
        for name in names:
            while len(name) > 1 and is_cue(tokens[name[-1]], "epithet"):
                name = name[:-1]  # "جبل يسوف الاستراتيجي"
            if len(name) > _MAX_NAME_WORDS or any(
                    any(ch.isdigit() for ch in tokens[t].norm) for t in name) or any(
                    is_cue(tokens[t], "locative") for t in name[1:]):
                continue  # "معسكر الصدرين بمنطقة مريس": two places, not one name
            first, last = tokens[name[0]], tokens[name[-1]]
            if any(t in covered for t in name):
                continue
            if name[0] == m:
                if (first.norm != first.base and not first.prefix.endswith("ال")) or (
                        first.norm[:1] in "وفبلك" and not first.prefix):
                    continue  # a clitic on the word: too ambiguous
                start = first.start
            else:
                start = first.start + 1 if doc.text[first.start] == "و" else first.start
            if not plausible(last) or any(
                    tokens[t].norm != tokens[t].base and not tokens[t].prefix.endswith("ال")
                    for t in name[1:]):
                continue
            if name[0] == m and split_article(tokens[m - 1].norm)[1] in _FEATURE_HEADS \
                    and not tokens[m - 1].prefix:
                start = tokens[m - 1].start  # "تبة مسعود": the hill's name
            out.append((start, _near_dict(doc, start, last.end, p)))
    out += _contained(doc, cands, covered, plausible)
    return out


def _near_dict(doc: Document, start: int, end: int, p: Place) -> dict[str, Any]:
    text = doc.text[start:end]
    return {
        "text": text, "name": text, "name_ar": text, "country": p.country,
        "admin1": p.admin1, "lat": p.lat, "lon": p.lon, "geonameid": None,
        # Near a town: precision 2; somewhere in a province: 3 (ACLED).
        "feature": "city", "precision": 2 if p.feature in ("city", "district") else 3,
        "approximate": True, "near": p.name, "start": start, "end": end,
    }


# Nouns that introduce a named part of a town: "حي الشراونة في بعلبك".
_PART_CUES = frozenset({"حي", "منطقه", "قريه", "بلده", "مخيم", "ناحيه", "قضاء", "مديريه",
                        "ضاحيه", "سجن", "حاجز", "معبر", "شارع", "ساحه", "ميدان",
                        "معسكر", "تبه", "تله", "وادي", "جبل", "قري", "بلدات", "احياء"})


# "X التابعة لـ Y": X belongs to (lies in) Y.
# ("قرى الحميرة المحاذية لكركوك": beside it, placed at it like a village near a town.)
_BELONGING = frozenset({"التابعه", "التابع", "المحاذيه", "المحاذي", "المجاوره", "المجاور"})


def _contained(doc: Document, cands: list[Candidate], covered: set[int],
               plausible: Callable[..., bool]) -> list[tuple[int, dict[str, Any]]]:
    """Unknown quarters, camps and prisons inside a known town: "حي الشراونة
    في بعلبك", "سجن غويران بالحسكة", "قرية شنف التابعة لناحية نمرود", placed
    at that town (precision 2, approximate); in a province or region
    ("بلدة فتقا في منطقة كسروان"), at its point (precision 3)."""
    tokens = doc.tokens
    out = []
    for c in cands:
        p = c.chosen
        if p is None or p.feature not in ("city", "district", "admin1", "region") or c.i < 2:
            continue
        sentence = tokens[c.i].sentence
        k = c.i
        if c.i > 2 and not c.clitic and tokens[c.i - 1].prefix == "" and is_cue(tokens[c.i - 1], "locative"):
            k = c.i - 1  # "بمدينة تعز", "في مدينة حلب"
        if tokens[k - 1].norm == "في" and tokens[k - 1].sentence == sentence:
            end = k - 2
        elif k < c.i and tokens[k].norm[:1] == "ب":
            end = k - 1
        elif k == c.i and c.clitic and tokens[c.i].norm[:1] == "ب":
            end = c.i - 1
        elif (tokens[k - 1].norm in _BELONGING and tokens[k - 1].sentence == sentence
              and tokens[k].norm[:1] == "ل" and (k < c.i or c.clitic)):
            end = k - 2  # "منطقة الحراريات التابعة لقضاء الكرمة"
        else:
            continue
        while end > 1 and is_cue(tokens[end], "epithet"):
            end -= 1  # "جبل يسوف الاستراتيجي في مديرية لودر"
        for size in range(1, _MAX_NAME_WORDS + 1):
            m = end - size + 1
            if m < 1:
                break
            name = range(m, end + 1)
            if any(t in covered or not tokens[t].is_word or tokens[t].sentence != sentence
                   or (tokens[t].norm != tokens[t].base and not tokens[t].prefix.endswith("ال"))
                   for t in name):
                break
            cue = tokens[m - 1]
            if cue.sentence == sentence and not cue.prefix.endswith("ال") and any(
                    v in _PART_CUES for v in variants(cue.norm)):
                head = split_article(cue.norm)[1]
                if plausible(tokens[end], head in _FEATURE_HEADS):
                    start = tokens[m].start
                    if not cue.prefix and head in _FEATURE_HEADS:
                        start = cue.start  # "تبة مسعود بمديرية مشرعة"
                    out.append((start, _near_dict(doc, start, tokens[end].end, p)))
                break
    return out


def _approx_dict(doc: Document, c: Candidate) -> dict[str, Any]:
    p = c.approx
    assert p is not None
    text = doc.text[c.start:c.end]
    return {
        "text": text, "name": text, "name_ar": text, "country": p.country,
        "admin1": p.admin1, "lat": p.lat, "lon": p.lon, "geonameid": None,
        "feature": "city", "precision": 2 if p.feature in ("city", "district") else 3,
        "approximate": True, "near": p.name, "start": c.start, "end": c.end,
    }


# A skeleton shorter than this (three consonants, an Arabic root's length)
# must name one big town; this long, it gives precision 1 when it names one.
_TRANSLIT_SURE = 4
# An article naming no country: a name found by sound must be this long,
# name one town only, and that town be this big.
_TRANSLIT_ALONE = 5
_TRANSLIT_ALONE_TOWN = 20_000
# A town this many times bigger than every namesake in the article's
# countries is the one meant ("مانيسا": Manisa, not Manyas).
_TRANSLIT_DOMINANCE = 10
# A three-consonant skeleton must name a town this big ("مانيسا", "كيلس").
_TRANSLIT_SHORT_TOWN = 50_000
# A town found by sound must lie in a country named at least a third as
# often as the article's main country (Iran is named in most articles about
# Yemen; its towns are not read into Yemeni village names).
_TRANSLIT_CTX_SHARE = 3
# A transliterated town this far from the town an unknown village is placed
# against ("منطقة X شمال مدينة Y") is a namesake, not the village.
_TRANSLIT_NEAR_KM = 100.0


@lru_cache(maxsize=1)
def _translit_cues() -> frozenset[str]:
    return frozenset(split_article(normalise_string(w))[1] for w in cue_words())


def _is_translit_cue(tok: Token) -> bool:
    if not tok.is_word or tok.prefix.endswith("ال"):
        return False  # "المنطقة X": the definite noun does not introduce a name
    return _is_translit_cue_form(tok.norm)


@lru_cache(maxsize=FORM_CACHE_SIZE)
def _is_translit_cue_form(norm: str) -> bool:
    cues_ = _translit_cues()
    return any(v in cues_ for v in variants(norm))


# Proclitics a locative noun may carry ("بمدينة", "وولاية", "فبلدة").
_CUE_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "فب", "ول", "فل")


@lru_cache(maxsize=1)
def _trigger_forms() -> frozenset[str]:
    """Every written form of a cue word and of a marking preposition, so
    that finding them is one set look-up a word (no variants() call)."""
    forms = {c + w for w in _translit_cues() for c in _CUE_CLITICS}
    return frozenset(f for f in forms if _is_translit_cue_form(f)) | _MARKING_PREPOSITIONS


def _translit_triggers(tokens: list[Token]) -> list[int]:
    """Tokens after a locative noun or a marking preposition: the only
    places a name is looked up by sound."""
    forms = _trigger_forms()
    return [k + 1 for k, t in enumerate(tokens[:-1]) if t.norm in forms]


# Prepositions after which a name the NER tagger calls a place, or one
# followed by a direction word ("في سوروتش جنوب البلاد"), is looked up by sound.
_MARKING_PREPOSITIONS = frozenset({"في", "قرب"})


def _direction_follows(tokens: list[Token], k: int) -> bool:
    """Is token k followed, in its sentence, by a direction word ("جنوب")?"""
    return (k + 1 < len(tokens) and tokens[k + 1].sentence == tokens[k].sentence
            and is_cue(tokens[k + 1], "direction") and not tokens[k + 1].prefix)


def _ner_place_end(doc: Document, spans: dict[int, int], i: int) -> int | None:
    """One past the last token of the NER place span starting at token i."""
    end = spans.get(doc.tokens[i].start)
    if end is None:
        return None
    for k in range(i, min(len(doc.tokens), i + _MAX_NAME_WORDS)):
        if doc.tokens[k].end == end:
            return k + 1
    return None


def transliterated(doc: Document, cands: list[Candidate], ctx: Counter) -> list[tuple[int, dict[str, Any]]]:
    """Towns the Arabic gazetteer lacks, found by sound: "بمدينة مانيسا",
    "ولاية بالكسير", "حي سلطان غازي".

    Only the one to three words right after a locative noun qualify, or,
    after "في"/"قرب", a name the NER tagger calls a place or one followed by
    a direction word ("في سوروتش جنوب البلاد"; a rare name of four
    consonants or more, one town only); only words that are not ordinary
    news prose, and only towns of the countries the article is about; the
    longest name that matches wins.
    """
    tokens = doc.tokens
    covered = {k for c in cands if c.chosen is not None or c.approx is not None
               for k in range(c.i, c.j)}
    # Known names with a preposition or conjunction on them ("بإسطنبول")
    # start a phrase of their own.
    apart = {c.i for c in cands if c.clitic}
    frequent, stop, common, never = frequent_words(), stop_keys(), common_keys(), never_keys()
    given = given_names()
    gaz = gazetteer()
    ner_spans: dict[int, int] | None = None
    out = []
    n = len(tokens)
    done = 0  # tokens before this one are part of a name already found
    for i in _translit_triggers(tokens):
        tok = tokens[i]
        # (The first word is read whole: "بالكسير" is Balikesir, not ب + الكسير.)
        if (i < done or i in covered or not tok.is_word or tok.norm[:1] == "و"
                or tokens[i - 1].sentence != tok.sentence):
            continue
        prev = tokens[i - 1]
        cued = _is_translit_cue(prev)
        ner_end = None
        if not cued:
            if prev.norm not in _MARKING_PREPOSITIONS:
                continue
            if ner_spans is None:
                ner_spans = {e["start"]: e["end"] for e in doc.entities
                             if e.get("type") in ("LOC", "GPE", "FAC")}
            ner_end = _ner_place_end(doc, ner_spans, i)
            if ner_end is None and not any(_direction_follows(tokens, k) for k in range(i, i + 2)):
                continue
        words: list[Token] = []
        for k in range(i, min(n, i + _MAX_NAME_WORDS)):
            t = tokens[k]
            if (not t.is_word or t.sentence != tok.sentence or (words and k in apart)
                    or (words and t.norm != t.base and not t.prefix.endswith("ال"))
                    or country_for(t.norm) or any(is_cue(t, kind) for kind in (
                        "locative", "direction", "preposition", "capital", "near"))):
                break
            words.append(t)
        found = None
        for size in range(len(words), 0, -1):
            name = words[:size]
            if not cued and not (ner_end == i + size or _direction_follows(tokens, i + size - 1)):
                continue  # "في X": only the NER span or the words before "جنوب"
            if size < len(words) and i + size in covered:
                # "ولاية كهرمان مرعش": a word before a known place's name may
                # be the first half of a longer one; only the whole is read.
                continue
            keys = [split_article(t.norm)[1] for t in name]
            if any(k in never or len(k) < 2 for k in keys) or (
                    size == 1 and (keys[0] in stop or keys[0] in common or name[0].norm in given)):
                continue
            if not cued and any(k in frequent and t.prefix for k, t in zip(keys, name, strict=True)):
                continue  # "في الطريق شمال ...": prose after a preposition
            spelling = [t.norm for t in name]
            skeleton = arabic_skeleton(spelling)
            if len(skeleton) < MIN_CONSONANTS or (
                    size > 1 and len(skeleton) < _TRANSLIT_ALONE
                    and any(k in frequent for k in keys[1:])):
                continue  # "ولاية يوبي الذين": a short name runs into prose
            # A name ending in a word of ordinary news prose ("المريسة وهو",
            # "منطقة حظر", "مدينة ساحلية") must fit its town's vowels exactly.
            prose = keys[-1] in frequent
            after = tokens[i + size] if i + size < n else None
            # "مدينة سوروتش التركية": a nisba adjective after the name says
            # which country, however little the article is about it.
            named = (country_for(after.norm) if after is not None and after.is_word
                     and after.sentence == tok.sentence else None)
            towns = _heard_towns(tuple(
                p for p in gaz.by_skeleton(skeleton)
                if vowel_agreement(spelling, p.name) >= _needed_agreement(p, skeleton, prose)),
                skeleton, Counter({named: 1}) if named else ctx)
            if not cued:
                towns = _dominant(towns)
            if not towns:
                continue
            found = (size, skeleton, towns)
            break
        if found is None:
            continue
        size, skeleton, towns = found
        p = max(towns, key=lambda q: (ctx.get(q.country, 0), q.population))
        start, end = tokens[i].start, tokens[i + size - 1].end
        precision = 1 if len(towns) == 1 and len(skeleton) >= _TRANSLIT_SURE else 2
        out.append((start, {
            "text": doc.text[start:end], "name": p.name, "name_ar": doc.text[start:end],
            "country": p.country, "admin1": p.admin1, "lat": p.lat, "lon": p.lon,
            "geonameid": p.geonameid, "feature": "city", "precision": precision,
            "match": "transliteration", "start": start, "end": end,
        }))
        done = i + size
    return out


def _heard_towns(towns: tuple[Place, ...], skeleton: str, ctx: Counter) -> list[Place]:
    """The towns a skeleton may name here.

    The town must lie in a country the article is much about; a three-consonant
    skeleton (an Arabic root has three) must name one big town, far bigger
    than its namesakes ("مانيسا": Manisa, not Manyas).  With no country named,
    one big town of a long skeleton.
    """
    if not ctx:
        if (len(towns) == 1 and len(skeleton) >= _TRANSLIT_ALONE
                and towns[0].population >= _TRANSLIT_ALONE_TOWN):
            return list(towns)
        return []
    top = max(ctx.values())
    here = [p for p in towns if ctx.get(p.country, 0) * _TRANSLIT_CTX_SHARE >= top]
    if len(skeleton) < _TRANSLIT_SURE:
        here = _dominant(here)
        if here and here[0].population < _TRANSLIT_SHORT_TOWN:
            return []
    return here


def _needed_agreement(p: Place, skeleton: str, prose: bool) -> int:
    """Vowel agreement (translit.vowel_agreement) a town needs: exact for a
    three-consonant skeleton, for a town that has an Arabic name (a short
    skeleton would read Arabic words as it: "رمادة" as Ramadi; "سوروتش" is
    Suruç, whose Arabic name is سروج), and for a frequent word."""
    if prose or len(skeleton) < _TRANSLIT_SURE or (p.name_ar and len(skeleton) < _TRANSLIT_ALONE):
        return 2
    return 1


def _dominant(towns: list[Place]) -> list[Place]:
    """The one town far bigger than its namesakes, if there is one."""
    if len(towns) < 2:
        return towns
    ranked = sorted(towns, key=lambda p: -p.population)
    if ranked[0].population < _TRANSLIT_DOMINANCE * ranked[1].population:
        return []
    return ranked[:1]


def _km(a: dict[str, Any], b: dict[str, Any]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _places(doc: Document, cands: list[Candidate], ctx: Counter) -> list[dict[str, Any]]:
    found = [(c.start, to_dict(doc, c)) for c in cands if c.chosen is not None]
    found += [(c.start, _approx_dict(doc, c)) for c in cands if c.approx is not None]
    near = approximate(doc, cands)
    heard = transliterated(doc, cands, ctx)
    if heard and near:
        # "منطقة X شمال مدينة Y": the town found by sound must lie near Y;
        # else it is a namesake and the village stays placed at Y.
        kept = []
        for start, d in heard:
            clash = [a for _, a in near if a["start"] < d["end"] and d["start"] < a["end"]]
            if clash and _km(d, clash[0]) > _TRANSLIT_NEAR_KM:
                continue
            near = [(s, a) for s, a in near if a not in clash]
            kept.append((start, d))
        heard = kept
    if heard:
        # A name read by sound may take in a known place's name ("كهرمان
        # مرعش" holds مرعش): the longer name stands for it.
        found = [(st, d) for st, d in found if not any(
            h["start"] <= d["start"] and d["end"] <= h["end"] for _, h in heard)]
    found += near + heard
    return [d for _, d in sorted(found, key=lambda x: x[0])]


def annotate(doc: Document) -> Document:
    """Pipeline stage: fill `doc.places` (and re-resolve the title's)."""
    gaz = gazetteer()
    cands = find_candidates(doc, gaz)
    gather_evidence(doc, cands)
    ctx = _context(doc, cands)
    title = doc.title_doc
    title_cands: list[Candidate] = []
    if title is not None and not doc.meta.get("is_title") and title.tokens:
        # The title is read with the body's context (and adds to it).
        title_cands = find_candidates(title, gaz)
        gather_evidence(title, title_cands)
        ctx.update(_context(title, title_cands))
        resolve(title, title_cands, ctx)
        title.places = _places(title, title_cands, ctx)
    resolve(doc, cands, ctx)
    doc.places = _places(doc, cands, ctx)
    return doc
