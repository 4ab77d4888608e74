"""The HTTP API over a real Store holding real extraction output."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402
from test_api_fixtures import SEED, fill_store, seed_article  # noqa: E402

from hadath.api import create_app  # noqa: E402
from hadath.text.normalise import normalise_string  # noqa: E402

N_NEWS = 20


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not SEED.exists():
        pytest.skip(f"seed article missing: {SEED}")
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'store.db'}"
    fill_store(url, N_NEWS)
    return url


@pytest.fixture(scope="module")
def client(store_url: str) -> TestClient:
    return TestClient(create_app(store_url, token=""))


def all_events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    """Every event for `params`, page by page (also checks paging adds up)."""
    out: list[dict[str, Any]] = []
    total = None
    while True:
        r = client.get("/events", params={**params, "limit": 500, "offset": len(out)})
        assert r.status_code == 200, r.text
        page = r.json()
        total = page["total"] if total is None else total
        assert page["total"] == total
        out.extend(page["events"])
        if not page["events"] or len(out) >= total:
            break
    assert len(out) == total
    return out


def test_store_has_events(client: TestClient) -> None:
    stats = client.get("/stats").json()
    assert stats["articles"] == N_NEWS + 1
    assert stats["canonical_events"] > 0, "extraction produced no events to serve"
    assert len(all_events(client)) == stats["canonical_events"]
    assert len(all_events(client, canonical=False)) == stats["events"]


def test_events_sorted_newest_first(client: TestClient) -> None:
    dates = [e["date"] for e in all_events(client) if e["date"]]
    assert dates == sorted(dates, reverse=True)


def test_paging(client: TestClient) -> None:
    full = all_events(client)
    pages = []
    for offset in range(0, len(full), 7):
        r = client.get("/events", params={"limit": 7, "offset": offset}).json()
        assert r["limit"] == 7 and r["offset"] == offset and r["total"] == len(full)
        pages.extend(r["events"])
    assert [e["id"] for e in pages] == [e["id"] for e in full]


def _check_filter(client: TestClient, params: dict[str, Any], keep) -> list[dict[str, Any]]:  # noqa: ANN001
    """The filtered listing is exactly the unfiltered one with `keep` applied.

    Checked for canonical events and for article-level mentions; returns
    the canonical events kept.
    """
    kept = []
    for canonical in (True, False):
        full = all_events(client, canonical=canonical)
        got = all_events(client, canonical=canonical, **params)
        want = [e for e in full if keep(e)]
        assert [e["id"] for e in got] == [e["id"] for e in want], params
        kept.append(got)
    return kept[0]


def test_filter_type_and_mode(client: TestClient) -> None:
    events = all_events(client)
    types = {e["type"] for e in events}
    for ty in types:
        got = _check_filter(client, {"type": ty}, lambda e, ty=ty: e["type"] == ty)
        assert got
    modes = {e["mode"] for e in events if e["mode"]}
    for mode in modes:
        _check_filter(client, {"mode": mode}, lambda e, m=mode: e["mode"] == m)
    assert all_events(client, type="AGREE", mode="no_such_mode") == []


def test_filter_dates(client: TestClient) -> None:
    dates = sorted({e["date"] for e in all_events(client) if e["date"] and len(e["date"]) == 10})
    assert dates
    lo, hi = dates[0], dates[len(dates) // 2]
    _check_filter(client, {"date_from": hi}, lambda e: bool(e["date"]) and e["date"] >= hi)
    _check_filter(client, {"date_to": lo}, lambda e: bool(e["date"]) and e["date"] <= lo)
    _check_filter(client, {"date_from": lo, "date_to": hi},
                  lambda e: bool(e["date"]) and lo <= e["date"] <= hi)


def test_filter_country_admin1_bbox(client: TestClient) -> None:
    events = all_events(client)
    countries = {e["country"] for e in events if e["country"]}
    assert countries
    for cc in countries:
        _check_filter(client, {"country": cc}, lambda e, cc=cc: e["country"] == cc)
        # codes are case-insensitive on input
        assert len(all_events(client, country=cc.lower())) == len(all_events(client, country=cc))
    admin1s = {e["admin1"] for e in events if e["admin1"]}
    for a1 in list(admin1s)[:5]:
        _check_filter(client, {"admin1": a1},
                      lambda e, a1=a1: (e["admin1"] or "").lower() == a1.lower())
    placed = [e for e in events if e["lat"] is not None]
    assert placed
    lat, lon = placed[0]["lat"], placed[0]["lon"]
    box = (lon - 1, lat - 1, lon + 1, lat + 1)
    got = _check_filter(
        client, {"bbox": ",".join(map(str, box))},
        lambda e: e["lat"] is not None and box[0] <= e["lon"] <= box[2]
        and box[1] <= e["lat"] <= box[3])
    assert placed[0]["id"] in {e["id"] for e in got}


def test_filter_actor(client: TestClient) -> None:
    events = all_events(client, canonical=False)
    named = [(e, p["text"]) for e in events for p in e["actors"] + e["recipients"] if p.get("text")]
    assert named, "no actor or recipient in the store"
    event, name = named[0]
    got = all_events(client, canonical=False, actor=name)
    assert event["id"] in {e["id"] for e in got}
    key = normalise_string(name)
    for e in got:
        texts = [normalise_string(p["text"]) for p in e["actors"] + e["recipients"]]
        assert any(key.replace("ال", "") in t.replace("ال", "") for t in texts), (name, texts)
    assert all_events(client, actor="زززززز") == []


def test_filter_q_full_text(client: TestClient) -> None:
    seed_events = {e["id"] for e in all_events(client, canonical=False)
                   if e["article_id"] == _seed_id(client)}
    got = {e["id"] for e in all_events(client, canonical=False, q="الكاظمي")}
    assert seed_events and seed_events <= got
    # every hit comes from an article containing the word
    for e in all_events(client, canonical=False, q="الكاظمي"):
        article = client.get(f"/articles/{e['article_id']}").json()
        assert "كاظمي" in normalise_string((article["title"] or "") + article["text"])
    assert all_events(client, q="كلمةغيرموجودةابدا") == []


def _seed_id(client: TestClient) -> str:
    r = client.get("/events", params={"q": "الكاظمي", "canonical": False, "limit": 500}).json()
    title, _ = seed_article()
    for e in r["events"]:
        art = client.get(f"/articles/{e['article_id']}").json()
        if art["title"] == title:
            return art["id"]
    raise AssertionError("seed article not found")


@pytest.mark.parametrize("params", [
    {"limit": 0}, {"limit": 501}, {"offset": -1}, {"type": "BOMBING"}, {"type": "assault"},
    {"mode": "Drone!"}, {"date_from": "2021-13-01"}, {"date_from": "2021-11-08", "date_to": "2021-11-01"},
    {"country": "IRQ"}, {"bbox": "1,2,3"}, {"bbox": "a,b,c,d"}, {"bbox": "10,0,5,1"},
    {"bbox": "0,-91,1,1"}, {"q": "x" * 201}, {"actor": ""}, {"canonical": "maybe"},
])
def test_bad_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    r = client.get("/events", params=params)
    assert r.status_code == 422, (params, r.text)


def test_event_detail_evidence_points_at_the_text(client: TestClient) -> None:
    events = all_events(client)
    checked = 0
    for e in events[:40]:
        r = client.get(f"/events/{e['id']}")
        assert r.status_code == 200
        detail = r.json()
        assert detail["id"] == e["id"] and detail["type"] == e["type"]
        assert detail["articles"], "source articles listed"
        fields = {s["field"] for s in detail["evidence"]}
        assert "trigger" in fields
        for span in detail["evidence"]:
            art = client.get(f"/articles/{span['article_id']}").json()
            body = art["title"] if span["in"] == "title" else art["text"]
            assert body[span["start"]:span["end"]] == span["text"]
            checked += 1
    assert checked
    # an article-level event too
    mention = all_events(client, canonical=False)[0]
    detail = client.get(f"/events/{mention['id']}").json()
    assert detail["id"] == mention["id"]
    assert any(s["field"] == "trigger" for s in detail["evidence"])


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert client.get("/events/no-such-event").status_code == 404
    assert client.get("/articles/no-such-article").status_code == 404


def test_article(client: TestClient) -> None:
    title, body = seed_article()
    art = client.get(f"/articles/{_seed_id(client)}").json()
    assert art["title"] == title and art["text"] == body
    for key in ("entities", "times", "places", "sources", "events"):
        assert isinstance(art[key], list)


def test_stats_and_timeline_agree_with_events(client: TestClient) -> None:
    stats = client.get("/stats").json()
    tl = client.get("/timeline").json()
    assert tl["total"] == stats["canonical_events"]
    assert sum(b["count"] for b in tl["buckets"]) + tl["undated"] == tl["total"]
    days = client.get("/timeline", params={"granularity": "day"}).json()
    for b in days["buckets"]:
        n = len(all_events(client, date_from=b["date"], date_to=b["date"]))
        assert n == b["count"], b
    months = client.get("/timeline", params={"granularity": "month"}).json()
    assert all(len(b["date"]) == 7 for b in months["buckets"])
    assert sum(b["count"] for b in months["buckets"]) >= sum(b["count"] for b in days["buckets"])
    ty = next(iter(stats["by_type"]))
    assert client.get("/timeline", params={"type": ty}).json()["total"] == stats["by_type"][ty]


def test_openapi_schema_is_valid(client: TestClient) -> None:
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").json()
    validate(spec)
    for path in ("/events", "/events/{event_id}", "/articles/{article_id}", "/stats",
                 "/extract", "/timeline"):
        assert path in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/events"]["get"]["parameters"]}
    assert {"type", "mode", "date_from", "date_to", "country", "admin1", "bbox", "actor", "q",
            "limit", "offset"} <= names
    assert client.get("/docs").status_code == 200


def test_extract_endpoint(client: TestClient) -> None:
    title, body = seed_article()
    r = client.post("/extract", json={"text": body, "title": title})
    assert r.status_code == 200
    out = r.json()
    assert out["text"] == body and out["title"] == title and out["date"] == "2021-11-07"
    for key in ("id", "language", "sources", "entities", "times", "places", "quotes", "events"):
        assert key in out
    for t in out["times"]:
        src = title if t.get("field") == "title" else body
        assert src[t["start"]:t["end"]] == t["text"]
    # nothing was stored
    before = client.get("/stats").json()["articles"]
    client.post("/extract", json={"text": "هذا نص جديد تماما عن انفجار في الموصل."})
    assert client.get("/stats").json()["articles"] == before


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "x", "extra": 1},
                                  {"text": "x", "date": "yesterday"}])
def test_extract_rejects_bad_bodies(client: TestClient, body: dict[str, Any]) -> None:
    assert client.post("/extract", json=body).status_code == 422


def test_body_size_limit(client: TestClient) -> None:
    big = "ا" * 600_000  # 1.2 MB of UTF-8
    r = client.post("/extract", json={"text": big})
    assert r.status_code == 413
    # streamed without Content-Length: still cut off
    def chunks():  # noqa: ANN202
        yield b'{"text": "'
        for _ in range(30):
            yield b"a" * 50_000
        yield b'"}'
    r = client.post("/extract", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_writes_need_the_token(tmp_path) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'w.db'}"
    article = {"text": "قتل شخصان في انفجار عبوة ناسفة في بغداد أمس.", "date": "2021-11-07"}
    closed = TestClient(create_app(url, token=""))
    assert closed.post("/articles", json=article).status_code == 403
    app = create_app(url, token="s3cret-token")
    c = TestClient(app)
    assert c.post("/articles", json=article).status_code == 401
    assert c.post("/articles", json=article,
                  headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.post("/articles", json=article,
                  headers={"Authorization": "Basic s3cret-token"}).status_code == 401
    r = c.post("/articles", json=article, headers={"Authorization": "Bearer s3cret-token"})
    assert r.status_code == 201, r.text
    assert c.get("/stats").json()["articles"] == 1
    assert c.get(f"/articles/{r.json()['id']}").json()["text"] == article["text"]


def test_token_from_environment(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("HADATH_TOKEN", "from-env")
    c = TestClient(create_app(f"sqlite:///{tmp_path / 'e.db'}"))
    r = c.post("/articles", json={"text": "نص قصير عن اجتماع في بغداد."},
               headers={"Authorization": "Bearer from-env"})
    assert r.status_code == 201


def test_no_cors_unless_configured(client: TestClient, store_url: str) -> None:
    r = client.get("/events", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    r = client.options("/events", headers={"Origin": "https://evil.example",
                                           "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in r.headers
    allowed = TestClient(create_app(store_url, cors_origins=["https://ok.example"]))
    r = allowed.get("/stats", headers={"Origin": "https://ok.example"})
    assert r.headers.get("access-control-allow-origin") == "https://ok.example"
    r = allowed.get("/stats", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_dashboard_is_served_with_a_strict_policy(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert 'dir="rtl"' in r.text and 'lang="ar"' in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    import re

    for asset in re.findall(r'(?:src|href)="\./(assets/[^"]+)"', r.text):
        assert client.get("/" + asset).status_code == 200, asset
    topo = client.get("/basemap.json").json()
    assert topo["type"] == "Topology" and len(topo["objects"]["countries"]["geometries"]) > 200


def test_serve_command_defaults() -> None:
    import argparse

    from hadath.api.commands import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000
    args = parser.parse_args(["serve", "--db", "sqlite:///x.db", "--port", "9000"])
    assert args.db == "sqlite:///x.db" and args.port == 9000


def test_seed_drone_attack_is_served_at_baghdad(client: TestClient) -> None:
    """The seed's drone attack: found by its filters, placed in Baghdad, with evidence."""
    got = all_events(client, type="ASSAULT", mode="drone", country="IQ",
                     date_from="2021-11-07", date_to="2021-11-07")
    at_baghdad = [e for e in got if (e["place"] or {}).get("name") == "Baghdad"]
    assert at_baghdad, got
    event = at_baghdad[0]
    assert event["admin1"] == "Baghdad"
    assert 33 < event["lat"] < 34 and 44 < event["lon"] < 45
    # the same event through the bounding box and actor filters
    assert event["id"] in {e["id"] for e in all_events(client, bbox="44,33,45,34")}
    detail = client.get(f"/events/{event['id']}").json()
    _, body = seed_article()
    spans = {s["field"]: s for s in detail["evidence"] if s["in"] == "text"}
    assert {"trigger", "place", "date"} <= spans.keys(), spans.keys()
    assert "بغداد" in spans["place"]["text"]
    assert body[spans["date"]["start"]:spans["date"]["end"]] == spans["date"]["text"]
    assert detail["articles"][0]["title"] == seed_article()[0]


def test_cli_has_serve() -> None:
    from hadath.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.func.__module__ == "hadath.api.commands"


def test_places_agree_with_events(client: TestClient) -> None:
    for params in ({}, {"canonical": False}, {"type": "ASSAULT"}, {"q": "الكاظمي"}):
        places = client.get("/places", params=params).json()
        events = all_events(client, **params)
        placed = [e for e in events if e["lat"] is not None]
        assert places["placed"] == len(placed) == sum(p["count"] for p in places["places"])
        by_point: dict[tuple[float, float], dict[str, int]] = {}
        for e in placed:
            types = by_point.setdefault((e["lat"], e["lon"]), {})
            types[e["type"]] = types.get(e["type"], 0) + 1
        assert {(p["lat"], p["lon"]): p["types"] for p in places["places"]} == by_point
        counts = [p["count"] for p in places["places"]]
        assert counts == sorted(counts, reverse=True)
    baghdad = [p for p in client.get("/places").json()["places"] if p["name"] == "Baghdad"]
    assert baghdad and baghdad[0]["name_ar"] == "بغداد" and baghdad[0]["country"] == "IQ"
    small = client.get("/places", params={"limit": 1}).json()
    assert len(small["places"]) == 1
    assert client.get("/places", params={"limit": 0}).status_code == 422


def test_export_downloads_match_the_listing(client: TestClient) -> None:
    import csv
    import io
    import json

    for params in ({}, {"type": "ASSAULT"}, {"canonical": False, "country": "IQ"}):
        events = all_events(client, **params)
        ids = [e["id"] for e in events]
        r = client.get("/export", params={**params, "format": "csv"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert [row["id"] for row in rows] == ids
        lines = client.get("/export", params={**params, "format": "plover-jsonl"}).text.splitlines()
        assert [json.loads(x)["id"] for x in lines] == ids
        geo = client.get("/export", params={**params, "format": "geojson"}).json()
        assert [f["id"] for f in geo["features"]] == [e["id"] for e in events
                                                      if e["lat"] is not None]
        acled = list(csv.DictReader(io.StringIO(
            client.get("/export", params={**params, "format": "acled-csv"}).text)))
        assert len(acled) <= len(ids)
        assert all(row["event_date"] for row in acled)
    assert client.get("/export", params={"format": "xlsx"}).status_code == 422


def test_timeline_range_and_dates() -> None:
    from hadath.api.app import _bucket_value, _central_range

    assert _bucket_value("2015-W30") == "2015-07"  # Monday 20 July 2015
    assert _bucket_value("2015-07-21") == "2015-07-21"
    assert _bucket_value("2015") == "2015"
    assert _bucket_value("bogus") == ""
    counts = {"1975-04-13": 1, "2003-03-20": 1, "2015-07-20": 30, "2015-07-21": 40,
              "2015-07-25": 20, "2015-08-30": 8}
    assert _central_range(counts) == ("2015-07-20", "2015-07-25")
    assert _central_range(counts, share=1.0) == ("1975-04-13", "2015-08-30")
    assert _central_range({"2015-07": 5}) == ("2015-07", "2015-07")
    assert _central_range({}) is None
