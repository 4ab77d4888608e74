"""Fresh held-out news batches (tests/data/places/heldout_batch_N.jsonl) and
the rules they prompted, each checked on sentences that are not in them.

The batch bars sit under the measured figures (benchmarks/bench_places_news.py
--all) so that a change costing real accuracy fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_places import places
from test_places_news import _bench

ROOT = Path(__file__).resolve().parents[1]
BATCHES = sorted((ROOT / "tests" / "data" / "places").glob("heldout_batch_*.jsonl"))


# Batches 8, 9 and 10 were scored first at F1 0.863 (P 0.944), 0.889
# (P 0.929) and 0.843 (P 0.912); their bars sit under the figures after the
# transliteration route, "مدينة X" read as any town X (Zinjibar) and accords
# named after towns (0.882, P 0.946; 0.904, P 0.940; 0.863, P 0.934), not at
# the others'.  Batch 13 was scored first at 0.858 (P 0.948): its bar sits
# under 0.910 (P 0.953), the figure after the fixes it prompted in part;
# batch 15 (first 0.895) under 0.924 (P 0.982); batch 21 (first 0.901, P
# 0.961) under 0.927 (P 0.974), the figure after the fixes it prompted.
_BARS = {"heldout_batch_8": (0.88, 0.94), "heldout_batch_9": (0.90, 0.93),
         "heldout_batch_10": (0.86, 0.93), "heldout_batch_13": (0.90, 0.95),
         "heldout_batch_15": (0.91, 0.95), "heldout_batch_21": (0.92, 0.95)}


def _predict(text: str) -> list[dict]:
    return places(text)


@pytest.mark.parametrize("path", BATCHES, ids=[p.stem for p in BATCHES])
def test_heldout_batch(path: Path) -> None:
    bench = _bench()
    items = bench.load(path)
    # Traps as drawn: batch 16 drew 4 (its no-locative draws mostly named places).
    assert len(items) >= 55 and sum(1 for _, g in items if not g) >= 4
    r = bench.score(items, _predict)
    f1, precision = _BARS.get(path.stem, (0.92, 0.95))
    assert r["f1"] >= f1 and r["precision"] >= precision, r


def _found(text: str) -> list[tuple[str, str]]:
    return [(p["text"], p["country"]) for p in places(text)]


def test_unknown_homonym_placed_by_its_town() -> None:
    # النصر is a town in Palestine; this one lies east of Tikrit.
    village, town = places("سقطت قذائف على قرية النصر شرقي مدينة تكريت.")
    assert village["text"] == "النصر" and village["country"] == "IQ" and village["approximate"]
    assert village["precision"] == 2 and town["name"] == "Tikrit"


def test_villages_listed_before_a_direction_word() -> None:
    out = places("اندلعت اشتباكات في قريتي الحويز والزيارة شمال مدينة السقيلبية.")
    assert [p["text"] for p in out][0] == "الحويز"
    assert out[0]["approximate"] and out[0]["country"] == "SY"
    (v, _town) = places("قتل مسلحون في منطقة مكحول شمال مدينة بيجي.")
    assert v["text"] == "مكحول" and v["approximate"] and v["country"] == "IQ"


def test_district_inside_its_city() -> None:
    assert _found("اندلعت اشتباكات في حي الأشرفية بمدينة حلب.")[0] == ("حي الأشرفية", "SY")
    assert _found("وقع انفجار في حي الأشرفية ببيروت.")[0] == ("حي الأشرفية", "LB")


def test_lists_of_places() -> None:
    assert _found("وصلت تعزيزات إلى الحديدة وإب وذمار.") == [
        ("الحديدة", "YE"), ("إب", "YE"), ("ذمار", "YE")]
    # الشيخ ends a place name here; it is no title before الغردقة.
    assert _found("زار الوفد شرم الشيخ والغردقة.") == [("شرم الشيخ", "EG"), ("الغردقة", "EG")]
    # Listed with العباسي, الرياض is the sub-district near Hawija, not Riyadh.
    assert _found("وشملت الحملة نواحي الرياض والعباسي في قضاء الحويجة.")[0] == ("الرياض", "IQ")
    assert _found("ووصل الوزير من الرياض إلى الموصل.")[0] == ("الرياض", "SA")


def test_conjunction_is_no_evidence_for_a_foreign_town() -> None:
    # Only the name itself speaks for Algeria here.
    assert ("وهران", "DZ") not in _found("احتفل الأهالي في الفيوش ووهران بعد تحرير لحج.")
    assert ("وهران", "DZ") in _found("وصل الرئيس الجزائري إلى وهران.")


@pytest.mark.parametrize("text", [
    "تدمر الحرائق آلاف الهكتارات من الغابات كل عام.",
    "عاد اللاعب إلى مسقط رأسه بعد غياب طويل.",
    "أعلنت مديرية الأمن العام ضبط مطلوبين.",
])
def test_more_traps(text: str) -> None:
    assert places(text) == []


def test_street_and_compound_names() -> None:
    assert _found("قتل شخص في انفجار في شارع الثورة بدمشق.") == [("دمشق", "SY")]
    assert ("عين", "YE") not in _found("قتل مدنيان في قصف على منطقة عين الزرقا بريف دمشق.")
    assert _found("وقالت وزارة الخارجية العمانية إن مسقط ستستضيف الجولة المقبلة.") == [("مسقط", "OM")]


def test_unknown_quarter_inside_a_town() -> None:
    quarter, town = places("داهمت قوات الأمن منازل في حي القطانة في الكرك.")
    assert quarter["text"] == "القطانة" and quarter["approximate"] and quarter["country"] == "JO"
    assert town["country"] == "JO"
    # A street's common-word name is not placed.
    assert [p["text"] for p in places("تظاهر المئات في شارع الثورة بدمشق.")] == ["دمشق"]


def test_a_quarter_belonging_to_a_known_town_is_placed_there() -> None:
    # "X التابعة لـ Y": the unknown X lies in Y.
    village, town = places("هاجم مسلحون منطقة الزغيبات التابعة لقضاء الكرمة")[:2]
    assert village["text"] == "الزغيبات" and village["approximate"] and village["near"] == "Al Karmah"
    assert town["name"] == "Al Karmah"
