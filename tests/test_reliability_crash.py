"""Crash safety: `hadath ingest` killed with SIGKILL mid-run, then run again.

The first run is killed (kill -9: no cleanup, no atexit, no rollback
handler) once some batches are committed and while others are in flight.
The store must then pass its integrity check as it stands, and after a
second run hold every article of the input exactly once, with events and
canonical events consistent (Store.integrity_check: SQLite's
`PRAGMA integrity_check`, foreign keys, the FTS index, event counts).
The PostgreSQL variant runs when HADATH_TEST_PG_URL is set
(`eval "$(bash scripts/ci/start_postgres.sh)"`).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bad_inputs import NEWS  # noqa: E402

PG_URL = os.environ.get("HADATH_TEST_PG_URL")
N_ARTICLES = 40
BATCH = 4  # articles per commit in the killed run
KILL_AFTER = 8  # articles committed before the kill


def write_news(path: Path, n: int) -> list[tuple[str | None, str]]:
    """The first `n` usable articles of the real news corpus, as JSON Lines."""
    if not NEWS.exists():
        pytest.skip(f"news corpus missing: {NEWS}")
    out: list[tuple[str | None, str]] = []
    with gzip.open(NEWS, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
        for line in src:
            obj = json.loads(line)
            if len(obj.get("text") or "") < 300 or (obj.get("title"), obj["text"]) in out:
                continue
            dst.write(json.dumps({k: obj.get(k) for k in ("id", "title", "text", "date", "source")},
                                 ensure_ascii=False) + "\n")
            out.append((obj.get("title"), obj["text"]))
            if len(out) >= n:
                break
    return out


def count_articles(url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM articles")).scalar_one())
    except (OperationalError, ProgrammingError):
        return 0  # not created yet
    finally:
        engine.dispose()


def ingest_cmd(path: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "hadath", "ingest", str(path), "--db", url, "--workers", "1",
            "--batch-size", str(BATCH), "--quiet"]


def kill_mid_ingest(path: Path, url: str, cwd: Path) -> int:
    """Start an ingest, SIGKILL it after KILL_AFTER articles are committed; that count."""
    proc = subprocess.Popen(ingest_cmd(path, url), cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            if count_articles(url) >= KILL_AFTER:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "ingest ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return count_articles(url)


def check_exactly_once(url: str, articles: list[tuple[str | None, str]]) -> None:
    from hadath.store import Store

    with Store(url, create=False) as store:
        assert store.integrity_check()
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT title, text FROM articles").all()
            n_errors = conn.exec_driver_sql("SELECT count(*) FROM errors").scalar()
        stats = store.stats()
    stored = [(t, x) for t, x in rows]
    assert len(stored) == len(set(stored)), "an article is stored twice"
    assert set(stored) <= set(articles)
    # Every input article is stored, or recorded as bad (e.g. not Arabic) - once.
    assert len(stored) + n_errors == len(articles)
    assert len(stored) >= len(articles) - 2
    assert stats["events"] >= stats["canonical_events"] > 0


def run_crash_and_resume(url: str, tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    articles = write_news(path, N_ARTICLES)
    committed = kill_mid_ingest(path, url, tmp_path)
    assert KILL_AFTER <= committed < len(articles), committed
    from hadath.store import Store

    with Store(url, create=False) as store:  # consistent as the kill left it
        assert store.integrity_check()
    done = subprocess.run(ingest_cmd(path, url), cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    skipped = re.search(r"skipped (\d+) already stored", done.stderr)
    assert skipped and int(skipped.group(1)) >= committed, done.stderr[-1000:]  # resumed
    check_exactly_once(url, articles)
    again = subprocess.run(ingest_cmd(path, url), cwd=tmp_path, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0 and "added 0 articles" in again.stderr, again.stderr[-1000:]
    check_exactly_once(url, articles)


def test_sqlite_survives_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    url = f"sqlite:///{db}"
    run_crash_and_resume(url, tmp_path)
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.skipif(not PG_URL, reason="HADATH_TEST_PG_URL not set (scripts/ci/start_postgres.sh)")
def test_postgresql_survives_kill_9(tmp_path: Path) -> None:
    from test_store_fixtures import reset_pg

    assert PG_URL is not None
    reset_pg(PG_URL)
    run_crash_and_resume(PG_URL, tmp_path)
