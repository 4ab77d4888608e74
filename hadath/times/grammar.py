"""The time-expression grammar: compiled regexes built from the lexicon.

One master regex (an alternation of rules, most specific first) is tried
on the normalised text near anchor words that an Aho-Corasick automaton
finds; each rule also has its own regex with named groups that re-parses a
hit to pull out its parts.  Word lists become prefix tries
(`trie_pattern`) so that the engine tests a few characters per position
instead of hundreds of alternatives: that keeps recognition cheap next to
tokenisation.  Written by hand because no maintained library builds
Arabic date grammars (dateparser and duckling cover little of this and
cannot keep offsets through our normalisation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

from hadath.times.lexicon import lexicon


def trie_pattern(words: list[str] | set[str] | dict, end: str = r"(?!\w)") -> str:
    """A regex matching any of `words`, longest first, as a prefix trie.

    Spaces inside a phrase match any run of whitespace; a phrase must be
    followed by what `end` allows (by default a word boundary).
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        alts = []
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            alts.append(piece + build(node[ch]))
        if not alts:
            return end
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if ends:
            return "(?:" + body + "|" + end + ")"
        return body

    return "(?:" + build(trie) + ")"


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    regex: re.Pattern[str]  # with named groups, for fullmatch on a hit


@dataclass(frozen=True, slots=True)
class Grammar:
    master: re.Pattern[str]
    rules: dict[str, Rule]
    # Words that may stand between an expression's start and its first
    # anchor ("ساعة مبكرة من صباح", "الحادي والعشرين من شهر", "يوم", digits):
    # matching starts at the earliest of a run of them before the anchor.
    prefix_words: frozenset[str]
    # Every expression contains an anchor — a month or weekday name, a
    # relative-day word, a unit with its modifier, قبل / منذ with a count, a
    # four-digit year (which every numeric date has): the automaton finds
    # them and the master regex is tried only near a hit, which keeps the
    # stage cheap on the long stretches of text with no time in them.
    automaton: Any
    # Words that put a clause in the future (سوف, المقرر, سيعقد …).
    future_cues: re.Pattern[str]


_NAMED = re.compile(r"\(\?P<\w+>")


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """Compile the grammar once, on first use."""
    lx = lexicon()
    # A month name may run into its year ("يونيو2011"), not into a letter.
    month = trie_pattern(lx.months, end=r"(?![^\W\d_])")
    hmonth = trie_pattern(lx.hijri_months)
    weekday = trie_pattern(lx.weekdays)
    mod = trie_pattern(lx.modifiers)
    fuzzy = trie_pattern(lx.fuzzy)
    pod = trie_pattern(lx.parts_of_day)
    relday = trie_pattern(lx.relative_days)
    unit = trie_pattern(lx.units)
    number = trie_pattern(lx.numbers)
    ordinal = trie_pattern(lx.ordinals)

    year = r"(?P<year>1\d\d\d|20\d\d)(?!\d)"
    era = r"(?:\s*(?P<era>م|ه|هجريه|هجري|ميلاديه|ميلادي)(?!\w))?"
    year_kw = r"(?:(?:عام|العام|سنه|السنه|لعام|لسنه|للعام)\s+)"
    year_part = r"\s*[،,/]?\s*(?:من\s+)?" + year_kw + "?" + year + era
    rel_year = (r"\s+(?:من\s+)?(?P<ryear>(?:العام|السنه|عام)\s+(?P<rq>قبل\s+)?" + mod
                + r"|ل?هذا\s+العام|ل?هذه\s+السنه)")
    # "شباط/فبراير", "آذار (مارس)", "يوليو تموز", "تشرين/ أكتوبر"
    month_pair = (r"(?:(?:تشرين|كانون)\s*/\s*)?(?P<m1>" + month
                  + r")(?:(?:\s*[/(\-–]\s*|\s+)(?P<m2>" + month + r")(?:\s*\))?)?")
    rel_month = r"(?P<relm>(?:الشهر|شهر)\s+(?P<rmod>" + mod + r")|هذا\s+الشهر)"
    # "السابع والثامن من تموز" is a range; "الخامس والعشرين" one compound day
    day = (r"(?:(?:ال\s*)?(?P<day>[0-3]?\d)(?!\d)|(?:(?P<ord0>" + ordinal
           + r")\s+و\s*(?!العشرين|الثلاثين))?(?P<ord>" + ordinal
           + r"(?:\s+و\s*(?P<tens>العشرين|الثلاثين))?))")
    day_range = r"(?:(?:ال\s*)?(?P<day0>[0-3]?\d)\s*(?:-|–|و?\s*(?:الي|حتي)|و)\s*)?"
    wd_prefix = (r"(?:(?:(?P<pod>" + pod + r")\s+)?(?:يوم\s+)?(?P<wd>" + weekday
                 + r")(?:\s+(?P<wmod>" + mod + r"))?\s*[،,]?\s*(?:الموافق\s+)?)?")
    tail = r"(?:" + year_part + "|" + rel_year + r"|\s+(?P<mod>" + mod + "))?"

    rules: list[tuple[str, str]] = [
        # 2021/11/07, 7/11/2021, 7-11-2021, 1436/10/5 هـ
        ("numeric",
         wd_prefix + r"(?<![\d/\-])(?<!\d\.)(?P<a>\d{1,4})\s?[/\-.]\s?(?P<b>\d{1,2})\s?[/\-.]\s?(?P<c>\d{1,4})(?![\d/])"
         + era),
        # (10/شوال / 1436هـ), 7 صفر 1430هـ
        ("hijri_date",
         wd_prefix + day_range + day + r"\s*[/\-]?\s*(?:من\s+)?(?:شهر\s+)?(?P<hm>" + hmonth
         + r")(?:\s*[،,/]?\s*(?:من\s+)?" + year_kw + r"?(?P<hyear>1[34]\d\d)(?!\d)" + era
         + r"|\s+(?P<hmod>" + mod + "))?"),
        # 7 تشرين الثاني 2021, الأول من أيلول, 15 من الشهر الجاري
        ("date",
         wd_prefix + day_range + day + r"\s*(?:من\s+)?(?:شهر\s+)?(?:" + month_pair + "|"
         + rel_month + ")" + tail),
        # شهر شوال الجاري, مطلع شهر رمضان 1436
        ("hijri_month",
         r"(?:(?P<fz>" + fuzzy + r")\s+)?(?P<shahr>شهر\s+)?(?P<hm>" + hmonth
         + r")(?:\s*(?:من\s+)?" + year_kw + r"?(?P<hyear>1[34]\d\d)(?!\d)" + era
         + r"|\s+(?P<hmod>" + mod + "))?"),
        # حزيران 2014, منتصف يوليو, أيار من العام الماضي, تشرين الأول الماضي
        ("month",
         r"(?:(?P<fz>" + fuzzy + r")\s+)?(?:(?P<shahr>شهر)\s+)?" + month_pair + tail),
        # أول من أمس, صباح اليوم (الاثنين), مساء أمس
        ("relday",
         r"(?:(?P<pod>" + pod + r")\s+)?(?P<rd>" + relday + r")(?:\s*[(،,]?\s*(?P<wd>"
         + weekday + r")\s*\)?)?"),
        # مطلع العام الجاري, الأسبوع الماضي, هذا الشهر, العام قبل الماضي
        ("relunit",
         r"(?:(?P<fz>" + fuzzy + r")\s+)?(?:(?P<this>هذا|هذه)\s+(?P<u1>الاسبوع|الشهر|العام|السنه)(?!\w)"
         r"|(?P<u2>الاسبوع|الشهر|العام|السنه)\s+(?P<q>قبل\s+)?(?P<mod>" + mod + r")"
         r"|(?P<weekend>(?:عطله\s+)?نهايه\s+(?:ال)?اسبوع)(?:\s+(?P<wmod>" + mod + r"))?"
         # "منذ مطلع العام": a fuzzy word makes the bare unit the current one
         r"|(?<=\s)(?P<u3>العام|السنه|الشهر|الاسبوع)(?!\w)(?!\s+(?:" + mod + r"|\d|قبل|من|علي)))"),
        # فجر الأحد, يوم الجمعة المقبل, ليل الجمعة السبت
        ("weekday",
         r"(?:(?P<pod>" + pod + r")\s+)?(?:(?P<yawm>يوم)\s+)?(?P<wd>" + weekday
         + r")(?:\s*(?:[/\-–]|و|الي)?\s*(?P<wd2>" + weekday + r"))?(?:\s+(?P<mod>" + mod + "))?"),
        # قبل ثلاثة أيام, منذ عامين, قبل نحو 10 سنوات
        ("duration",
         r"(?P<kw>قبل|منذ)\s+(?:(?P<approx>نحو|حوالي|قرابه|زهاء|اكثر\s+من|اقل\s+من"
         r"|ما\s+يقارب|ما\s+يزيد\s+عن|ما\s+يزيد\s+علي)\s+)?(?:(?:ال\s*)?(?P<num>\d{1,3}|" + number
         + r")\s+)?(?P<unit>" + unit + r")(?!\s*\d)(?!\s+(?:من|علي)(?!\w))"
         r"(?!\s+(?:" + month + "|" + hmonth + "))"),
        # سنة 2003, عام 1436هـ, منتصف 2014, في 2009
        ("year",
         r"(?:(?P<fz>" + fuzzy + r")\s+)?(?:(?P<kw>عامي|عام|العام|سنه|السنه|لعام|لسنه|للعام)\s+)?"
         + year + era + r"(?!\s*قبل\s+الميلاد)"),
    ]
    prefix_words = {w for phrase in (*lx.parts_of_day, *lx.fuzzy, *lx.ordinals, *lx.weekdays,
                                     *lx.modifiers, *lx.numbers)
                    for w in phrase.split()}
    prefix_words |= {"يوم", "شهر", "من", "ال", "الموافق", "-", "–", "/", "و", "الي", "حتي",
                     "وحتي", "هذا", "هذه", "تشرين", "كانون", "والعشرين", "والثلاثين",
                     "نحو", "حوالي", "قرابه", "زهاء", "اكثر", "اقل", "ما", "يقارب", "يزيد",
                     "عن", "علي", "عطله", "نهايه", "عام", "العام", "سنه", "السنه", "عامي",
                     "لعام", "لسنه", "الشهر", "الاسبوع", "اسبوع", "الليله", "اليوم", "امس",
                     "غد", "الغد", "غدا", "قبل"}
    compiled = {name: Rule(name, re.compile(pat)) for name, pat in rules}
    # Expressions start a word, possibly after one or two clitic letters
    # (و ف ب ل ك): the look-behind rejects mid-word positions before any
    # rule is tried, which is most of the cost of scanning.
    master = re.compile(r"(?<!\w)[وفبلك]{0,2}?(?:" + "|".join(
        f"(?P<{name}>{_NAMED.sub('(?:', pat)})" for name, pat in rules) + ")")
    automaton = _automaton(lx, ("العام", "السنه", "الشهر", "الاسبوع"))
    future_cues = re.compile(r"(?<!\w)[وف]?" + trie_pattern(lx.future_cues))
    return Grammar(master, compiled, frozenset(prefix_words), automaton, future_cues)


def _automaton(lx: Any, units: tuple[str, ...]) -> Any:
    """The Aho-Corasick automaton of anchors: boundary + clitics + anchor.

    Every hit costs a match attempt, so common words that only matter next
    to another become phrases — a modifier with its unit ("الشهر الماضي"; "السابق" alone is
    mostly "former"), قبل / منذ with the count or unit after them — and
    month names that are also words ("آب") take no clitic but و ("باب").
    Values: (length without the boundary, right-boundary mode) where mode
    0 wants a word end, 2 nothing (the pattern ends inside a number:
    "قبل 3"), 3 two more digits and then no digit (a year, which may run
    into its era letter: "2015م"), 4 no letter (a month name may run into
    its year: "يونيو2011").
    """
    words: dict[str, int] = {}
    for name in (*lx.hijri_months, *lx.weekdays):
        words[name.split()[0]] = 0
    for name in lx.months:
        words[name.split()[0]] = 4
    non_core = {"يوم", "من", "اول", "الاول", "هذا", "هذه", "بعد", "الماضيه", "ليله"}
    for phrase in lx.relative_days:
        for w in phrase.split():
            if w not in non_core:
                words[w] = 0
    words["اسبوع"] = words["الاسبوع"] = 0
    for u in units:
        for mod in lx.modifiers:
            words[f"{u} {mod}"] = 0
            words[f"{u} قبل {mod}"] = 0
        for this in ("هذا", "هذه"):
            words[f"{this} {u}"] = 0
        for fz in lx.fuzzy:
            words[f"{fz} {u}"] = 0
    counts = {*lx.units, *lx.numbers, "نحو", "حوالي", "قرابه", "زهاء", "اكثر", "اقل", "ما", "ال"}
    for kw in ("قبل", "منذ"):
        for w in counts:
            words[f"{kw} {w}"] = 2 if w == "ال" else 0
        for digit in "123456789":
            words[f"{kw} {digit}"] = 2
    plain_only = set(lx.ambiguous_months)
    automaton = ahocorasick.Automaton()
    for before in _WORD_BOUNDARIES:
        for word, mode in words.items():
            if word in plain_only:
                clitics: tuple[str, ...] = ("", "و")
            elif " " in word:
                clitics = _PHRASE_CLITICS
            else:
                clitics = _WORD_CLITICS
            for clitic in clitics:
                pattern = before + clitic + word
                automaton.add_word(pattern, (len(pattern) - 1, mode))
    # A year is its first two digits here (mode 3: two more digits must
    # follow, then no digit), which keeps the automaton small.
    for before in _YEAR_BOUNDARIES:
        for clitic in ("", "و"):
            for century in range(10, 21):
                pattern = before + clitic + str(century)
                automaton.add_word(pattern, (len(pattern) - 1, 3))
    automaton.make_automaton()
    return automaton


# Characters that end a word before an anchor (the automaton matches the
# boundary with the word: Aho-Corasick has no look-behind), and the clitics
# (و ف ب ل ك, and their usual pairs) an anchor may carry.
_WORD_BOUNDARIES = (" ", "\n", "(", "«", "\"", "“", "-", "/")
_YEAR_BOUNDARIES = (" ", "\n", "(", "/", "-", ".", "،", "«", "\"")
_WORD_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل")
_PHRASE_CLITICS = ("", "و", "ف", "ب", "ل")
