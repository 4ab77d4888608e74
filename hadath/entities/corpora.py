"""Readers for the annotated NER corpora, mapped to one tag set.

The tagger's own tag set is PER, ORG, LOC, MISC: ANERcorp (the main
training corpus) does not tell GPE, LOC and FAC apart, so the model does
not either; `annotate` refines LOC into GPE/LOC/FAC with the gazetteer.

WikiFANE is clitic-segmented ("و تعتبر", "عاصمة ها") and ANERcorp is not;
news text as hadath sees it is not either, so WikiFANE is *desegmented*:
proclitic tokens are glued to the next word and pronoun suffixes to the
previous one, and the whole word takes the label of its content part.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

Sentence = list[tuple[str, str]]  # (token, BIO tag)

ANERCORP_MAP = {"PERS": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
WIKIFANE_MAP = {
    "PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "VEH": "MISC", "WEA": "MISC", "PRO": "MISC",
}
_PROCLITICS = frozenset("وفبلكس")
_SUFFIXES = frozenset({"ه", "ها", "هم", "هما", "هن", "كم", "كما", "كن", "نا", "ي"})


def _map_tag(tag: str, mapping: dict[str, str]) -> str:
    if tag == "O" or "-" not in tag:
        return "O"
    bio, _, label = tag.partition("-")
    mapped = mapping.get(label)
    return f"{bio}-{mapped}" if mapped else "O"


def _blocks(path: Path) -> Iterator[list[list[str]]]:
    block: list[list[str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if block:
                    yield block
                block = []
                continue
            block.append(line.split("\t") if "\t" in line else line.split(" "))
    if block:
        yield block


def read_anercorp(path: Path) -> list[Sentence]:
    """ANERcorp in `token tag` lines (CAMeL Lab split), tags mapped."""
    out = []
    for block in _blocks(path):
        out.append([(cols[0], _map_tag(cols[-1], ANERCORP_MAP)) for cols in block if cols[0]])
    return out


def read_wikifane(path: Path, desegment: bool = True) -> list[Sentence]:
    """WikiFANE Gold (token, fine tag, coarse tag), coarse tags mapped."""
    out = []
    for block in _blocks(path):
        sent = [(cols[0], _map_tag(cols[2] if len(cols) > 2 else cols[-1], WIKIFANE_MAP))
                for cols in block if cols[0]]
        out.append(desegment_sentence(sent) if desegment else sent)
    return out


def _is_arabic(word: str) -> bool:
    return bool(word) and all("\u0621" <= c <= "\u064a" for c in word)


def desegment_sentence(sent: Sentence) -> Sentence:
    """Glue segmented clitics back onto their words (see module docstring)."""
    out: Sentence = []
    pending = ""  # proclitics waiting for their word
    for tok, tag in sent:
        if len(tok) == 1 and tok in _PROCLITICS:
            pending += tok
            continue
        if tok in _SUFFIXES and not pending and out and _is_arabic(out[-1][0]):
            prev, ptag = out[-1]
            if prev.endswith("ة"):
                prev = prev[:-1] + "ت"
            elif prev.endswith("ى"):
                prev = prev[:-1] + "ا"
            out[-1] = (prev + tok, ptag)
            continue
        if pending:
            if not _is_arabic(tok):
                out.extend((c, "O") for c in pending)
            else:
                if pending.endswith("ل") and tok.startswith("ال"):
                    tok = tok[1:]  # ل + الشرق = للشرق
                tok = pending + tok
            pending = ""
        out.append((tok, tag))
    out.extend((c, "O") for c in pending)
    return out


def entity_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """(start, end, type) of BIO spans; an I- without its B- opens a span."""
    spans = set()
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        bio, _, lab = tag.partition("-")
        if start >= 0 and (bio != "I" or lab != label):
            spans.add((start, i, label))
            start = -1
        if bio == "B" or (bio == "I" and start < 0):
            start, label = i, lab
    return spans
