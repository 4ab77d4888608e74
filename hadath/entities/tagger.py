"""The shipped CRF tagger: lazy loading, BIO decoding, tagging of word lists.

The model (resources/ner/model.crfsuite, CC BY-SA: trained on ANERcorp and
WikiFANE, see ATTRIBUTION.md) predicts PER, ORG, LOC and MISC in BIO form
over normalised words; `hadath.entities.annotate` maps its spans back to
character offsets and refines types.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence

import pycrfsuite

from hadath.entities.features import sentence_features
from hadath.resources import path
from hadath.text.normalise import normalise_string

MODEL = "ner/model.crfsuite"
META = "ner/model.json"
_lock = threading.RLock()
_tagger: pycrfsuite.Tagger | None = None
_domain: str | None = None  # feature domain the model was trained with (model.json)


def decode_bio(tags: Sequence[str]) -> list[str]:
    """Well-formed BIO: an I-X that does not continue an X span becomes B-X."""
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def tagger() -> pycrfsuite.Tagger:
    """The CRF model, opened on first use (it is memory-mapped by crfsuite)."""
    global _tagger, _domain
    if _tagger is None:
        with _lock:
            if _tagger is None:
                meta = path(META)
                if meta.exists():
                    _domain = json.loads(meta.read_text(encoding="utf-8")).get("domain")
                t = pycrfsuite.Tagger()
                t.open(str(path(MODEL)))
                _tagger = t
    return _tagger


def normalise_word(token: str) -> str:
    """The form the model sees for a token of any tokenisation."""
    n = normalise_string(token).replace(" ", "")
    return n or token


def tag_words(words: Sequence[str]) -> list[str]:
    """BIO tags for one sentence of normalised words."""
    if not words:
        return []
    model = tagger()
    feats = sentence_features(words, _domain)
    with _lock:  # a crfsuite Tagger is not safe to share between threads
        tags = model.tag(feats)
    return decode_bio(tags)


def tag_conll(lines: Iterable[str]) -> Iterator[str]:
    """`hadath tag`: CoNLL tokens in (first column), `token<TAB>tag` lines out.

    Sentences are separated by one blank line in the output wherever the
    input had one or more; tokens come out exactly as they went in.
    """
    sent: list[str] = []
    pending_blank = False

    def flush() -> Iterator[str]:
        tags = tag_words([normalise_word(t) for t in sent])
        for tok, tag in zip(sent, tags, strict=True):
            yield f"{tok}\t{tag}"

    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            if sent:
                yield from flush()
                sent = []
                pending_blank = True
            continue
        if pending_blank:
            yield ""
            pending_blank = False
        sent.append(line.split("\t")[0].split()[0] if "\t" in line else line.split()[0])
    if sent:
        yield from flush()
    if pending_blank:
        yield ""
