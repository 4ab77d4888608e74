"""Ingest goes on when the database refuses one article; estimate_count is bomb-proof.

A refused batch is retried article by article: the refused article is
recorded in the errors table, every other article lands exactly once, and a
re-run neither stops at it nor stores anything twice.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from test_store_fixtures import BACKENDS, BASRA, KADHIMI, event, open_store, result

import hadath.batch
from hadath.store import Store
from hadath.store.ingest import estimate_count, ingest

N = 12
BAD = "art-5"  # the article the database refuses


def _text(i: int) -> str:
    return f"قالت الشرطة إن انفجارا وقع في المدينة رقم {i} " + " ".join(f"كلمة{i}_{k}" for k in range(25))


def _results() -> dict[str, dict]:
    out = {}
    for i in range(N):
        aid = f"art-{i}"
        evs = [event(date=f"2021-11-{1 + i % 9:02d}", place=BASRA if i % 2 else None,
                     recipients=[KADHIMI], injured=i)]
        out[aid] = result(aid, _text(i), evs)
    return out


RESULTS = _results()


@pytest.fixture
def news(tmp_path: Path) -> Path:
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "title": r["title"], "text": r["text"]},
                                       ensure_ascii=False) + "\n" for r in RESULTS.values()),
                    encoding="utf-8")
    return path


@pytest.fixture
def canned(monkeypatch):
    """hadath.batch.process answering with the prebuilt results (no extraction)."""
    def process(items, workers=1, reference_date=None, **_kw):
        for item in items:
            yield json.loads(json.dumps(RESULTS[item.id]))

    monkeypatch.setattr(hadath.batch, "process", process)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    s = open_store(request.param, tmp_path)
    yield s
    s.close()


REAL_ADD_TO = Store.add_to


def _refusing(exc: Exception, ids: set[str]):
    real = REAL_ADD_TO

    def add_to(self, conn, res, origin=None):
        if res.get("id") in ids:
            raise exc
        return real(self, conn, res, origin)

    return add_to


def _stored_ids(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT id FROM articles ORDER BY seq")]


def test_a_refused_article_is_recorded_and_the_run_goes_on(store, news, canned, monkeypatch):
    refusal = IntegrityError("INSERT ...", {}, Exception("value too long for type character varying(200)"))
    monkeypatch.setattr(Store, "add_to", _refusing(refusal, {BAD}))
    report = ingest([str(news)], store, progress=False, batch_size=4)
    assert (report.added, report.errors) == (N - 1, 1)
    ids = _stored_ids(store)
    assert sorted(ids) == sorted(k for k in RESULTS if k != BAD)  # each exactly once
    assert len(ids) == len(set(ids))
    errs = store.errors()
    assert len(errs) == 1 and errs[0]["article_id"] == BAD
    assert errs[0]["error"] == ("database refused the article: "
                                "Exception: value too long for type character varying(200)")
    assert report.events == store.stats()["events"] == N - 1
    assert store.integrity_check()
    # A re-run does not stop at the refused article, and stores nothing twice.
    again = ingest([str(news)], store, progress=False, batch_size=4)
    assert (again.added, again.errors, again.skipped) == (0, 0, N)
    assert store.stats()["articles"] == N - 1


def test_a_real_database_refusal_does_not_stop_ingest(store, news, monkeypatch):
    """No monkeypatched store: a casualty figure beyond 64 bits, which SQLite
    (OverflowError) and PostgreSQL (integer out of range) both refuse."""
    bad = json.loads(json.dumps(RESULTS[BAD]))
    bad["events"][0]["fatalities"] = 10**30

    def process(items, workers=1, reference_date=None, **_kw):
        for item in items:
            yield json.loads(json.dumps(bad if item.id == BAD else RESULTS[item.id]))

    monkeypatch.setattr(hadath.batch, "process", process)
    report = ingest([str(news)], store, progress=False, batch_size=5)
    assert (report.added, report.errors) == (N - 1, 1)
    assert sorted(_stored_ids(store)) == sorted(k for k in RESULTS if k != BAD)
    [err] = store.errors()
    assert err["error"].startswith("database refused the article: ")
    assert "SELECT" not in err["error"] and "INSERT" not in err["error"]  # no SQL, no text
    assert store.integrity_check()


def test_near_duplicate_index_survives_a_rolled_back_batch(store, tmp_path, monkeypatch):
    """Articles of the rolled-back batch are not left in the in-memory
    near-duplicate index: a rewrite stored later joins the group of the
    article that really landed."""
    story = ("قالت وزارة الدفاع العراقية في بيان إن طائرة مسيرة مفخخة استهدفت منزل رئيس الوزراء "
             "مصطفى الكاظمي في المنطقة الخضراء وسط بغداد فجر الأحد وإن رئيس الوزراء لم يصب بأذى "
             "بينما أصيب عدد من أفراد الحماية بجروح طفيفة ونقلوا إلى المستشفى لتلقي العلاج اللازم")
    results = {"d1": result("d1", story + " ا", []), "d2": result("d2", story + " ب", []),
               "d3": result("d3", story + " ج", [])}
    path = tmp_path / "dups.jsonl"
    path.write_text("".join(json.dumps({"id": k, "title": r["title"], "text": r["text"]},
                                       ensure_ascii=False) + "\n" for k, r in results.items()),
                    encoding="utf-8")

    def process(items, workers=1, reference_date=None, **_kw):
        for item in items:
            yield json.loads(json.dumps(results[item.id]))

    monkeypatch.setattr(hadath.batch, "process", process)
    monkeypatch.setattr(Store, "add_to", _refusing(ValueError("boom"), {"d1"}))
    report = ingest([str(path)], store, progress=False, batch_size=10)
    assert (report.added, report.errors) == (2, 1)
    assert store.article("d2")["dup_group"] == "d2"  # not the refused d1
    assert store.article("d3")["dup_group"] == "d2"
    [err] = store.errors()
    # Our own failure, not the article's: tried again on the next run.
    assert err["error"] == "internal error: storing failed: ValueError: boom"
    monkeypatch.undo()
    monkeypatch.setattr(hadath.batch, "process", process)
    retry = ingest([str(path)], store, progress=False)
    assert (retry.added, retry.skipped) == (1, 2)
    assert store.errors() == []  # resolved by the successful retry
    assert store.integrity_check()


def test_operational_errors_are_retried_next_run(store, news, canned, monkeypatch):
    locked = OperationalError("INSERT ...", {}, Exception("database is locked"))
    monkeypatch.setattr(Store, "add_to", _refusing(locked, {BAD}))
    report = ingest([str(news)], store, progress=False, batch_size=4)
    assert (report.added, report.errors) == (N - 1, 1)
    assert store.errors()[0]["error"] == "internal error: database: Exception: database is locked"
    monkeypatch.setattr(Store, "add_to", _refusing(locked, set()))
    retry = ingest([str(news)], store, progress=False)
    assert retry.added == 1
    assert sorted(_stored_ids(store)) == sorted(RESULTS)


def test_a_dead_database_stops_the_run_instead_of_blaming_articles(store, news, canned, monkeypatch):
    gone = OperationalError("INSERT ...", {}, Exception("server closed the connection unexpectedly"))
    monkeypatch.setattr(Store, "add_to", _refusing(gone, {BAD}))
    monkeypatch.setattr("hadath.store.ingest._database_alive", lambda st: False)
    with pytest.raises(OperationalError):
        ingest([str(news)], store, progress=False, batch_size=4)
    assert store.errors() == []  # nothing blamed on the article
    # The batch before it stays, and so does the article before it in its
    # own batch (stored alone while the batch was retried).
    assert sorted(_stored_ids(store)) == [f"art-{i}" for i in range(5)]
    monkeypatch.undo()
    monkeypatch.setattr(hadath.batch, "process", lambda items, **_kw: (
        json.loads(json.dumps(RESULTS[i.id])) for i in items))
    resumed = ingest([str(news)], store, progress=False, batch_size=4)
    assert (resumed.added, resumed.skipped) == (N - 5, 5)
    assert store.integrity_check()


def test_estimate_count_refuses_a_gzip_bomb_quickly(tmp_path):
    bomb = tmp_path / "bomb.jsonl.gz"
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\n" * (1 << 20)
    with open(bomb, "wb") as fh:
        for _ in range(64):  # 64 MB of blank lines in ~64 KB
            fh.write(comp.compress(block))
        fh.write(comp.flush())
    assert bomb.stat().st_size < 200_000
    # Refused by the guard after about a megabyte: no count, no full decompression.
    assert estimate_count(str(bomb)) is None


def test_estimate_count_counts_small_files_and_extrapolates_big_ones(tmp_path, monkeypatch):
    lines = [json.dumps({"id": i, "text": _text(i % 50)}, ensure_ascii=False) + "\n" for i in range(3000)]
    plain, packed = tmp_path / "a.jsonl", tmp_path / "a.jsonl.gz"
    plain.write_text("".join(lines), encoding="utf-8")
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    (tmp_path / "b.jsonl").write_text("".join(lines[:2]) + '{"text": "no newline"}', encoding="utf-8")
    assert estimate_count(str(plain)) == estimate_count(str(packed)) == 3000
    assert estimate_count(str(tmp_path / "b.jsonl")) == 3
    monkeypatch.setattr("hadath.store.ingest.EXACT_COUNT_BYTES", plain.stat().st_size // 10)
    for path in (plain, packed):
        assert abs(estimate_count(str(path)) - 3000) < 300
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(b"\x1f\x8b not gzip at all")
    assert estimate_count(str(bad)) is None


def test_an_over_long_id_does_not_stop_ingest(store, news, monkeypatch):
    """PostgreSQL refuses an id longer than the column (VARCHAR(200)); SQLite
    stores it.  Either way every other article lands exactly once."""
    long_id = "x" * 300

    def process(items, workers=1, reference_date=None, **_kw):
        for item in items:
            r = json.loads(json.dumps(RESULTS[item.id]))
            if item.id == BAD:
                r["id"] = long_id
            yield r

    monkeypatch.setattr(hadath.batch, "process", process)
    report = ingest([str(news)], store, progress=False, batch_size=4)
    others = sorted(k for k in RESULTS if k != BAD)
    ids = _stored_ids(store)
    assert sorted(i for i in ids if i != long_id) == others and len(ids) == len(set(ids))
    if store.dialect == "postgresql":
        assert (report.added, report.errors) == (N - 1, 1)
        [err] = store.errors()
        assert err["error"].startswith("database refused the article: StringDataRightTruncation")
        assert err["article_id"] == long_id[:200]
    else:
        assert (report.added, report.errors) == (N, 0)
    assert store.integrity_check()
    again = ingest([str(news)], store, progress=False)
    assert (again.added, again.errors) == (0, 0)


def test_cli_ingest_says_when_the_database_is_unreachable(news, capsys):
    from hadath.cli import main

    code = main(["ingest", str(news), "--db", "postgresql://nobody:x@127.0.0.1:1/none", "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("hadath: database error: OperationalError: ")
    assert "run again to resume" in err and "Traceback" not in err
