"""Draw candidate snippets for the hand-written times test set.

Plain keyword regexes over the raw article text (deliberately *not* the
times grammar) pick, per category, a random occurrence from random
articles and print `category<TAB>date<TAB>context<TAB>match`.  The expected
values in the *.tsv files were then written by hand from these snippets.

    python tests/data/times/sample_candidates.py ../shared/data/news/saudinewsnet_all.jsonl.gz SEED [PER_CATEGORY]

Seeds used: 7 (60 per category, main set), 99 on saudinewsnet_conflict
(9 per category, dev_holdout/), 2024 (6 per category, dev_holdout2/).
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys

D = r"[0-9٠-٩]{1,2}"
Y = r"[0-9٠-٩]{4}"
GM = ("يناير|فبراير|مارس|أبريل|إبريل|ابريل|مايو|يونيو|يونيه|يوليو|يوليه|أغسطس|اغسطس|سبتمبر"
      "|أكتوبر|اكتوبر|نوفمبر|ديسمبر")
LM = "كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول|تشرين الثاني|كانون الأول"
MM = "جانفي|فيفري|أفريل|جوان|جويلية|أوت"
HM = ("محرم|صفر|ربيع الأول|ربيع الآخر|ربيع الثاني|جمادى الأولى|جمادى الآخرة|رجب|شعبان|رمضان"
      "|شوال|ذو القعدة|ذي القعدة|ذو الحجة|ذي الحجة")
WD = "الاثنين|الإثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|السبت|الأحد"
ORD = ("الأول|الثاني|الثالث|الرابع|الخامس|السادس|السابع|الثامن|التاسع|العاشر|الحادي عشر"
       "|الثاني عشر|العشرين|الحادي والعشرين|الثلاثين")
CATEGORIES = {
    "month_western": rf"(?:{D} )?(?:{GM})(?: {Y})?",
    "month_levantine": rf"(?:{D} )?(?:{LM})(?: {Y})?",
    "month_maghrebi": rf"(?:{D} )?(?:{MM})(?: {Y})?",
    "combined_pair": rf"(?:{D} )?(?:{GM}|{LM}) ?[(/] ?(?:{GM}|{LM})\)?(?: {Y}| الماضي| الجاري| المقبل)?",
    "hijri": rf"{D} ?/? ?(?:{HM}) ?/? ?(?:{Y})? ?(?:هـ)?",
    "numeric": rf"{D}/{D}/{Y}|{Y}/{D}/{D}|{D}-{D}-{Y}|{Y}-{D}-{D}",
    "weekday": rf"(?:يوم )?(?:{WD})(?: (?:الماضي|المقبل|القادم))?",
    "part_of_day": rf"(?:فجر|صباح|مساء|ليلة|ليل|ظهر|عصر) (?:يوم )?(?:{WD}|أمس|اليوم)",
    "relative_day": r"أول من أمس|أول أمس|أمس الأول|يوم أمس|أمس|اليوم|غداً|غدا|بعد غد",
    "relative_unit": (r"(?:الأسبوع|الاسبوع|الشهر|العام|السنة) (?:الماضي|الماضية|المنصرم|المنصرمة"
                      r"|الجاري|الجارية|الحالي|الحالية|المقبل|المقبلة|القادم|القادمة)"
                      r"|هذا العام|هذا الشهر|هذا الأسبوع"),
    "duration": (r"(?:قبل|منذ) (?:نحو |حوالي )?(?:[0-9]+ |ثلاثة |أربعة |خمسة |ستة |سبعة |ثمانية "
                 r"|عشرة |عشر |ثلاث |أربع |خمس |ست |سبع )?(?:يومين|أيام|يوما|يوماً|أسبوعين|أسبوع"
                 r"|أسابيع|شهرين|أشهر|شهور|شهر|عامين|أعوام|عاما|عاماً|عام|سنتين|سنوات|سنة)(?![ ]?[0-9])"),
    "year_only": rf"(?:عام|العام|سنة|لعام) {Y}(?:م| ?هـ)?",
    "ordinal": rf"(?:{ORD}) من (?:شهر )?(?:{GM}|{LM}|{HM}|الشهر الجاري|الشهر الماضي)(?: {Y})?",
    "fuzzy": (rf"(?:منتصف|مطلع|أواخر|أوائل|بداية|نهاية|أواسط|مستهل) (?:شهر )?(?:{GM}|{LM}|العام الماضي"
              rf"|العام الجاري|العام الحالي|الشهر الماضي|الشهر الجاري|الأسبوع الماضي|الأسبوع المقبل"
              rf"|{Y}|عام {Y})(?: {Y}| الماضي| الجاري| المقبل)?"),
    "no_year_day_month": (rf"{D} (?:من )?(?:{GM}|{LM})(?! ?[0-9٠-٩])(?: \([^)]+\))?"
                          r"(?: الماضي| الجاري| المقبل| الحالي)?"),
}


def main() -> None:
    path, seed = sys.argv[1], int(sys.argv[2])
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    random.seed(seed)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    random.shuffle(rows)
    patterns = {c: re.compile(p) for c, p in CATEGORIES.items()}
    picked: dict[str, list[tuple[str, ...]]] = {c: [] for c in CATEGORIES}
    for r in rows:
        text = r["text"]
        for c, p in patterns.items():
            if len(picked[c]) >= per:
                continue
            hits = list(p.finditer(text))
            if not hits:
                continue
            m = random.choice(hits)
            ls = text.rfind("\n", 0, m.start()) + 1
            le = text.find("\n", m.end())
            le = len(text) if le < 0 else le
            a, b = max(ls, m.start() - 90), min(le, m.end() + 40)
            a = text.find(" ", a) + 1 if a > ls else a
            picked[c].append((c, r["date"][:10], text[a:b].replace("\t", " "), m.group()))
    for c in CATEGORIES:
        for row in picked[c]:
            print("\t".join(row))


if __name__ == "__main__":
    main()
