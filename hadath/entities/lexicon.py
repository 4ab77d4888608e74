"""Word lists the tagger uses as features, loaded once on first use.

Every list is a data file under hadath/resources/ner/ (see ATTRIBUTION.md
there): person titles, organisation and place head words, speech verbs,
nisba adjectives (hand-written); given and family names (Wikidata, CC0, via
arabic-name-romanizer); place names (GeoNames, CC BY 4.0, and ISO 3166 Arabic
names from pycountry); word clusters (learned by `clusters.py`).  All keys
are normalised (`normalise_string`) and, for single words, stored without
the article so that any clitic reading of a token can be looked up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hadath.resources import path, read_lines
from hadath.text.matcher import PhraseMatcher
from hadath.text.normalise import normalise_string
from hadath.text.tokens import split_article

NER = "ner/"


def _single_words(name: str, normalised: bool = False) -> frozenset[str]:
    """Single words of a list (first column), with and without the article.

    Built lists (names) are written normalised, so `normalised=True` skips
    normalising their thousands of lines again at load time.
    """
    out = set()
    for line in read_lines(NER + name):
        w = line.split("\t")[0]
        if not normalised:
            w = normalise_string(w)
        if " " in w:
            continue
        out.add(w)
        out.add(split_article(w)[1])
    return frozenset(out)


def _nisba_forms() -> frozenset[str]:
    """Nisba stems with their feminine, dual-less plural forms (article-free)."""
    out = set()
    for line in read_lines(NER + "nisba.txt"):
        w = normalise_string(line)
        out.add(w)
        if w.endswith("ي"):
            out.update((w + "ه", w + "ون", w + "ين", w[:-1] + "يون", w[:-1] + "يين", w + "ات"))
    return frozenset(out)


@dataclass(slots=True)
class Lexicon:
    given: frozenset[str]
    family: frozenset[str]
    titles: frozenset[str]
    org_heads: frozenset[str]
    loc_heads: frozenset[str]
    speech: frozenset[str]
    nisba: frozenset[str]
    places: frozenset[str]
    place_phrases: PhraseMatcher
    title_phrases: PhraseMatcher
    org_phrases: PhraseMatcher
    clusters: dict[str, str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The tagger's word lists (read from the package on first call)."""
    places_one = set()
    place_multi = PhraseMatcher()
    for name in read_lines(NER + "places.txt"):  # written normalised by the build
        if " " in name:
            # Same keys as PhraseMatcher.add, without re-tokenising each name.
            place_multi.add_keys([split_article(w)[1] for w in name.split()], "PLC")
        else:
            places_one.add(split_article(name)[1])
    titles = PhraseMatcher(
        (normalise_string(x), "TTL") for x in read_lines(NER + "person_titles.txt") if " " in x
    )
    orgs = PhraseMatcher(
        (normalise_string(x), "ORGT") for x in read_lines(NER + "org_triggers.txt") if " " in x
    )
    clusters: dict[str, str] = {}
    cpath = path(NER + "clusters.tsv")
    if cpath.exists():
        with open(cpath, encoding="utf-8") as fh:
            # word -> "c64\tc256\tc1024", split only for words actually seen.
            clusters = dict(line.split("\t", 1) for line in fh.read().splitlines()
                            if line and not line.startswith("#"))
    return Lexicon(
        given=_single_words("given_names.txt", normalised=True),
        family=_single_words("family_names.txt", normalised=True),
        titles=_single_words("person_titles.txt"),
        org_heads=_single_words("org_triggers.txt"),
        loc_heads=_single_words("loc_triggers.txt"),
        speech=_single_words("speech_verbs.txt"),
        nisba=_nisba_forms(),
        places=frozenset(places_one),
        place_phrases=place_multi,
        title_phrases=titles,
        org_phrases=orgs,
        clusters=clusters,
    )
