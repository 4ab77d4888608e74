"""Times stage: Arabic time expressions, normalised to calendar values.

`annotate(doc)` fills `doc.times` with contract dicts
`{"text", "value", "granularity", "start", "end"}` plus, where they apply,
`"calendar": "hijri"`, `"relative": true` (resolved against the reference
date), `"part_of_day"`, `"modifier"` (early / mid / late for مطلع / منتصف /
أواخر), `"future": true`, `"approximate": true` (قبل نحو …) and `"range_end"`
(for "9-10 يونيو").  `find_times(text, reference_date)` does the same for a
plain string.

Reference date: the article's date, else `--date`; when neither is given the
latest complete date the article states (a day, month and explicit year) is
used, and `doc.meta["reference_date_source"] = "text"` records that.

Without any reference date, expressions that need one (أمس, يوم الجمعة,
العام الماضي, 10 أكتوبر with no year …) are left out: a guessed date would
be worse for event coding than none.  `find_times(..., keep_unresolved=True)`
returns them with `"value": None` and `"unresolved": true` for callers that
want the spans anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from hadath.document import Document
from hadath.text.normalise import NormalisedText, extend_over_marks, normalise
from hadath.times import resolve as R
from hadath.times.grammar import Grammar, grammar
from hadath.times.lexicon import key, lexicon

__all__ = ["annotate", "find_times"]

_WORD_BEFORE = re.compile(r"(\S+)\s*$")
# "نهاية يونيو من كل عام": every year; "سبتمبر من ذلك العام": a year named
# earlier in the article, which this stage does not track — no date either way.
_GENERIC_AFTER = re.compile(
    r"\s+(?:من\s+)?(?:كل\s+(?:عام|سنه|شهر|اسبوع)"
    r"|(?:ذلك|ذات|نفس)\s+(?:العام|السنه|الشهر)|(?:العام|السنه)\s+(?:نفسه|ذاته))(?!\w)")
_NEXT_WORD = re.compile(r"\s*([^\s.,،؛:!?؟()«»\"]+)")
_SENTENCE_BREAK = re.compile(r"[.!?؟؛\n]")


def annotate(doc: Document) -> Document:
    """Find the time expressions of `doc` and resolve them."""
    ref = doc.reference_date
    if ref is None and not doc.meta.get("is_title"):
        found = _text_reference_date(doc.norm)
        if found is not None:
            doc.reference_date = found
            doc.meta["reference_date_source"] = "text"
            ref = found
            # (The pipeline dates the title after the body, with this date.)
    doc.times = _find(doc.norm, ref, keep_unresolved=False)
    return doc


def find_times(text: str, reference_date: str | None = None,
               keep_unresolved: bool = False) -> list[dict[str, Any]]:
    """Time expressions in `text`, resolved against `reference_date`.

    Offsets are into `text`.  With no reference date, one is taken from the
    text itself as `annotate` does.
    """
    norm = normalise(text)
    if reference_date is None:
        reference_date = _text_reference_date(norm)
    return _find(norm, reference_date, keep_unresolved)


def _text_reference_date(norm: NormalisedText) -> str | None:
    """The latest complete (day, month, explicit year) date the text states."""
    best: str | None = None
    for t in _find(norm, None, keep_unresolved=False):
        if (t["granularity"] == "day" and not t.get("relative") and not t.get("_future")
                and (best is None or t["value"] > best)):
            best = t["value"]
    return best


def _find(norm: NormalisedText, reference_date: str | None,
          keep_unresolved: bool) -> list[dict[str, Any]]:
    ref = R.parse_iso(reference_date)
    g = grammar()
    text = norm.text
    out: list[dict[str, Any]] = []
    last_end = -10
    for m in _matches(g, text, _fast_anchors(g, text)):
        name = m.lastgroup
        assert name is not None
        start, end = m.span(name)
        while end > start and text[end - 1] in " ،,(":
            end -= 1  # optional trailing spaces/brackets are not part of the span
        parts = g.rules[name].regex.fullmatch(text, start, end)
        if parts is None:  # cannot happen: same pattern, named groups only
            continue
        ctx = _Context(text, start, end, ref, last_end)
        result = _HANDLERS[name](parts, ctx)
        if result is None:
            continue
        if result.get("value") is None and not keep_unresolved:
            continue
        if ref is None and result["granularity"] == "day" and not result.get("relative"):
            # Candidates for the text's own reference date: not a date the
            # article looks forward to ("ينتهي العقد في 31 ديسمبر 2030").
            result["_future"] = ctx.future_before()
        ostart, oend = norm.to_original(start, end)
        oend = extend_over_marks(norm.original, oend)  # "غداً", the tatweel of "هـ"
        item = {
            "text": norm.original[ostart:oend],
            "value": result.pop("value"),
            "granularity": result.pop("granularity"),
            "start": ostart,
            "end": oend,
        }
        item.update(result)
        if item["value"] is None:
            item["unresolved"] = True
        out.append(item)
        last_end = end
    return out


# How far a match may reach before its first anchor word (a part of day, an
# ordinal, a fuzzy word: "الحادي والعشرين من شهر ") and after its last one.
_BEFORE = 32
_AFTER = 40


_WORD_START = re.compile(r"(?<!\w)\w")


def _fast_anchors(g: Grammar, text: str) -> list[tuple[int, int]]:
    """Anchor spans found with the grammar's Aho-Corasick automaton.

    Written this way because an anchor regex (an alternation tried at every
    word start) dominated the stage's time; the automaton reads the text
    once, in C.
    """
    n = len(text)
    found = []
    # " " + text: a word at the very start has a boundary before it too.
    # A hit ends at `end` in the padded text, i.e. at end - 1 in `text`;
    # `length` excludes the boundary character; see `grammar._automaton`
    # for the right-boundary modes.
    for end, (length, mode) in g.automaton.iter(" " + text):
        if mode == 3:  # a year's first two digits
            if not text[end:end + 2].isdigit() or text[end + 2:end + 3].isdigit():
                continue
            found.append((end - length, end + 2))
        elif end < n and ((mode == 0 and text[end].isalnum())
                          or (mode == 4 and text[end].isalpha())):
            continue  # not the end of a word: "ابو" is not "اب"
        else:
            found.append((end - length, end))
    found.sort()  # the automaton reports by end; matching goes by start
    return found


def _matches(g: Grammar, text: str,
             anchors: Iterable[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """Master-regex matches, tried only at word starts just before an anchor.

    Every expression contains an anchor (see `Grammar.automaton`) and starts
    at most `_BEFORE` characters ahead of it; trying the master regex at
    those few word starts, leftmost first, finds what a full scan would,
    at a fraction of the cost.
    """
    n = len(text)
    last_end = 0
    match = g.master.match
    starts = _WORD_START.finditer
    vocab = g.prefix_words
    for s, a_end in anchors:
        if s < last_end:
            continue
        endpos = min(n, a_end + _AFTER)
        first = _walk_back(text, s, max(last_end, s - _BEFORE), vocab)
        if first == s:  # the usual case: nothing before the anchor can belong to it
            m = match(text, s, endpos)
            if m is not None:
                yield m
                last_end = m.end()
            continue
        for w in starts(text, first, s + 1):
            m = match(text, w.start(), endpos)
            if m is not None and m.end() > s:
                yield m
                last_end = m.end()
                break


_SKIP_CHARS = " \t(،,-–/"
_TRAILING_WORD = re.compile(r"\w+$")


def _walk_back(text: str, s: int, floor: int, vocab: frozenset[str]) -> int:
    """Start of the run of prefix-vocabulary words just before offset `s`."""
    first = s
    seg = text[floor:s]
    while True:
        seg = seg.rstrip(_SKIP_CHARS)
        if not seg:
            break
        parts = seg.rsplit(maxsplit=1)
        if not parts or seg[-1].isspace():
            break  # a line break ends the run
        word = parts[-1]
        if not word.isalnum():
            m = _TRAILING_WORD.search(word)
            if m is None:
                break
            word = m.group()
        if not (word in vocab or word[1:] in vocab or word.isdigit()
                or word[1:].isdigit() or word[2:].isdigit()):
            break
        seg = seg[: len(seg) - len(word)]
        first = floor + len(seg)
    return first


class _Context:
    __slots__ = ("text", "start", "end", "ref", "last_end", "_future")

    def __init__(self, text: str, start: int, end: int, ref: date | None, last_end: int):
        self.text = text
        self.start = start
        self.end = end
        self.ref = ref
        self.last_end = last_end
        self._future: bool | None = None

    def word_before(self, skip: str = "") -> str:
        end = self.start
        while skip and end > 0 and (self.text[end - 1] in skip or self.text[end - 1] == " "):
            end -= 1
        m = _WORD_BEFORE.search(self.text, max(0, end - 30), end)
        return m.group(1) if m else ""

    def word_after(self) -> str:
        m = _NEXT_WORD.match(self.text, self.end)
        return m.group(1) if m else ""

    def listed(self, kind: str, word: str) -> bool:
        """Whether `word` (or it without a clitic) is listed under `kind`."""
        words = lexicon().exclusions.get(kind, frozenset())
        return word in words or (len(word) > 3 and word[0] in "وفبل" and word[1:] in words)

    def char_before(self) -> str:
        i = self.start - 1
        while i >= 0 and self.text[i] == " ":
            i -= 1
        return self.text[i] if i >= 0 else ""

    def future_before(self) -> bool:
        """Whether a future cue precedes the expression in its clause."""
        lo = max(0, self.start - 80)
        for b in _SENTENCE_BREAK.finditer(self.text, lo, self.start):
            lo = b.end()
        return bool(grammar().future_cues.search(self.text, lo, self.start))

    @property
    def future(self) -> bool:
        """Whether the clause around the expression speaks of the future."""
        if self._future is None:
            lo = max(0, self.start - 120)
            for b in _SENTENCE_BREAK.finditer(self.text, lo, self.start):
                lo = b.end()
            stop = _SENTENCE_BREAK.search(self.text, self.end, self.end + 40)
            hi = stop.start() if stop else min(len(self.text), self.end + 40)
            cue = grammar().future_cues
            self._future = bool(cue.search(self.text, lo, self.start)
                                or cue.search(self.text, self.end, hi))
        return self._future


def _direction(mod: str | None) -> str | None:
    return lexicon().modifiers[key(mod)] if mod else None


def _era_is_hijri(era: str | None) -> bool:
    return bool(era) and era.startswith("ه")


def _is_hijri_year(year: int, era: str | None) -> bool:
    """A year is hijri when marked هـ, or unmarked and in the current hijri range."""
    if era:
        return era.startswith("ه")
    return 1300 <= year <= 1500


def _year_from(parts: re.Match[str], ctx: _Context) -> tuple[int | None, bool, bool]:
    """(year, relative, hijri) from a rule's year / relative-year groups."""
    y = parts.groupdict().get("year")
    if y:
        year = int(y)
        if _is_hijri_year(year, parts.groupdict().get("era")):
            return year, False, True
        return year, False, False
    ry = parts.groupdict().get("ryear")
    if ry:
        if ctx.ref is None:
            return None, True, False
        if "هذ" in ry.split()[0]:
            return ctx.ref.year, True, False
        direction = _direction(_last_word(ry))
        offset = {"past": -1, "next": 1, "current": 0}[direction or "current"]
        if parts.groupdict().get("rq"):
            offset *= 2
        return ctx.ref.year + offset, True, False
    return None, False, False


def _last_word(phrase: str) -> str:
    return phrase.split()[-1]


def _day_of(parts: re.Match[str]) -> int | None:
    if parts.group("day"):
        return int(parts.group("day"))
    ordinal = parts.group("ord")
    if ordinal:
        lx = lexicon()
        tens = parts.group("tens")
        head = key(ordinal if not tens else ordinal[: ordinal.rfind("و")])
        value = lx.ordinals.get(head)
        if value is None:
            return None
        if tens:
            value += 20 if tens == "العشرين" else 30
        return value
    return None


def _second_month(parts: re.Match[str]) -> int | None:
    """The other month of "سبتمبر- نوفمبر" (a range), None for a pair."""
    lx = lexicon()
    m1, m2 = parts.group("m1"), parts.group("m2")
    if m1 and m2 and lx.months[key(m2)] != lx.months[key(m1)]:
        return lx.months[key(m2)]
    return None


def _month_of(parts: re.Match[str]) -> int | None:
    lx = lexicon()
    m1 = parts.group("m1")
    if not m1:
        return None
    month = lx.months[key(m1)]
    m2 = parts.group("m2")
    if m2 and lx.months[key(m2)] != month:
        return None  # "سبتمبر- نوفمبر" is a range, not one month named twice
    return month


def _handle_numeric(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    a, b, c = (int(parts.group(x)) for x in "abc")
    la, lc = len(parts.group("a")), len(parts.group("c"))
    hijri = _era_is_hijri(parts.group("era"))
    if la == 4 and lc <= 2:
        year, month, day = a, b, c
    elif lc == 4 and la <= 2:
        day, month, year = a, b, c
        if month > 12 and day <= 12:  # 7/21/2015: month first, US style
            day, month = month, day
    else:
        return None
    if 1300 <= year <= 1500:
        hijri = True
    elif not 1900 <= year <= 2100:
        return None
    if hijri:
        g = R.hijri_to_gregorian(year, month, day) if 1 <= month <= 12 and 1 <= day <= 30 else None
        if g is None:
            return None
        return {"value": R.day_value(g), "granularity": "day", "calendar": "hijri",
                "hijri": f"{year:04d}-{month:02d}-{day:02d}"}
    d = R.valid_day(year, month, day)
    if d is None:
        return None
    return {"value": R.day_value(d), "granularity": "day"}


def _handle_hijri_date(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    day = _day_of(parts)
    month = lexicon().hijri_months[key(parts.group("hm"))]
    if day is None or not 1 <= day <= 30:
        return None
    hy = parts.group("hyear")
    if not hy and not parts.group("hmod"):
        if month == 2:
            return None  # "2/صفر" is a football score (صفر: zero)
        if _names_a_thing(ctx, parts):
            return None
    out: dict[str, Any] = {"granularity": "day", "calendar": "hijri"}
    if parts.group("pod"):
        out["part_of_day"] = lexicon().parts_of_day[key(parts.group("pod"))]
    if hy:
        g = R.hijri_to_gregorian(int(hy), month, day)
        out["hijri"] = f"{int(hy):04d}-{month:02d}-{day:02d}"
    elif ctx.ref is not None:
        g = R.place_hijri_day_month(day, month, ctx.ref, _direction(parts.group("hmod")),
                                    ctx.future)
        out["relative"] = True
    else:
        g = None
    out["value"] = R.day_value(g) if g else None
    _range_end(parts, out, g, day)
    return out


def _range_end(parts: re.Match[str], out: dict[str, Any], end_day: date | None,
               day: int) -> None:
    """For "9-10 يونيو" the value is the first day and range_end the last."""
    first_text = parts.group("day0")
    if first_text:
        first = int(first_text)
    elif parts.group("ord0"):
        first = lexicon().ordinals.get(key(parts.group("ord0")), 0)
    else:
        return
    if end_day is not None and 0 < day - first < 31:
        out["range_end"] = out["value"]
        out["value"] = R.day_value(end_day - timedelta(days=day - first))


def _names_a_thing(ctx: _Context, parts: re.Match[str]) -> bool:
    """"قوى 14 آذار", "مدينة العاشر من رمضان": a name, not a date."""
    if ctx.listed("date_not_after", ctx.word_before(skip="(«\"")):
        return True
    return key(ctx.text[ctx.start:ctx.end]) in lexicon().exclusions.get("place_name", ())


def _handle_date(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    day = _day_of(parts)
    if day is None or not 1 <= day <= 31:
        return None
    if _GENERIC_AFTER.match(ctx.text, ctx.end):
        return None  # "نهاية يونيو من كل عام": every year, no date
    out: dict[str, Any] = {"granularity": "day"}
    if parts.group("pod"):
        out["part_of_day"] = lexicon().parts_of_day[key(parts.group("pod"))]
    if parts.group("relm"):
        # "15 من الشهر الجاري": a day of a month named relative to the reference.
        if ctx.ref is None:
            return {"value": None, "granularity": "day", "relative": True}
        rmod = parts.group("rmod")
        offset = {"past": -1, "next": 1, "current": 0}[_direction(rmod) or "current"]
        y, mth = R.add_months(ctx.ref.year, ctx.ref.month, offset)
        d = R.valid_day(y, mth, day)
        out.update(value=R.day_value(d) if d else None, relative=True)
        return out if d else None
    month = _month_of(parts)
    if month is None:
        return None
    year, relative, hijri_year = _year_from(parts, ctx)
    if hijri_year:
        return None  # a Gregorian month with a hijri year: not a date we can trust
    if year is None and not parts.group("mod") and _names_a_thing(ctx, parts):
        return None
    if year is not None:
        d = R.valid_day(year, month, day)
        if d is None:
            return None
        if relative:
            out["relative"] = True
    elif ctx.ref is not None:
        if relative:  # "من العام الماضي" without a reference
            return None
        future = ctx.future
        d = R.place_day_month(day, month, ctx.ref, _direction(parts.group("mod")), future)
        out["relative"] = True
        if d is not None and d > ctx.ref + timedelta(days=R.FORWARD_TOLERANCE_DAYS):
            out["future"] = True
    else:
        d = None
        out["relative"] = True
    out["value"] = R.day_value(d) if d else None
    _range_end(parts, out, d, day)
    return out


def _handle_hijri_month(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    month = lexicon().hijri_months[key(parts.group("hm"))]
    if not (parts.group("shahr") or parts.group("hyear") or parts.group("hmod")):
        return None  # رجب, رمضان alone are names as often as months
    fz = parts.group("fz")
    label = lexicon().fuzzy[key(fz)] if fz else None
    probe = {"early": 1, "late": 29}.get(label or "", 15)
    hy = parts.group("hyear")
    out: dict[str, Any] = {"granularity": "month", "calendar": "hijri"}
    if label:
        out["modifier"] = label
    if hy:
        g = R.hijri_to_gregorian(int(hy), month, probe)
        hyear = int(hy)
    elif ctx.ref is not None:
        h = R.gregorian_to_hijri(ctx.ref)
        if h is None:
            return None
        direction = _direction(parts.group("hmod"))
        hyear = h[0]
        if direction == "past" and month >= h[1]:
            hyear -= 1
        elif direction == "next" and month <= h[1]:
            hyear += 1
        elif direction is None and month > h[1] and not ctx.future:
            hyear -= 1
        g = R.hijri_to_gregorian(hyear, month, probe)
        out["relative"] = True
    else:
        return {"value": None, **out}
    if g is None:
        return None
    out["hijri"] = f"{hyear:04d}-{month:02d}"
    out["value"] = R.month_value(g.year, g.month)
    return out


def _handle_month(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    lx = lexicon()
    month = _month_of(parts)
    last = _second_month(parts)
    if month is None and last is not None:  # "(سبتمبر- نوفمبر) من هذا العام"
        month = lx.months[key(parts.group("m1"))]
    if month is None:
        return None
    m1 = key(parts.group("m1"))
    fz = parts.group("fz")
    if _GENERIC_AFTER.match(ctx.text, ctx.end):
        return None
    has_tail = bool(parts.group("year") or parts.group("ryear") or parts.group("mod"))
    anchored = bool(fz or parts.group("shahr") or parts.group("m2") or has_tail)
    if not anchored:
        if m1 in lx.ambiguous_months:
            return None
        # A lone month name after a preposition or in a list is a date;
        # elsewhere it is usually one too, but a name like "مايو" in a
        # proper name is rare enough not to need more checks.
    year, relative, hijri_year = _year_from(parts, ctx)
    if hijri_year:
        return None
    out: dict[str, Any] = {"granularity": "month"}
    first_day = bool(fz) and key(fz) == "اول"  # "أول يوليو": the 1st of July
    if fz and not first_day:
        out["modifier"] = lx.fuzzy[key(fz)]
    if year is not None:
        if first_day:
            return {**out, "granularity": "day", "value": f"{year:04d}-{month:02d}-01"}
        out["value"] = R.month_value(year, month)
        if last is not None:
            out["range_end"] = R.month_value(year + (last < month), last)
        if relative:
            out["relative"] = True
        return out
    if ctx.ref is None:
        out.update(value=None, relative=True)
        return out
    if relative:
        return None
    future = ctx.future
    y, mth = R.place_month(month, ctx.ref, _direction(parts.group("mod")), future)
    out.update(value=R.month_value(y, mth), relative=True)
    if last is not None:
        out["range_end"] = R.month_value(y + (last < mth), last)
    if first_day:
        out.update(granularity="day", value=f"{y:04d}-{mth:02d}-01")
    if (y, mth) > (ctx.ref.year, ctx.ref.month):
        out["future"] = True
    return out


def _handle_relday(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    lx = lexicon()
    rd = key(parts.group("rd"))
    if rd.endswith("اليوم") and not parts.group("wd"):
        if (ctx.listed("today_not_after", ctx.word_after())
                or ctx.listed("today_not_before", ctx.word_before())
                or (ctx.char_before() == "«" and ctx.text[ctx.end:ctx.end + 1] == "»")):
            return None
    if rd.endswith("امس") and ctx.listed("yesterday_not_after", ctx.word_after()):
        return None
    if rd in ("غد", "الغد") and not parts.group("pod") and ctx.word_before() not in (
            "يوم", "صباح", "مساء", "بعد", "حتي"):
        return None  # الغد alone is often "the future" in op-eds
    offset = lx.relative_days[rd]
    out: dict[str, Any] = {"granularity": "day", "relative": True}
    pod = parts.group("pod")
    if pod:
        out["part_of_day"] = lx.parts_of_day[key(pod)]
    elif rd in ("الليله", "هذه الليله", "الليله الماضيه", "ليله امس"):
        out["part_of_day"] = "night"
    if ctx.ref is None:
        out["value"] = None
        return out
    d = ctx.ref + timedelta(days=offset)
    wd = parts.group("wd")
    if wd:
        d = R.weekday_near(lx.weekdays[key(wd)], d, offset)
    out["value"] = R.day_value(d)
    if offset > 0:
        out["future"] = True
    return out


_UNIT_OF = {"الاسبوع": "week", "الشهر": "month", "العام": "year", "السنه": "year"}


def _handle_relunit(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    lx = lexicon()
    out: dict[str, Any] = {"relative": True}
    fz = parts.group("fz")
    if fz:
        out["modifier"] = lx.fuzzy[key(fz)]
    if parts.group("weekend"):
        unit, offset = "week", {"past": -1, "next": 1}.get(_direction(parts.group("wmod")) or "", 0)
        out["modifier"] = "late"
    elif parts.group("this"):
        unit, offset = _UNIT_OF[parts.group("u1")], 0
    elif parts.group("u3"):
        if not fz:
            return None
        unit, offset = _UNIT_OF[parts.group("u3")], 0
    else:
        unit = _UNIT_OF[parts.group("u2")]
        direction = _direction(parts.group("mod"))
        offset = {"past": -1, "next": 1, "current": 0}[direction or "current"]
        if parts.group("q"):
            if direction != "past":
                return None
            offset = -2
    out["granularity"] = unit
    if ctx.ref is None:
        out["value"] = None
        return out
    ref = ctx.ref
    if unit == "week":
        out["value"] = R.week_value(ref + timedelta(days=7 * offset))
    elif unit == "month":
        out["value"] = R.month_value(*R.add_months(ref.year, ref.month, offset))
    else:
        out["value"] = f"{ref.year + offset:04d}"
    if offset > 0:
        out["future"] = True
    return out


def _handle_weekday(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    lx = lexicon()
    wd = key(parts.group("wd"))
    pod, yawm, mod = parts.group("pod"), parts.group("yawm"), parts.group("mod")
    if ctx.listed("weekday_not_before", ctx.word_after()):
        return None  # "الأحد عشر": the eleven
    if not (pod or yawm or mod) and ctx.listed("weekday_generic_after", ctx.word_before()):
        return None  # "خطب الجمعة": Friday sermons in general
    if wd in lx.ambiguous_weekdays and not (pod or yawm or mod or parts.group("wd2")):
        if ctx.listed("weekday_not_after", ctx.word_before()):
            return None  # "بين الاثنين": the two
    out: dict[str, Any] = {"granularity": "day", "relative": True}
    if pod:
        out["part_of_day"] = lx.parts_of_day[key(pod)]
    if ctx.ref is None:
        out["value"] = None
        return out
    direction = _direction(mod)
    d = R.place_weekday(lx.weekdays[wd], ctx.ref, direction, ctx.future)
    out["value"] = R.day_value(d)
    if d > ctx.ref:
        out["future"] = True
    return out


def _handle_duration(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    lx = lexicon()
    unit, implied = lx.units[key(parts.group("unit"))]
    num = parts.group("num")
    if num:
        count = int(num) if num.isdigit() else lx.numbers[key(num)]
        if implied == 2:
            return None  # "ثلاثة يومين" is not Arabic
    elif implied:
        count = implied
    elif unit == "hour":
        count = 1  # "قبل ساعات": a few hours ago, still the same day
    else:
        return None  # "منذ أيام": a few days, no date
    if count <= 0:
        return None
    out: dict[str, Any] = {"granularity": unit, "relative": True}
    if parts.group("approx") or (num and key(num) in ("بضعه", "بضع")):
        out["approximate"] = True
    if ctx.ref is None:
        out["value"] = None
        return out
    ref = ctx.ref
    if unit == "hour":  # "قبل ساعات", "منذ 24 ساعة": the day of the report
        if count > 48:
            return None
        out["granularity"] = "day"
        out["value"] = R.day_value(ref - timedelta(days=count // 24))
    elif unit == "day":
        out["value"] = R.day_value(ref - timedelta(days=count))
    elif unit == "week":
        out["value"] = R.week_value(ref - timedelta(days=7 * count))
    elif unit == "month":
        out["value"] = R.month_value(*R.add_months(ref.year, ref.month, -count))
    else:
        out["value"] = f"{ref.year - count:04d}"
    return out


def _handle_year(parts: re.Match[str], ctx: _Context) -> dict[str, Any] | None:
    lx = lexicon()
    year = int(parts.group("year"))
    era = parts.group("era")
    fz = parts.group("fz")
    kw = parts.group("kw")
    if not (kw or fz or era):
        before = ctx.word_before()
        joined = ctx.last_end >= ctx.start - 3 and ctx.text[ctx.last_end:ctx.start].strip() in (
            "-", "–", "و", "/", "الي", "او")
        if not ctx.listed("year_after", before) and not joined:
            return None
    out: dict[str, Any] = {"granularity": "year"}
    if fz:
        out["modifier"] = lx.fuzzy[key(fz)]
    if _is_hijri_year(year, era):
        g = R.hijri_year_to_gregorian(year)
        if g is None:
            return None
        out.update(value=f"{g:04d}", calendar="hijri", hijri=f"{year:04d}")
        return out
    if year > 2100 or (year < 1900 and not (kw or fz or era)):
        return None
    out["value"] = f"{year:04d}"
    return out


_HANDLERS = {
    "numeric": _handle_numeric,
    "hijri_date": _handle_hijri_date,
    "date": _handle_date,
    "hijri_month": _handle_hijri_month,
    "month": _handle_month,
    "relday": _handle_relday,
    "relunit": _handle_relunit,
    "weekday": _handle_weekday,
    "duration": _handle_duration,
    "year": _handle_year,
}
