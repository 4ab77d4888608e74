"""Processing many articles: validation, per-article errors, ordered workers.

Every article gives exactly one output object, in input order: the
contract's JSON, or an object with an `error` field.  A stage that raises on
one article yields an error for that article only.  With several workers,
articles go to a process pool in small batches and at most a bounded number
of batches are in flight, so memory stays flat on any input size.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from hadath.document import content_id
from hadath.readers import Article, Item, ReadError

MAX_TEXT_CHARS = 2_000_000
MIN_ARABIC_SHARE = 0.3
BATCH_SIZE = 16


def check_article(article: Article) -> str | None:
    """Why an article cannot be processed, or None when it can."""
    text = article.text
    if not text or not text.strip():
        return "empty article: no text"
    if len(text) > MAX_TEXT_CHARS:
        return f"article too long: {len(text)} characters (limit {MAX_TEXT_CHARS})"
    sample = text[:5000] + text[-1000:]
    letters = arabic = 0
    for ch in sample:
        if ch.isalpha():
            letters += 1
            if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufefc":
                arabic += 1
    if letters == 0:
        return "no letters: not an article"
    if arabic / letters < MIN_ARABIC_SHARE:
        return f"not Arabic: {arabic / letters:.0%} of letters are Arabic"
    return None


def error_object(item: Item, message: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "error": message, "origin": item.origin}
    if isinstance(item, Article):
        if out["id"] is None and item.text:
            out["id"] = content_id(item.text, item.title)
        out.update(title=item.title, date=item.date)
        if item.source is not None:
            out["source"] = item.source
        if item.url is not None:
            out["url"] = item.url
    return out


def process_item(item: Item, reference_date: str | None = None) -> dict[str, Any]:
    """One article to its output object; never raises."""
    if isinstance(item, ReadError):
        return error_object(item, item.error)
    problem = check_article(item)
    if problem:
        return error_object(item, problem)
    from hadath.pipeline import extract

    try:
        doc = extract(
            item.text, title=item.title, date=_date_part(item.date), id=item.id,
            source=item.source, url=item.url, reference_date=reference_date,
        )
        return doc.to_dict()
    except Exception as exc:  # one broken article must not stop a batch
        return error_object(item, f"internal error: {type(exc).__name__}: {exc}")


def _date_part(value: str | None) -> str | None:
    """Publication date as YYYY-MM-DD from a date or ISO datetime string."""
    if not value:
        return None
    value = value.strip()
    head = value[:10]
    if len(head) == 10 and head[4] == "-" and head[7] == "-" and head.replace("-", "").isdigit():
        return head
    return None


def _process_batch(batch: list[Item], reference_date: str | None) -> list[dict[str, Any]]:
    return [process_item(item, reference_date) for item in batch]


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _warm_up() -> None:
    """Load every model in the parent so forked workers share them."""
    from hadath.pipeline import extract

    extract("هاجم مسلحون قرية قرب بغداد يوم الأحد.", title="هجوم", date="2021-11-07")


def process(
    items: Iterable[Item], workers: int = 1, reference_date: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[dict[str, Any]]:
    """Output objects for `items`, in order, using `workers` processes."""
    if workers <= 1:
        for item in items:
            yield process_item(item, reference_date)
        return
    _warm_up()
    max_in_flight = workers * 4
    pending: deque[Future[list[dict[str, Any]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        for batch in _batches(items, batch_size):
            pending.append(pool.submit(_process_batch, batch, reference_date))
            while len(pending) >= max_in_flight:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
