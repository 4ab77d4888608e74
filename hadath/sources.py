"""Sources: the outlets an article cites and the one that publishes it.

Outlets come from a curated data file (resources/sources/outlets.tsv) and
are matched clitic-aware ("لوكالة رويترز").  Names that are also ordinary
words (العربية, البيان, الوطن) count only after an outlet head (صحيفة,
قناة …), a citing cue (نقلت, بحسب …), or in the publisher's positions: a
short signature line at the end ("روداو") or a dateline at the start
("بغداد (رويترز) -").  An unlisted outlet is still found when a cue and a
head introduce it ("بحسب صحيفة ذا ناشيونال").
"""

from __future__ import annotations

from functools import cache
from itertools import islice
from typing import Any

from hadath.document import Document, Token
from hadath.quotes import is_speech_verb
from hadath.resources import path
from hadath.text.matcher import PhraseMatcher, normalised_set
from hadath.text.normalise import normalise_string
from hadath.text.tokens import OPENING_QUOTES, variants

_SIGNATURE_MAX_TOKENS = 6
_DATELINE_WORDS = 4  # a dateline outlet comes within the article's first words
# Words that end an unlisted outlet's name ("بحسب صحيفة ذا ناشيونال فإن …").
_NAME_STOPS = normalised_set(
    "في من عن على إلى أن إن فإن وإن أنه إنه الذي التي قد لم لن ما أمس اليوم مع بعد قبل حيث".split()
)


@cache
def _lexicons() -> tuple[PhraseMatcher, PhraseMatcher, PhraseMatcher]:
    outlets = PhraseMatcher()
    cues = PhraseMatcher()
    heads = PhraseMatcher()
    with open(path("sources/outlets.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            canonical, country, kind, names = line.rstrip("\n").split("\t")
            for name in names.split("|"):
                ambiguous = name.startswith("~")
                outlets.add(name.lstrip("~"), {
                    "canonical": canonical, "country": None if country == "-" else country,
                    "kind": kind, "ambiguous": ambiguous,
                })
    with open(path("sources/cues.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            kind, phrase = line.rstrip("\n").split("\t")
            (cues if kind == "cue" else heads).add(phrase, kind)
    return outlets, cues, heads


@cache
def outlet_names() -> frozenset[str]:
    """Normalised names of the listed outlets that are never ordinary words."""
    names = set()
    with open(path("sources/outlets.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            for name in line.rstrip("\n").split("\t")[3].split("|"):
                if not name.startswith("~"):
                    names.add(" ".join(normalise_string(name).split()))
    return frozenset(names)


def _signature_start(doc: Document) -> int:
    """Start offset of a short last line that can be the publisher's signature."""
    text = doc.text.rstrip()
    nl = text.rfind("\n")
    if nl < 0:
        return len(text) + 1  # a one-line article has no signature line
    last = doc.tokens_in(nl + 1, len(text))
    words = [t for t in last if t.is_word]
    return nl + 1 if 0 < len(words) <= _SIGNATURE_MAX_TOKENS else len(text) + 1


def _in_dateline(doc: Document, tokens: list[Token], i: int, j: int) -> bool:
    """An outlet at the very start, in brackets or before a dash or colon."""
    if i >= _DATELINE_WORDS:
        words_before = (k for k in range(i) if tokens[k].is_word)
        if next(islice(words_before, _DATELINE_WORDS - 1, None), None) is not None:
            return False
    before = doc.text[max(0, tokens[i].start - 2):tokens[i].start]
    after = doc.text[tokens[j - 1].end:tokens[j - 1].end + 3]
    return "(" in before or ")" in after or "-" in after or ":" in after or "–" in after


def annotate(doc: Document) -> Document:
    """Pipeline stage: fill `doc.sources`."""
    outlets, cues, heads = _lexicons()
    tokens = doc.tokens
    cue_end = {j: i for i, j, _ in cues.find(tokens)}
    head_spans = {i: j for i, j, _ in heads.find(tokens)}
    head_end = {j: i for i, j in head_spans.items()}
    is_title = bool(doc.meta.get("is_title"))
    signature = len(doc.text) + 1 if is_title else _signature_start(doc)
    found: list[dict[str, Any]] = []
    covered: set[int] = set()
    for start, end, i, j, payloads in outlets.find_spans(doc.text, tokens):
        info = payloads[0]
        dateline = not is_title and _in_dateline(doc, tokens, i, j)
        if dateline and info["ambiguous"]:
            # "الرياض - واس:": the city opens the dateline, the agency follows a dash.
            before = doc.text[max(0, start - 3):start]
            dateline = "(" in before or "-" in before or "–" in before
        role = "publisher" if (start >= signature or dateline) else "cited"
        if i in head_end:
            start = _skip_clitic(doc, tokens[head_end[i]])  # keep "صحيفة" with "الوطن"
        elif info["ambiguous"] and role == "cited" and i not in cue_end \
                and not _cue_attached(tokens[i]) and not _told_in_quotes(tokens, i, cue_end):
            continue
        found.append({"name": doc.text[start:end], "role": role, "start": start, "end": end,
                      "canonical": info["canonical"], "country": info["country"],
                      "kind": info["kind"]})
        covered.update(range(i, j))
    # Unlisted outlets: a cue, then a head, then a short name.
    for i, j in head_spans.items():
        if i in covered or j in covered or (i not in cue_end and not _cue_attached(tokens[i])):
            continue
        k = j
        while k < len(tokens) and k - j < 3 and tokens[k].is_word and tokens[k].sentence == tokens[i].sentence \
                and not _NAME_STOPS.intersection(variants(tokens[k].norm)) and k not in covered:
            k += 1
        if k == j:
            continue
        start = _skip_clitic(doc, tokens[i])
        end = tokens[k - 1].end
        found.append({"name": doc.text[start:end], "role": "cited", "start": start, "end": end,
                      "canonical": None, "country": None, "kind": None})
    found.sort(key=lambda s: s["start"])
    doc.sources = found
    return doc


def _told_in_quotes(tokens: list[Token], i: int, cue_end: dict[int, int]) -> bool:
    """A quoted name after a cue, or after ل in a sentence that reports speech.

    Saudi papers cite themselves so: 'وقالت مصادر محلية لـ«الرياض»', 'علمت
    «الرياض»'.  ("المتاخمة لـ«عدن»" has ل but no speech verb: Aden, the city.)
    """
    if i < 1 or tokens[i - 1].is_word or tokens[i - 1].norm not in OPENING_QUOTES:
        return False
    if i - 1 in cue_end:
        return True
    if i < 2 or tokens[i - 2].norm != "ل":
        return False
    sentence = tokens[i].sentence
    k = i - 3
    while k >= 0 and tokens[k].sentence == sentence:
        if is_speech_verb(tokens[k]):
            return True
        k -= 1
    return False


def _cue_attached(tok: Token) -> bool:
    """A head word carrying the preposition ل ("لصحيفة", "لوكالة")."""
    return tok.norm.startswith("ل") and not tok.norm.startswith("ال")


def _skip_clitic(doc: Document, tok: Token) -> int:
    if _cue_attached(tok):
        return tok.start + 1
    return tok.start
