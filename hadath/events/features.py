"""Features of a sentence for the learned event filter.

The same function serves training (scripts/train_events.py on the GSR
sentences) and run time, so the two cannot drift apart.  Features are
strings: the lexicon's view of the sentence (trigger types, modes, cues in
the trigger's scope, instruments, casualty words, actor sectors) plus word
unigrams and bigrams of the clitic-stripped forms, plus scene and framing
words (resources/events/scene.tsv: deictic time, street scene, crowds,
slogans, attribution, opinion, background, trials) crossed with the trigger
types present, and realis cues of each trigger (a past verb early in the
sentence, a participant count next to it).  Since the fourth round also
realis word classes (resources/events/realis.tsv: protesters' actions, a
demonstration taking place, calls and plans, security forces facing a
crowd), the scene/realis classes within a few words of each PROTEST
trigger (`L:`), and whether a participant trigger ("المتظاهرون") stands as
the subject of a verb ("ورفع المتظاهرون", "المتظاهرون رددوا").  With 39 PROTEST positives, word
n-grams alone do not generalise; these word classes let the model tell a
narrated episode ("تجمع مئات المتظاهرين امام ... ورفعوا لافتات") from talk
about one ("الثورة", "المعارضة", "منذ سنوات").
"""

from __future__ import annotations

from functools import lru_cache

from hadath.document import Token
from hadath.events.triggers import SentenceView, TriggerEntry, cues_for, is_definite
from hadath.resources import read_lines
from hadath.text.matcher import PhraseMatcher
from hadath.text.normalise import normalise_string

# Cues read for the records only (added after the filter was last tuned).
NOT_FEATURES = frozenset({"background", "past"})

_MAX_NUM = 3  # numbers are bucketed by digit count
_EARLY = 6  # a trigger within this many tokens of the start is the sentence's main predicate
_QTY_BEFORE, _QTY_AFTER = 2, 3  # where a participant count stands around its trigger
_NEAR = 4  # a word class within this many tokens of a trigger is "near" it (`L:` features)
_REALIS_TYPE = "PROTEST"  # the type whose triggers get realis.tsv classes and `L:` context
# Words before a participant noun that are not verbs (so "X المتظاهرين" is no subject)
_NOT_VERB = frozenset(("في", "من", "الي", "علي", "عن", "مع", "بين", "امام", "ضد", "ان",
                       "الاف", "مئات", "عشرات"))


def _word_classes(name: str) -> PhraseMatcher:
    """A matcher of word classes from a data file: forms (|-separated), class."""
    m = PhraseMatcher()
    for line in read_lines(name):
        forms, category = line.split("\t")
        for f in forms.split("|"):
            m.add(normalise_string(f), category)
    return m


@lru_cache(maxsize=1)
def scene_lexicon() -> PhraseMatcher:
    """Scene/framing word classes (loaded on first use)."""
    return _word_classes("events/scene.tsv")


@lru_cache(maxsize=1)
def realis_lexicon() -> PhraseMatcher:
    """Realis word classes (realis.tsv), a matcher of their own (loaded on first use)."""
    return _word_classes("events/realis.tsv")


def _word(t: Token) -> str:
    if t.norm.isdigit():
        return f"<n{min(len(t.norm), _MAX_NUM)}>"
    return t.base


def sentence_features(view: SentenceView, tokens: list[Token]) -> list[str]:
    """Feature strings of one sentence (duplicates are meaningful counts)."""
    feats: list[str] = []
    words = [_word(t) for t in tokens[view.tok_start:view.tok_end] if t.is_word]
    feats += ["w:" + w for w in words]
    feats += ["b:" + a + "_" + b for a, b in zip(words, words[1:], strict=False)]
    types_seen = set()
    for h in view.triggers:
        for e in h.entries[:1]:
            t = e.type
            types_seen.add(t)
            feats.append("T:" + t)
            feats.append("T:{}:{}".format(t, e.mode or "-"))
            feats.append("F:" + e.form)
            feats.append("T:{}:{}".format(t, "weak" if "weak" in e.flags else "strong"))
            if "participant" in e.flags:
                feats.append(f"T:{t}:participant")
            if e.verb:
                feats.append("T:{}:{}".format(t, "future" if e.future else
                                           "imperf" if e.imperfect else "past"))
            elif is_definite(tokens, h.i, h.j):
                feats.append(f"T:{t}:def")
            if h.i - view.tok_start < 3:
                feats.append(f"T:{t}:initial")
            for c in cues_for(view, tokens, h.i, h.j):
                if c.cue not in NOT_FEATURES:
                    feats.append(f"C:{t}:{c.cue}")
    if not types_seen:
        feats.append("T:none")
    for h in view.instruments:
        feats.append("I:" + h.entries[0].mode)
    for h in view.casualties:
        feats.append("K:" + h.entries[0].kind)
        nxt = tokens[h.j] if h.j < view.tok_end else None
        prv = tokens[h.i - 1] if h.i > view.tok_start else None
        if (nxt and nxt.norm.isdigit()) or (prv and prv.norm.isdigit()):
            feats.append(f"K:{h.entries[0].kind}:num")
    for h in view.sectors:
        if "roles" not in h.entries[0].flags:
            feats.append("S:" + h.entries[0].sector)
    for h in view.cues:
        if h.entries[0].cue not in NOT_FEATURES:
            feats.append("c:" + h.entries[0].cue)
    if view.question:
        feats.append("Q")
    feats += _scene_features(view, tokens, types_seen)
    return feats


def _scene_features(view: SentenceView, tokens: list[Token], types_seen: set[str]) -> list[str]:
    feats: list[str] = []
    sent = tokens[view.tok_start:view.tok_end]
    categories: set[str] = set()
    qty_at: set[int] = {view.tok_start + k for k, t in enumerate(sent) if t.norm.isdigit()}
    spans: list[tuple[int, int, str]] = []  # (i, j, class) in document token indices
    for i, j, payloads in scene_lexicon().find(sent):
        for cat in set(payloads):
            feats.append("Z:" + cat)
            categories.add(cat)
            spans.append((view.tok_start + i, view.tok_start + j, cat))
            if cat == "qty":
                qty_at.update(range(view.tok_start + i, view.tok_start + j))
    if _REALIS_TYPE in types_seen:
        # Protest vocabulary: only for sentences with a PROTEST trigger (in the
        # ASSAULT model these classes were noise: nested F1 0.680 -> 0.668).
        for i, j, payloads in realis_lexicon().find(sent):
            for cat in set(payloads):
                feats.append("Z:" + cat)
                categories.add(cat)
                spans.append((view.tok_start + i, view.tok_start + j, cat))
    for t in sorted(types_seen):
        feats += [f"Z:{t}:{c}" for c in sorted(categories)]
    for h in view.triggers:
        e = h.entries[0]
        if e.verb and not e.imperfect and not e.future:
            feats.append(f"R:{e.type}:past")
            if h.i - view.tok_start < _EARLY:
                feats.append(f"R:{e.type}:past:early")
        if any(k in qty_at for k in range(h.i - _QTY_BEFORE, h.j + _QTY_AFTER) if not h.i <= k < h.j):
            feats.append(f"R:{e.type}:qty")
        if e.type == _REALIS_TYPE:
            feats += _trigger_context(view, tokens, h.i, h.j, e, spans)
    return feats


def _trigger_context(view: SentenceView, tokens: list[Token], i: int, j: int, e: TriggerEntry,
                     spans: list[tuple[int, int, str]]) -> list[str]:
    """Word classes near one trigger, and a participant trigger as a verb's subject.

    A linear model over sentence-wide classes cannot tell "دعا الى التظاهر"
    (a call) in one clause of a long sentence from a demonstration narrated in
    another; the classes right around the trigger can.
    """
    t = e.type
    near = {c for a, b, c in spans if (b <= i and i - b < _NEAR) or (a >= j and a - j < _NEAR)}
    feats = [f"L:{t}:{c}" for c in sorted(near)]
    if "participant" in e.flags:
        p = i - 1
        if p >= view.tok_start:
            prev = tokens[p]
            # VSO: "ورفع المتظاهرون" (an indefinite word that is no preposition or count)
            if prev.is_word and "ال" not in prev.prefix and not prev.norm.isdigit() \
                    and prev.base not in _NOT_VERB:
                feats.append(f"R:{t}:subj")
        if j < view.tok_end and tokens[j].is_word:
            b = tokens[j].base
            # SVO: a plural verb right after ("المتظاهرون رددوا", "يرددون")
            if b.endswith("وا") or (b.startswith("ي") and b.endswith("ون")):
                feats.append(f"R:{t}:subjverb")
    return feats
