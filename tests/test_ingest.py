"""Ingest: idempotent, resumable, errors recorded; SQLite and PostgreSQL agree.

Runs the real pipeline over 30 articles of the conflict set (each article is
extracted once per test session and the result memoised, so both back ends
and the re-runs cost no extra extraction).
"""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest
from test_store_fixtures import BACKENDS, open_store

import hadath.batch

NEWS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"
N_SAMPLE = 30

_memo: dict[tuple[str, str], dict] = {}


def _memo_process(items, workers=1, reference_date=None, **_kw):
    for item in items:
        key = (item.origin, getattr(item, "text", None) or getattr(item, "error", ""))
        if key not in _memo:
            _memo[key] = hadath.batch.process_item(item, reference_date)
        yield _memo[key]


@pytest.fixture
def memo_pipeline(monkeypatch):
    monkeypatch.setattr(hadath.batch, "process", _memo_process)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    if not NEWS.exists():
        pytest.skip(f"news data not found at {NEWS}")
    path = tmp_path_factory.mktemp("news") / "sample.jsonl"
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        lines = list(itertools.islice(fh, N_SAMPLE))
    lines.append("{this is not json\n")
    lines.append(json.dumps({"id": "en-1", "text": "An English article, not Arabic at all."}) + "\n")
    lines.append(lines[0])  # the same article twice in one input
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    s = open_store(request.param, tmp_path)
    yield s
    s.close()


def test_ingest_twice_adds_nothing_the_second_time(store, sample, memo_pipeline):
    from hadath.store.ingest import ingest

    first = ingest([str(sample)], store, progress=False, batch_size=8)
    assert first.read == N_SAMPLE + 3
    assert first.skipped == 1  # the repeated article
    stats = store.stats()
    internal = sum(1 for e in store.errors() if e["error"].startswith("internal error"))
    assert first.added + first.errors == N_SAMPLE + 2
    assert stats["articles"] == first.added >= N_SAMPLE - internal
    assert stats["errors"] == first.errors >= 2
    assert {e["error"].split(":")[0] for e in store.errors()} >= {"malformed JSON line", "not Arabic"}
    assert stats["events"] == first.events
    assert store.integrity_check()
    second = ingest([str(sample)], store, progress=False)
    assert (second.added, second.errors, second.events) == (0, 0, 0)
    assert second.skipped == N_SAMPLE + 3 - internal
    again = store.stats()
    for key in ("articles", "events", "canonical_events", "errors"):
        assert again[key] == stats[key]


def test_ingest_resumes_after_interruption(store, sample, memo_pipeline, monkeypatch):
    from hadath.store.ingest import ingest

    def interrupted(items, workers=1, reference_date=None, **kw):
        for i, r in enumerate(_memo_process(items, workers, reference_date)):
            if i == 13:
                raise KeyboardInterrupt
            yield r

    monkeypatch.setattr(hadath.batch, "process", interrupted)
    report = ingest([str(sample)], store, progress=False, batch_size=5)
    assert report.interrupted
    assert store.stats()["articles"] + store.stats()["errors"] == 10  # two whole batches kept
    monkeypatch.setattr(hadath.batch, "process", _memo_process)
    rest = ingest([str(sample)], store, progress=False, batch_size=5)
    assert rest.skipped == 10 + 1
    stats = store.stats()
    assert stats["articles"] + stats["errors"] == N_SAMPLE + 2
    assert store.integrity_check()


def test_sqlite_and_postgresql_give_the_same_counts(sample, tmp_path, memo_pipeline):
    from hadath.store.ingest import ingest

    counts = []
    for kind in BACKENDS:
        with open_store(kind, tmp_path) as s:
            ingest([str(sample)], s, progress=False)
            st = s.stats()
            counts.append({k: st[k] for k in ("articles", "events", "canonical_events", "errors",
                                               "near_duplicate_groups", "by_type", "by_country")})
    assert counts[0] == counts[1]


def test_folders_and_globs_are_expanded(tmp_path):
    from hadath.store.ingest import estimate_count, expand_paths

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("عنوان\nنص", encoding="utf-8")
    (tmp_path / "a" / "two.jsonl").write_text('{"text": "نص"}\n{"text": "نص آخر"}\n', encoding="utf-8")
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "a" / ".hidden.txt").write_text("x", encoding="utf-8")
    found = expand_paths([str(tmp_path / "a")])
    assert [Path(f).name for f in found] == ["one.txt", "two.jsonl"]
    assert expand_paths([str(tmp_path / "a" / "*.jsonl")]) == [str(tmp_path / "a" / "two.jsonl")]
    assert estimate_count(found[1]) == 2 and estimate_count(found[0]) == 1
    assert expand_paths([str(tmp_path / "missing.txt")]) == [str(tmp_path / "missing.txt")]
