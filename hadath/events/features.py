"""Features of a sentence for the learned event filter.

The same function serves training (scripts/train_events.py on the GSR
sentences) and run time, so the two cannot drift apart.  Features are
strings: the lexicon's view of the sentence (trigger types, modes, cues in
the trigger's scope, instruments, casualty words, actor sectors) plus word
unigrams and bigrams of the clitic-stripped forms.
"""

from __future__ import annotations

from hadath.document import Token
from hadath.events.triggers import SentenceView, cues_for, is_definite

_MAX_NUM = 3  # numbers are bucketed by digit count


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
        feats.append("S:" + h.entries[0].sector)
    for h in view.cues:
        feats.append("c:" + h.entries[0].cue)
    if view.question:
        feats.append("Q")
    return feats
