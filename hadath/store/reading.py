"""Reading events from the store: filters, pages, searches (the API's hot path).

`EventReads` is the read side of `Store` (a mixin: it uses the Store's
engine, dialect and schema).  Two ways to answer one filter set, which give
the same ids in the same order (tests/test_store_readpath.py runs every
read-path test on both):

- in memory (columns.py): the filter columns of every event as numpy
  arrays, loaded once per store generation; searches ask only their own
  index and map hits to events through link indexes;
- in SQL: index walks in date order, covering indexes, and counts and
  search matches cached per generation (readcache.py), for stores too large
  for memory or while a store being written to waits for its next load.

Pages are then read by key on the driver's cursor (a statement compiled once
per chunk size) and decoded with orjson.  See docs/store.md, "The read path".
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, false, func, literal_column, select, text

from hadath.store import dedup
from hadath.store.columns import EventColumns, LinkIndex, load_links, load_rows, sql_lower
from hadath.store.models import (
    article_search,
    articles,
    canonical_events,
    events,
    meta,
    participants,
)
from hadath.store.readcache import GenerationCache
from hadath.store.search import fts5_query, tsquery_text

GENERATION = "generation"  # hadath_meta key: changes with every write transaction

# Read caches (see readcache.py): `total` counts per filter set, and the
# ordered match lists of actor and full-text filters, bounded in ids held.
COUNT_CACHE_ENTRIES = 4096
MATCH_CACHE_ENTRIES = 64
MATCH_CACHE_IDS = 300_000
SEARCH_CACHE_ENTRIES = 1024
SEARCH_CACHE_POSITIONS = 10_000_000  # 40 MB
FETCH_CHUNK = 500  # ids per "WHERE id IN (...)" when reading pages
# Filter columns held in memory (columns.py) for tables up to this size,
# rebuilt at most this often while the store is being written to.
COLUMNS_MAX_EVENTS = 2_000_000
COLUMNS_REBUILD_S = 10.0
# A map box holding at least this many events is paged by walking the date
# index (a page reads about limit / share rows); a smaller one by its own
# index and a sort of its matches.
BBOX_WALK_MIN = 1000


class EventReads:
    """The read side of Store: events(), searches, pages.

    A mixin: Store provides the engine and its dialect name.
    """

    engine: Engine
    dialect: str

    def _init_reads(self) -> None:
        self._counts = GenerationCache(COUNT_CACHE_ENTRIES)
        self._matches = GenerationCache(MATCH_CACHE_ENTRIES, MATCH_CACHE_IDS, weigh=len)
        # Searches over the in-memory columns: positions (4 bytes each), so
        # many more fit than lists of ids.
        self._search_positions = GenerationCache(SEARCH_CACHE_ENTRIES, SEARCH_CACHE_POSITIONS,
                                                 weigh=len)
        self._participant_fts = False
        self._fetch_cache: dict[tuple[bool, int], _FetchStatement] = {}
        self._columns: dict[bool, EventColumns] = {}
        self._columns_generation: dict[bool, str] = {}
        self._links: dict[bool, tuple[LinkIndex, LinkIndex]] = {}
        self._columns_lock = threading.Lock()
        self._generation_sql: tuple[str, Any] | None = None

    def _party_ids(self, key: str):  # noqa: ANN202 - a SQLAlchemy select
        """A select of the participant ids whose normalised name holds `key`."""
        if self._participant_fts and len(key) >= 3 and "\x00" not in key:
            # A quoted trigram phrase matches exactly the names holding `key`
            # as a substring, as the LIKE does, through the index.
            phrase = '"' + key.replace('"', '""') + '"'
            return (select(literal_column("rowid")).select_from(text("participant_fts"))
                    .where(text("participant_fts MATCH :phrase").bindparams(phrase=phrase)))
        pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return select(participants.c.id).where(participants.c.norm.like(pattern, escape="\\"))

    def _fts_seqs(self, q: str):  # noqa: ANN202 - a SQLAlchemy select
        """A select of the seqs of articles matching `q` (None: no words; False:
        this back end has no full-text index)."""
        if self.dialect == "sqlite":
            fq = fts5_query(q)
            if fq is None:
                return None
            return (select(literal_column("rowid")).select_from(text("article_fts"))
                    .where(text("article_fts MATCH :fq").bindparams(fq=fq)))
        if self.dialect == "postgresql":
            tq = tsquery_text(q)
            if tq is None:
                return None
            return select(article_search.c.seq).where(
                article_search.c.tsv.op("@@")(func.plainto_tsquery("simple", tq)))
        return False

    def _fts_article_ids(self, q: str):  # noqa: ANN202 - a SQLAlchemy select
        """A subquery of article ids whose text matches `q` (None: no words)."""
        if self.dialect == "sqlite":
            fq = fts5_query(q)
            if fq is None:
                return None
            seqs = (
                select(literal_column("rowid"))
                .select_from(text("article_fts"))
                .where(text("article_fts MATCH :fq").bindparams(fq=fq))
            )
        elif self.dialect == "postgresql":
            tq = tsquery_text(q)
            if tq is None:
                return None
            seqs = select(article_search.c.seq).where(
                article_search.c.tsv.op("@@")(func.plainto_tsquery("simple", tq)))
        else:  # other back ends: a substring match on the raw text
            return select(articles.c.id).where(articles.c.text.contains(q))
        return select(articles.c.id).where(articles.c.seq.in_(seqs))

    def search_articles(self, q: str, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """Articles whose normalised text matches every word of `q`."""
        ids = self._fts_article_ids(q)
        if ids is None:
            return 0, []
        cols = [articles.c.id, articles.c.title, articles.c.date, articles.c.source,
                articles.c.url, articles.c.n_events, articles.c.dup_group]
        where = articles.c.id.in_(ids)
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(articles).where(where)).scalar_one()
            rows = conn.execute(
                select(*cols).where(where).order_by(articles.c.date.desc().nulls_last(), articles.c.seq)
                .limit(limit).offset(offset)).mappings()
            return total, [_plain(r) for r in rows]

    def _event_query(self, canonical: bool, type: str | None, mode: str | None,
                     date_from: str | None, date_to: str | None, country: str | None,
                     admin1: str | None, bbox: tuple[float, float, float, float] | None,
                     actor: str | None, q: str | None,
                     bbox_index: bool = True) -> tuple[Any, list[Any]]:
        """The table and WHERE conditions for these filters.

        `bbox_index=False` writes the box so that no index serves it (`lon +
        0`): a page of a wide box is then read by walking the date index and
        testing each row, which stops after `limit` rows, instead of sorting
        every row in the box.
        """
        t = canonical_events if canonical else events
        conds: list[Any] = []
        if type:
            conds.append(t.c.type == type.upper())
        if mode:
            conds.append(t.c.mode == mode)
        if date_from:
            conds.append(t.c.date >= date_from)
        if date_to:
            # A date of coarser precision ("2021-11") sorts before its days.
            conds.append(t.c.date <= date_to)
        if country:
            conds.append(t.c.country == country.upper())
        if admin1:
            # A NUL can name no division (and PostgreSQL refuses it in text).
            conds.append(func.lower(t.c.admin1) == admin1.lower() if "\x00" not in admin1 else false())
        if bbox:
            min_lon, min_lat, max_lon, max_lat = bbox
            lon, lat = (t.c.lon, t.c.lat) if bbox_index else (t.c.lon + 0, t.c.lat + 0)
            conds += [lon >= min_lon, lon <= max_lon, lat >= min_lat, lat <= max_lat]
        if actor:
            key = dedup.party_key({"text": actor})
            party_ids = self._party_ids(key)
            ev_ids = select(participants.c.event_id).where(participants.c.id.in_(party_ids))
            if not key or "\x00" in key:
                # Nothing but spaces or marks (LIKE '%%' would match every
                # event), or a NUL (PostgreSQL refuses it): no party matches.
                conds.append(false())
            elif canonical:
                conds.append(t.c.id.in_(select(events.c.canonical_id).where(events.c.id.in_(ev_ids))))
            else:
                conds.append(t.c.id.in_(ev_ids))
        if q:
            ids = self._fts_article_ids(q)
            if ids is None:
                conds.append(t.c.id.is_(None))
            elif canonical:
                conds.append(t.c.id.in_(select(events.c.canonical_id).where(events.c.article_id.in_(ids))))
            else:
                conds.append(t.c.article_id.in_(ids))
        return t, conds

    def events(self, *, type: str | None = None, mode: str | None = None,
               date_from: str | None = None, date_to: str | None = None,
               country: str | None = None, admin1: str | None = None,
               bbox: tuple[float, float, float, float] | None = None,
               actor: str | None = None, q: str | None = None,
               limit: int | None = 50, offset: int = 0,
               canonical: bool = True,
               json_fragments: bool = False) -> tuple[int, list[dict[str, Any]]]:
        """(total, page) of events matching every given filter, newest first.

        `json_fragments=True` hands the place, trigger and sources of each
        event as orjson.Fragment (the stored JSON text, not decoded) when the
        back end stores JSON as text: for callers that only serialise the
        page with orjson, such as the API.

        A page is read in two steps: the ids of the page from an index walk
        (date order, filters), then those rows by primary key — so deep
        offsets skip index entries, not wide rows.  Counts, and the whole
        ordered match list of actor and full-text filters (which cannot
        walk the date index), are cached until the next write.
        """
        filters = (type, mode, date_from, date_to, country, admin1, bbox, actor, q)
        t, conds = self._event_query(canonical, *filters)
        key = (canonical, *filters)
        order = (t.c.date.desc().nulls_last(), t.c.id)
        with self.engine.connect() as conn:
            generation = self._generation(conn)
            cols = self._event_columns(conn, canonical, generation)
            if cols is not None:
                allowed = None
                if actor or q:
                    allowed = self._search_mask(conn, canonical, actor, q, generation, cols)
                positions = cols.positions(*filters[:7], allowed=allowed)
                return len(positions), self._rows_by_id(
                    conn, canonical, cols.page_ids(positions, offset, limit), json_fragments)
            if actor or q:
                matched = self._matches.get(key, generation)
                if matched is None:
                    matched = [r[0] for r in conn.execute(select(t.c.id).where(*conds).order_by(*order))]
                    self._matches.put(key, generation, matched)
                total = len(matched)
                ids = matched[offset:] if limit is None else matched[offset:offset + limit]
            else:
                total = self._counts.get(key, generation)
                if total is None:
                    total = conn.execute(select(func.count()).select_from(t).where(*conds)).scalar_one()
                    self._counts.put(key, generation, total)
                if bbox and total >= BBOX_WALK_MIN:
                    conds = self._event_query(canonical, *filters, bbox_index=False)[1]
                q_ = select(t.c.id).where(*conds).order_by(*order)
                if limit is not None:
                    q_ = q_.limit(limit).offset(offset)
                ids = [r[0] for r in conn.execute(q_)]
            return total, self._rows_by_id(conn, canonical, ids, json_fragments)

    def warm(self, wait_limit: int | None = None) -> None:
        """Load the in-memory filter columns now (a server does this at start,
        so that no request pays for it).

        With `wait_limit`, a store with more events than that is loaded in
        a background thread instead (about 4 s per 100,000 events): requests
        are answered in SQL until the columns are there.
        """
        if wait_limit is not None:
            with self.engine.connect() as conn:
                n = conn.execute(select(func.count()).select_from(
                    select(events.c.id).limit(wait_limit + 1).subquery())).scalar_one()
            if n > wait_limit:
                threading.Thread(target=self._warm_quietly, name="hadath-warm", daemon=True).start()
                return
        with self.engine.connect() as conn:
            generation = self._generation(conn)
            for canonical in (True, False):
                self._event_columns(conn, canonical, generation)

    def _warm_quietly(self) -> None:
        try:
            self.warm()
        except Exception:  # noqa: BLE001 - an optimisation: SQL answers meanwhile
            logging.getLogger(__name__).warning("loading the filter columns failed", exc_info=True)

    def _event_columns(self, conn: Connection, canonical: bool,
                       generation: str | None) -> EventColumns | None:
        """The table's filter columns in memory for this generation, or None (use SQL).

        Rebuilt when the generation changes, at most every COLUMNS_REBUILD_S
        seconds (a store being written to is filtered in SQL in between),
        and only for tables of at most COLUMNS_MAX_EVENTS events.
        """
        if generation is None:
            return None
        cols = self._columns.get(canonical)
        if cols is not None and self._columns_generation.get(canonical) == generation:
            return cols
        if cols is not None and time.monotonic() - cols.built_at < COLUMNS_REBUILD_S:
            return None
        if not self._columns_lock.acquire(blocking=False):
            return None  # another thread is building them; SQL meanwhile
        try:
            t = canonical_events if canonical else events
            n = conn.execute(select(func.count()).select_from(
                select(t.c.id).limit(COLUMNS_MAX_EVENTS + 1).subquery())).scalar_one()
            if n > COLUMNS_MAX_EVENTS:
                return None
            cols = EventColumns(load_rows(conn, t), sql_lower(self.dialect))
            self._links[canonical] = load_links(conn, canonical, cols)
            self._columns[canonical] = cols
            self._columns_generation[canonical] = generation
            return cols
        finally:
            self._columns_lock.release()

    def _search_mask(self, conn: Connection, canonical: bool, actor: str | None, q: str | None,
                     generation: str | None, cols: EventColumns) -> Any:
        """A mask over `cols` of the events an actor/full-text search matches (cached)."""
        import numpy as np

        key = (canonical, actor, q, cols.built_at)
        positions = self._search_positions.get(key, generation)
        if positions is None and self._links.get(canonical) is not None:
            positions = self._linked_positions(conn, canonical, actor, q, cols)
            if positions is not None:
                self._search_positions.put(key, generation, positions)
        if positions is None:
            t, conds = self._event_query(canonical, None, None, None, None, None, None, None,
                                         actor, q)
            where = cols.position
            positions = np.array(sorted(where[r[0]] for r in conn.execute(
                select(t.c.id).where(*conds)) if r[0] in where), dtype=np.int32)
            self._search_positions.put(key, generation, positions)
        mask = np.zeros(cols.n, dtype=bool)
        mask[positions] = True
        return mask

    def _linked_positions(self, conn: Connection, canonical: bool, actor: str | None,
                          q: str | None, cols: EventColumns) -> Any:
        """Search positions through the link indexes: the search's own index
        gives article seqs / participant ids, numpy maps them to events."""
        import numpy as np

        by_article, by_party = self._links[canonical]
        result = None
        if actor:
            key = dedup.party_key({"text": actor})
            if not key or "\x00" in key:
                return np.zeros(0, dtype=np.int32)
            result = by_party.lookup(r[0] for r in conn.execute(self._party_ids(key)))
        if q:
            seqs = self._fts_seqs(q)
            if seqs is False:
                return None  # no full-text index here: the SQL chain
            found = (np.zeros(0, dtype=np.int32) if seqs is None
                     else by_article.lookup(r[0] for r in conn.execute(seqs)))
            result = found if result is None else np.intersect1d(result, found)
        return result.astype(np.int32)

    def generation(self) -> str | None:
        """A token that changes whenever a write commits (None: not tracked).

        Readers may cache anything derived from the store under it.
        """
        with self.engine.connect() as conn:
            return self._generation(conn)

    def _generation(self, conn: Connection) -> str | None:
        if self._generation_sql is None:
            stmt = select(meta.c.value).where(meta.c.key == GENERATION)
            compiled = stmt.compile(dialect=self.engine.dialect)
            params = compiled.construct_params()
            self._generation_sql = (compiled.string, tuple(params[n] for n in compiled.positiontup)
                                    if compiled.positiontup is not None else params)
        cur = conn.connection.cursor()  # the driver's cursor: one short row, no wrapping
        try:
            cur.execute(*self._generation_sql)
            row = cur.fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    def _rows_by_id(self, conn: Connection, canonical: bool, ids: list[str],
                    json_fragments: bool = False) -> list[dict[str, Any]]:
        """Page rows in the order of `ids`, as API dicts.

        The API's hot path: the statement is compiled once per chunk size
        and run on the driver, and JSON columns are decoded here with
        orjson, which avoids SQLAlchemy's per-value result processing
        (about half of the cost of a 50-row page).
        """
        conv = _canonical_dict if canonical else _event_dict
        by_id: dict[str, dict[str, Any]] = {}
        cur = conn.connection.cursor()
        try:
            for i in range(0, len(ids), FETCH_CHUNK):
                chunk = ids[i:i + FETCH_CHUNK]
                fetch = self._fetch_statement(canonical, len(chunk))
                cur.execute(fetch.sql, fetch.params(chunk))
                for values in cur.fetchall():
                    row = dict(zip(fetch.columns, values, strict=True))
                    for k in _JSON_COLUMNS:
                        value = row.get(k)
                        if isinstance(value, str):  # SQLite; psycopg decodes JSONB itself
                            row[k] = (orjson.Fragment(value) if json_fragments and k in _FRAGMENT_COLUMNS
                                      else orjson.loads(value))
                    by_id[row["id"]] = conv(row)
        finally:
            cur.close()
        return [by_id[i] for i in ids if i in by_id]

    def _json_field(self, column: Any, key: str) -> Any:
        """`column`'s member `key` as JSON (text on SQLite, decoded by psycopg)."""
        if self.dialect == "sqlite":
            # json_extract gives objects and arrays as JSON text, which the
            # page reader decodes; the path is a plain parameter.
            return func.json_extract(column, "$." + key)
        return column[key]

    def _fetch_statement(self, canonical: bool, n: int) -> _FetchStatement:
        key = (canonical, n)
        fetch = self._fetch_cache.get(key)
        if fetch is None:
            if canonical:
                t, cols = canonical_events, list(canonical_events.c)
            else:
                # An article-level event's `data` holds every span it has; a
                # list shows its place and trigger, read out of the JSON.
                t = events
                cols = [c for c in events.c if c.name != "data"]
                cols += [self._json_field(events.c.data, k).label(k) for k in ("place", "trigger")]
            stmt = select(*cols).where(t.c.id.in_([_Slot(i) for i in range(n)]))
            compiled = stmt.compile(dialect=self.engine.dialect,
                                    compile_kwargs={"render_postcompile": True})
            fetch = _FetchStatement(compiled.string, [c.key for c in stmt.selected_columns],
                                    compiled.construct_params(), compiled.positiontup)
            self._fetch_cache[key] = fetch
        return fetch


_JSON_COLUMNS = ("place", "actors", "recipients", "trigger", "sources")


# Passed through undecoded to callers that only serialise them; actors and
# recipients are decoded because their internal match keys are removed.
_FRAGMENT_COLUMNS = ("place", "trigger", "sources")


class _Slot(str):
    """A placeholder id that remembers its position in a chunk (a str, so
    that the compiled statement binds strings, as ids are)."""

    pos: int

    def __new__(cls, pos: int) -> _Slot:
        slot = super().__new__(cls, f"\x00{pos}")
        slot.pos = pos
        return slot


class _FetchStatement:
    """SELECT ... WHERE id IN (n placeholders), compiled for the driver.

    Compiled with _Slot placeholders as values, so each parameter's value
    says which id of a chunk it takes.
    """

    def __init__(self, sql: str, columns: list[str], positions: dict[str, Any],
                 positional: list[str] | None) -> None:
        self.sql = sql
        self.columns = columns
        self.positions = positions
        self.positional = positional

    def params(self, chunk: list[str]) -> tuple[Any, ...] | dict[str, Any]:
        # Other parameters (a JSON path) keep their compiled value.
        def value(v: Any) -> Any:
            return chunk[v.pos] if isinstance(v, _Slot) else v

        if self.positional is not None:
            return tuple(value(self.positions[name]) for name in self.positional)
        return {name: value(v) for name, v in self.positions.items()}


def _plain(row: Any) -> dict[str, Any]:
    # Column keys are sqlalchemy `quoted_name`s (a str subclass) that strict
    # JSON encoders such as orjson refuse; hand out plain str keys.
    return {str(k): v for k, v in row.items()}


def _acled(row: dict[str, Any]) -> dict[str, Any] | None:
    if not row.get("acled_event_type"):
        return None
    return {"event_type": row["acled_event_type"], "sub_event_type": row.get("acled_sub_event_type")}


def _event_dict(row: dict[str, Any]) -> dict[str, Any]:
    # Full rows carry the event as `data`; list rows only its place and trigger.
    data = row.get("data") or {"place": row.get("place"), "trigger": row.get("trigger")}
    return {
        "id": row["id"], "article_id": row["article_id"], "canonical_id": row.get("canonical_id"),
        "type": row["type"], "mode": row.get("mode"), "acled": _acled(row),
        "status": row.get("status"), "date": row.get("date"),
        "date_precision": row.get("date_precision"), "place": data.get("place"),
        "country": row.get("country"), "admin1": row.get("admin1"),
        "lat": row.get("lat"), "lon": row.get("lon"),
        "fatalities": row.get("fatalities"), "injured": row.get("injured"),
        "confidence": row.get("confidence"), "actors": row.get("actors") or [],
        "recipients": row.get("recipients") or [], "trigger": data.get("trigger"),
        "field": row.get("field"), "canonical": False,
    }


def _canonical_dict(row: dict[str, Any]) -> dict[str, Any]:
    strip = lambda ps: [{k: v for k, v in p.items() if k != "key"} for p in ps or []]  # noqa: E731
    return {
        "id": row["id"], "article_id": row.get("first_article_id"),
        "type": row["type"], "mode": row.get("mode"), "acled": _acled(row),
        "status": row.get("status"), "date": row.get("date"),
        "date_precision": row.get("date_precision"),
        "date_range": [row.get("date_min"), row.get("date_max")],
        "place": row.get("place"), "country": row.get("country"), "admin1": row.get("admin1"),
        "lat": row.get("lat"), "lon": row.get("lon"),
        "fatalities": row.get("fatalities"), "injured": row.get("injured"),
        "confidence": row.get("confidence"), "actors": strip(row.get("actors")),
        "recipients": strip(row.get("recipients")), "trigger": row.get("trigger"),
        "notes": row.get("notes"), "n_reports": row.get("n_reports"), "n_articles": row.get("n_articles"),
        "sources": row.get("sources") or [], "canonical": True,
    }
