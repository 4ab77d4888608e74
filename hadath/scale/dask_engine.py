"""Running extraction on a Dask cluster (distributed futures over partitions).

The client cuts the input into partitions (line ranges of JSON Lines files,
groups of other files: `hadath.scale.partitions`), submits one task per
partition and keeps at most a bounded number in flight.  A task re-opens its
file on the worker, runs the same `hadath.batch.process_item` as a local run
and either writes its shard (JSON Lines or Parquet) into a directory every
worker can reach, writes to a store (PostgreSQL, or SQLite for small jobs)
through its own `Store`, or hands its results back to the client, which
prints them in input order.  So a Dask run gives exactly the objects of a
single-process run, and a finished shard or stored article is never redone:
a rerun after a crash resumes.

We use Dask's scheduler (retries, work stealing, dashboard, deployment on
Kubernetes/SLURM/YARN via dask-kubernetes/dask-jobqueue) rather than a
home-made one.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hadath.scale.partitions import DEFAULT_PARTITION_SIZE, Partition, plan, read
from hadath.scale.shards import SHARD_FORMATS, shard_paths, write_jsonl, write_parquet, write_store

# A task that raises (a database restart, a full disk that was cleared) is
# tried again; partitions are idempotent, so a retry never duplicates.
RETRIES = 2


@dataclass
class PartitionReport:
    """What one partition task did (small: this is what travels back)."""

    name: str
    articles: int = 0
    errors: int = 0
    events: int = 0
    skipped: int = 0  # already done: shard present or article stored
    seconds: float = 0.0
    worker: str = ""
    results: list[bytes] | None = None  # orjson lines when the client prints them


@dataclass
class RunReport:
    partitions: int = 0
    articles: int = 0
    errors: int = 0
    events: int = 0
    skipped: int = 0
    seconds: float = 0.0
    task_seconds: float = 0.0  # summed over partitions: CPU time spent on workers, about
    workers: int = 0
    per_worker: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _results(part: Partition, reference_date: str | None) -> Iterator[tuple[Any, dict[str, Any]]]:
    from hadath.batch import process_item

    for item in read(part):
        yield item, process_item(item, reference_date)


def run_partition(part: Partition, *, out_dir: str | None = None, fmt: str = "jsonl",
                  db: str | None = None, reference_date: str | None = None) -> PartitionReport:
    """One partition on a worker: extract, then write a shard, a store or results."""
    import orjson

    t0 = time.perf_counter()
    rep = PartitionReport(part.name, worker=_worker_name())
    if db is not None:
        from hadath.store.store import Store

        # The client created the schema before submitting: tasks must not
        # race on CREATE TABLE.
        with Store(db, create=False) as store:
            rep.articles, rep.errors, rep.events, rep.skipped = write_store(
                read(part), store, reference_date)
    elif out_dir is not None:
        paths = shard_paths(out_dir, part.name, fmt)
        if all(p.exists() for p in paths):
            rep.skipped = 1  # finished by an earlier run or an earlier try
        elif fmt == "jsonl":
            rep.articles, rep.errors, rep.events = write_jsonl(_results(part, reference_date), paths[0])
        else:
            rep.articles, rep.errors, rep.events = write_parquet(
                _results(part, reference_date), paths[0], paths[1])
    else:
        rep.results = []
        for _, r in _results(part, reference_date):
            rep.results.append(orjson.dumps(r))
            rep.articles += 1
            rep.errors += "error" in r
            rep.events += len(r.get("events") or ())
    rep.seconds = time.perf_counter() - t0
    return rep


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid-{os.getpid()}"


def _warm_up() -> int:
    """Load the models on a worker before its first task (returns its pid)."""
    from hadath.batch import _warm_up as load

    load()
    return os.getpid()


def connect(scheduler: str | None = None, workers: int | None = None) -> Any:
    """A Client of the scheduler at `scheduler`, or of a new LocalCluster.

    The local cluster has `workers` single-threaded worker processes: the
    pipeline is pure Python, so threads would share one GIL.
    """
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    from hadath.batch import default_workers

    n = workers or default_workers()
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           dashboard_address=":0")
    client = Client(cluster)
    client._hadath_cluster = cluster  # closed with the client in `close()`
    return client


def close(client: Any) -> None:
    cluster = getattr(client, "_hadath_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def run(paths: list[str], client: Any, *, out_dir: str | None = None, fmt: str = "jsonl",
        db: str | None = None, reference_date: str | None = None,
        partition_size: int = DEFAULT_PARTITION_SIZE,
        on_result: Callable[[bytes], None] | None = None,
        on_partition: Callable[[PartitionReport], None] | None = None) -> RunReport:
    """Process `paths` on the cluster behind `client`.

    With `out_dir`, shards named after the partitions (`part-00000.jsonl`, or
    `articles-part-00000.parquet` + `events-part-00000.parquet`) are written
    there; with `db`, results go to that store; otherwise every result is
    handed to `on_result` as an orjson line, in input order.
    """
    from distributed import as_completed

    if fmt not in SHARD_FORMATS:
        raise ValueError(f"unknown shard format {fmt!r}")
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    if db is not None:
        from hadath.store.store import Store

        Store(db).close()  # create the schema once, not racing in every task
    t0 = time.perf_counter()
    parts = plan(paths, partition_size)
    report = RunReport(partitions=len(parts))
    report.workers = len(client.scheduler_info().get("workers", {})) or 1
    client.run(_warm_up)  # every worker loads its models once, before any task
    kwargs = {"out_dir": out_dir, "fmt": fmt, "db": db, "reference_date": reference_date}

    def submit(part: Partition) -> Any:
        return client.submit(run_partition, part, pure=False, retries=RETRIES, **kwargs)

    def account(rep: PartitionReport) -> None:
        report.articles += rep.articles
        report.errors += rep.errors
        report.events += rep.events
        report.skipped += rep.skipped
        report.task_seconds += rep.seconds
        report.per_worker[rep.worker] = report.per_worker.get(rep.worker, 0) + rep.articles
        if on_partition is not None:
            on_partition(rep)

    # Bounded in flight: partitions are cheap to describe, but results held
    # for ordered printing are not, so at most a few per worker wait.
    max_in_flight = max(2, report.workers * 3)
    todo = deque(parts)
    if on_result is None or out_dir is not None or db is not None:
        futures = as_completed()
        for _ in range(min(max_in_flight, len(todo))):
            futures.add(submit(todo.popleft()))
        for fut in futures:
            account(fut.result())
            fut.release()
            if todo:
                futures.add(submit(todo.popleft()))
    else:
        pending: deque[Any] = deque()
        while todo or pending:
            while todo and len(pending) < max_in_flight:
                pending.append(submit(todo.popleft()))
            rep = pending.popleft().result()
            for line in rep.results or ():
                on_result(line)
            rep.results = None
            account(rep)
    if db is not None:
        from hadath.store.store import Store

        # Partitions stored concurrently cannot see each other's reports of
        # the same event: merge canonical events over everything at the end.
        with Store(db) as store:
            store.rebuild_canonical()
    report.seconds = time.perf_counter() - t0
    return report
