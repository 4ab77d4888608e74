"""Storage of articles and events (SQLite / PostgreSQL), ingest, dedup, exports.

`Store` is imported lazily so that `hadath.store.commands` (loaded by every
`hadath` invocation to register subcommands) does not pull in SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_URL", "Store", "content_hash"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from hadath.store import store

        return getattr(store, name)
    raise AttributeError(name)
