"""GET /events latency on a store of the conflict-news corpus.

    python benchmarks/bench_api.py [--db sqlite:///artifacts/bench/conflict.db]
        [--news ../shared/data/news/saudinewsnet_conflict.jsonl.gz] [--rounds 30]

Fills the store with the corpus first when it holds none of it (ingest:
extraction of every article, minutes; reused on later runs), then starts
`hadath serve`'s app in its own process (uvicorn, as a user runs it) and
times real HTTP requests to GET /events for a mix of filter combinations.
Reports the median and 95th percentile per query and over all of them; the
bar is a median under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_NEWS = REPO.parent / "shared" / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"
DEFAULT_DB = f"sqlite:///{REPO / 'artifacts' / 'bench' / 'conflict.db'}"


def ensure_store(url: str, news: Path, workers: int) -> dict:
    from hadath.store import Store
    from hadath.store.ingest import ingest

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    store = Store(url)
    t0 = time.perf_counter()
    report = ingest([str(news)], store, workers=workers, progress=sys.stderr.isatty())
    took = time.perf_counter() - t0
    stats = store.stats()
    store.close()
    if report.added:
        print(f"ingested {report.added} articles ({report.events} events, {report.errors} "
              f"errors) in {took:.0f} s")
    return stats


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queries(stats: dict) -> list[tuple[str, dict]]:
    """Filter combinations an analyst uses, with values present in the store."""
    by_type = sorted(stats.get("by_type", {}).items(), key=lambda kv: -kv[1])
    by_country = sorted(stats.get("by_country", {}).items(), key=lambda kv: -kv[1])
    dates = sorted(d for d in stats.get("by_date", {}) if len(d) == 10)
    top_type = by_type[0][0] if by_type else "ASSAULT"
    top_cc = by_country[0][0] if by_country else "IQ"
    mid = dates[len(dates) // 2] if dates else "2015-01-01"
    lo = dates[len(dates) // 4] if dates else "2014-01-01"
    return [
        ("newest page", {}),
        ("page 10", {"offset": 450}),
        ("type", {"type": top_type}),
        ("type+mode", {"type": "ASSAULT", "mode": "suicide-attack"}),
        ("country", {"country": top_cc}),
        ("date range", {"date_from": lo, "date_to": mid}),
        ("bbox (Iraq/Syria)", {"bbox": "35,29,49,38"}),
        ("actor", {"actor": "داعش"}),
        ("full text q", {"q": "انفجار"}),
        ("q + type + country", {"q": "هجوم", "type": top_type, "country": top_cc}),
        ("map page (500)", {"limit": 500}),
        ("mentions (unmerged)", {"canonical": "false"}),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=DEFAULT_DB)
    ap.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    ap.add_argument("--rounds", type=int, default=30, help="requests per query")
    ap.add_argument("--no-ingest", action="store_true",
                    help="benchmark the store as it is, adding nothing")
    ap.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                    help="extraction processes for the ingest")
    args = ap.parse_args()

    import httpx

    if args.no_ingest:
        from hadath.store import Store

        with Store(args.db) as store:
            stats = store.stats()
    else:
        stats = ensure_store(args.db, args.news, args.workers)
    print(f"store: {stats['articles']} articles, {stats['events']} article-level events, "
          f"{stats['canonical_events']} canonical events")

    port = free_port()
    env = {**os.environ, "HADATH_DB": args.db}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "hadath.api.commands:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("server did not start") from None
                    time.sleep(0.1)
            all_ms: list[float] = []
            all_app: list[float] = []
            print(f"\n{'query':24} {'total':>7} {'median ms':>10} {'p95 ms':>8} {'in app ms':>10}")
            for name, params in queries(stats):
                r = client.get("/events", params=params)  # warm-up (and check)
                r.raise_for_status()
                total = r.json()["total"]
                times = []
                app_ms = []
                for _ in range(args.rounds):
                    t0 = time.perf_counter()
                    r = client.get("/events", params=params)
                    times.append((time.perf_counter() - t0) * 1000)
                    r.raise_for_status()
                    app_ms.append(float(r.headers["server-timing"].split("dur=")[1]))
                all_app.extend(app_ms)
                times.sort()
                all_ms.extend(times)
                p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                print(f"{name:24} {total:>7} {statistics.median(times):>10.1f} {p95:>8.1f} "
                      f"{statistics.median(app_ms):>10.1f}")
            # What else the dashboard asks for on each filter change.
            print()
            for path, params in (("/places", {}), ("/timeline", {}), ("/stats", {}),
                                 ("/places", {"type": "ASSAULT"}),
                                 ("/timeline", {"q": "انفجار"})):
                client.get(path, params=params).raise_for_status()
                times = []
                for _ in range(max(5, args.rounds // 3)):
                    t0 = time.perf_counter()
                    client.get(path, params=params).raise_for_status()
                    times.append((time.perf_counter() - t0) * 1000)
                label = path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
                print(f"{label:34} median {statistics.median(times):7.1f} ms")
            all_ms.sort()
            med = statistics.median(all_ms)
            p95 = all_ms[int(len(all_ms) * 0.95)]
            print(f"\nGET /events over all queries: median {med:.1f} ms, p95 {p95:.1f} ms "
                  f"({len(all_ms)} requests; median in the app {statistics.median(all_app):.1f} ms) "
                  f"-> {'PASS' if med < 100 else 'FAIL'} (bar: median < 100 ms)")
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} during the run")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
