"""Storage of articles and events (SQLite / PostgreSQL), ingest, dedup, exports."""

from __future__ import annotations

from hadath.store.store import DEFAULT_URL, Store, content_hash

__all__ = ["DEFAULT_URL", "Store", "content_hash"]
