"""Dedup and near-duplicate grouping stay bounded with many copies of one story.

Hundreds of copies of one agency story must not make each insert compare
against the whole group; these tests shrink the caps so that a few dozen
copies exercise them, and check that merges and counts stay right.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event as sa_event
from test_store_fixtures import BACKENDS, BAGHDAD, KADHIMI, MILITIA, event, open_store, result

from hadath.store import dedup, neardup
from hadath.store.store import Store

STORY = ("قالت وزارة الدفاع العراقية في بيان إن طائرة مسيرة مفخخة استهدفت منزل رئيس الوزراء "
         "مصطفى الكاظمي في المنطقة الخضراء وسط بغداد فجر الأحد وإن رئيس الوزراء لم يصب بأذى "
         "بينما أصيب عدد من أفراد الحماية بجروح طفيفة ونقلوا إلى المستشفى لتلقي العلاج اللازم")
N_COPIES = 24


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path, monkeypatch):
    monkeypatch.setattr(dedup, "MAX_GROUP_ARTICLES", 4)
    monkeypatch.setattr(neardup, "MAX_INDEXED_PER_GROUP", 3)
    s = open_store(request.param, tmp_path)
    yield s
    s.close()


def _copy(k: int) -> dict:
    # Every copy reports the attack on Kadhimi and, without a place, the
    # militias' claim (a report with no place joins only related events).
    return result(f"c{k}", STORY + f" (نسخة {k})", [
        event(recipients=[KADHIMI], injured=6 + k % 3),
        event(place=None, actors=[MILITIA], type="COERCE", acled=None, mode=None),
    ], source=f"وكالة {k % 5}")


def _canonical(store: Store) -> dict[str, dict]:
    return {r["type"]: store.event(r["id"]) for r in store.events(limit=None)[1]}


def test_many_copies_merge_into_one_event_per_report(store):
    for k in range(N_COPIES):
        store.add_result(_copy(k))
    stats = store.stats()
    assert stats["near_duplicate_groups"] == 1
    assert stats["articles_in_near_duplicate_groups"] == N_COPIES
    canon = _canonical(store)
    assert stats["canonical_events"] == 2 and set(canon) == {"ASSAULT", "COERCE"}
    for c in canon.values():
        assert (c["n_reports"], c["n_articles"]) == (N_COPIES, N_COPIES)
        # Every report is listed once, in ingest order, with its article.
        assert [s["article_id"] for s in c["sources"]] == [f"c{k}" for k in range(N_COPIES)]
        assert [s["source"] for s in c["sources"]] == [f"وكالة {k % 5}" for k in range(N_COPIES)]
    assert canon["ASSAULT"]["injured"] == 6  # the lowest figure reported
    assert store.integrity_check()
    before = {t: (c["n_reports"], c["n_articles"], c["sources"]) for t, c in canon.items()}
    assert store.rebuild_canonical() == (2 * N_COPIES, 2)
    after = {t: (c["n_reports"], c["n_articles"], c["sources"]) for t, c in _canonical(store).items()}
    assert after == before


def test_two_reports_of_one_article_count_one_article(store):
    store.add_result(result("a1", STORY, [event(recipients=[KADHIMI]),
                                          event(recipients=[KADHIMI], place=None)]))
    [c] = store.events()[1]
    assert (c["n_reports"], c["n_articles"]) == (2, 1)
    store.add_result(result("a2", STORY + " وأكدت", [event(recipients=[KADHIMI], place=BAGHDAD)]))
    [c] = store.events()[1]
    assert (c["n_reports"], c["n_articles"]) == (3, 2)
    assert [s["article_id"] for s in store.event(c["id"])["sources"]] == ["a1", "a1", "a2"]


def test_insert_cost_does_not_grow_with_the_group(store):
    """The statements run for a copy, and the rows they read, are the same
    for the 10th copy as for the 24th: nothing scales with the group."""
    work: list[tuple[int, int]] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        n = len(parameters) if isinstance(parameters, list | tuple | dict) else 0
        work[-1] = (work[-1][0] + 1, work[-1][1] + n)

    sa_event.listen(store.engine, "before_cursor_execute", count)
    try:
        for k in range(N_COPIES):
            work.append((0, 0))
            store.add_result(_copy(k))
    finally:
        sa_event.remove(store.engine, "before_cursor_execute", count)
    assert work[10] == work[-1]
    assert store.integrity_check()


def test_lsh_index_holds_a_bounded_share_of_a_group(store, tmp_path):
    for k in range(10):
        store.add_result(_copy(k))
    sig = neardup.signature(None, STORY + " (نسخة جديدة)")
    with store.engine.connect() as conn:
        index = store._near_index(conn)
    assert len(index.lsh.query(sig)) == neardup.MAX_INDEXED_PER_GROUP
    # A fresh Store (index rebuilt from the stored signatures) groups the
    # next copy the same way.
    again = Store(store.url, create=False)
    try:
        again.add_result(_copy(99))
        assert again.article("c99")["dup_group"] == "c0"
        with again.engine.connect() as conn:
            assert len(again._near_index(conn).lsh.query(sig)) == neardup.MAX_INDEXED_PER_GROUP
    finally:
        again.close()


def test_near_duplicate_index_rollback_forgets_only_the_uncommitted(monkeypatch):
    monkeypatch.setattr(neardup, "MAX_INDEXED_PER_GROUP", 3)
    index = neardup.NearDuplicateIndex()
    sig = lambda k: neardup.signature(None, STORY + f" (نسخة {k})")  # noqa: E731
    index.add_stored("s0", None, neardup.to_bytes(sig(0)))
    assert index.group_of("a1", sig(1)) == "s0"
    index.commit()
    assert index.group_of("a2", sig(2)) == "s0"
    assert index.group_of("a3", sig(3)) == "s0"
    assert "a3" not in index.sigs  # grouped, not indexed: the group's cap (3) is reached
    index.rollback()
    assert set(index.groups) == {"s0", "a1"} and set(index.sigs) == {"s0", "a1"}
    assert set(index.lsh.query(sig(4))) == {"s0", "a1"}
    assert index.group_of("a4", sig(4)) == "s0"
    assert set(index.sigs) == {"s0", "a1", "a4"}  # room again after the rollback
