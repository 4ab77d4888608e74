"""The load bar as a (slow) test: benchmarks/bench_load.py must pass.

GET /events with filters, 100,000 events in SQLite, loopback, wrk (or the
asyncio client): >= 500 requests/s with p99 < 200 ms.  Minutes to build the
store the first time, so marked slow (`pytest -m slow`); the store is kept
in HADATH_LOAD_DB (default: the system temp folder) between runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_get_events_meets_the_load_bar() -> None:
    db = os.environ.get("HADATH_LOAD_DB", str(Path(tempfile.gettempdir()) / "hadath-load.db"))
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_load.py"), "--db", db,
         "--duration", "15"], capture_output=True, text=True, timeout=3600)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
