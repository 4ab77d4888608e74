"""Bounded caches for the store's read path, valid for one store generation.

The API answers the same filters again and again (a dashboard pages
through one result set, re-draws the same map): the expensive parts of a
page — the `total` count, and the full ordered match list of a full-text
or actor search — do not change until something is written.  Every write
transaction changes the store's generation token (`hadath_meta`), in the
same transaction as the data, so an entry computed under one token can
never be served once a write has committed; the generation is read before
the cached work is done, so a count computed while a write commits is at
worst filed under the older token and never used again.

Hand-written because the entries must be dropped by generation and bounded
by size (the id lists), which functools.lru_cache does not do.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class GenerationCache:
    """An LRU map of key -> value that only answers for the current generation.

    `max_entries` bounds the number of entries, `max_weight` the sum of the
    entries' weights (e.g. the ids held by cached match lists).
    """

    def __init__(self, max_entries: int, max_weight: int | None = None,
                 weigh: Callable[[Any], int] | None = None) -> None:
        self.max_entries = max_entries
        self.max_weight = max_weight
        self.weigh = weigh or (lambda _value: 1)
        self._items: OrderedDict[Hashable, tuple[str, Any, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()  # uvicorn runs sync routes in threads

    def get(self, key: Hashable, generation: str | None) -> Any | None:
        if generation is None:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] != generation:
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: Hashable, generation: str | None, value: Any) -> None:
        if generation is None:
            return
        weight = self.weigh(value)
        if self.max_weight is not None and weight > self.max_weight:
            return  # one entry larger than the whole cache: not kept
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= old[2]
            self._items[key] = (generation, value, weight)
            self._weight += weight
            while self._items and (
                len(self._items) > self.max_entries
                or (self.max_weight is not None and self._weight > self.max_weight)
            ):
                _key, (_gen, _value, w) = self._items.popitem(last=False)
                self._weight -= w

    def __len__(self) -> int:
        return len(self._items)
