"""Tests for the times stage (hadath.times)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import hadath
from hadath.document import Document
from hadath.times import annotate, find_times

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "kadhimi-drone-attack.txt"


def values(text: str, ref: str | None) -> list[tuple[str, str, str]]:
    return [(t["text"], t["value"], t["granularity"]) for t in find_times(text, ref)]


def value_of(text: str, ref: str | None) -> str | None:
    found = find_times(text, ref)
    return found[0]["value"] if found else None


# --- absolute dates -------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("وقع الهجوم في 7 تشرين الثاني 2021 في بغداد", "2021-11-07"),
    ("في 14 يوليو 2015 وقع الاتفاق", "2015-07-14"),
    ("في 3 جانفي 2016 بالعاصمة", "2016-01-03"),
    ("بتاريخ 5 أفريل 2014", "2014-04-05"),
    ("في 26 شباط/فبراير 2016", "2016-02-26"),
    ("في 31 ديسمبر (كانون الأول) عام 2012", "2012-12-31"),
    ("في الأول من أيلول 2019", "2019-09-01"),
    ("في الحادي والعشرين من مارس 2011", "2011-03-21"),
    ("بتاريخ 2021/11/07", "2021-11-07"),
    ("بتاريخ 7/11/2021", "2021-11-07"),
    ("بتاريخ 2021-11-07", "2021-11-07"),
    ("بتاريخ ٧/١١/٢٠٢١م", "2021-11-07"),
    ("بتاريخ ۷/۱۱/۲۰۲۱", "2021-11-07"),
])
def test_absolute_days(text: str, value: str) -> None:
    assert value_of(text, None) == value


def test_hijri_dates_convert_with_umm_al_qura() -> None:
    found = find_times("الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م", None)
    assert [t["value"] for t in found] == ["2015-08-11", "2015-08-11"]
    assert found[0]["calendar"] == "hijri" and found[0]["hijri"] == "1436-10-26"
    assert value_of("صدر في 21/10/1436هـ", None) == "2015-08-06"
    assert value_of("يوم الجمعة 1436/10/15هـ", None) == "2015-07-31"


def test_hijri_day_without_year_takes_the_year_around_the_reference() -> None:
    assert value_of("حتى 29 شوال الجاري", "2015-07-24") == "2015-08-14"


def test_month_and_year_granularities() -> None:
    assert values("في حزيران 2014", None) == [("حزيران 2014", "2014-06", "month")]
    assert values("منتصف حزيران 2014", None)[0][1:] == ("2014-06", "month")
    assert values("الغزو الأمريكي سنة 2003", None) == [("سنة 2003", "2003", "year")]
    assert values("تأسست عام 1436هـ", None)[0][1:] == ("2015", "year")


# --- relative expressions ---------------------------------------------------

REF = "2015-07-22"  # a Wednesday


@pytest.mark.parametrize("text,value,granularity", [
    ("قال أمس إن", "2015-07-21", "day"),
    ("أعلن أول من أمس", "2015-07-20", "day"),
    ("وصل أمس الأول", "2015-07-20", "day"),
    ("يبدأ غداً", "2015-07-23", "day"),
    ("قال اليوم إن", "2015-07-22", "day"),
    ("قتل يوم الجمعة", "2015-07-17", "day"),
    ("يصل يوم الأحد المقبل", "2015-07-26", "day"),
    ("فجر الأحد", "2015-07-19", "day"),
    ("الأسبوع الماضي", "2015-W29", "week"),
    ("الشهر المقبل", "2015-08", "month"),
    ("العام الماضي", "2014", "year"),
    ("العام قبل الماضي", "2013", "year"),
    ("قبل ثلاثة أيام", "2015-07-19", "day"),
    ("منذ عامين", "2013", "year"),
    ("قبل نحو 10 سنوات", "2005", "year"),
    ("في أيار من العام الماضي", "2014-05", "month"),
    ("مطلع العام الجاري", "2015", "year"),
    ("في 15 من الشهر الجاري", "2015-07-15", "day"),
])
def test_relative_expressions(text: str, value: str, granularity: str) -> None:
    found = find_times(text, REF)
    assert [(t["value"], t["granularity"]) for t in found] == [(value, granularity)]
    assert found[0]["relative"] is True


def test_part_of_day_is_recorded() -> None:
    found = find_times("قصفت الطائرات مساء أمس مواقع", REF)
    assert found[0]["value"] == "2015-07-21" and found[0]["part_of_day"] == "evening"


def test_named_weekday_wins_over_a_lagging_reference() -> None:
    # Crawled on Tuesday, written on Monday: "اليوم الاثنين" is the Monday.
    assert value_of("صرح صباح اليوم الاثنين", "2015-07-21") == "2015-07-20"


def test_day_and_month_without_year() -> None:
    assert value_of("وقع في 10 أكتوبر", "2021-11-07") == "2021-10-10"
    assert value_of("وقع في 13 نوفمبر الماضي", "2015-07-22") == "2014-11-13"
    assert value_of("تعقد القمة في 28 أكتوبر المقبل", "2015-07-31") == "2015-10-28"
    found = find_times("من المقرر أن تعقد القمة في 5 ديسمبر", "2015-07-31")
    assert found[0]["value"] == "2015-12-05" and found[0]["future"] is True


def test_ranges_give_first_day_and_range_end() -> None:
    found = find_times("خلال الفترة من 9-10 يونيو 2015", None)
    assert found[0]["value"] == "2015-06-09" and found[0]["range_end"] == "2015-06-10"


# --- what is not a time -----------------------------------------------------

@pytest.mark.parametrize("text", [
    "فاز الفريق 2/صفر على ضيفه",
    "تحدث الى عين اليوم",
    "يتناول 10 آلاف حريرة في اليوم",
    "قال عضو قوى 14 آذار",
    "عاش في مدينة العاشر من رمضان",
    "نحن بأمس الحاجة الى الدعم",
    "على ممارسة الرياضة بانتظام",
    "قبل أيام قليلة",
])
def test_look_alikes_are_not_times(text: str) -> None:
    assert find_times(text, REF) == []


# --- reference dates, offsets, the stage ------------------------------------

def test_without_reference_relative_expressions_are_left_out() -> None:
    assert find_times("قال أمس إن", None) == []
    kept = find_times("قال أمس إن", None, keep_unresolved=True)
    assert kept[0]["value"] is None and kept[0]["unresolved"] is True


def test_offsets_point_into_the_original_text() -> None:
    text = "وصرّح مساءَ أمسِ (الأحد) بأن هجوم 7 تشرينَ الثاني 2021 فشل، وذلك في ١٠/١١/٢٠٢١هـ"
    for t in find_times(text, "2021-11-08"):
        assert text[t["start"]:t["end"]] == t["text"]


@pytest.mark.skipif(not SEED.exists(), reason="shared seed article not available")
def test_seed_article_times() -> None:
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    doc = hadath.extract(body, title=title)
    assert doc.reference_date == "2021-11-07"
    assert doc.meta["reference_date_source"] == "text"
    got = {(t["text"], t["value"]) for t in doc.times}
    assert ("7 تشرين الثاني 2021", "2021-11-07") in got
    assert ("يوم الجمعة", "2021-11-05") in got
    assert ("أيار من العام الماضي", "2020-05") in got
    assert ("10 أكتوبر", "2021-10-10") in got
    assert ("تشرين الأول الماضي", "2021-10") in got
    assert ("سنة 2003", "2003") in got
    for t in doc.times:
        assert doc.text[t["start"]:t["end"]] == t["text"]


def test_reference_date_from_text_also_dates_the_title() -> None:
    doc = hadath.extract("قتل ثلاثة أمس في هجوم. وكان ذلك في 7 نوفمبر 2021.", title="هجوم أمس")
    assert doc.reference_date == "2021-11-07"
    assert doc.meta["reference_date_source"] == "text"
    assert [t["value"] for t in doc.times] == ["2021-11-06", "2021-11-07"]
    out = doc.to_dict()["times"]
    assert out[0] == {"text": "أمس", "value": "2021-11-06", "granularity": "day", "start": 5,
                      "end": 8, "relative": True, "field": "title"}


def test_article_date_wins() -> None:
    doc = Document("قتل ثلاثة أمس في 7 نوفمبر 2021.", date="2021-11-09")
    annotate(doc)
    assert doc.times[0]["value"] == "2021-11-08"
    assert "reference_date_source" not in doc.meta


def test_hand_written_test_set() -> None:
    """The 560 hand-written expressions of tests/data/times stay above 97%."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_times import judge, load_cases

    cases = load_cases()
    assert len(cases) >= 300
    correct = sum(judge(c, find_times(c["context"], c["ref"])) for c in cases)
    assert correct / len(cases) >= 0.97


def test_text_reference_date_skips_dates_looked_forward_to() -> None:
    doc = hadath.extract("قال الوزير أمس إن العقد الذي وقع في 3 يوليو 2015 سينتهي في 31 ديسمبر 2030.")
    assert doc.reference_date == "2015-07-03"
    assert doc.times[0]["value"] == "2015-07-02"
