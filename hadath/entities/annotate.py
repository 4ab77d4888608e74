"""Tag a Document's tokens and turn the tags into contract entity dicts."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from hadath.document import Document, Token
from hadath.entities.consistency import (
    canonical_names,
    family_names_of,
    majority_types,
    propagate_names,
)
from hadath.entities.lexicon import lexicon
from hadath.entities.tagger import tag_sentences
from hadath.resources import read_lines
from hadath.sources import outlet_names
from hadath.text.normalise import normalise_string
from hadath.text.tokens import FORM_CACHE_SIZE, split_article, variants


@lru_cache(maxsize=1)
def _place_heads() -> dict[str, str]:
    """Head word (article-free) → GPE / LOC / FAC, from loc_triggers.txt."""
    out = {}
    for line in read_lines("ner/loc_triggers.txt"):
        word, _, kind = line.partition("\t")
        w = normalise_string(word)
        out[split_article(w)[1]] = kind or "LOC"
    return out


def _known(word: str) -> bool:
    lex = lexicon()
    return (word in lex.places or word in lex.given or word in lex.family
            or word in lex.org_heads or word in lex.loc_heads)


def clitic_cut(norm: str) -> int:
    """How many leading letters of a word are a proclitic outside the name."""
    prefix, _ = split_article(norm)
    if len(prefix) > 2:  # وال / بال / لل... : keep the article, cut the rest
        return len(prefix) - 2 if prefix.endswith("ال") else len(prefix) - 1
    if prefix or len(norm) < 4 or norm[0] not in "وفبلك":
        return 0
    lex = lexicon()
    whole_known = _known(norm)
    for cut in (1, 2):
        rest = norm[cut:]
        if len(rest) < 3 or (cut == 2 and (norm[0] not in "وف" or norm[1] not in "بلك")):
            continue
        if whole_known:
            return 0
        if _known(rest) or (rest in lex.clusters and norm not in lex.clusters):
            return cut
    return 0


def _skip_letters(text: str, start: int, end: int, n: int) -> int:
    """Original offset after `n` normalised letters from `start` (marks skipped)."""
    i = start
    while n > 0 and i < end:
        if unicodedata.category(text[i]) != "Mn" and text[i] != "\u0640":
            n -= 1
        i += 1
    while i < end and (unicodedata.category(text[i]) == "Mn" or text[i] == "\u0640"):
        i += 1
    return i


def _is_nisba(tok: Token) -> bool:
    return _nisba_form(tok.norm)


# Asked of nearly every token of every article: answered once per word form.
@lru_cache(maxsize=FORM_CACHE_SIZE)
def _nisba_form(norm: str) -> bool:
    nisba = lexicon().nisba
    return any(v in nisba for v in variants(norm)[:3])


@lru_cache(maxsize=FORM_CACHE_SIZE)
def _org_head_form(norm: str) -> bool:
    heads = lexicon().org_heads
    return any(v in heads for v in variants(norm)[:3])


def _refine(kind: str, words: list[str]) -> str:
    if kind != "LOC":
        return kind
    lex = lexicon()
    head = split_article(words[0])[1]
    heads = _place_heads()
    if head in heads:
        return heads[head]
    for v in variants(words[0]):
        if v in heads:
            return heads[v]
    if len(words) == 1:
        if any(v in lex.places for v in variants(words[0])):
            return "GPE"
    elif lex.place_phrases.match_at(
        [Token(0, 0, w, *split_article(w)[::-1]) for w in words], 0
    ) is not None:
        return "GPE"
    return "LOC"


def _org_phrases(tokens: list[Token], tags: list[str]) -> None:
    """Organisation names the model missed, by Arabic noun-phrase grammar.

    A head word (وزارة، جيش، قوات، حزب ...) starts an organisation name when
    it is either definite and followed by an agreeing nisba ("الجيش
    العراقي") or in construct with one or two definite nouns, optionally
    followed by a nisba ("قوات الأمن", "وزارة الخارجية الأمريكية").  Tags of
    untagged (or nisba-only) tokens are rewritten in place.
    """
    lex = lexicon()
    n = len(tokens)
    i = 0
    for i0 in [k for k, t in enumerate(tokens) if t.is_word and _org_head_form(t.norm)]:
        if i0 < i or tags[i0] != "O":
            continue  # inside the previous name, or tagged
        i = i0
        t = tokens[i]
        prefix, _ = split_article(t.norm)
        j = i + 1
        if not prefix.endswith("ال"):
            nouns = 0
            while (j < n and nouns < 2 and tags[j] == "O" and tokens[j].sentence == t.sentence
                   and split_article(tokens[j].norm)[0] == "ال" and not _is_nisba(tokens[j])
                   and split_article(tokens[j].norm)[1] not in lex.titles):
                j += 1
                nouns += 1
            if nouns == 0:
                i += 1
                continue
        if j < n and tags[j] == "O" and tokens[j].sentence == t.sentence and _is_nisba(tokens[j]):
            j += 1
        if j - i >= 2:
            tags[i] = "B-ORG"
            for k in range(i + 1, j):
                tags[k] = "I-ORG"
        i = max(j, i + 1)


# Name particles listed among the title cues but part of the name itself.
_NAME_PARTICLES = frozenset({"ابن", "بن", "بنت", "ابو", "ابي", "ابا", "ام", "ال"})


def _after_titles(tokens: list[Token], i: int, j: int) -> int:
    """First token of a person span after leading titles ("آية الله", "اللواء")."""
    lex = lexicon()
    while i < j:
        m = lex.title_phrases.match_at(tokens, i)
        if m is not None and m[0] <= j:
            i = m[0]
        elif (tokens[i].norm not in _NAME_PARTICLES
              and any(v in lex.titles for v in variants(tokens[i].norm)[:2])):
            i += 1
        else:
            break
    return i


def _praise_of_god(toks: list[Token]) -> bool:
    """"حامداً الله" is not a person: "الله" ends a name only after a name word.

    Compound names (عبد الله، فضل الله، نصر الله) have "الله" after a
    known name part; anything else ending in it is a religious formula.
    """
    if len(toks) > 2 or toks[-1].norm != "الله":
        return False
    if len(toks) == 1:
        return True
    lex = lexicon()
    first = toks[0].norm
    return not any(v in lex.given or v in lex.family or v in lex.titles for v in variants(first)[:3]) \
        and first not in ("عبد", "فضل", "نصر", "جار", "حسب", "عطا", "خير")


def _spans(tags: list[str]) -> list[tuple[int, int, str]]:
    out = []
    i, n = 0, len(tags)
    while i < n:
        if tags[i].startswith("B-"):
            kind = tags[i][2:]
            j = i + 1
            while j < n and tags[j] == "I-" + kind:
                j += 1
            out.append((i, j, kind))
            i = j
        else:
            i += 1
    return out


def _title_names(title: Document, families: set[str]) -> None:
    """Tag family names in the title that only the body shows to be people.

    The title is analysed before the body, so "الكاظمي" alone in a headline
    is only recognised once the body has named "مصطفى الكاظمي".
    """
    covered = [(e["start"], e["end"]) for e in title.entities]
    for t in title.tokens:
        if not t.is_word or any(s < t.end and t.start < e for s, e in covered):
            continue
        if any(v in families for v in variants(t.norm)[:2]):
            s = _skip_letters(title.text, t.start, t.end, clitic_cut(t.norm))
            title.entities.append({"text": title.text[s:t.end], "type": "PER", "start": s, "end": t.end})
    title.entities.sort(key=lambda x: x["start"])


def _sentence_words(tokens: list[Token]) -> list[list[str]]:
    sentences: list[list[str]] = []
    start = 0
    n = len(tokens)
    while start < n:
        end = start + 1
        while end < n and tokens[end].sentence == tokens[start].sentence:
            end += 1
        sentences.append([t.norm for t in tokens[start:end]])
        start = end
    return sentences


def _tags(doc: Document) -> list[str]:
    """The tagger's BIO tags for the document's tokens.

    The title is tokenised before the body is analysed and its entities are
    settled after it: its sentences are tagged in the body's batch, which
    saves a second decoding pass, and kept for it in `_ner_tags`.
    """
    own = doc.meta.pop("_ner_tags", None)
    if own is not None and len(own) == len(doc.tokens):
        return own
    sentences = _sentence_words(doc.tokens)
    title = doc.title_doc
    extra = _sentence_words(title.tokens) if title is not None else []
    tagged = tag_sentences(sentences + extra)
    if extra and title is not None:
        title.meta["_ner_tags"] = [tag for sent in tagged[len(sentences):] for tag in sent]
    return [tag for sent in tagged[:len(sentences)] for tag in sent]


def annotate(doc: Document) -> Document:
    """Pipeline stage: fill `doc.entities` (and settle title mentions too)."""
    tokens = doc.tokens
    n = len(tokens)
    tags = _tags(doc)
    # The title and the body share names: whichever is analysed second uses
    # the people the first one named.  The body is reachable from the title
    # only if the pipeline puts it in title.meta["body"].
    title = doc.title_doc
    body = doc.meta.get("body") if doc.meta.get("is_title") else None
    families = family_names_of(tokens, tags)
    for other in (title, body):
        if other is not None:
            families |= other.meta.get("_ner_families", set())
    propagate_names(tokens, tags, families)
    _org_phrases(tokens, tags)
    doc.meta["_ner_families"] = families

    entities: list[dict[str, Any]] = []
    taken = [False] * n
    for i, j, kind in _spans(tags):
        if any(taken[i:j]):
            continue  # already inside an outlet name extended below
        if kind == "PER":
            i = _after_titles(tokens, i, j)
            if i >= j or _praise_of_god(tokens[i:j]):
                continue
        words = [t.norm for t in tokens[i:j]]
        if kind == "LOC" and j - i == 1 and _is_nisba(tokens[i]):
            kind = "NORP"
        kind = _refine(kind, words)
        # A news outlet ("روداو", "واشنطن بوست") is an organisation, also when
        # the model only caught the start of its name.
        for extra in (0, 1, 2):
            k = j + extra
            if k > n or any(taken[i:k]) or any(t.sentence != tokens[i].sentence
                                               for t in tokens[i:k]):
                break
            if " ".join(t.norm for t in tokens[i:k]) in outlet_names():
                kind, j, words = "ORG", k, [t.norm for t in tokens[i:k]]
                break
        first = tokens[i]
        s = _skip_letters(doc.text, first.start, first.end, clitic_cut(first.norm))
        e = tokens[j - 1].end
        if s >= e:
            continue
        entities.append({"text": doc.text[s:e], "type": kind, "start": s, "end": e})
        for k in range(i, j):
            taken[k] = True
    for k in [k for k, t in enumerate(tokens) if t.is_word and _nisba_form(t.norm)]:
        t = tokens[k]
        if not taken[k]:
            s = _skip_letters(doc.text, t.start, t.end, clitic_cut(t.norm))
            entities.append({"text": doc.text[s:t.end], "type": "NORP", "start": s, "end": t.end})
    entities.sort(key=lambda x: x["start"])

    if title is not None and families:
        _title_names(title, families)
    every = entities + [e for other in (title, body) if other is not None for e in other.entities]
    majority_types(every)
    for x in every:
        x.pop("canonical", None)
    canonical_names(every)
    doc.entities = entities
    return doc
