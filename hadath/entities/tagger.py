"""The shipped CRF tagger: lazy loading, BIO decoding, tagging of word lists.

The model (resources/ner/model.crfsuite, CC BY-SA: trained on ANERcorp and
WikiFANE, see ATTRIBUTION.md) predicts PER, ORG, LOC and MISC in BIO form
over normalised words; `hadath.entities.annotate` maps its spans back to
character offsets and refines types.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

import pycrfsuite

from hadath.entities.features import TaggingFeatures
from hadath.resources import path
from hadath.text.normalise import normalise_string

MODEL = "ner/model.crfsuite"
META = "ner/model.json"
# The attributes the model has weights for, one per line after a header
# naming the model's SHA-256 (written by `python -m hadath.entities.tagger
# --write-attributes`, and by scripts/train_ner.py after training).
ATTRIBUTES = "ner/model.attributes.txt"
_lock = threading.RLock()
_tagger: pycrfsuite.Tagger | None = None
_domain: str | None = None  # feature domain for news text (model.json "domain")
_segmented_domain: str | None = None  # for clitic-segmented input ("segmented_domain")
_known: frozenset[str] | None = None  # attributes with weights in the model
_extractors: dict[str | None, TaggingFeatures] = {}
_DEFAULT = "default"
# Standalone clitics: about 11 % of tokens in clitic-segmented corpora
# (WikiFANE), 0.2 % in running text tokenised on spaces (ANERcorp).
_CLITIC_TOKENS = frozenset({"و", "ف", "ب", "ل", "ه", "ها"})
_SEGMENTED_RATE = 0.03
_SNIFF_TOKENS = 2000


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
    global _tagger, _domain, _segmented_domain
    if _tagger is None:
        with _lock:
            if _tagger is None:
                meta = path(META)
                if meta.exists():
                    info = json.loads(meta.read_text(encoding="utf-8"))
                    _domain = info.get("domain")
                    _segmented_domain = info.get("segmented_domain", _domain)
                t = pycrfsuite.Tagger()
                t.open(str(path(MODEL)))
                _tagger = t
    return _tagger


def model_sha256() -> str:
    return hashlib.sha256(path(MODEL).read_bytes()).hexdigest()


def known_attributes() -> frozenset[str]:
    """The model's attributes: from the shipped list if it matches the model.

    Reading them from the model itself (crfsuite's dump) takes ~0.4 s, so
    the list is written next to the model; a list left from another model
    is ignored.
    """
    global _known
    if _known is None:
        with _lock:
            if _known is None:
                known = None
                listed = path(ATTRIBUTES)
                if listed.exists():
                    header, _, body = listed.read_text(encoding="utf-8").partition("\n")
                    if header == "# sha256 " + model_sha256():
                        known = frozenset(body.split("\n")) - {""}
                if known is None:
                    known = frozenset(tagger().info().attributes)
                _known = known
    return _known


def write_attributes() -> int:
    """Write the attribute list for the current model; returns its length."""
    attrs = sorted(tagger().info().attributes)
    path(ATTRIBUTES).write_text("# sha256 " + model_sha256() + "\n" + "\n".join(attrs) + "\n",
                                encoding="utf-8")
    return len(attrs)


def _extractor(domain: str | None) -> TaggingFeatures:
    extractor = _extractors.get(domain)
    if extractor is None:
        with _lock:
            extractor = _extractors.setdefault(domain, TaggingFeatures(known_attributes(), domain))
    return extractor


def normalise_word(token: str) -> str:
    """The form the model sees for a token of any tokenisation."""
    n = normalise_string(token).replace(" ", "")
    return n or token


def tag_words(words: Sequence[str], domain: str | None = _DEFAULT) -> list[str]:
    """BIO tags for one sentence of normalised words.

    `domain` picks the domain-specific feature copies of a domain-adapted
    model (see features.sentence_features); by default those of news text.
    """
    if not words:
        return []
    model = tagger()
    feats = _extractor(_domain if domain == _DEFAULT else domain).sentence(words)
    with _lock:  # a crfsuite Tagger is not safe to share between threads
        tags = model.tag(feats)
    return decode_bio(tags)


def _conll_sentences(lines: Iterable[str]) -> Iterator[tuple[list[str], bool]]:
    """(tokens, followed by a blank line) for each sentence of CoNLL lines."""
    sent: list[str] = []
    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            if sent:
                yield sent, True
                sent = []
            continue
        sent.append(line.split("\t")[0].strip() if "\t" in line else line.split()[0])
    if sent:
        yield sent, False


def tag_conll(lines: Iterable[str]) -> Iterator[str]:
    """`hadath tag`: CoNLL tokens in (first column), `token<TAB>tag` lines out.

    Sentences are separated by one blank line in the output wherever the
    input had one or more; tokens come out exactly as they went in.

    Input whose tokens split clitics off ("و بغداد", "عاصمة ها") follows the
    conventions of segmented corpora (ATB-style, WikiFANE), so the first
    2,000 tokens are sniffed and such input is tagged with the features of
    that domain (for a domain-adapted model; otherwise nothing changes).
    """
    sents = _conll_sentences(lines)
    buffered: list[tuple[list[str], bool]] = []
    n = 0
    for item in sents:
        buffered.append(item)
        n += len(item[0])
        if n >= _SNIFF_TOKENS:
            break
    tagger()  # reads the model's domains
    words = [normalise_word(t) for sent, _ in buffered for t in sent]
    clitics = sum(1 for w in words if w in _CLITIC_TOKENS)
    domain = _segmented_domain if words and clitics / len(words) > _SEGMENTED_RATE else _domain
    for sent, blank in chain(buffered, sents):
        tags = tag_words([normalise_word(t) for t in sent], domain)
        for tok, tag in zip(sent, tags, strict=True):
            yield f"{tok}\t{tag}"
        if blank:
            yield ""


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--write-attributes"]:
        print(write_attributes(), "attributes written to", path(ATTRIBUTES))
    else:
        print("usage: python -m hadath.entities.tagger --write-attributes", file=sys.stderr)
        sys.exit(2)
