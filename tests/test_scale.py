"""Scale: partitions, the batch pool's fast paths, shards and a Dask LocalCluster run."""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
from itertools import islice
from pathlib import Path

import orjson
import pytest

from hadath.batch import check_article, process
from hadath.readers import Article, iter_articles
from hadath.scale.partitions import plan, read
from tests.conftest import SHARED

NEWS = SHARED / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"
ARABIC = "هاجم مسلحون قرية قرب بغداد يوم الأحد وقتلوا ثلاثة أشخاص."


def _old_check_counts(text: str) -> tuple[int, int]:
    """The character loop check_article used before (the reference)."""
    letters = arabic = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufefc":
                arabic += 1
    return letters, arabic


@pytest.mark.parametrize("text", [
    ARABIC, "hello world", "English text with a little عربي", "١٢٣ ٤٥٦ 789", "ـــ ، ؟",
    "ﻻ ﷲ ﺑﻐﺪﺍﺩ mixed ﻻ", "Ünïcödé ßtraße ما", "اَلسَّلامُ عَلَيْكُمْ",
])
def test_check_article_agrees_with_character_loop(text):
    letters, arabic = _old_check_counts(text)
    problem = check_article(Article(text=text))
    if letters == 0:
        assert problem is not None and problem.startswith("no letters")
    elif arabic / letters < 0.3:
        assert problem is not None and problem.startswith("not Arabic")
    else:
        assert problem is None


def _jsonl(path: Path, records: list[object], gz: bool) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) if not isinstance(r, str) else r for r in records]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if gz:
        path = path.with_suffix(".jsonl.gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("size", [1, 3, 7, 100])
def test_partitions_read_exactly_what_a_single_reader_reads(tmp_path, gz, size):
    records: list[object] = [{"id": str(i), "text": ARABIC} for i in range(12)]
    records[4] = "{not json"
    records[6] = ""  # blank line: no item, but line numbers go on
    records[9] = [1, 2]
    path = _jsonl(tmp_path / "in.jsonl", records, gz)
    parts = plan([str(path)], size)
    assert [p.index for p in parts] == list(range(len(parts)))
    got = [(i.origin, getattr(i, "id", None), type(i).__name__) for p in parts for i in read(p)]
    want = [(i.origin, getattr(i, "id", None), type(i).__name__) for i in iter_articles(path)]
    assert got == want
    assert len(want) == 11


def test_partitions_group_other_files(tmp_path):
    files = []
    for i in range(5):
        f = tmp_path / f"a{i}.txt"
        f.write_text(f"عنوان {i}\n{ARABIC}", encoding="utf-8")
        files.append(str(f))
    jl = _jsonl(tmp_path / "b.jsonl", [{"id": "x", "text": ARABIC}], gz=False)
    parts = plan(files[:3] + [str(jl)] + files[3:], size=2)
    assert [p.files for p in parts] == [
        tuple(files[:2]), (files[2],), (str(jl),), tuple(files[3:])]
    assert [i.origin for p in parts for i in read(p)] == files[:3] + [f"{jl}:1"] + files[3:]


def test_small_input_is_processed_in_process_with_same_results(tmp_path):
    items = [Article(text=ARABIC, id=str(i), title="هجوم", origin=f"x:{i}") for i in range(3)]
    assert list(process(items, workers=2, batch_size=4)) == list(process(items, workers=1))


def test_encoded_results_in_the_pool_equal_the_objects():
    from hadath.batch import process_encoded

    items = [Article(text=ARABIC if i % 5 else "", id=str(i), title="هجوم", origin=f"x:{i}")
             for i in range(20)]
    want = list(process(items, workers=1))
    got = list(process_encoded(items, workers=2, batch_size=3))
    assert [orjson.loads(b) for _, b in got] == want
    assert [ok for ok, _ in got] == ["error" not in r for r in want]
    assert sum(ok for ok, _ in got) == 16


def test_one_worker_freezes_the_loaded_state_once_after_the_first_article():
    # In a fresh interpreter: freezing is once per process.
    code = """
import gc, json
from hadath.batch import process
from hadath.readers import Article
from tests.test_scale import ARABIC
calls = []
freeze = gc.freeze
gc.freeze = lambda: (calls.append(1), freeze())
items = [Article(text=ARABIC, id=str(i), origin=f"x:{i}") for i in range(3)]
seen = []
for out in process(items, workers=1):
    assert "error" not in out
    seen.append([len(calls), gc.get_freeze_count()])
list(process(items[:2], workers=1))
print(json.dumps({"seen": seen, "calls": len(calls)}))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent, check=True)
    got = json.loads(run.stdout)
    assert got["seen"][0] == [0, 0]
    assert all(calls == 1 and frozen > 10_000 for calls, frozen in got["seen"][1:])
    assert got["calls"] == 1  # not again for the second stream


def test_bench_runs_on_a_small_sample(tmp_path):
    from hadath.scale.bench import format_report, run_bench

    path = _jsonl(tmp_path / "in.jsonl", [{"id": str(i), "title": "هجوم", "text": ARABIC}
                                          for i in range(3)], gz=False)
    rep = run_bench(str(path), limit=3, workers=None, cold_runs=0)
    stages = {r["stage"] for r in rep["stages"]["stages"]}
    assert {"entities", "times", "places", "events"} <= {s.split(".")[0] for s in stages}
    assert rep["stages"]["articles"] == rep["stages"]["ok"] == 3 and rep["stages"]["cpu_s"] > 0
    assert rep["stages"]["peak_rss_mb"] > 10
    assert {"entities.annotate", "times"} <= set(rep["stages"]["title_stages_ms"])  # title stages timed too
    assert "articles per CPU second" in format_report(rep)
    assert rep["stages"]["warm_articles"] == 0 and "cold caches" in format_report(rep)
    host = rep["stages"]["host"]  # one window (3 articles, fewer than PROBE_EVERY), and fast
    assert (host["windows"], host["fast_windows"], host["fast_articles"]) == (1, 1, 3)
    assert host["fast_articles_per_cpu_s"] == pytest.approx(3 / rep["stages"]["cpu_s"], rel=0.01)


def test_bench_warms_on_other_articles(tmp_path):
    from hadath.scale.bench import format_report, run_bench

    path = _jsonl(tmp_path / "in.jsonl", [{"id": str(i), "title": "هجوم", "text": ARABIC + f" ({i})"}
                                          for i in range(5)], gz=False)
    rep = run_bench(str(path), limit=3, workers=None, cold_runs=0, warm=2)
    assert rep["stages"]["articles"] == 3 and rep["stages"]["warm_articles"] == 2
    assert "after 2 other articles untimed" in format_report(rep)


def test_bench_scaling_rounds_pair_each_speedup_with_its_own_round(tmp_path, monkeypatch):
    from hadath.scale import bench
    from hadath.scale.bench import format_report, run_bench

    ceilings = iter([1.9, 1.7])
    monkeypatch.setattr(bench, "host_parallel_speedup", lambda n: next(ceilings))
    path = _jsonl(tmp_path / "in.jsonl", [{"id": str(i), "title": "هجوم", "text": ARABIC + f" ({i})"}
                                          for i in range(20)], gz=False)
    rep = run_bench(str(path), limit=20, workers=[1, 2], cold_runs=0, stages=False, rounds=2)
    rows = rep["scaling"]["rows"]
    assert [(r["round"], r["workers"], r["articles"]) for r in rows] == [
        (1, 1, 20), (1, 2, 20), (2, 1, 20), (2, 2, 20)]
    for r in rows:
        one = next(x for x in rows if x["round"] == r["round"] and x["workers"] == 1)
        assert r["speedup"] == pytest.approx(r["articles_per_s"] / one["articles_per_s"])
    two = next(x for x in rep["scaling"]["summary"] if x["workers"] == 2)
    assert two["median_speedup"] == pytest.approx((rows[1]["speedup"] + rows[3]["speedup"]) / 2)
    assert "median of 2 rounds,   2 worker(s)" in format_report(rep)
    # The host's own ceiling is measured before each round and reported beside it.
    assert two["host_ceiling"] == [1.9, 1.7] and two["median_host_ceiling"] == pytest.approx(1.8)
    assert "1.90x, 1.70x; median 1.80x" in format_report(rep)


def test_host_parallel_speedup_is_measured_by_forked_processes():
    from hadath.scale.bench import host_parallel_speedup

    # Two processes of the fixed workload: between one core's worth (a busy
    # host) and two.  A loose bound: this only checks that it runs and measures.
    assert 0.5 < host_parallel_speedup(2, trials=1, repeats=20) < 2.6


# -- Dask LocalCluster ------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """40 conflict articles spread over the file, a malformed line and an empty article."""
    if not NEWS.exists():
        pytest.skip(f"news data not found at {NEWS}")
    with gzip.open(NEWS, "rb") as fh:
        lines = [line.rstrip(b"\n") for line in islice(fh, 0, 40 * 85, 85)]
    lines[10:10] = [b"{broken", orjson.dumps({"id": "empty", "text": ""})]
    path = tmp_path_factory.mktemp("scale") / "sample.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    return path


@pytest.fixture(scope="module")
def reference(sample) -> list[dict]:
    return list(process(iter_articles(sample), workers=1))


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("distributed")
    from hadath.scale import dask_engine

    c = dask_engine.connect(workers=2)
    yield c
    dask_engine.close(c)


def test_dask_run_gives_the_single_process_results_in_order(sample, reference, client):
    from hadath.scale import dask_engine

    lines: list[bytes] = []
    rep = dask_engine.run([str(sample)], client, partition_size=9, on_result=lines.append)
    assert [orjson.loads(x) for x in lines] == reference
    assert rep.partitions == 5 and rep.articles == len(reference) == 42
    assert rep.errors == sum("error" in r for r in reference) >= 2
    assert rep.events == sum(len(r.get("events") or ()) for r in reference)
    assert rep.events > 0
    # Articles are counted per worker; which worker takes which partition is
    # the scheduler's choice (under load one worker may take them all).
    assert 1 <= len(rep.per_worker) <= 2 and sum(rep.per_worker.values()) == rep.articles


def test_dask_shards_jsonl_and_parquet_resume(sample, reference, client, tmp_path):
    import pyarrow.parquet as pq

    from hadath.scale import dask_engine

    rep = dask_engine.run([str(sample)], client, partition_size=15, out_dir=str(tmp_path / "j"))
    shards = sorted((tmp_path / "j").glob("part-*.jsonl"))
    assert [s.name for s in shards] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    got = [orjson.loads(line) for s in shards for line in s.read_bytes().splitlines()]
    assert got == reference and rep.articles == 42

    again = dask_engine.run([str(sample)], client, partition_size=15, out_dir=str(tmp_path / "j"))
    assert again.articles == 0 and again.skipped == 3  # finished shards are not redone

    dask_engine.run([str(sample)], client, partition_size=15, out_dir=str(tmp_path / "p"),
                    fmt="parquet")
    arts = pq.read_table(sorted((tmp_path / "p").glob("articles-*.parquet"))).to_pylist()
    evs = pq.read_table(sorted((tmp_path / "p").glob("events-*.parquet"))).to_pylist()
    assert [a["id"] for a in arts] == [r["id"] for r in reference]
    assert [orjson.loads(a["document"]) for a in arts] == reference
    want = [(r["id"], i, e["type"], e) for r in reference for i, e in enumerate(r.get("events") or ())]
    assert [(e["article_id"], e["event_index"], e["type"], orjson.loads(e["event"]))
            for e in evs] == want
    assert {f"{sample}:11", f"{sample}:12"} <= {a["origin"] for a in arts if a["error"]}


def test_dask_run_into_a_store_is_idempotent(sample, reference, client, tmp_path):
    from hadath.scale import dask_engine

    db = tmp_path / "h.db"
    rep = dask_engine.run([str(sample)], client, partition_size=15, db=f"sqlite:///{db}")
    ok = [r for r in reference if "error" not in r]
    assert rep.articles == len(ok) and rep.errors == len(reference) - len(ok)
    assert rep.events == sum(len(r.get("events") or ()) for r in ok)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == len(ok)
        assert conn.execute("select count(*) from events").fetchone()[0] == rep.events
    again = dask_engine.run([str(sample)], client, partition_size=15, db=f"sqlite:///{db}")
    assert again.articles == 0 and again.errors == 0 and again.skipped == 42


def test_cli_extract_engine_dask_on_a_scheduler_matches_local(sample, reference, client,
                                                               tmp_path):
    out = tmp_path / "out.jsonl"
    run = subprocess.run([sys.executable, "-m", "hadath", "extract", "--engine", "dask",
                          "--scheduler", client.scheduler.address, "--partition-size", "20",
                          "-o", str(out), str(sample)], capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    assert [orjson.loads(x) for x in out.read_bytes().splitlines()] == reference
    assert b"3 partitions on 2 workers" in run.stderr
