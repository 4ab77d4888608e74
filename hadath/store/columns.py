"""The filter columns of a store's events in memory, for the API's lists.

`GET /events` filters on a handful of flat columns (type, mode, dates,
country, admin1, a map box) and pages in date order.  Kept as numpy arrays
in that order, any combination of them is a few vectorised comparisons over
all events, the total a count of the mask, and a page a slice of its
positions: 0.1 - 1.5 ms for 100,000 events, whatever the filters, so
a query the server has not seen before costs no more than a cached one.
SQL remains the source of truth: the arrays are read from it once per store
generation (Store keeps one per table), and stores too large for memory
are filtered in SQL as before.

Written here because no library does "SQL filters over a small, read-mostly
table in memory" without a second database: DuckDB or Polars would add a
large dependency for four comparisons.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

# Rows are (id, date, type, mode, country, admin1, lon, lat), in the store's
# list order: date descending (no date last), then id.
Row = tuple[str, str | None, str | None, str | None, str | None, str | None,
            float | None, float | None]


class _Codes:
    """A column of strings as integer codes (-1: NULL)."""

    def __init__(self, values: Sequence[str | None]) -> None:
        self.code: dict[str, int] = {v: i for i, v in enumerate(set(values)) if v is not None}
        get = self.code.get
        self.array = np.fromiter((get(v, -1) for v in values), dtype=np.int32, count=len(values))

    def equals(self, value: str) -> np.ndarray:
        code = self.code.get(value)
        if code is None:
            return np.zeros(len(self.array), dtype=bool)
        return self.array == code


class EventColumns:
    """Filter columns of one events table, in list order."""

    def __init__(self, rows: Sequence[Row], lower: Callable[[str], str]) -> None:
        self.built_at = time.monotonic()
        self.n = len(rows)
        ids, dates, types, modes, countries, admin1s, lons, lats = (
            zip(*rows, strict=True) if rows else ((),) * 8)
        self.ids = list(ids)
        self.position = {eid: i for i, eid in enumerate(self.ids)}
        self.has_date = np.array([d is not None for d in dates], dtype=bool)
        # Dates compare as strings, as in SQL ("2021-11" sorts before its days).
        self.date = np.array([d or "" for d in dates], dtype="U10")
        self.type = _Codes(types)
        self.mode = _Codes(modes)
        self.country = _Codes(countries)
        # The database's lower() of the column (SQLite folds ASCII only).
        self.admin1 = _Codes([lower(a) if a is not None else None for a in admin1s])
        # None -> NaN, which no comparison keeps.
        self.lon = np.array(lons, dtype=np.float64) if self.n else np.zeros(0)
        self.lat = np.array(lats, dtype=np.float64) if self.n else np.zeros(0)

    def positions(self, type: str | None, mode: str | None, date_from: str | None,
                  date_to: str | None, country: str | None, admin1: str | None,
                  bbox: tuple[float, float, float, float] | None,
                  allowed: np.ndarray | None = None) -> np.ndarray:
        """Positions (in list order) of the events every given filter keeps.

        The same conditions as Store._event_query; NULLs match no filter.
        `allowed` is a mask from filters evaluated elsewhere (a search).
        """
        mask = np.ones(self.n, dtype=bool) if allowed is None else allowed.copy()
        if type:
            mask &= self.type.equals(type.upper())
        if mode:
            mask &= self.mode.equals(mode)
        if date_from:
            mask &= self.has_date & (self.date >= date_from)
        if date_to:
            mask &= self.has_date & (self.date <= date_to)
        if country:
            mask &= self.country.equals(country.upper())
        if admin1:
            if "\x00" in admin1:
                mask[:] = False
            else:
                mask &= self.admin1.equals(admin1.lower())
        if bbox:
            min_lon, min_lat, max_lon, max_lat = bbox
            with np.errstate(invalid="ignore"):  # NaN (no place) compares False
                mask &= ((self.lon >= min_lon) & (self.lon <= max_lon)
                         & (self.lat >= min_lat) & (self.lat <= max_lat))
        return np.flatnonzero(mask)

    def page_ids(self, positions: np.ndarray, offset: int, limit: int | None) -> list[str]:
        chosen = positions[offset:] if limit is None else positions[offset:offset + limit]
        return [self.ids[i] for i in chosen.tolist()]


def sql_lower(dialect: str) -> Callable[[str], str]:
    """The database's lower(): SQLite's folds ASCII letters only."""
    if dialect == "sqlite":
        table = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
        return lambda s: s.translate(table)
    return str.lower


def load_rows(conn: Any, table: Any) -> list[Row]:
    """Every event's filter columns, in list order (one query)."""
    from sqlalchemy import select

    t = table
    return [tuple(r) for r in conn.execute(
        select(t.c.id, t.c.date, t.c.type, t.c.mode, t.c.country, t.c.admin1, t.c.lon, t.c.lat)
        .order_by(t.c.date.desc().nulls_last(), t.c.id))]


class LinkIndex:
    """Integer keys (article seqs, participant ids) -> positions in EventColumns.

    Full-text and actor searches find articles and participants through
    their own indexes (FTS5, tsvector, trigram); this turns those hits into
    the events they belong to with one vectorised look-up, instead of a
    chain of SQL look-ups through wide rows.
    """

    def __init__(self, pairs: Iterable[tuple[int, str]], position: dict[str, int]) -> None:
        keys: list[int] = []
        positions: list[int] = []
        for key, eid in pairs:
            pos = position.get(eid)
            if pos is not None and key is not None:
                keys.append(key)
                positions.append(pos)
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        self.keys = np.array(keys, dtype=np.int64)[order]
        self.positions = np.array(positions, dtype=np.int32)[order]

    def lookup(self, hits: Iterable[int]) -> np.ndarray:
        """Sorted unique positions of the events linked to these keys."""
        found = np.fromiter(hits, dtype=np.int64)
        if not len(found) or not len(self.keys):
            return np.zeros(0, dtype=np.int32)
        return np.unique(self.positions[np.isin(self.keys, found)])


def load_links(conn: Any, canonical: bool, cols: EventColumns) -> tuple[LinkIndex, LinkIndex]:
    """(article seq -> events, participant id -> events) for one table's columns."""
    from sqlalchemy import select

    from hadath.store.models import articles, events, participants

    target = events.c.canonical_id if canonical else events.c.id
    by_article = conn.execute(select(articles.c.seq, target)
                              .join_from(events, articles, articles.c.id == events.c.article_id))
    if canonical:
        by_party = conn.execute(select(participants.c.id, events.c.canonical_id)
                                .join_from(participants, events,
                                           events.c.id == participants.c.event_id))
    else:
        by_party = conn.execute(select(participants.c.id, participants.c.event_id))
    return LinkIndex(by_article, cols.position), LinkIndex(by_party, cols.position)
