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

from hadath.entities.crf import CrfWeights, viterbi
from hadath.entities.features import EmissionScorer
from hadath.resources import path
from hadath.text.normalise import normalise_string

MODEL = "ner/model.crfsuite"
META = "ner/model.json"
# The model's weights as arrays (see crf.py), written next to it by
# `python -m hadath.entities.tagger --write-weights` and scripts/train_ner.py.
ATTRIBUTES = "ner/model.attributes.txt"
WEIGHTS = "ner/model.weights.npy"
_lock = threading.RLock()
_tagger: pycrfsuite.Tagger | None = None
_weights: CrfWeights | None = None
_domain: str | None = None  # feature domain for news text (model.json "domain")
_segmented_domain: str | None = None  # for clitic-segmented input ("segmented_domain")
_scorers: dict[str | None, EmissionScorer] = {}
_DEFAULT = "default"
# Standalone clitics: about 11 % of tokens in clitic-segmented corpora
# (WikiFANE), 0.2 % in running text tokenised on spaces (ANERcorp).
_CLITIC_TOKENS = frozenset({"و", "ف", "ب", "ل", "ه", "ها"})
_SEGMENTED_RATE = 0.03
_SNIFF_TOKENS = 2000
# Sentences are decoded side by side in batches of at most this many
# (longest sentence x sentences) positions; a sentence longer than
# _LONGEST_SENTENCE tokens (no punctuation for pages) is tagged in pieces.
_BATCH_CELLS = 8192
_LONGEST_SENTENCE = 4096
# `hadath tag` reads and tags this many tokens at a time (streaming).
_CONLL_GROUP_TOKENS = 2000


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


def _read_domains() -> None:
    global _domain, _segmented_domain
    meta = path(META)
    if meta.exists():
        info = json.loads(meta.read_text(encoding="utf-8"))
        _domain = info.get("domain")
        _segmented_domain = info.get("segmented_domain", _domain)


def tagger() -> pycrfsuite.Tagger:
    """The CRF model as crfsuite reads it (for its dump; tagging uses `weights`)."""
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                _read_domains()
                t = pycrfsuite.Tagger()
                t.open(str(path(MODEL)))
                _tagger = t
    return _tagger


def model_sha256() -> str:
    return hashlib.sha256(path(MODEL).read_bytes()).hexdigest()


def weights() -> CrfWeights:
    """The model's weights: from the written arrays if they match the model."""
    global _weights
    if _weights is None:
        with _lock:
            if _weights is None:
                _read_domains()
                w = CrfWeights.read(path(ATTRIBUTES), path(WEIGHTS), model_sha256())
                _weights = w if w is not None else CrfWeights.from_tagger(tagger())
    return _weights


def write_weights() -> int:
    """Write the weight arrays for the current model; returns its attribute count."""
    w = CrfWeights.from_tagger(tagger())
    w.write(path(ATTRIBUTES), path(WEIGHTS), model_sha256())
    return len(w.index)


def _scorer(domain: str | None) -> EmissionScorer:
    scorer = _scorers.get(domain)
    if scorer is None:
        with _lock:
            w = weights()
            scorer = _scorers.setdefault(domain, EmissionScorer(w.index, w.state, domain))
    return scorer


def normalise_word(token: str) -> str:
    """The form the model sees for a token of any tokenisation."""
    n = normalise_string(token).replace(" ", "")
    return n or token


def tag_sentences(sentences: Sequence[Sequence[str]], domain: str | None = _DEFAULT
                  ) -> list[list[str]]:
    """BIO tags for each sentence of normalised words.

    `domain` picks the domain-specific feature copies of a domain-adapted
    model (see features.sentence_features); by default those of news text.
    """
    w = weights()
    scorer = _scorer(_domain if domain == _DEFAULT else domain)
    pieces: list[tuple[int, Sequence[str]]] = []  # (sentence, words)
    for k, sent in enumerate(sentences):
        for s in range(0, len(sent), _LONGEST_SENTENCE):
            pieces.append((k, sent[s:s + _LONGEST_SENTENCE]))
    # Shortest first, so that each batch pads to its own longest sentence.
    order = sorted(range(len(pieces)), key=lambda i: len(pieces[i][1]))
    labels: list[list[int]] = [[] for _ in pieces]
    batch: list[int] = []

    def flush() -> None:
        words = [pieces[i][1] for i in batch]
        lengths = [len(x) for x in words]
        with _lock:  # the scorer's word table is shared
            best = viterbi(scorer.scores(words), lengths, w.transitions)
        k = 0
        for i, n in zip(batch, lengths, strict=True):
            labels[i] = best[k:k + n]
            k += n
        batch.clear()

    for i in order:
        n = len(pieces[i][1])
        if n == 0:
            continue
        if batch and n * (len(batch) + 1) > _BATCH_CELLS:
            flush()
        batch.append(i)
    if batch:
        flush()
    out: list[list[str]] = [[] for _ in sentences]
    names = w.labels
    for (k, _), lab in zip(pieces, labels, strict=True):
        out[k].extend(names[x] for x in lab)
    return [decode_bio(tags) for tags in out]


def tag_words(words: Sequence[str], domain: str | None = _DEFAULT) -> list[str]:
    """BIO tags for one sentence of normalised words."""
    return tag_sentences([words], domain)[0] if words else []


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
    weights()  # reads the model's domains
    words = [normalise_word(t) for sent, _ in buffered for t in sent]
    clitics = sum(1 for w in words if w in _CLITIC_TOKENS)
    domain = _segmented_domain if words and clitics / len(words) > _SEGMENTED_RATE else _domain
    group: list[tuple[list[str], bool]] = []
    words_in_group = 0
    for item in chain(buffered, sents):
        group.append(item)
        words_in_group += len(item[0])
        if words_in_group >= _CONLL_GROUP_TOKENS:
            yield from _tag_group(group, domain)
            group, words_in_group = [], 0
    yield from _tag_group(group, domain)


def _tag_group(group: list[tuple[list[str], bool]], domain: str | None) -> Iterator[str]:
    tagged = tag_sentences([[normalise_word(t) for t in sent] for sent, _ in group], domain)
    for (sent, blank), tags in zip(group, tagged, strict=True):
        for tok, tag in zip(sent, tags, strict=True):
            yield f"{tok}\t{tag}"
        if blank:
            yield ""


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--write-weights"]:
        print(write_weights(), "attributes written to", path(ATTRIBUTES), "and", path(WEIGHTS))
    else:
        print("usage: python -m hadath.entities.tagger --write-weights", file=sys.stderr)
        sys.exit(2)
