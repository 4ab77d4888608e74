"""The API against a hostile caller: injection, NUL bytes, wildcards, writes, binding.

Runs on SQLite and, when HADATH_TEST_PG_URL is set, on PostgreSQL too (the
store is a real one holding real extraction output).  Whatever a filter
holds, the answer is a 4xx or an empty page - never a 500, never data the
filter did not ask for - and the stored data is unchanged afterwards.
(Token, body-size, CORS and header basics are in test_api.py.)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402
from test_api_fixtures import SEED, fill_store  # noqa: E402

from hadath.api import create_app  # noqa: E402

PG_URL = os.environ.get("HADATH_TEST_PG_URL")
TOKEN = "t0ken-for-tests"

INJECTIONS = [
    "' OR '1'='1", "1; DROP TABLE articles; --", "') UNION SELECT text, text FROM articles --",
    '" OR ""="', "%' OR 1=1 --", "x' AND sleep(5) --", "1)) OR ((1=1", "'; PRAGMA writable_schema=1; --",
    "\\'; DELETE FROM events; --", "بغداد' OR 'أ'='أ",
]
# Strings that select nothing in a text filter: wildcards, FTS syntax, NUL,
# and strings with no letters (which normalise to an empty key).
NOTHING = ["%", "_", "%%", "%_%", "\\", "*", "NEAR(a b)", '"', "a OR b", "\x00", "a\x00b", " ",
           "\u064b\u064e", "\u0640\u0640", "!!!", "\ufeff"]
TEXT_FILTERS = ["admin1", "actor", "q"]
VALIDATED = ["type", "mode", "date_from", "date_to", "country", "bbox", "limit", "offset",
             "canonical"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    if not SEED.exists():
        pytest.skip(f"seed article missing: {SEED}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sec') / 'store.db'}"
    else:
        if not PG_URL:
            pytest.skip("HADATH_TEST_PG_URL not set (scripts/ci/start_postgres.sh)")
        from test_store_fixtures import reset_pg

        reset_pg(PG_URL)
        url = PG_URL
    fill_store(url, 3)
    app = create_app(url, token=TOKEN)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def counts(c: TestClient) -> tuple[int, int, int]:
    s = c.get("/stats").json()
    return s["articles"], s["events"], s["canonical_events"]


def test_injection_in_every_filter_gives_4xx_or_nothing(client: TestClient) -> None:
    before = counts(client)
    assert before[1] > 0
    problems = []
    for path in ("/events", "/timeline"):
        for name in TEXT_FILTERS + VALIDATED:
            if path == "/timeline" and name in ("limit", "offset"):
                continue  # not parameters of /timeline (ignored there)
            for value in INJECTIONS:
                for canonical in (True, False):
                    params: dict[str, Any] = {name: value}
                    if name != "canonical":
                        params["canonical"] = canonical
                    r = client.get(path, params=params)
                    if r.status_code >= 500:
                        problems.append((path, name, value, r.status_code))
                    elif r.status_code == 200:
                        body = r.json()
                        if name in VALIDATED:
                            problems.append((path, name, value, "accepted"))
                        elif body.get("total", 0) or body.get("buckets"):
                            problems.append((path, name, value, "returned data"))
                    elif r.status_code not in (400, 422):
                        problems.append((path, name, value, r.status_code))
    assert not problems, problems[:10]
    assert counts(client) == before


@pytest.mark.parametrize("name", TEXT_FILTERS)
def test_wildcards_nul_and_empty_keys_select_nothing(client: TestClient, name: str) -> None:
    problems = []
    for value in NOTHING:
        r = client.get("/events", params={name: value, "canonical": False})
        if r.status_code >= 500:
            problems.append((value, r.status_code))
        elif r.status_code == 200 and r.json()["total"]:
            problems.append((value, f"matched {r.json()['total']} events"))
    assert not problems, problems


def test_hostile_ids_are_404(client: TestClient) -> None:
    for value in INJECTIONS + NOTHING + ["../../etc/passwd", "ا" * 300]:
        for path in ("/events/", "/articles/"):
            r = client.get(path + quote(value, safe=""))
            assert r.status_code in (404, 422), (path, value, r.status_code, r.text[:200])


def test_no_path_traversal_out_of_the_dashboard(client: TestClient) -> None:
    for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                 "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd", "/assets/%252e%252e/etc/passwd",
                 "/..%5c..%5c..%5cetc%5cpasswd", "/basemap.json/..%2f..%2fapi%2fapp.py"):
        r = client.get(path)
        assert "root:" not in r.text and "import" not in r.text, path
        assert r.status_code in (200, 400, 404, 405, 422), (path, r.status_code)
        if r.status_code == 200:  # only ever the dashboard's own page
            assert r.text.lstrip().lower().startswith("<!doctype html>"), path


def test_query_complexity_is_bounded(client: TestClient) -> None:
    # The longest allowed queries (200 characters) made of as many terms,
    # wildcards and repeated parameters as fit: answered fast, not refused with 500.
    queries = [{"q": " ".join(["ا"] * 100)}, {"actor": "%_" * 100}, {"admin1": "_" * 200},
               {"q": "a" * 200, "actor": "b" * 200, "admin1": "c" * 200, "bbox": "-180,-90,180,90",
                "date_from": "0001-01-01", "date_to": "9999-12-31", "limit": 500},
               {"q": "x"} | {"type": "ASSAULT"}]
    for params in queries:
        t = time.perf_counter()
        r = client.get("/events", params=params)
        elapsed = time.perf_counter() - t
        assert r.status_code == 200, (params, r.text[:200])
        assert elapsed < 2.0, (params, elapsed)
    # Over the bounds: refused before reaching the database.
    for params in ({"limit": 10**6}, {"offset": 10**9}, {"q": "x" * 201}, {"limit": "1e309"},
                   {"offset": "99999999999999999999999999"}):
        assert client.get("/events", params=params).status_code == 422, params
    r = client.get("/events?" + "&".join(["type=ASSAULT"] * 1000))
    assert r.status_code in (200, 422)


def test_only_token_holders_write(client: TestClient) -> None:
    before = counts(client)
    article = {"text": "قتل شخصان في انفجار عبوة ناسفة في بغداد أمس.", "date": "2021-11-07"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer "},
                    {"X-Token": TOKEN}):
        assert client.post("/articles", json=article, headers=headers).status_code == 401
    assert client.post(f"/articles?token={TOKEN}", json=article).status_code == 401
    # No route accepts an unsafe method it was not written for.
    for route in client.app.routes:  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if "{" in path:
            path = path.split("{")[0] + "x"
        for method in ("DELETE", "PUT", "PATCH"):
            r = client.request(method, path or "/", headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code in (404, 405), (method, path, r.status_code)
    assert counts(client) == before


@pytest.mark.parametrize("text", [
    "قتل شخصان <script>alert(1)</script> في انفجار\x00 عبوة ناسفة في بغداد أمس.",
    "أصيب ثلاثة جنود <img src=x onerror=alert(1)> في هجوم قرب الموصل وبغد\x00اد أمس.",
], ids=["nul-token", "nul-in-word"])
def test_stored_text_with_nul_and_markup_comes_back_verbatim(client: TestClient,
                                                            text: str) -> None:
    r = client.post("/articles", json={"text": text}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code in (201, 422), r.text[:300]
    if r.status_code == 201:
        got = client.get(f"/articles/{quote(r.json()['id'], safe='')}").json()
        assert len(got["text"]) == len(text)  # offsets still agree
        assert got["text"].replace("\ufffd", "\x00") == text
        assert r.headers["content-type"].startswith("application/json")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses listening on `port`, from /proc/net/tcp{,6} (state 0A = LISTEN)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            addr, hexport = fields[1].split(":")
            if int(hexport, 16) == port and fields[3] == "0A":
                found.add(addr)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_serve_listens_on_loopback_only(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("HADATH_TOKEN", "HADATH_DB")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hadath", "serve", "--db", f"sqlite:///{tmp_path / 's.db'}",
         "--port", str(port), "--log-level", "warning"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        addrs: set[str] = set()
        while time.monotonic() < deadline and proc.poll() is None and not addrs:
            addrs = _listening_addresses(port)
            time.sleep(0.1)
        assert addrs, "hadath serve did not start"
        assert addrs == {"0100007F"}, addrs  # 127.0.0.1, nothing else
        import httpx

        r = httpx.post(f"http://127.0.0.1:{port}/articles", json={"text": "نص"}, timeout=10)
        assert r.status_code == 403  # started without HADATH_TOKEN: read-only
        assert "server" not in r.headers  # no version banner
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
