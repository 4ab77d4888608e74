"""The /events page cache: never stale after a write, revalidated by ETag."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402
from test_store_fixtures import BASRA, KADHIMI, event, result  # noqa: E402

from hadath.api import create_app  # noqa: E402
from hadath.store import Store  # noqa: E402

TEXT = "استهدفت طائرة مسيرة مفخخة منزل رئيس الوزراء العراقي مصطفى الكاظمي في بغداد فجر الأحد."


@pytest.fixture()
def setup(tmp_path):
    url = f"sqlite:///{tmp_path / 'cache.db'}"
    store = Store(url)
    store.add_result(result("a1", TEXT, [event(recipients=[KADHIMI])]))
    client = TestClient(create_app(url, token="secret", store=store))
    yield url, store, client
    store.close()


def test_a_write_from_another_process_is_seen_at_once(setup):
    url, _store, client = setup
    first = client.get("/events", params={"type": "ASSAULT"})
    assert first.status_code == 200 and first.json()["total"] == 1
    assert client.get("/events", params={"type": "ASSAULT"}).content == first.content  # cached
    # Another Store object (as `hadath ingest` in another process) writes.
    other = Store(url)
    try:
        other.add_result(result("a2", "قتل ثلاثة مدنيين في قصف على البصرة.",
                                [event(date="2021-10-05", place=BASRA, mode="shelling")]))
    finally:
        other.close()
    again = client.get("/events", params={"type": "ASSAULT"})
    assert again.json()["total"] == 2
    assert again.headers["etag"] != first.headers["etag"]


def test_etag_revalidation(setup):
    _url, _store, client = setup
    r = client.get("/events", params={"country": "IQ", "limit": 10})
    etag = r.headers["etag"]
    same = client.get("/events", params={"country": "IQ", "limit": 10},
                      headers={"If-None-Match": etag})
    assert same.status_code == 304 and not same.content
    other_page = client.get("/events", params={"country": "IQ", "limit": 10, "offset": 10},
                            headers={"If-None-Match": etag})
    assert other_page.status_code == 200  # another query: another tag
    # A write through the API changes the tag: the old one no longer matches.
    added = client.post("/articles", json={"text": TEXT + " وأصيب ستة من حراسه.", "id": "a3"},
                        headers={"Authorization": "Bearer secret"})
    assert added.status_code == 201
    after = client.get("/events", params={"country": "IQ", "limit": 10},
                       headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["etag"] != etag


def test_cached_pages_equal_fresh_ones(setup):
    url, store, client = setup
    params = {"canonical": "false", "limit": 5}
    cached = client.get("/events", params=params).json()
    fresh = TestClient(create_app(url, token="", store=Store(url))).get("/events", params=params).json()
    assert cached == fresh
    total, items = store.events(canonical=False, limit=5)
    assert cached["total"] == total and [e["id"] for e in cached["events"]] == [e["id"] for e in items]
