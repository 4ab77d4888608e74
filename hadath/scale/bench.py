"""Measuring speed, memory and scaling of the whole pipeline on real news.

Used by `hadath bench` and benchmarks/bench_pipeline.py.  Every figure
comes from running the real pipeline over real articles:

- per stage: CPU time of each function of `hadath.pipeline.default_stages()`
  (and of the title's stages), through `hadath.pipeline.run` itself;
- end to end: `hadath.batch.process_item` (validation, pipeline, to_dict)
  per article, as CPU time (robust to other load on the machine) and wall;
- peak memory: the process's maximum resident set (getrusage), one worker;
- cold start: a fresh `python -m hadath extract` on one article, to the end
  of its output (imports and model loading included);
- scaling: `hadath.batch.process_encoded` (what `hadath extract` runs) with
  1, 2, ... workers over the same articles, each in a process forked from
  one warmed-up state, wall time after the models are loaded, so the
  speed-up is that of the pool alone; the machine's load average is
  reported beside it because other processes on the same cores distort it.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

from hadath.readers import Article, Item, iter_articles

NEWS_ENV = "HADATH_NEWS"
DEFAULT_NEWS = "../shared/data/news/saudinewsnet_conflict.jsonl.gz"


def default_input() -> str:
    """$HADATH_NEWS, or the conflict subset beside the repository."""
    if os.environ.get(NEWS_ENV):
        return os.environ[NEWS_ENV]
    here = Path(DEFAULT_NEWS)
    if here.exists():
        return str(here)
    repo = Path(__file__).resolve().parents[2]
    return str((repo / DEFAULT_NEWS).resolve())


def load(path: str, limit: int | None, spread: bool = True) -> list[Item]:
    """`limit` articles of `path`, evenly spread over the file by default.

    The first articles of a file are not a fair sample (in the conflict
    subset the first 300 average 4,300 characters, the whole file 2,750),
    so every k-th article is taken, k = lines // limit.
    """
    if not limit:
        return list(iter_articles(path))
    step = 1
    if spread and path.lower().removesuffix(".gz").endswith((".jsonl", ".ndjson")):
        from hadath.scale.partitions import count_lines

        step = max(1, count_lines(path) // limit)
    return list(islice(islice(iter_articles(path), 0, None, step), limit))


def _maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _stage_name(stage: Callable[..., Any]) -> str:
    module = getattr(stage, "__module__", "") or ""
    name = getattr(stage, "__name__", type(stage).__name__)
    short = module.removeprefix("hadath.")
    return short if name in ("annotate", short.rsplit(".", 1)[-1]) else f"{short}.{name}"


def _wrap_nested(stages: Any, wrap: Callable[[Any, str], Any]) -> Any:
    """Wrap every stage of a list (or of a tuple of lists: title before/after body)."""
    if callable(stages):
        return wrap(stages, "title:" + _stage_name(stages))
    wrapped = [_wrap_nested(s, wrap) for s in stages]
    return tuple(wrapped) if isinstance(stages, tuple) else wrapped


def per_stage(items: list[Item], reference_date: str | None = None,
              warm_items: list[Item] | None = None) -> dict[str, Any]:
    """CPU seconds of each stage and end to end over `items` (one core).

    `warm_items` (other articles) are run first, untimed: the stages cache
    what they compute per word form, so a long run is faster than its first
    few hundred articles; warming measures that steady state.
    """
    from hadath import pipeline
    from hadath.batch import freeze_long_lived, process_item

    stages = pipeline.default_stages()
    title_stages = pipeline._title_stages()
    spent: dict[str, float] = {}

    def timed(stage: Callable[[Any], Any], label: str) -> Callable[[Any], Any]:
        def run(doc: Any) -> Any:
            t = time.thread_time()
            try:
                return stage(doc)
            finally:
                spent[label] = spent.get(label, 0.0) + time.thread_time() - t
        return run

    process_item(items[0], reference_date)  # load every model before timing
    freeze_long_lived()  # as `hadath extract` does after its first article
    for item in warm_items or ():
        process_item(item, reference_date)
    saved = pipeline._PIPELINE, pipeline._TITLE_PIPELINE
    # The pipeline's own run() with each stage wrapped, so the figures are
    # those of the real code path (title after body included).
    pipeline._PIPELINE = [timed(s, _stage_name(s)) for s in stages]
    pipeline._TITLE_PIPELINE = _wrap_nested(title_stages, timed)
    errors: list[str] = []
    try:
        chars = sum(len(i.text) for i in items if isinstance(i, Article))
        ok = 0
        windows: list[tuple[int, float, float]] = []  # (articles, CPU s, probe ms)
        probe_cpu = probe_wall = 0.0
        w0, c0 = time.perf_counter(), time.thread_time()
        start, cw = 0, c0
        for k, item in enumerate(items, 1):
            result = process_item(item, reference_date)
            if "error" in result:
                errors.append(str(result["error"]))
            else:
                ok += 1
            if k % PROBE_EVERY == 0 or k == len(items):
                # The host's speed in this window, kept out of the figures.
                pw, pc = time.perf_counter(), time.thread_time()
                windows.append((k - start, pc - cw, _probe_ms()))
                probe_wall += time.perf_counter() - pw
                probe_cpu += time.thread_time() - pc
                start, cw = k, time.thread_time()
        wall = time.perf_counter() - w0 - probe_wall
        cpu = time.thread_time() - c0 - probe_cpu
    finally:
        pipeline._PIPELINE, pipeline._TITLE_PIPELINE = saved
    n = len(items)
    title_total = sum(v for k, v in spent.items() if k.startswith("title:"))
    body = {k: v for k, v in spent.items() if not k.startswith("title:")}
    rows = [{"stage": k, "ms_per_article": 1000 * v / n, "share": v / cpu if cpu else 0.0}
            for k, v in body.items()]
    rows.append({"stage": "title (all stages)", "ms_per_article": 1000 * title_total / n,
                 "share": title_total / cpu if cpu else 0.0})
    other = cpu - sum(spent.values())
    rows.append({"stage": "other (validation, Document, to_dict)",
                 "ms_per_article": 1000 * other / n, "share": other / cpu if cpu else 0.0})
    return {
        "host": _host_windows(windows),
        "articles": n, "ok": ok, "mean_chars": chars / n if n else 0,
        "warm_articles": len(warm_items or ()),
        "cpu_s": cpu, "wall_s": wall,
        "articles_per_cpu_s": n / cpu if cpu else 0.0,
        "articles_per_wall_s": n / wall if wall else 0.0,
        "stages": rows,
        "title_stages_ms": {k.removeprefix("title:"): 1000 * v / n
                            for k, v in spent.items() if k.startswith("title:")},
        "peak_rss_mb": _maxrss_mb(),
        "error_samples": errors[:5],
    }


def cold_start(item: Item | None = None, runs: int = 3) -> dict[str, Any]:
    """Seconds from starting `python -m hadath extract` on one article to its output."""
    import orjson

    times: list[float] = []
    cpus: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.jsonl"
        if isinstance(item, Article):
            record = {"id": item.id, "title": item.title, "text": item.text, "date": item.date}
        else:
            record = {"title": "هجوم", "text": "هاجم مسلحون قرية قرب بغداد يوم الأحد."}
        path.write_bytes(orjson.dumps(record) + b"\n")
        for _ in range(runs):
            t, c = time.perf_counter(), _cpu(resource.RUSAGE_CHILDREN)
            done = subprocess.run([sys.executable, "-m", "hadath", "extract", str(path)],
                                  capture_output=True, check=False)
            times.append(time.perf_counter() - t)
            cpus.append(_cpu(resource.RUSAGE_CHILDREN) - c)
            if done.returncode != 0 or b'"events"' not in done.stdout:
                raise RuntimeError(f"cold start run failed: {done.stderr.decode()[-500:]}")
    # CPU seconds of the child: what the wall time would be on an idle core
    # (it is single-threaded and reads little from disk).
    return {"runs": runs, "best_s": min(times), "median_s": statistics.median(times),
            "cpu_best_s": min(cpus), "cpu_median_s": statistics.median(cpus)}


def _timed_pool(items: list[Item], n: int, reference_date: str | None,
                batch_size: int, conn: Any) -> None:
    """In a forked child: `hadath extract`'s path with n workers, timed."""
    from hadath.batch import process_encoded

    t = time.perf_counter()
    c = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    count = sum(1 for _ in process_encoded(iter(items), workers=n,
                                           reference_date=reference_date,
                                           batch_size=batch_size))
    wall = time.perf_counter() - t
    # This process and its (reaped) workers together: the pool's overhead in
    # CPU, which load from other processes does not distort.
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - c
    conn.send((count, wall, cpu, _maxrss_mb(resource.RUSAGE_CHILDREN)))
    conn.close()


def _host_work(repeats: int) -> None:
    """In a forked child: the fixed workload, `repeats` times."""
    for _ in range(repeats):
        _probe_ms()


def host_parallel_speedup(n: int, trials: int = 5, repeats: int = 200) -> float:
    """How many times as fast n processes run the fixed workload as one does.

    The ceiling of any pool's speed-up on this host: the workload is pure
    Python with no shared state, so on n idle cores it gives n.  A virtual
    machine whose vCPUs share physical cores (hyperthreads) or a busy host
    gives less, and no pool does better than that.  `repeats` probes of ~2 ms
    make ~0.4 s a process: forking is noise next to it.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("fork")

    def wall(k: int) -> float:
        t = time.perf_counter()
        procs = [ctx.Process(target=_host_work, args=(repeats,)) for _ in range(k)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        return time.perf_counter() - t

    # One and n in turn, several times: the host's speed drifts within seconds.
    ups = []
    for _ in range(trials):
        one, many = wall(1), wall(n)
        ups.append(n * one / many if many else 0.0)
    return statistics.median(ups)


def scaling(items: list[Item], workers: list[int], reference_date: str | None = None,
            batch_size: int | None = None, warm_items: list[Item] | None = None,
            rounds: int = 1) -> dict[str, Any]:
    """Wall seconds of `hadath.batch.process_encoded` with each number of workers.

    Each worker count runs in a process forked from this one, so every run
    starts from the same state: models loaded and the per-word caches as
    the warm-up articles (if any) left them, none of them warmed by an
    earlier timed run over the same articles.  With `rounds` > 1 the worker
    counts are run in turn that many times and each speed-up is taken
    against the one-worker run of its own round: a virtual machine's speed
    drifts by up to 2x over tens of seconds, which one round cannot tell
    from scaling.
    """
    import multiprocessing

    from hadath.batch import BATCH_SIZE, _warm_up, process_item

    for item in warm_items or ():
        process_item(item, reference_date)
    _warm_up()  # models loaded (and shared with forked workers) before timing
    ctx = multiprocessing.get_context("fork")
    rows = []
    peak_children = 0.0
    host_ceiling: dict[int, list[float]] = {n: [] for n in workers if n > 1}
    for r in range(rounds):
        # The host's own ceiling for this round, just before its runs.
        for n in host_ceiling:
            host_ceiling[n].append(host_parallel_speedup(n))
        for n in workers:
            load_before = os.getloadavg()[0]
            receive, send = ctx.Pipe(duplex=False)
            child = ctx.Process(target=_timed_pool,
                                args=(items, n, reference_date, batch_size or BATCH_SIZE, send))
            child.start()
            count, wall, cpu, peak = receive.recv()
            child.join()
            peak_children = max(peak_children, peak)
            rows.append({"round": r + 1, "workers": n, "articles": count, "wall_s": wall,
                         "cpu_s": cpu, "articles_per_s": count / wall if wall else 0.0,
                         "load_avg_before": load_before})
    for r in range(1, rounds + 1):
        mine = [x for x in rows if x["round"] == r]
        one = next((x for x in mine if x["workers"] == 1), None)
        for x in mine:
            x["speedup"] = x["articles_per_s"] / one["articles_per_s"] if one else None
            # The speed-up N idle cores would give if the only loss were the
            # extra CPU the pool spends (pickling, the parent's reading and
            # writing); the tail of the last batches is not counted.
            x["cpu_bound_speedup"] = (x["workers"] * one["cpu_s"] / x["cpu_s"]
                                      if one and x["cpu_s"] else None)
    summary = []
    for n in workers:
        mine = [x for x in rows if x["workers"] == n]
        ups = [x["speedup"] for x in mine if x["speedup"] is not None]
        summary.append({"workers": n,
                        "median_articles_per_s": statistics.median(x["articles_per_s"] for x in mine),
                        "median_speedup": statistics.median(ups) if ups else None,
                        "host_ceiling": host_ceiling.get(n),
                        "median_host_ceiling": (statistics.median(host_ceiling[n])
                                                if host_ceiling.get(n) else None)})
    return {"rows": rows, "rounds": rounds, "summary": summary,
            "peak_rss_children_mb": peak_children, "cores": os.cpu_count()}


def profile(items: list[Item], top: int = 25, reference_date: str | None = None) -> str:
    """cProfile of the pipeline over `items`: the top functions by own time."""
    import cProfile
    import io
    import pstats

    from hadath.batch import freeze_long_lived, process_item

    process_item(items[0], reference_date)
    freeze_long_lived()
    prof = cProfile.Profile()
    prof.enable()
    for item in items:
        process_item(item, reference_date)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


PROBE_EVERY = 20  # articles between two readings of the host's speed
FAST_HOST = 1.15  # a window is "fast" within this factor of the run's fastest probe


def _count_words_ms(words: list[str]) -> float:
    """CPU ms of the fixed pure-Python workload that reads the host's speed."""
    c = time.thread_time()
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + len(w.upper())
    return (time.thread_time() - c) * 1000


def _probe_ms() -> float:
    """The workload on 20,000 words (~2 ms): the host's speed now."""
    return _count_words_ms(_PROBE_WORDS)


_PROBE_WORDS = [f"w{i % 5000}" for i in range(20_000)]


def _host_windows(windows: list[tuple[int, float, float]]) -> dict[str, Any]:
    """The host's speed over a run, and the speed of the code where the host was fast.

    The same articles ran at 35 to 51 articles per CPU second from one run to
    the next on an idle virtual machine, and a fixed workload's time halves
    and doubles within a run.  So the run is read in windows of
    PROBE_EVERY articles, each followed by the probe: the windows whose
    probe is within FAST_HOST of the fastest give the code's speed on a host
    at full speed.
    """
    if not windows:
        return {}
    probes = [p for _, _, p in windows]
    fastest = min(probes)
    fast = [(n, c) for n, c, p in windows if p <= fastest * FAST_HOST]
    n_fast, cpu_fast = sum(n for n, _ in fast), sum(c for _, c in fast)
    return {"probe_ms_fastest": fastest, "probe_ms_median": statistics.median(probes),
            "probe_ms_slowest": max(probes), "windows": len(windows),
            "fast_windows": len(fast), "fast_articles": n_fast,
            "fast_articles_per_cpu_s": n_fast / cpu_fast if cpu_fast else None,
            "window_rows": [{"articles": n, "cpu_s": c, "probe_ms": p} for n, c, p in windows]}


def reference_ms() -> float:
    """CPU ms of a fixed pure-Python workload (best of 3): the host's speed now.

    Virtual machines run the same code at different speeds from one minute
    to the next (seen here: the same 600 articles at 35 to 51 articles per
    CPU second on an idle machine); this number, taken before and after the
    measurements, tells a slow spell from a slow change.
    """
    words = [f"w{i % 5000}" for i in range(200_000)]
    return min(_count_words_ms(words) for _ in range(3))


def format_report(rep: dict[str, Any]) -> str:
    lines: list[str] = []
    env = rep.get("environment", {})
    lines.append(f"input: {rep.get('input')}  ({env.get('cores')} cores, load average "
                 f"{env.get('load_avg_start', 0):.2f} at start, {env.get('load_avg_end', 0):.2f} at end)")
    if "reference_ms_start" in env:
        lines.append(f"host speed: a fixed Python workload took {env['reference_ms_start']:.1f} ms "
                     f"at start, {env['reference_ms_end']:.1f} ms at end (lower is faster)")
    st = rep.get("stages")
    if st:
        warmed = (f", after {st['warm_articles']} other articles untimed (warm caches)"
                  if st.get("warm_articles") else ", cold caches")
        lines.append(f"one core, end to end{warmed}: {st['articles']} articles ({st['ok']} ok, "
                     f"{st['mean_chars']:.0f} chars mean): {st['articles_per_cpu_s']:.1f} articles "
                     f"per CPU second ({st['cpu_s']:.2f} s CPU, {st['wall_s']:.2f} s wall = "
                     f"{st['articles_per_wall_s']:.1f}/s wall)")
        host = st.get("host")
        if host and host.get("fast_articles_per_cpu_s"):
            lines.append(
                f"host speed during it (a ~2 ms probe after every {PROBE_EVERY} articles): fastest "
                f"{host['probe_ms_fastest']:.2f} ms, median {host['probe_ms_median']:.2f} ms, "
                f"slowest {host['probe_ms_slowest']:.2f} ms; in the {host['fast_windows']} of "
                f"{host['windows']} windows within {FAST_HOST:.2f}x of the fastest: "
                f"{host['fast_articles_per_cpu_s']:.1f} articles per CPU second "
                f"({host['fast_articles']} articles)")
        lines.append("per stage (CPU ms per article, share of end to end):")
        for row in sorted(st["stages"], key=lambda r: -r["ms_per_article"]):
            lines.append(f"  {row['stage']:<40} {row['ms_per_article']:8.2f} ms  {row['share']:6.1%}")
        lines.append(f"peak memory, one worker (max RSS): {st['peak_rss_mb']:.0f} MB")
        if st["ok"] < st["articles"]:
            lines.append(f"WARNING: {st['articles'] - st['ok']} articles gave errors, e.g. "
                         f"{st['error_samples'][:2]}")
    cs = rep.get("cold_start")
    if cs:
        lines.append(f"cold start (python -m hadath extract, one article): best {cs['best_s']:.2f} s, "
                     f"median {cs['median_s']:.2f} s of {cs['runs']} (CPU: best "
                     f"{cs['cpu_best_s']:.2f} s, median {cs['cpu_median_s']:.2f} s)")
    sc = rep.get("scaling")
    if sc:
        lines.append("workers (hadath extract's pool, hadath.batch.process_encoded; wall time, models preloaded, each run forked from one warm state):")
        rounds = sc.get("rounds", 1)
        for row in sc["rows"]:
            speedup = f"{row['speedup']:.2f}x" if row["speedup"] else "n/a"
            ceiling = f"{row['cpu_bound_speedup']:.2f}x" if row["cpu_bound_speedup"] else "n/a"
            turn = f"round {row['round']}, " if rounds > 1 else ""
            lines.append(f"  {turn}{row['workers']:>3} worker(s): {row['articles_per_s']:7.1f} articles/s  "
                         f"speed-up {speedup}  (load average before: "
                         f"{row['load_avg_before']:.2f}); CPU {row['cpu_s']:.1f} s, "
                         f"CPU-bound speed-up {ceiling}")
        if rounds > 1:
            for row in sc["summary"]:
                up = f"{row['median_speedup']:.2f}x" if row["median_speedup"] else "n/a"
                lines.append(f"  median of {rounds} rounds, {row['workers']:>3} worker(s): "
                             f"{row['median_articles_per_s']:7.1f} articles/s, speed-up {up}")
        for row in sc["summary"]:
            if row.get("host_ceiling"):
                each = ", ".join(f"{x:.2f}x" for x in row["host_ceiling"])
                lines.append(f"  host ceiling, {row['workers']} processes of a fixed pure-Python "
                             f"workload against one (median of 5 trials before each round): {each}; "
                             f"median {row['median_host_ceiling']:.2f}x")
        lines.append(f"  peak memory of a worker process: {sc['peak_rss_children_mb']:.0f} MB")
    if rep.get("profile"):
        lines.append("profile (top functions by own time):")
        lines.append(rep["profile"])
    return "\n".join(lines)


def run_bench(path: str, limit: int | None = 300, workers: list[int] | None = None,
              cold_runs: int = 3, stages: bool = True, profile_top: int = 0,
              reference_date: str | None = None, warm: int = 0,
              rounds: int = 1) -> dict[str, Any]:
    items = load(path, (limit + warm) if limit and warm else limit)
    warm_items: list[Item] = []
    if limit and warm and len(items) > limit:
        # Measured and warm-up articles are different articles, both spread
        # over the file (the measured ones evenly among all loaded).
        n = len(items)
        measured = {k * n // limit for k in range(limit)}
        warm_items = [it for i, it in enumerate(items) if i not in measured]
        items = [it for i, it in enumerate(items) if i in measured]
    if not items:
        raise ValueError(f"no article in {path}")
    rep: dict[str, Any] = {"input": path, "environment": {
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": sys.version.split()[0], "load_avg_start": os.getloadavg()[0],
        "reference_ms_start": reference_ms()}}
    if cold_runs:
        # First, before this process forks workers or loads models: the
        # subprocess must not find anything warm.
        rep["cold_start"] = cold_start(items[0], cold_runs)
    if stages:
        rep["stages"] = per_stage(items, reference_date, warm_items)
    if workers:
        # per_stage has run the warm-up articles already, if it ran.
        rep["scaling"] = scaling(items, workers, reference_date,
                                 warm_items=None if stages else warm_items, rounds=rounds)
    if profile_top:
        rep["profile"] = profile(items, profile_top, reference_date)
    rep["environment"]["load_avg_end"] = os.getloadavg()[0]
    rep["environment"]["reference_ms_end"] = reference_ms()
    return rep
