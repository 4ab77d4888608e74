"""Load test: GET /events with filters on a 100,000-event SQLite store, on loopback.

    nice .venv/bin/python benchmarks/bench_load.py [--events 100000] [--db PATH] [--mix fixed|zipf|uniform]
        [--duration 20] [--connections 32] [--workers 2] [--client wrk|python]

1. Store.  Real extraction output (the seed article and articles of the
   shared news corpus, run through `hadath.extract`) is the template; copies
   with their own ids, a date drawn over ten years and a place drawn from
   the templates' places are added through `Store.add_results` (the same
   path as `hadath ingest`: FTS index, cross-report dedup) for 300 articles;
   that base is then copied in bulk SQL (new ids, dates shifted by a
   different number of days per copy, FTS documents) until the store holds
   N article-level events, and the store must pass its integrity check.
   Kept at --db and reused when it already holds them.
2. Server.  `hadath serve` in a subprocess on 127.0.0.1 (uvicorn, --workers).
3. Clients.  `wrk` (Debian package) when installed, with a Lua script that
   cycles through a fixed list of filtered URLs; otherwise an asyncio/httpx
   client with the same URLs.  Requests/s and latency percentiles (p50, p99)
   over --duration seconds after a warm-up; non-200 answers are counted.
   --mix fixed cycles through the 22 FILTERS; zipf and uniform draw each
   request from 20,000 distinct random combinations (varied_filters) by
   Zipf popularity or uniformly, which is what the server's caches cannot
   hide (docs/reliability.md, "Load benchmark").
Bar (issue 10): >= 500 requests/s with p99 < 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gzip
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HADATH_SHARED", REPO.parent / "shared"))
SEED = SHARED / "seed" / "kadhimi-drone-attack.txt"
NEWS = SHARED / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"

# Filter mixes a dashboard user sends: none, one, several, text searches, pages.
FILTERS: list[dict[str, Any]] = [
    {}, {"type": "ASSAULT"}, {"type": "PROTEST"}, {"country": "IQ"}, {"country": "SY"},
    {"country": "YE", "type": "ASSAULT"}, {"date_from": "2019-01-01", "date_to": "2019-03-31"},
    {"type": "ASSAULT", "mode": "drone"}, {"admin1": "Baghdad"},
    {"bbox": "35,29,48,38"}, {"bbox": "43,12,54,19", "type": "ASSAULT"},
    {"actor": "الحوثي"}, {"actor": "الجيش"}, {"q": "بغداد"}, {"q": "صنعاء"},
    {"q": "طائرة مسيرة", "country": "IQ"}, {"canonical": "false"},
    {"canonical": "false", "type": "ASSAULT", "date_from": "2020-01-01"},
    {"limit": 200}, {"offset": 500}, {"offset": 5000, "limit": 100},
    {"date_from": "2016-06-01", "country": "SY", "limit": 20},
]


ZIPF_S = 1.0
# The zipf and uniform mixes: filter values a dashboard user picks among, combined at
# random (seeded) into thousands of distinct URLs, so that per-generation
# caches help only as much as real repeated use lets them.
VARIED_TYPES = ["ASSAULT", "PROTEST", "COERCE", "THREATEN", "ACCUSE"]
VARIED_COUNTRIES = ["IQ", "SY", "YE", "LY", "EG", "SA", "LB", "PS", "AF", "SO", "IR", "TR"]
VARIED_MODES = ["drone", "firearms", "explosives", "aerial", "heavy-weapons", "demo", "riot"]
VARIED_ACTORS = ["الحوثي", "الجيش", "داعش", "التحالف", "الشرطه", "مسلحين", "النظام", "المعارضه",
                 "حزب الله", "قوات", "الحكومه", "المتظاهرين", "مدنيين", "الامن", "طالبان"]
VARIED_WORDS = ["بغداد", "صنعاء", "حلب", "عدن", "الموصل", "تفجير", "هجوم", "غارة", "قصف",
                "مظاهرة", "اشتباكات", "طائرة مسيرة", "انتحاري", "اغتيال", "سيارة مفخخة",
                "دمشق", "بنغازي", "تعز", "الرقة", "الفلوجة"]
VARIED_BOXES = [(44.4, 33.3), (36.3, 33.5), (44.2, 15.4), (45.0, 12.8), (37.2, 36.2), (43.1, 36.3),
                (31.2, 30.0), (20.1, 32.1), (35.5, 33.9), (34.4, 31.5), (46.7, 24.7)]


def varied_filters(n: int, seed: int = 10) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        f: dict[str, Any] = {}
        if rng.random() < 0.5:
            f["type"] = rng.choice(VARIED_TYPES)
            if f["type"] in ("ASSAULT", "PROTEST") and rng.random() < 0.2:
                f["mode"] = rng.choice(VARIED_MODES)
        if rng.random() < 0.4:
            f["country"] = rng.choice(VARIED_COUNTRIES)
        if rng.random() < 0.3:
            start = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
            f["date_from"] = start.isoformat()
            f["date_to"] = (start + timedelta(days=rng.choice([7, 30, 91, 365]))).isoformat()
        if rng.random() < 0.1:
            lon, lat = rng.choice(VARIED_BOXES)
            r = rng.choice([0.5, 2, 5])
            f["bbox"] = f"{lon - r:.2f},{lat - r:.2f},{lon + r:.2f},{lat + r:.2f}"
        if rng.random() < 0.1:
            f["actor"] = rng.choice(VARIED_ACTORS)
        if rng.random() < 0.1:
            f["q"] = rng.choice(VARIED_WORDS)
        if rng.random() < 0.1:
            f["canonical"] = "false"
        if rng.random() < 0.4:
            f["offset"] = 50 * rng.randrange(1, 21)
        if rng.random() < 0.1:
            f["limit"] = rng.choice([20, 100, 200])
        out.append(f)
    return out


def templates(n_news: int) -> list[dict[str, Any]]:
    """Extraction output with at least one event: the seed and real news."""
    import hadath

    out = []
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    out.append(hadath.extract(body, title=title.strip(), date="2021-11-07").to_dict())
    if NEWS.exists():
        with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
            for line in fh:
                if len(out) > n_news:
                    break
                a = json.loads(line)
                r = hadath.extract(a["text"], title=a.get("title"),
                                   date=(a.get("date") or "")[:10] or None).to_dict()
                if r["events"]:
                    out.append(r)
    return out


def synthesise(tpls: list[dict[str, Any]], i: int, rng: random.Random,
               places: list[dict[str, Any]]) -> dict[str, Any]:
    """Copy `i` of a template: own id and text tail, a new date and places."""
    r = copy.deepcopy(tpls[rng.randrange(len(tpls))])
    day = (date(2015, 1, 1) + timedelta(days=rng.randrange(3650))).isoformat()
    r["id"] = f"syn-{i:07d}"
    r["text"] = r["text"] + f"\n\n(نسخة {i})"  # distinct content hash; offsets unchanged
    r["date"] = day
    for ev in r["events"]:
        if ev.get("date"):
            ev["date"] = {"value": day, "precision": "day"}
        if places:
            ev["place"] = copy.deepcopy(rng.choice(places))
    return r


class _NoGroups:
    def group_of(self, article_id: str, sig: object) -> str:
        return article_id


BASE_ARTICLES = 300  # stored through Store.add_results; the rest are copies


def _copy_select(table: Any, subs: dict[str, str]) -> tuple[str, str]:
    """(column list, select list) copying `table` with SQL substitutions."""
    cols = [c.name for c in table.columns if c.name not in ("seq",) and
            not (c.name == "id" and table.name == "participants")]
    return ", ".join(cols), ", ".join(subs.get(c, c) for c in cols)


def replicate(store: Any, rounds: int, start: int) -> None:
    """Copy the base articles, events, canonical events and participants in SQL.

    Copy r renames every id with a "~r" suffix and shifts every date by a
    different number of days, so the copies spread over the years instead of
    stacking on the base dates; the FTS index gets each copy's document.
    """
    from sqlalchemy import select

    from hadath.store.models import articles, canonical_events, events, participants
    from hadath.store.search import index_document

    with store.engine.connect() as conn:
        base = conn.execute(select(articles.c.id, articles.c.title, articles.c.text).where(
            articles.c.seq <= BASE_ARTICLES)).all()
    docs = {aid: index_document(title, text) for aid, title, text in base}
    for r in range(start, start + rounds):
        sfx = f"~{r}"
        shift = f"'+{(r * 37) % 3000 - 1500} days'"

        def day(col: str, shift: str = shift) -> str:
            return f"CASE WHEN length({col}) = 10 THEN date({col}, {shift}) ELSE {col} END"

        with store.transaction() as conn:
            for table, subs, where in (
                (articles, {"id": f"id || '{sfx}'", "content_hash": f"content_hash || '{sfx}'",
                            "date": day("date"), "dup_group": f"dup_group || '{sfx}'"},
                 f"seq <= {BASE_ARTICLES}"),
                (canonical_events, {"id": f"id || '{sfx}'", "date": day("date"),
                                    "date_min": day("date_min"), "date_max": day("date_max"),
                                    "first_article_id": f"first_article_id || '{sfx}'"},
                 "id NOT LIKE '%~%'"),
                (events, {"id": f"article_id || '{sfx}:' || idx",
                          "article_id": f"article_id || '{sfx}'", "date": day("date"),
                          "canonical_id": f"canonical_id || '{sfx}'"},
                 "id NOT LIKE '%~%'"),
                (participants, {"event_id": f"replace(event_id, ':', '{sfx}:')"},
                 "event_id NOT LIKE '%~%'"),
            ):
                cols, sel = _copy_select(table, subs)
                conn.exec_driver_sql(
                    f"INSERT INTO {table.name} ({cols}) SELECT {sel} FROM {table.name} "
                    f"WHERE {where}")
            rows = conn.exec_driver_sql(
                "SELECT seq, substr(id, 1, length(id) - ?) FROM articles WHERE id LIKE ?",
                (len(sfx), f"%{sfx}")).all()
            conn.exec_driver_sql("INSERT INTO article_fts(rowid, doc) VALUES (?, ?)",
                                 [(seq, docs[aid]) for seq, aid in rows])


def build_store(db: Path, n_events: int) -> dict[str, Any]:
    from hadath.store import Store

    url = f"sqlite:///{db}"
    with Store(url) as store:
        stats = store.stats()
        if stats["events"] >= n_events:
            return stats
        if stats["articles"] < BASE_ARTICLES:
            # The copies of one template are near-duplicates by construction,
            # and hundreds of copies of one story would make every insert
            # compare against the whole group (see docs/reliability.md); a
            # real corpus has no such groups, so the base is stored ungrouped.
            store._near_index = lambda conn: _NoGroups()  # type: ignore[method-assign]
            t0 = time.perf_counter()
            tpls = templates(40)
            places = [e["place"] for t in tpls for e in t["events"] if e.get("place")]
            print(f"{len(tpls)} templates, {len(places)} places "
                  f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
            rng = random.Random(10)
            for lo in range(stats["articles"], BASE_ARTICLES, 50):
                store.add_results([synthesise(tpls, i, rng, places)
                                   for i in range(lo, min(lo + 50, BASE_ARTICLES))])
            stats = store.stats()
        base_events = stats["events"]
        with store.engine.connect() as conn:
            base_events = conn.exec_driver_sql(
                "SELECT count(*) FROM events WHERE id NOT LIKE '%~%'").scalar_one()
            done = conn.exec_driver_sql(
                "SELECT count(*) FROM articles WHERE id LIKE '%~%'").scalar_one() // BASE_ARTICLES
        rounds = max(0, -(-(n_events - stats["events"]) // base_events))
        print(f"{base_events} events in the base; {rounds} copies", file=sys.stderr)
        replicate(store, rounds, done + 1)
        stats = store.stats()
        if not store.integrity_check():
            raise SystemExit("the synthesised store fails its integrity check")
        return stats


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "HADATH_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hadath", "serve", "--db", f"sqlite:///{db}", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"], env=env)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def urls(filters: list[dict[str, Any]]) -> list[str]:
    return [f"/events?{urlencode(f)}" if f else "/events" for f in filters]


def check_urls(port: int, paths: list[str], repeat: int = 5) -> list[int]:
    """Every benchmark URL answers 200 (a benchmark of 422s would mean nothing).

    Prints each URL's match count and median latency on one connection, so a
    slow filter shows by name; returns the match counts.
    """
    import httpx

    totals = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for u in paths:
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                r = client.get(u)
                times.append(time.perf_counter() - t)
                if r.status_code != 200:
                    raise SystemExit(f"{u}: {r.status_code} {r.text[:200]}")
            totals.append(r.json()["total"])
            print(f"  {statistics.median(times) * 1000:7.1f} ms  {totals[-1]:6d} matches  {u}")
    return totals


LUA = """
local paths = {%s}
local order = "%s"
local cdf = {%s}
local i = 0
local function zipf_pick()
  local u = math.random()
  local lo, hi = 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo
end
request = function()
  i = i + 1
  if order == "uniform" then
    return wrk.format("GET", paths[math.random(#paths)])
  elseif order == "zipf" then
    return wrk.format("GET", paths[zipf_pick()])
  end
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d duration_us=%%d non2xx=%%d errors=%%d p50_us=%%d p90_us=%%d p99_us=%%d max_us=%%d\\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def zipf_cdf(n: int, s: float = ZIPF_S) -> list[float]:
    weights = [1 / (k ** s) for k in range(1, n + 1)]
    total = sum(weights)
    out, acc = [], 0.0
    for w in weights:
        acc += w / total
        out.append(acc)
    out[-1] = 1.0
    return out


def run_wrk(port: int, paths: list[str], connections: int, duration: int, threads: int,
            order: str = "cycle") -> dict[str, float]:
    cdf = zipf_cdf(len(paths)) if order == "zipf" else []
    lua = LUA % (", ".join(json.dumps(u) for u in paths), order,
                 ", ".join(f"{c:.9f}" for c in cdf))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
    base = ["wrk", "-t", str(threads), "-c", str(connections), "-s", fh.name, "--latency",
            "--timeout", "30s"]  # slow answers are measured, not dropped as errors
    subprocess.run([*base, "-d", "3s", f"http://127.0.0.1:{port}"], capture_output=True)  # warm-up
    out = subprocess.run([*base, "-d", f"{duration}s", f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True).stdout
    os.unlink(fh.name)
    m = re.search(r"RESULT (.*)", out)
    if not m:
        raise SystemExit(out)
    v = {k: int(x) for k, x in (kv.split("=") for kv in m.group(1).split())}
    return {"requests": v["requests"], "rps": v["requests"] / (v["duration_us"] / 1e6),
            "non2xx": v["non2xx"], "errors": v["errors"], "p50_ms": v["p50_us"] / 1000,
            "p90_ms": v["p90_us"] / 1000, "p99_ms": v["p99_us"] / 1000,
            "max_ms": v["max_us"] / 1000}


def run_python(port: int, paths: list[str], connections: int, duration: int,
               order: str = "cycle") -> dict[str, float]:
    import bisect

    import httpx

    pick = random.Random(1)
    cdf = zipf_cdf(len(paths)) if order == "zipf" else []

    def path_at(i: int) -> str:
        if order == "uniform":
            return paths[pick.randrange(len(paths))]
        if order == "zipf":
            return paths[min(bisect.bisect_left(cdf, pick.random()), len(paths) - 1)]
        return paths[i % len(paths)]
    lat: list[float] = []
    bad = 0

    async def worker(k: int, client: httpx.AsyncClient, stop: float, record: bool) -> None:
        nonlocal bad
        i = k
        while time.perf_counter() < stop:
            t = time.perf_counter()
            r = await client.get(path_at(i))
            i += 1
            if record:
                lat.append(time.perf_counter() - t)
                bad += r.status_code != 200

    async def phase(seconds: float, record: bool) -> float:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                     timeout=30) as client:
            t0 = time.perf_counter()
            await asyncio.gather(*(worker(k, client, t0 + seconds, record)
                                   for k in range(connections)))
            return time.perf_counter() - t0

    asyncio.run(phase(3, False))
    elapsed = asyncio.run(phase(duration, True))
    lat.sort()
    q = statistics.quantiles(lat, n=100)
    return {"requests": len(lat), "rps": len(lat) / elapsed, "non2xx": bad, "errors": 0,
            "p50_ms": q[49] * 1000, "p90_ms": q[89] * 1000, "p99_ms": q[98] * 1000,
            "max_ms": lat[-1] * 1000}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "hadath-load.db")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2, help="server processes")
    ap.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--mix", choices=["fixed", "zipf", "uniform"], default="fixed",
                    help="fixed: the 22 URLs of FILTERS in turn; zipf / uniform: --urls "
                         "distinct random filter combinations, each request drawing one "
                         "by Zipf popularity (s=1, as web traffic) or uniformly (every "
                         "request a new query: the cold path)")
    ap.add_argument("--urls", type=int, default=20_000, help="URLs of the zipf/uniform mixes")
    args = ap.parse_args()
    varied = args.mix != "fixed"
    order = args.mix if varied else "cycle"
    paths = urls(varied_filters(args.urls) if varied else FILTERS)

    t0 = time.perf_counter()
    stats = build_store(args.db, args.events)
    print(f"store {args.db}: {stats['articles']} articles, {stats['events']} events, "
          f"{stats['canonical_events']} canonical events (ready in {time.perf_counter() - t0:.0f} s)")
    port = free_port()
    server = start_server(args.db, port, args.workers)
    try:
        print("one connection, median of 5" + (" (the first 25 URLs of the mix)" if varied else "") + ":")
        check_urls(port, paths[:25] if varied else paths)
        client = args.client
        if client == "auto":
            client = "wrk" if shutil.which("wrk") else "python"
        if client == "wrk":
            res = run_wrk(port, paths, args.connections, args.duration, threads=2, order=order)
        else:
            res = run_python(port, paths, args.connections, args.duration, order=order)
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = res["rps"] >= 500 and res["p99_ms"] < 200 and not res["non2xx"] and not res["errors"]
    print(f"GET /events ({args.mix} mix of {len(paths)} URLs, {client}, "
          f"{args.connections} connections, {args.duration} s, "
          f"{args.workers} server workers, {os.cpu_count()} CPUs): "
          f"{res['rps']:.0f} req/s, p50 {res['p50_ms']:.1f} ms, p90 {res['p90_ms']:.1f} ms, "
          f"p99 {res['p99_ms']:.1f} ms, max {res['max_ms']:.0f} ms, "
          f"{res['non2xx']} non-200, {res['errors']} socket errors "
          f"-> {'PASS' if ok else 'FAIL'} (bar: >= 500 req/s, p99 < 200 ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
