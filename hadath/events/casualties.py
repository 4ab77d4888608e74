"""Killed and injured figures: numerals, number words and ACLED's conventions.

"مقتل 12 شخصا", "ثلاثة قتلى", "أكثر من 125" (→ 125, the stated floor),
"العشرات" (→ 12) and "المئات" (→ 100) per ACLED; a lone singular victim
("لرجل قتلته", "مقتل جندي") counts 1 and a dual noun ("جنديين") 2.  Vague
words (العديد، عدة) give no figure.  Each figure keeps its evidence span.
"""

from __future__ import annotations

from dataclasses import dataclass

from hadath.document import Document, Token
from hadath.events.lexicon import lexicons
from hadath.events.triggers import SentenceView
from hadath.text.tokens import CLOSING_QUOTES, OPENING_QUOTES

# Words between a casualty word and its figure that do not change it:
# "أكثر من 125" reports at least 125, ACLED codes the stated floor.
_HEDGES = frozenset({"اكثر", "من", "نحو", "حوالي", "قرابه", "زهاء", "اقل", "ما", "لا",
                     "يقل", "عن", "ما يزيد", "يزيد", "الي", "ما لا", "اكثر من", "عدد"})
_PREPOSITIONS = frozenset({"من", "في", "علي", "الي", "عن", "بين"})
# Quotation marks around the casualty word: 'عن «استشهاد» 17'.
_QUOTES = OPENING_QUOTES | CLOSING_QUOTES
_SINGULAR = frozenset({"شخص", "رجل", "شاب", "طفل", "طفله", "امراه", "جندي", "شرطي",
                       "مدني", "مواطن", "صحفي", "ضابط", "عنصر", "مسلح", "متظاهر", "فتي",
                       "فتاه", "طالب", "مقاتل"})
_DUAL = frozenset({"شخصين", "شخصان", "رجلين", "شابين", "طفلين", "جنديين", "شرطيين",
                   "ضابطين", "عنصرين", "مواطنين اثنين", "امراتين", "مقاتلين اثنين"})


@dataclass(slots=True)
class Figure:
    kind: str  # killed | injured
    value: int
    i: int  # evidence tokens [i, j)
    j: int


def number_of(word: str) -> int | None:
    """The value of a numeral ("12", "1,500") or a number word ("ثلاثة")."""
    if word.replace(",", "").replace(".", "").isdigit():
        try:
            return int(word.replace(",", "").split(".")[0])
        except ValueError:
            return None
    return lexicons().numbers.get(_strip_case(word))


def number_value(tok: Token) -> int | None:
    """`number_of` the token's form, or of its base without clitics."""
    value = number_of(tok.norm)
    return value if value is not None else number_of(tok.base)


def _number_at(toks: list[Token], k: int, limit: int) -> tuple[int, int] | None:
    """(value, end index) of a numeral or number-word phrase starting at k."""
    nums = lexicons().numbers
    t = toks[k]
    value = number_value(t)
    if value is None:
        return None
    end = k + 1
    if t.norm.replace(",", "").replace(".", "").isdigit():
        return value, end
    # compound: خمسة وعشرون / ثلاثة عشر / مئة وخمسون
    while end < limit:
        nxt = toks[end]
        w = _strip_case(nxt.norm)
        if w.startswith("و") and _strip_case(w[1:]) in nums:
            value += nums[_strip_case(w[1:])]
            end += 1
        elif w in ("عشر", "عشره") and value < 10:
            value += 10
            end += 1
        elif w in ("الف", "الاف") and value < 1000:
            value *= 1000
            end += 1
        else:
            break
    return value, end


def _strip_case(w: str) -> str:
    """Drop the accusative alef of tanween (عشرينا is not a form, but شخصا is)."""
    return w


def figures(doc: Document, view: SentenceView) -> list[Figure]:
    """Casualty figures stated in a sentence."""
    toks = doc.tokens
    out: list[Figure] = []
    lo, hi = view.tok_start, view.tok_end
    starts = {h.i for h in view.casualties}
    # "سقوط أكثر من 160 قذيفة": a figure that counts weapons or attacks.
    # ("مقتل أحد المتظاهرين": protesters are people.)
    counted_things = {o.i for o in view.instruments} | {
        t.i for t in view.triggers if "participant" not in t.entries[0].flags}
    for h in view.casualties:
        entry = h.entries[0]
        value: int | None = entry.implied
        ev = (h.i, h.j)
        if value is None and entry.position in ("after", "both"):
            k = h.j
            while k < hi and k - h.j < 4 and (toks[k].norm in _HEDGES or toks[k].norm in _QUOTES):
                k += 1
            if k < hi:
                got = _number_at(toks, k, hi)
                if got and got[1] in counted_things:
                    pass  # no casualty figure, and no counted victim either
                elif got:
                    value, end = got
                    more, end = _coordinated(toks, end, hi, starts)
                    value += more
                    ev = (h.i, end)
                elif toks[k].base in _DUAL or toks[k].norm in _DUAL:
                    value, ev = 2, (h.i, k + 1)
                elif _singular(toks[k]):
                    verb = any(e.verb for e in h.entries)
                    behind = _number_at(toks, k + 1, hi) if verb and k + 1 < hi else None
                    if behind and behind[1] not in counted_things:
                        # "وقتل مسلح 38 سائحا": the singular noun is the verb's
                        # subject and the figure after it counts the victims.
                        value, end = behind
                        more, end = _coordinated(toks, end, hi, starts)
                        value += more
                        ev = (k + 1, end)
                    elif k == h.j:  # مقتل جندي, not مقتل أكثر من جندي
                        value, ev = 1, (h.i, k + 1)
        if value is None and entry.position in ("before", "both"):
            k = h.i - 1
            if k >= lo:
                # search back over a number phrase: "ثلاثة قتلى", "125 جريحا"
                for start in range(max(lo, k - 2), k + 1):
                    got = _number_at(toks, start, h.i)
                    if got and got[1] == h.i:
                        value, ev = got[0], (start, h.j)
                        break
        if value is None and entry.verb and _has_object_suffix(toks[h.i], entry):
            value, ev = 1, (h.i, h.j)  # قتلته: one victim named before
        if value is not None and value > 0 and not any(
                f.kind == entry.kind and f.value == value and f.i < ev[1] and ev[0] < f.j
                for f in out):
            # ("سقوط ستة قتلى": سقوط and قتلى both read the one figure ستة.)
            out.append(Figure(entry.kind, value, *ev))
    return out


def _coordinated(toks: list[Token], end: int, hi: int, casualty_words: set[int]) -> tuple[int, int]:
    """Victims joined to a figure by و: "4 مدنيين وجندي" (+1), "4 مدنيين و3
    جنود" (+3), "عشرة جنود وثلاثة من العاملين" (+3).  Returns (added, new end).

    `end` is the token after the figure; its noun, if any, is skipped first.
    A figure whose noun is another casualty word ("و10 جرحى") is not added.
    """
    added = 0
    k = _past_noun(toks, end, hi)
    for _ in range(3):
        if k >= hi or not toks[k].norm.startswith("و"):
            break
        word = toks[k].norm[1:]
        if word in _SINGULAR or word in _DUAL:
            added += 2 if word in _DUAL else 1  # "وجندي": the word is its own noun
            k += 1
            continue
        if word and (number := number_of(word)) is not None:  # "وثلاثة"
            value, nxt = number, k + 1
        elif not word and (got := _number_at(toks, k + 1, hi)):  # "و 3"
            value, nxt = got
        else:
            break
        if nxt in casualty_words:
            break  # "و10 جرحى": the other kind of figure
        added += value
        k = _past_noun(toks, nxt, hi)
    return added, (k if added else end)


def _past_noun(toks: list[Token], k: int, hi: int) -> int:
    """The token after the counted noun at k ("4 مدنيين"), or k if none is there."""
    if (k < hi and toks[k].is_word and _number_at(toks, k, hi) is None
            and not toks[k].norm.startswith("و") and toks[k].norm not in _PREPOSITIONS):
        return k + 1
    return k


def _singular(tok: Token) -> bool:
    for w in (tok.base, tok.norm):
        if w in _SINGULAR or (w.endswith("ا") and w[:-1] in _SINGULAR):
            return True
    return False


def _has_object_suffix(tok: Token, entry) -> bool:
    n = tok.norm
    return n.endswith(("ته", "تها", "وه", "ها")) and not n.endswith(("وها",)) and len(n) > 4
