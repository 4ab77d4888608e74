"""The bad-input corpus through `hadath extract` and `hadath ingest`, as subprocesses.

Every file of tests/bad_inputs.py gives, in order, one output object per
article: the good article exactly as written, or an error saying what is
wrong; the batch goes on past every bad one; the process's peak memory
stays bounded (measured with wait4's rusage of that very child) although
the corpus holds a 50 MB article, an 18 MB JSON line and gigabyte gzip
bombs.  `hadath ingest` over the same files stores every good article
exactly once and nothing else, and the store passes its integrity check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bad_inputs import SEED, Bad, Case, Good, build_corpus  # noqa: E402
from spans import assert_offsets_agree  # noqa: E402

if not SEED.exists():
    pytest.skip(f"seed article missing: {SEED}", allow_module_level=True)

MAX_RSS_BYTES = 1024 * 1024 * 1024  # peak resident memory allowed to one run
TIMEOUT_S = 300


def run_measured(args: list[str], cwd: Path) -> tuple[int, int, str]:
    """(exit status, peak RSS in bytes, stderr) of `python -m hadath ARGS`."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("HADATH_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "hadath", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Read stderr to the end, then reap with wait4 to get this child's own rusage
    # (RUSAGE_CHILDREN would mix in every earlier child of the test process).
    try:
        assert proc.stderr is not None
        err = proc.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        if proc.returncode is None and proc.poll() is None:
            proc.kill()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss * 1024, err


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case]]:
    folder = tmp_path_factory.mktemp("bad-inputs")
    return folder, build_corpus(folder)


def expectations(cases: list[Case]) -> list[tuple[str, Case, Good | Bad]]:
    return [(c.name, c, e) for c in cases for e in c.expect]


def check_object(name: str, case: Case, expect: Good | Bad, out: dict) -> None:
    if isinstance(expect, Bad):
        if case.or_text is not None and "error" not in out:
            assert case.or_text in out["text"], (name, out["text"][:200])
            return
        assert "error" in out, (name, "expected an error", out.get("text", "")[:200])
        assert isinstance(out["error"], str) and out["error"].strip()
        assert any(w in out["error"] for w in expect.words), (name, out["error"], expect.words)
        return
    assert "error" not in out, (name, out.get("error"))
    assert out["title"] == expect.title, (name, out["title"])
    assert out["text"] == expect.text, (name, "text differs from the article as written")
    assert out["language"] == "ar"
    assert_offsets_agree(out)
    for bad in case.text_free_of:
        assert bad not in out["text"] and bad not in (out["title"] or ""), (name, bad)


def test_extract_gives_one_object_per_article_in_order(corpus, tmp_path: Path) -> None:
    folder, cases = corpus
    out_path = tmp_path / "out.jsonl"
    code, rss, err = run_measured(
        ["extract", *[str(folder / c.name) for c in cases], "--workers", "1", "-o",
         str(out_path)], cwd=tmp_path)
    assert code == 0, err[-2000:]
    assert rss < MAX_RSS_BYTES, f"peak RSS {rss / 2**20:.0f} MB"
    print(f"hadath extract over the bad-input corpus: peak RSS {rss / 2**20:.0f} MB")
    outputs = [orjson.loads(line) for line in out_path.read_bytes().splitlines()]
    wanted = expectations(cases)
    assert len(outputs) == len(wanted), [o.get("error") for o in outputs]
    for (name, case, expect), out in zip(wanted, outputs, strict=True):
        check_object(name, case, expect, out)
    # The last file is a good article: nothing before it stopped the batch.
    assert "error" not in outputs[-1]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_ingest_stores_every_good_article_once(corpus, tmp_path: Path, backend: str) -> None:
    from hadath.store import Store

    folder, cases = corpus
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = os.environ.get("HADATH_TEST_PG_URL", "")
        if not url:
            pytest.skip("HADATH_TEST_PG_URL not set (scripts/ci/start_postgres.sh)")
        from test_store_fixtures import reset_pg

        reset_pg(url)
    code, rss, err = run_measured(
        ["ingest", *[str(folder / c.name) for c in cases], "--db", url, "--workers", "1",
         "--quiet"], cwd=tmp_path)
    assert code == 0, err[-2000:]
    assert rss < MAX_RSS_BYTES, f"peak RSS {rss / 2**20:.0f} MB"
    print(f"hadath ingest ({backend}) over the bad-input corpus: peak RSS {rss / 2**20:.0f} MB")
    goods = {(e.title, e.text) for _, _, e in expectations(cases) if isinstance(e, Good)}
    with Store(url, create=False) as store:
        assert store.integrity_check()
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT title, text FROM articles").all()
            n_errors = conn.exec_driver_sql("SELECT count(*) FROM errors").scalar()
    stored = [(t, x) for t, x in rows]
    assert len(stored) == len(set(stored)), "an article is stored twice"
    assert goods <= set(stored), "a good article was lost"
    # Beyond them, only pages that may fail or give their text (deep nesting).
    maybe = {c.or_text for c in cases if c.or_text}
    assert all(text in maybe for _, text in set(stored) - goods)
    for _, text in stored:
        assert "<script" not in text and "alert(" not in text
    n_bad = sum(1 for _, _, e in expectations(cases) if isinstance(e, Bad))
    assert 0 < n_errors <= n_bad


def test_stdin_gives_the_same_objects(corpus, tmp_path: Path) -> None:
    """JSON Lines and binary garbage on standard input: same per-article answers."""
    folder, cases = corpus
    mixed = next(c for c in cases if c.name.endswith("mixed.jsonl"))
    for name, expect in ((mixed.name, mixed.expect), ("03-binary-nul.txt", [Bad(("binary",))])):
        data = (folder / name).read_bytes()
        proc = subprocess.run([sys.executable, "-m", "hadath", "extract", "-", "--workers", "1"],
                              input=data, capture_output=True, timeout=TIMEOUT_S, cwd=tmp_path)
        outputs = [orjson.loads(line) for line in proc.stdout.splitlines()]
        assert len(outputs) == len(expect), (name, proc.stderr[-1000:])
        case = Case(name, list(expect))
        for exp, out in zip(expect, outputs, strict=True):
            check_object(name, case, exp, out)
        assert proc.returncode == (0 if any(isinstance(e, Good) for e in expect) else 1)
