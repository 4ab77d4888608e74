"""The store's read path: cached counts and match lists, index look-ups, pages.

Caches must never serve a stale answer after a write (in this process or
another), the actor trigram index must select exactly what the LIKE scan
does, and pages must tile the full ordered result.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from test_store_fixtures import (
    ARMY,
    BACKENDS,
    BASRA,
    CIVILIANS,
    ISIS,
    KADHIMI,
    MILITIA,
    SYRIA,
    event,
    open_store,
    result,
)

from hadath.store import Store
from hadath.store.models import participants
from hadath.store.readcache import GenerationCache

TEXT = "استهدفت طائرة مسيرة مفخخة منزل رئيس الوزراء العراقي مصطفى الكاظمي في بغداد فجر الأحد."
PARTIES = [KADHIMI, MILITIA, ISIS, ARMY, CIVILIANS]


@pytest.fixture(params=BACKENDS)
def backend_store(request, tmp_path):
    s = open_store(request.param, tmp_path)
    yield s
    s.close()


@pytest.fixture(params=["columns", "sql"])
def store(request, backend_store, monkeypatch):
    """Each test on both read paths: in-memory filter columns, and SQL."""
    from hadath.store import reading

    if request.param == "columns":
        monkeypatch.setattr(reading, "COLUMNS_REBUILD_S", 0.0)  # fresh after every write
    else:
        monkeypatch.setattr(reading, "COLUMNS_MAX_EVENTS", -1)  # never in memory
    backend_store.read_path = request.param
    return backend_store


def _fill(store: Store, n: int) -> None:
    """n articles, one event each, on distinct days and places, with rotating parties."""
    for i in range(n):
        place = [BASRA, SYRIA][i % 2]
        ev = event(date=f"2020-{1 + i % 12:02d}-{1 + i % 27:02d}", place=place,
                   actors=[PARTIES[i % 5]], recipients=[PARTIES[(i + 2) % 5]],
                   mode=["drone", "shelling", "firearms"][i % 3])
        store.add_result(result(f"r{i}", f"{TEXT} ({i})", [ev], date="2020-12-31"))


def test_counts_follow_writes_in_this_and_other_store_objects(store, tmp_path):
    _fill(store, 6)
    assert store.events(type="ASSAULT")[0] == 6
    assert store.events(actor="الكاظمي")[0] >= 1
    before_actor = store.events(actor="الكاظمي")[0]
    # Served from the caches now; a write through the same Store...
    store.add_result(result("new1", TEXT + " جديد", [event(date="2021-01-01", recipients=[KADHIMI])]))
    assert store.events(type="ASSAULT")[0] == 7
    assert store.events(actor="الكاظمي")[0] == before_actor + 1
    # ...and through another Store on the same database (another process).
    other = Store(store.url)
    try:
        other.add_result(result("new2", TEXT + " آخر", [event(date="2021-02-01", recipients=[KADHIMI])]))
    finally:
        other.close()
    assert store.events(type="ASSAULT")[0] == 8
    assert store.events(actor="الكاظمي")[0] == before_actor + 2
    assert store.events(actor="الكاظمي")[1][0]["date"] == "2021-02-01"


def test_failed_write_keeps_the_generation(store):
    _fill(store, 2)
    with store.engine.connect() as conn:
        before = store._generation(conn)
    with pytest.raises(RuntimeError), store.transaction():
        raise RuntimeError("rolled back")
    with store.engine.connect() as conn:
        assert store._generation(conn) == before
    store.add_result(result("x", TEXT + " x", []))
    with store.engine.connect() as conn:
        assert store._generation(conn) != before


@pytest.mark.parametrize("canonical", [True, False])
def test_pages_tile_the_ordered_result(store, canonical):
    _fill(store, 23)
    for filters in ({}, {"country": "SY"}, {"actor": "الجيش"}, {"q": "الكاظمي"},
                    {"bbox": (40.0, 25.0, 50.0, 35.0)}):
        total, everything = store.events(**filters, limit=None, canonical=canonical)
        assert total == len(everything) > 0
        pages = []
        for offset in range(0, total, 5):
            t, page = store.events(**filters, limit=5, offset=offset, canonical=canonical)
            assert t == total
            pages += page
        assert [e["id"] for e in pages] == [e["id"] for e in everything]
        keys = [((e["date"] or ""), e["id"]) for e in everything]
        assert keys == sorted(keys, key=lambda k: (-_ordinal(k[0]), k[1]))


def _ordinal(date: str) -> int:
    return int(date.replace("-", "").ljust(8, "0")) if date else -1


def test_article_level_pages_carry_place_and_trigger(store):
    _fill(store, 3)
    _, page = store.events(canonical=False, limit=3)
    assert all(e["place"]["name"] in ("Basra", "Syria") for e in page)
    assert all(e["trigger"]["text"] == "استهدفت" for e in page)
    assert all(e["canonical"] is False and e["actors"] for e in page)


@pytest.mark.parametrize("key", ["الكاظمي", "كاظم", "الج", "مد", "ي", "داعش", "فصائل مسلحة",
                                 'a"b', "%", "_", "مسلحه"])
def test_actor_index_selects_what_a_substring_scan_selects(store, key):
    _fill(store, 10)
    from hadath.store import dedup

    norm = dedup.party_key({"text": key})
    with store.engine.connect() as conn:
        expected_events = {r[0] for r in conn.execute(
            select(participants.c.event_id).where(func.instr(participants.c.norm, norm) > 0))
        } if norm and store.dialect == "sqlite" else None
    total, page = store.events(actor=key, canonical=False, limit=None)
    if expected_events is not None:
        assert {e["id"] for e in page} == expected_events
    assert total == len(page)


def test_an_older_store_gets_the_new_indexes_and_the_actor_index(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    s = Store(url)
    _fill(s, 5)
    with s.engine.begin() as conn:
        for trigger in ("participants_fts_ai", "participants_fts_ad", "participants_fts_au"):
            conn.exec_driver_sql(f"DROP TRIGGER {trigger}")
        conn.exec_driver_sql("DROP TABLE participant_fts")
        conn.exec_driver_sql("DROP INDEX ix_canonical_lon_lat")
    s.close()
    old = Store(url, create=False)
    assert old._participant_fts is False
    assert old.events(actor="الكاظمي")[0] >= 1  # the LIKE scan still answers
    old.close()
    s = Store(url)  # create(): the missing index and the actor index come back, filled
    try:
        assert s._participant_fts is True
        with s.engine.connect() as conn:
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            n_fts = conn.exec_driver_sql("SELECT count(*) FROM participant_fts").scalar()
            n_parts = conn.execute(select(func.count()).select_from(participants)).scalar()
        assert "ix_canonical_lon_lat" in names and n_fts == n_parts > 0
        assert s.events(actor="الكاظمي")[0] >= 1
        assert s.integrity_check()
    finally:
        s.close()


def test_generation_cache_bounds():
    cache = GenerationCache(max_entries=3, max_weight=10, weigh=len)
    cache.put("a", "g1", [1, 2, 3])
    assert cache.get("a", "g1") == [1, 2, 3]
    assert cache.get("a", "g2") is None  # another generation: not served
    assert cache.get("a", None) is None
    cache.put("b", "g1", list(range(6)))
    cache.put("c", "g1", list(range(4)))  # weight 13 > 10: the oldest ("a") goes
    assert cache.get("a", "g1") is None and cache.get("c", "g1") is not None
    cache.put("huge", "g1", list(range(11)))  # larger than the cache: not kept
    assert cache.get("huge", "g1") is None
    for k in "defg":
        cache.put(k, "g1", [0])
    assert len(cache) <= 3


def test_a_filled_store_gets_planner_statistics(tmp_path, monkeypatch):
    from hadath.store import store as store_module

    url = f"sqlite:///{tmp_path / 'stats.db'}"
    s = Store(url)
    _fill(s, 4)
    s.close()
    monkeypatch.setattr(store_module, "ANALYZE_MIN_EVENTS", 3)
    s = Store(url)  # filled by "an earlier version": analysed on open
    try:
        with s.engine.connect() as conn:
            n = conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar()
        assert n > 0
        assert s.events(actor="الكاظمي")[0] >= 1 and s.integrity_check()
    finally:
        s.close()


@pytest.mark.parametrize("canonical", [True, False])
def test_search_with_other_filters_equals_sql(store, canonical):
    # A search with other filters (link indexes and masks on the column
    # path, cached match lists on the SQL path) gives what the plain SQL gives.
    from sqlalchemy import select as sql_select

    _fill(store, 24)
    combos = [
        {"actor": "الكاظمي", "country": "sy"}, {"actor": "الجيش", "type": "assault", "mode": "drone"},
        {"q": "الكاظمي", "date_from": "2020-03-01", "date_to": "2020-09-30"},
        {"q": "الكاظمي", "admin1": "BASRA"}, {"q": "الكاظمي", "bbox": (40.0, 25.0, 50.0, 35.0)},
        {"actor": "مسلحة", "q": "بغداد", "country": "IQ"}, {"q": "الكاظمي", "admin1": "x\x00"},
        {"actor": "داعش", "type": "PROTEST"},
    ]
    for f in combos:
        args = {k: f.get(k) for k in ("type", "mode", "date_from", "date_to", "country",
                                       "admin1", "bbox", "actor", "q")}
        t, conds = store._event_query(canonical, *args.values())
        with store.engine.connect() as conn:
            expected = [r[0] for r in conn.execute(
                sql_select(t.c.id).where(*conds).order_by(t.c.date.desc().nulls_last(), t.c.id))]
        total, page = store.events(**f, limit=None, canonical=canonical)
        assert [e["id"] for e in page] == expected and total == len(expected), f
        # Served again from the caches: the same total.
        assert store.events(**f, limit=3, canonical=canonical)[0] == total


def test_column_and_sql_paths_agree_on_random_filters(backend_store, monkeypatch):
    import random

    from hadath.store import reading

    _fill(backend_store, 30)
    rng = random.Random(3)
    boxes = [None, (40.0, 25.0, 50.0, 35.0), (30.0, 30.0, 40.0, 40.0)]
    for _ in range(60):
        f = {"type": rng.choice([None, "assault", "PROTEST"]),
             "mode": rng.choice([None, "drone", "firearms"]),
             "date_from": rng.choice([None, "2020-03-01", "2020-06"]),
             "date_to": rng.choice([None, "2020-09-30", "2020-12"]),
             "country": rng.choice([None, "iq", "SY"]),
             "admin1": rng.choice([None, "basra", "BAGHDAD"]),
             "bbox": rng.choice(boxes),
             "actor": rng.choice([None, None, "الكاظمي", "الجيش"]),
             "q": rng.choice([None, None, "الكاظمي", "مسيرة"]),
             "canonical": rng.choice([True, False])}
        offset, limit = rng.choice([(0, 5), (3, 4), (0, None)])
        monkeypatch.setattr(reading, "COLUMNS_MAX_EVENTS", -1)
        by_sql = backend_store.events(**f, offset=offset, limit=limit)
        monkeypatch.setattr(reading, "COLUMNS_MAX_EVENTS", 2_000_000)
        by_columns = backend_store.events(**f, offset=offset, limit=limit)
        assert backend_store._columns  # the column path did run
        assert by_columns[0] == by_sql[0], f
        assert [e["id"] for e in by_columns[1]] == [e["id"] for e in by_sql[1]], f


def test_a_large_store_loads_its_filter_columns_in_the_background(tmp_path):
    import threading
    import time as time_

    s = Store(f"sqlite:///{tmp_path / 'warm.db'}")
    try:
        _fill(s, 5)
        s.warm(wait_limit=2)  # "large": 5 events > 2
        for t in threading.enumerate():
            if t.name == "hadath-warm":
                t.join(timeout=30)
        deadline = time_.monotonic() + 30
        while len(s._columns) < 2 and time_.monotonic() < deadline:
            time_.sleep(0.05)
        assert set(s._columns) == {True, False}
        assert s.events(type="ASSAULT")[0] == 5
    finally:
        s.close()
