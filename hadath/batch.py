"""Processing many articles: validation, per-article errors, ordered workers.

Every article gives exactly one output object, in input order: the
contract's JSON, or an object with an `error` field.  A stage that raises on
one article yields an error for that article only.  With several workers,
articles go to a process pool in small batches and at most a bounded number
of batches are in flight, so memory stays flat on any input size.
"""

from __future__ import annotations

import gc
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from hadath.document import content_id
from hadath.readers import Article, Item, ReadError

MAX_TEXT_CHARS = 2_000_000
MIN_ARABIC_SHARE = 0.3
BATCH_SIZE = 16
T = TypeVar("T")

if TYPE_CHECKING:
    from concurrent.futures import Future

# Counting letters with C-level regex scans over runs, instead of a Python
# loop over every character, takes the check from ~3 ms to ~1 ms an article.
# Letters: word characters that are not digits or "_" (str.isalpha() near
# enough).  Arabic letters: built from str.isalpha() over the Arabic blocks,
# so the count is exactly the old loop's.
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0xFB50, 0xFEFC))


@cache
def _arabic_letter_run() -> re.Pattern[str]:
    ranges: list[str] = []
    for lo, hi in _ARABIC_BLOCKS:
        start = None
        for cp in range(lo, hi + 2):
            alpha = cp <= hi and chr(cp).isalpha()
            if alpha and start is None:
                start = cp
            elif not alpha and start is not None:
                ranges.append(f"\\u{start:04x}-\\u{cp - 1:04x}")
                start = None
    return re.compile("[" + "".join(ranges) + "]+")


def check_article(article: Article) -> str | None:
    """Why an article cannot be processed, or None when it can."""
    text = article.text
    if not text or not text.strip():
        return "empty article: no text"
    if len(text) > MAX_TEXT_CHARS:
        return f"article too long: {len(text)} characters (limit {MAX_TEXT_CHARS})"
    sample = text[:5000] + text[-1000:] if len(text) > 6000 else text
    letters = sum(map(len, _LETTER_RUN.findall(sample)))
    if letters == 0:
        return "no letters: not an article"
    arabic = sum(map(len, _arabic_letter_run().findall(sample)))
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


def _encode_batch(batch: list[Item], reference_date: str | None,
                  option: int) -> list[tuple[bool, bytes]]:
    out = []
    for item in batch:
        result = process_item(item, reference_date)
        out.append(("error" not in result, orjson.dumps(result, option=option)))
    return out


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


_frozen = False  # freeze_long_lived has run in this process


def freeze_long_lived() -> None:
    """Take every object alive now out of the cyclic collector's reach.

    Called once the models are loaded.  The per-word-form caches (LRU caches
    and matcher start forms of up to 150,000 forms each) are traversed whole
    by every full collection: ~150 ms each, about one per 100 articles, 9% of
    a long single-process run's CPU time (measured with `gc.callbacks`).
    Frozen, they are never traversed again, while what they come to hold
    later is young and collected as usual.  The price, cyclic garbage alive
    at this moment never being freed, is bounded by doing it once a process.
    """
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


def _warm_up() -> None:
    """Load every model in the parent so forked workers share them."""
    from hadath.pipeline import extract

    extract("هاجم مسلحون قرية قرب بغداد يوم الأحد.", title="هجوم", date="2021-11-07")
    # Move everything loaded so far out of the collector's generations: the
    # children then never write to those pages (no copy-on-write of the
    # models through GC bookkeeping), so N workers cost little more memory
    # than one.
    gc.collect()
    gc.freeze()


def process(
    items: Iterable[Item], workers: int = 1, reference_date: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[dict[str, Any]]:
    """Output objects for `items`, in order, using `workers` processes.

    At most `workers * 4` batches are in flight, so memory stays bounded
    whatever the input size.  An input that fits in one batch is processed
    in this process: a pool cannot make one batch faster, and skipping it
    keeps the time to the first result low for one-article calls.
    """
    return _ordered(items, workers, batch_size, _process_batch, (reference_date,))


def process_encoded(
    items: Iterable[Item], workers: int = 1, reference_date: str | None = None,
    batch_size: int = BATCH_SIZE, option: int = 0,
) -> Iterator[tuple[bool, bytes]]:
    """Like `process`, but (ok, the object as JSON bytes) encoded in the workers.

    For writers of JSON (`hadath extract`): the parent then neither unpickles
    the nested result nor encodes it again, which took ~1 ms an article of
    the one process that feeds all the workers.
    """
    return _ordered(items, workers, batch_size, _encode_batch, (reference_date, option))


def _ordered(items: Iterable[Item], workers: int, batch_size: int,
             run_batch: Callable[..., list[T]], args: tuple[Any, ...]) -> Iterator[T]:
    if workers <= 1:
        for item in items:
            yield from run_batch([item], *args)
            freeze_long_lived()  # the first article has loaded the models; once a process
        return
    iterator = iter(items)
    head = list(islice(iterator, batch_size + 1))
    if len(head) <= batch_size:
        for item in head:
            yield from run_batch([item], *args)
        return
    _warm_up()
    max_in_flight = workers * 4
    # Imported here: a one-article call never needs them (~20 ms of start-up).
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    pending: deque[Future[list[T]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        for batch in _batches(chain(head, iterator), batch_size):
            pending.append(pool.submit(run_batch, batch, *args))
            while len(pending) >= max_in_flight:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
