"""Store: writing results, cross-report dedup, queries, stats (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from test_store_fixtures import (
    ARMY,
    BACKENDS,
    BAGHDAD,
    BASRA,
    CIVILIANS,
    GREEN_ZONE,
    IRAQ,
    ISIS,
    KADHIMI,
    MILITIA,
    SYRIA,
    event,
    open_store,
    result,
)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    s = open_store(request.param, tmp_path)
    yield s
    s.close()


TEXT = "استهدفت طائرة مسيرة مفخخة منزل رئيس الوزراء العراقي مصطفى الكاظمي في بغداد فجر الأحد."


def test_add_result_is_idempotent_and_versions_changed_content(store):
    r = result("a1", TEXT, [event(recipients=[KADHIMI])])
    assert store.add_result(r, origin="f.jsonl:1") == "a1"
    assert store.add_result(r) is None
    changed = result("a1", TEXT + " وأصيب ستة من حراسه.", [])
    new_id = store.add_result(changed)
    assert new_id is not None and new_id.startswith("a1~")
    stats = store.stats()
    assert stats["articles"] == 2 and stats["events"] == 1
    assert store.integrity_check()
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_error_results_are_recorded_once(store):
    bad = {"id": "x", "error": "not Arabic: 0% of letters are Arabic", "origin": "f:2"}
    assert store.add_result(bad) is None
    assert store.add_result(bad) is None
    errs = store.errors()
    assert len(errs) == 1 and errs[0]["error"].startswith("not Arabic") and errs[0]["origin"] == "f:2"
    assert store.stats()["errors"] == 1


def test_reports_of_one_event_become_one_canonical_event(store):
    # Same drone strike: two outlets, next-day report, Baghdad city vs the
    # Green Zone (4 km apart), different casualty figures.
    store.add_result(result("a1", TEXT, [event(recipients=[KADHIMI], injured=6)], source="روداو"))
    store.add_result(result("a2", "نجا الكاظمي من محاولة اغتيال بطائرة مسيرة استهدفت منزله.",
                            [event(date="2021-11-08", place=GREEN_ZONE, injured=3,
                                   recipients=[{**KADHIMI, "text": "الكاظمي"}])],
                            date="2021-11-08", source="الجزيرة"))
    total, rows = store.events()
    assert total == 1
    c = rows[0]
    assert c["n_reports"] == 2 and c["n_articles"] == 2
    assert c["injured"] == 3  # the lowest reported figure
    assert c["date"] == "2021-11-07" and c["date_range"] == ["2021-11-07", "2021-11-08"]
    assert c["place"]["name"] == "Green Zone"  # the more precise place wins
    assert {s["source"] for s in c["sources"]} == {"روداو", "الجزيرة"}
    detail = store.event(c["id"])
    assert [r["article_id"] for r in detail["reports"]] == ["a1", "a2"]
    assert {a["id"] for a in detail["articles"]} == {"a1", "a2"}
    ev = detail["reports"][0]["evidence"]
    assert ev["trigger"]["text"] == "استهدفت" and ev["sentence_text"] == TEXT[:40]
    assert store.events(canonical=False)[0] == 2
    assert store.integrity_check()


def test_distinct_events_stay_distinct(store):
    base = event(recipients=[KADHIMI])
    store.add_result(result("a1", TEXT, [base]))
    # Two days later: another event.
    store.add_result(result("a2", TEXT + " ثم", [event(date="2021-11-09", recipients=[KADHIMI])]))
    # Same day, 450 km away.
    store.add_result(result("a3", TEXT + " و", [event(place=BASRA, recipients=[KADHIMI])]))
    # Same day and place, other type.
    store.add_result(result("a4", TEXT + " ف", [event(type="PROTEST", mode="demo",
                                                      acled=("Protests", "Peaceful protest"))]))
    # Same day and place, incompatible actors.
    store.add_result(result("a5", TEXT + " ك", [event(actors=[ISIS], recipients=[CIVILIANS])]))
    store.add_result(result("a6", TEXT + " ل", [event(actors=[MILITIA], recipients=[KADHIMI])]))
    # Same day and place, no named parties, another instrument.
    store.add_result(result("a7", TEXT + " م", [event(mode="shelling")]))
    total, _ = store.events()
    # a6 is compatible with a1 (a1 had no actor) - every other report stands alone.
    assert total == 6
    # Type, day and town alone do not merge reports of unrelated articles.
    store.add_result(result("a8", TEXT + " ن", [event(date="2021-11-09")]))
    assert store.events()[0] == 7
    assert store.event(store.events(actor="فصائل")[1][0]["id"])["n_reports"] == 2


def test_country_level_places_need_more_evidence(store):
    # Two air strikes reported only as "in Syria" on one day are not merged...
    store.add_result(result("s1", TEXT + " ١", [event(place=SYRIA, actors=[ARMY])]))
    store.add_result(result("s2", TEXT + " ٢", [event(place=SYRIA)]))
    assert store.events()[0] == 2
    # ...but a report naming the same actor is, and a precise place inside
    # the country refines a country-level report with a matching actor.
    store.add_result(result("s3", TEXT + " ٣", [event(place=SYRIA, actors=[ARMY], fatalities=4)]))
    assert store.events()[0] == 2
    store.add_result(result("i1", TEXT + " ٤", [event(place=IRAQ, recipients=[KADHIMI])]))
    store.add_result(result("i2", TEXT + " ٥", [event(place=BAGHDAD, recipients=[KADHIMI])]))
    total, rows = store.events(country="IQ")
    assert total == 1 and rows[0]["place"]["name"] == "Baghdad" and rows[0]["n_reports"] == 2
    syria = store.events(country="SY", actor="الجيش السوري")[1]
    assert len(syria) == 1 and syria[0]["fatalities"] == 4 and syria[0]["n_reports"] == 2


def test_same_article_mentions_merge_without_place(store):
    # Title and body of one article report one event; the title gives no place.
    title_event = {**event(place=None, date=None, recipients=[{**KADHIMI, "text": "الكاظمي"}]),
                   "field": "title"}
    r = result("a1", TEXT, [title_event, event(recipients=[KADHIMI]),
                            event(fatalities=2, date="2021-11-06"),
                            event(fatalities=2, date="2021-11-06", place=None)])
    store.add_result(r)
    total, rows = store.events()
    assert total == 2 and {(x["n_reports"], x["n_articles"]) for x in rows} == {(2, 1)}
    # Two mentions in one article with nothing in common stay apart.
    other = {**event(type="COERCE", acled=None, mode=None), "sentence": {"start": 41, "end": 80}}
    store.add_result(result("a2", TEXT + " ثم", [event(type="COERCE", acled=None, mode=None),
                                                 other]))
    assert store.events(type="COERCE")[0] == 2


def test_filters_and_full_text(store):
    store.add_result(result("a1", TEXT, [event(recipients=[KADHIMI], fatalities=0)]))
    store.add_result(result("a2", "قتل ثلاثة مدنيين في قصف على البصرة يوم الثلاثاء الماضي.",
                            [event(date="2021-10-05", place=BASRA, mode="shelling",
                                   recipients=[CIVILIANS], fatalities=3)], date="2021-10-06"))
    store.add_result(result("a3", "تظاهر المئات في ساحة التحرير ببغداد احتجاجا على نتائج الانتخابات.",
                            [event(type="PROTEST", mode="demo", date="2021-11-05",
                                   acled=("Protests", "Peaceful protest"))]))
    assert store.events(type="protest")[0] == 1
    assert store.events(mode="shelling")[0] == 1
    assert store.events(date_from="2021-11-01")[0] == 2
    assert store.events(date_to="2021-10-31")[0] == 1
    assert store.events(country="iq")[0] == 3
    assert store.events(admin1="basra")[0] == 1
    assert store.events(bbox=(44.0, 33.0, 45.0, 34.0))[0] == 2
    assert store.events(actor="الكاظمي")[0] == 1
    assert store.events(actor="مدنيين", canonical=False)[0] == 1
    # Full text over normalised text: diacritics, hamza and clitics do not matter.
    assert store.events(q="الكاظِمي")[0] == 1
    assert store.events(q="كاظمي")[0] == 1
    assert store.events(q="التحرير بغداد")[0] == 1
    assert store.events(q="الانتخابات", canonical=False)[0] == 1
    assert store.events(q="مدريد")[0] == 0
    total, page = store.events(limit=2, offset=0)
    assert total == 3 and len(page) == 2 and page[0]["date"] >= page[1]["date"]
    assert store.events(limit=2, offset=2)[1][0]["id"] not in {p["id"] for p in page}
    n, arts = store.search_articles("قصف البصره")
    assert n == 1 and arts[0]["id"] == "a2"


def test_article_and_event_views(store):
    store.add_result(result("a1", TEXT, [event(recipients=[KADHIMI])]))
    art = store.article("a1")
    assert art["text"] == TEXT and art["title"] == "خبر a1"
    assert art["entities"][0]["canonical"] == "مصطفى الكاظمي"
    assert len(art["events"]) == 1 and art["events"][0]["canonical_id"]
    assert art["events"][0]["recipients"][0]["text"] == "مصطفى الكاظمي"
    assert store.article("nope") is None and store.event("nope") is None
    ev = store.event("a1:0")
    assert ev["article_id"] == "a1" and ev["articles"][0]["title"] == "خبر a1"
    stats = store.stats()
    assert stats["by_type"] == {"ASSAULT": 1} and stats["by_country"] == {"IQ": 1}
    assert stats["by_date"] == {"2021-11-07": 1}


def test_rebuild_gives_the_incremental_result(store):
    store.add_result(result("a1", TEXT, [event(recipients=[KADHIMI], injured=6)]))
    store.add_result(result("a2", TEXT + " ب", [event(date="2021-11-08", injured=2,
                                                      recipients=[KADHIMI])]))
    store.add_result(result("a3", TEXT + " ج", [event(place=BASRA)]))
    before = sorted((e["id"], e["n_reports"], e["injured"]) for e in store.events()[1])
    assert store.rebuild_canonical() == (3, 2)
    after = sorted((e["id"], e["n_reports"], e["injured"]) for e in store.events()[1])
    assert before == after
    assert store.integrity_check()


def test_near_duplicate_articles_are_grouped(store):
    story = ("قالت وزارة الدفاع العراقية في بيان إن طائرة مسيرة مفخخة استهدفت منزل رئيس الوزراء "
             "مصطفى الكاظمي في المنطقة الخضراء وسط بغداد فجر الأحد وإن رئيس الوزراء لم يصب بأذى "
             "بينما أصيب عدد من أفراد الحماية بجروح طفيفة ونقلوا إلى المستشفى لتلقي العلاج اللازم")
    rewrite = story.replace("قالت وزارة الدفاع العراقية في بيان", "أعلنت وزارة الدفاع العراقية") + " وفق ما نقلت وكالة الأنباء"
    other = ("أعلنت وزارة الصحة السعودية تسجيل حالات جديدة من الإصابة بفيروس كورونا في مدن المملكة "
             "وقالت الوزارة إن الحالات تخضع للعلاج وإن الوضع الصحي مستقر في جميع المستشفيات والمراكز")
    store.add_result(result("a1", story, []))
    store.add_result(result("a2", rewrite, []))
    store.add_result(result("a3", other, []))
    assert store.article("a2")["dup_group"] == "a1"
    assert store.article("a1")["near_duplicates"] == ["a2"]
    assert store.article("a3")["dup_group"] == "a3"
    assert store.stats()["near_duplicate_groups"] == 1


def test_generic_or_place_names_do_not_tie_unrelated_reports(store):
    aden = {"text": "عدن", "start": 0, "end": 3, "sector": "GOV", "country": "IQ"}
    store.add_result(result("g1", TEXT, [event(recipients=[CIVILIANS])]))
    store.add_result(result("g2", TEXT + " ثم", [event(recipients=[{**CIVILIANS, "text": "المدنيين"}])]))
    store.add_result(result("g3", TEXT + " و", [event(actors=[{**aden, "text": "بغداد"}])]))
    store.add_result(result("g4", TEXT + " ف", [event(actors=[{**aden, "text": "بغداد"}])]))
    assert store.events()[0] == 4
    store.add_result(result("g5", TEXT + " ك", [event(recipients=[CIVILIANS, KADHIMI])]))
    store.add_result(result("g6", TEXT + " ل", [event(recipients=[{**KADHIMI, "text": "الكاظمي"}])]))
    assert store.events()[0] == 5
