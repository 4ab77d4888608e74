"""The Store: articles, their events and canonical events, in SQL.

One data layer (SQLAlchemy 2) for SQLite (default, a file in WAL mode with
an FTS5 index) and PostgreSQL (by URL, psycopg 3, a GIN-indexed tsvector).
It is what `hadath ingest/search/export` and the HTTP API read and write.
Every statement is built with SQLAlchemy constructs or bound parameters.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    false,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    update,
)

from hadath.store import dedup, neardup
from hadath.store.columns import EventColumns, LinkIndex, load_links, load_rows, sql_lower
from hadath.store.models import (
    SCHEMA_VERSION,
    article_search,
    articles,
    canonical_events,
    errors,
    events,
    meta,
    metadata,
    participants,
    pg_metadata,
)
from hadath.store.readcache import GenerationCache
from hadath.store.search import fts5_query, index_document, tsquery_text

DEFAULT_URL = "sqlite:///hadath.db"
_FILTERS = ("type", "mode", "date_from", "date_to", "country", "admin1", "bbox", "actor", "q")
# Error messages (from hadath.batch) that mean our code failed, not the article.
RETRYABLE = "internal error"
GENERATION = "generation"  # hadath_meta key: changes with every write transaction
# Read caches (see readcache.py): `total` counts per filter set, and the
# ordered match lists of actor and full-text filters, bounded in ids held.
COUNT_CACHE_ENTRIES = 4096
MATCH_CACHE_ENTRIES = 64
MATCH_CACHE_IDS = 300_000  # ids, or search rows of 8 columns
SEARCH_CACHE_ENTRIES = 1024
SEARCH_CACHE_POSITIONS = 10_000_000  # 40 MB
FETCH_CHUNK = 500
# Filter columns held in memory (columns.py) for tables up to this size,
# rebuilt at most this often while the store is being written to.
COLUMNS_MAX_EVENTS = 2_000_000
COLUMNS_REBUILD_S = 10.0
ANALYZE_MIN_EVENTS = 1000  # below this, statistics would mislead more than help
ANALYZE_ROWS = 2000  # rows sampled per index by ANALYZE
SQLITE_POOL = 16  # connections kept open per process (the API's threads share them)
SQLITE_CACHE_KB = 32_000  # page cache per connection
# A map box holding at least this many events is paged by walking the date
# index (a page reads about limit / share rows); a smaller one by its own
# index and a sort of its matches.
BBOX_WALK_MIN = 1000  # ids per "WHERE id IN (...)" when reading pages

# SQLite only: a trigram index over normalised actor/recipient names, so an
# actor filter (a substring, any spelling) is an index look-up instead of a
# LIKE scan of every participant (issue 10's load test: 184 ms -> ~10 ms).
# External-content FTS5 kept in step by triggers, so every writer (the
# Store, bulk SQL) indexes its rows.
_PARTICIPANT_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS participant_fts USING "
    "fts5(norm, content='participants', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS participants_fts_ai AFTER INSERT ON participants BEGIN "
    "INSERT INTO participant_fts(rowid, norm) VALUES (new.id, new.norm); END",
    "CREATE TRIGGER IF NOT EXISTS participants_fts_ad AFTER DELETE ON participants BEGIN "
    "INSERT INTO participant_fts(participant_fts, rowid, norm) VALUES('delete', old.id, old.norm); END",
    "CREATE TRIGGER IF NOT EXISTS participants_fts_au AFTER UPDATE ON participants BEGIN "
    "INSERT INTO participant_fts(participant_fts, rowid, norm) VALUES('delete', old.id, old.norm); "
    "INSERT INTO participant_fts(rowid, norm) VALUES (new.id, new.norm); END",
)


def content_hash(title: str | None, text: str) -> str:
    """The idempotency key of an article: SHA-256 of its title and text."""
    return hashlib.sha256(((title or "") + "\n" + text).encode("utf-8", "surrogatepass")).hexdigest()


def error_key(origin: str | None, article_id: str | None, chash: str | None, error: str) -> str:
    raw = "\x1f".join((origin or "", article_id or "", chash or "", error))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def normalise_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Store:
    """Articles, events and canonical events behind one SQLAlchemy engine."""

    def __init__(self, url: str = DEFAULT_URL, *, create: bool = True) -> None:
        self.url = normalise_url(url)
        # orjson decodes the JSON columns of a page several times faster
        # than the standard library.
        # SQLite connections are kept (pool_size) rather than reopened: a new
        # one re-reads the schema and starts with an empty page cache.
        pool = {"pool_size": SQLITE_POOL, "max_overflow": 2 * SQLITE_POOL} if (
            self.url.startswith("sqlite") and ":memory:" not in self.url and self.url != "sqlite://"
        ) else {}
        self.engine: Engine = create_engine(self.url, json_deserializer=orjson.loads, **pool)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._near: neardup.NearDuplicateIndex | None = None
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
        if create:
            self.create()
        elif self.dialect == "sqlite":
            with self.engine.connect() as conn:
                self._participant_fts = conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE name = 'participant_fts'").first() is not None

    # -- schema --------------------------------------------------------------

    def create(self) -> None:
        """Create missing tables and indexes (idempotent)."""
        with self.engine.begin() as conn:
            metadata.create_all(conn)
            # create_all skips the indexes of tables that exist already:
            # stores made by an earlier version get the newer ones here.
            have = _index_names(conn, self.dialect)
            for table in metadata.sorted_tables:
                for index in table.indexes:
                    if have is not None and index.name not in have:
                        index.create(conn)
            if self.dialect == "sqlite":
                conn.exec_driver_sql(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING "
                    "fts5(doc, content='', tokenize='unicode61 remove_diacritics 0')"
                )
                self._participant_fts = _create_participant_fts(conn)
            elif self.dialect == "postgresql":
                pg_metadata.create_all(conn)
            if conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first() is None:
                conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
            if conn.execute(select(meta.c.value).where(meta.c.key == GENERATION)).first() is None:
                conn.execute(insert(meta).values(key=GENERATION, value=uuid.uuid4().hex))
        if self.dialect == "sqlite":
            with self.engine.connect() as conn:
                analysed = conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None
                big = conn.execute(select(func.count()).select_from(
                    select(events.c.id).limit(ANALYZE_MIN_EVENTS).subquery())).scalar_one()
            if not analysed and big >= ANALYZE_MIN_EVENTS:
                self.analyze()  # a store filled by an earlier version

    def analyze(self) -> None:
        """Refresh the query planner's statistics (after a large ingest).

        SQLite has none until asked, and without them it reaches actor and
        full-text matches through the primary keys' wide rows instead of the
        covering indexes.  Sampled (analysis_limit), so it costs well under
        a second on a 100,000-event store.  PostgreSQL's autovacuum keeps
        its own statistics.
        """
        if self.dialect != "sqlite":
            return
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYZE_ROWS}")
            conn.exec_driver_sql("ANALYZE")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction; the in-memory near-duplicate index is dropped on failure.

        The store's generation token changes in the same transaction, so
        read caches (here and in every other process) drop what they hold.
        """
        try:
            with self.engine.begin() as conn:
                yield conn
                # Last statement before COMMIT: on PostgreSQL the row lock it
                # takes serialises concurrent writers only for the commit.
                conn.execute(update(meta).where(meta.c.key == GENERATION)
                             .values(value=uuid.uuid4().hex))
        except BaseException:
            # Forget the rolled-back articles (a reload of every stored
            # signature would cost a pass over the store per failure).
            if self._near is not None:
                self._near.rollback()
            raise
        if self._near is not None:
            self._near.commit()

    def add_result(self, result: dict[str, Any], origin: str | None = None) -> str | None:
        """Store one contract object; its article id, or None if already present.

        An object with an `error` field is recorded in the errors table.
        """
        with self.transaction() as conn:
            return self.add_to(conn, result, origin)

    def add_results(self, results: Iterable[dict[str, Any]]) -> list[str | None]:
        """Store several objects in one transaction (ingest's batches)."""
        with self.transaction() as conn:
            return [self.add_to(conn, r, r.get("origin")) for r in results]

    def add_to(self, conn: Connection, result: dict[str, Any], origin: str | None = None) -> str | None:
        if any(isinstance(result.get(k), str) and "\x00" in result[k]
               for k in ("text", "title", "id", "source", "url")):
            # PostgreSQL refuses NUL in text and JSON; U+FFFD keeps every offset.
            result = _without_nul(result)
        if result.get("error") is not None or not isinstance(result.get("text"), str):
            self._add_error(conn, result, origin)
            return None
        title, body = result.get("title"), result["text"]
        chash = content_hash(title, body)
        if conn.execute(select(articles.c.id).where(articles.c.content_hash == chash)).first():
            return None
        # A retried article that failed before: its old error is resolved.
        conn.execute(errors.delete().where(errors.c.content_hash == chash))
        aid = str(result.get("id") or chash[:16])
        if conn.execute(select(articles.c.seq).where(articles.c.id == aid)).first():
            aid = f"{aid}~{chash[:8]}"  # same id, different content: a new version
        sig = neardup.signature(title, body)
        group = self._near_index(conn).group_of(aid, sig)
        annotations = {
            k: v for k, v in result.items()
            if k not in ("id", "title", "text", "events", "date", "source", "url", "origin", "language")
        }
        evs = [e for e in result.get("events") or [] if isinstance(e, dict) and e.get("type")]
        seq = conn.execute(
            insert(articles).values(
                id=aid, content_hash=chash, title=title, text=body,
                date=(result.get("date") or None) and str(result["date"])[:10],
                source=result.get("source"), url=result.get("url"),
                origin=origin if origin is not None else result.get("origin"),
                language=result.get("language"), dup_group=group,
                minhash=neardup.to_bytes(sig) if sig is not None else None,
                annotations=annotations, n_events=len(evs), ingested_at=_now(),
            ).returning(articles.c.seq)
        ).scalar_one()
        doc = index_document(title, body)
        if self.dialect == "sqlite":
            conn.exec_driver_sql("INSERT INTO article_fts(rowid, doc) VALUES (?, ?)", (seq, doc))
        elif self.dialect == "postgresql":
            conn.execute(
                insert(article_search).values(seq=seq, tsv=func.to_tsvector("simple", doc))
            )
        article_info = {
            "article_id": aid, "dup_group": group, "source": result.get("source"),
            "url": result.get("url"), "title": title, "article_date": result.get("date"),
        }
        for i, ev in enumerate(evs):
            row = _event_row(aid, i, ev)
            conn.execute(insert(events).values(**row))
            parts = [
                {"event_id": row["id"], "role": role, "text": p["text"],
                 "norm": dedup.party_key(p), "sector": p.get("sector"), "country": p.get("country")}
                for role in ("actor", "recipient")
                for p in ev.get(role + "s") or [] if isinstance(p, dict) and p.get("text")
            ]
            if parts:
                conn.execute(insert(participants), parts)
            report = {**row, **article_info, "event_id": row["id"],
                      "place": ev.get("place"), "trigger": ev.get("trigger"),
                      "notes": dedup.sentence_text(title, body, ev)}
            dedup.assign(conn, report)
        return aid

    def _add_error(self, conn: Connection, result: dict[str, Any], origin: str | None) -> None:
        origin = origin if origin is not None else result.get("origin")
        text_ = result.get("text")
        chash = content_hash(result.get("title"), text_) if isinstance(text_, str) else None
        message = str(result.get("error") or "no text")
        key = error_key(origin, result.get("id"), chash, message)
        if conn.execute(select(errors.c.id).where(errors.c.key == key)).first():
            return
        conn.execute(insert(errors).values(
            key=key, origin=origin, article_id=result.get("id"), content_hash=chash,
            error=message, created_at=_now(),
        ))

    def record_error(self, conn: Connection, origin: str | None, article_id: str | None,
                     chash: str | None, message: str) -> bool:
        """Record a bad article; False if this error was already recorded."""
        key = error_key(origin, article_id, chash, message)
        if conn.execute(select(errors.c.id).where(errors.c.key == key)).first():
            return False
        conn.execute(insert(errors).values(
            key=key, origin=origin, article_id=article_id, content_hash=chash,
            error=message, created_at=_now(),
        ))
        return True

    def _near_index(self, conn: Connection) -> neardup.NearDuplicateIndex:
        if self._near is None:
            index = neardup.NearDuplicateIndex()
            q = select(articles.c.id, articles.c.dup_group, articles.c.minhash).where(
                articles.c.minhash.is_not(None)).order_by(articles.c.seq)
            for aid, group, data in conn.execute(q):
                index.add_stored(aid, group, data)
            self._near = index
        return self._near

    def known(self, hashes: list[str]) -> set[str]:
        """Which of these content hashes are stored already (as articles or errors)."""
        if not hashes:
            return set()
        with self.engine.connect() as conn:
            found = {r[0] for r in conn.execute(
                select(articles.c.content_hash).where(articles.c.content_hash.in_(hashes)))}
            # Internal errors (a stage crashed) are not the article's fault:
            # such articles are tried again on the next run.
            found |= {r[0] for r in conn.execute(
                select(errors.c.content_hash).where(
                    errors.c.content_hash.in_(hashes), errors.c.error.not_like(RETRYABLE + "%")))}
        return found

    def known_error_keys(self, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(errors.c.key).where(errors.c.key.in_(keys)))}

    def rebuild_canonical(self) -> tuple[int, int]:
        """Recompute every canonical event (after changing dedup rules)."""
        with self.transaction() as conn:
            return dedup.rebuild(conn)

    # -- reading -------------------------------------------------------------

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
                    matched = self._search_matches(conn, canonical, actor, q, generation,
                                                   filters[:7])
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

    def _search_matches(self, conn: Connection, canonical: bool, actor: str | None,
                        q: str | None, generation: str | None,
                        others: tuple[Any, ...]) -> list[str]:
        """Ordered ids matching an actor/full-text search and the other filters.

        The search alone (the expensive part: full-text or trigram hits
        through events to canonical events) is run once per generation and
        kept with each match's filter columns; the other filters are then
        applied to those rows here, so "تعز" with a type, a country, dates
        or a box costs a scan of the search's matches, not a new search.
        """
        base_key = ("search", canonical, actor, q)
        rows = self._matches.get(base_key, generation)
        t, conds = self._event_query(canonical, None, None, None, None, None, None, None,
                                     actor, q)
        if rows is None:
            order = (t.c.date.desc().nulls_last(), t.c.id)
            rows = [tuple(r) for r in conn.execute(
                select(t.c.id, t.c.date, t.c.type, t.c.mode, t.c.country, t.c.admin1,
                       t.c.lon, t.c.lat).where(*conds).order_by(*order))]
            self._matches.put(base_key, generation, rows)
        if not any(v for v in others):
            return [r[0] for r in rows]
        keep = _row_filter(*others, lower=sql_lower(self.dialect))
        return [r[0] for r in rows if keep(r)]

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

    def date_counts(self, *, canonical: bool = True, **filters: Any) -> dict[str, int]:
        """{date value: number of events} for the same filters as `events` (timelines)."""
        t, conds = self._event_query(canonical, **{k: filters.get(k) for k in _FILTERS})
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.c.date, func.count()).where(*conds).group_by(t.c.date))
            return {str(d or ""): n for d, n in rows}

    def iter_events(self, canonical: bool = True, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every matching event, in pages (exports)."""
        offset = 0
        while True:
            _, page = self.events(canonical=canonical, limit=1000, offset=offset, **filters)
            yield from page
            if len(page) < 1000:
                return
            offset += 1000

    def event(self, id: str) -> dict[str, Any] | None:
        """One event (canonical or article-level) with its reports, evidence and sources."""
        if "\x00" in id:  # no id holds a NUL (and PostgreSQL refuses one)
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(canonical_events).where(canonical_events.c.id == id)).mappings().first()
            if row is not None:
                out = _canonical_dict(dict(row))
                members = conn.execute(
                    select(events).where(events.c.canonical_id == id).order_by(events.c.id)).mappings()
                out["reports"] = [self._report(conn, dict(m)) for m in members]
                out["articles"] = self._articles_brief(conn, [r["article_id"] for r in out["reports"]])
                return out
            row = conn.execute(select(events).where(events.c.id == id)).mappings().first()
            if row is None:
                return None
            out = self._report(conn, dict(row))
            out["articles"] = self._articles_brief(conn, [out["article_id"]])
            return out

    def _report(self, conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
        """An article-level event with its evidence: the spans and their sentence."""
        out = _event_dict(row)
        data = row.get("data") or {}
        out["evidence"] = {k: data.get(k) for k in ("trigger", "sentence", "actors", "recipients", "place", "date")}
        art = conn.execute(select(articles.c.title, articles.c.text).where(
            articles.c.id == row["article_id"])).first()
        sent = data.get("sentence") or {}
        if art is not None and isinstance(sent.get("start"), int) and isinstance(sent.get("end"), int):
            body = art.title if row.get("field") == "title" else art.text
            out["evidence"]["sentence_text"] = (body or "")[sent["start"]:sent["end"]]
        return out

    def _articles_brief(self, conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
        uniq = list(dict.fromkeys(ids))
        rows = conn.execute(select(
            articles.c.id, articles.c.title, articles.c.source, articles.c.url, articles.c.date,
            articles.c.dup_group,
        ).where(articles.c.id.in_(uniq))).mappings()
        by_id = {r["id"]: _plain(r) for r in rows}
        return [by_id[i] for i in uniq if i in by_id]

    def article(self, id: str) -> dict[str, Any] | None:
        """One article: text, title, metadata and every stored annotation."""
        if "\x00" in id:  # no id holds a NUL (and PostgreSQL refuses one)
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == id)).mappings().first()
            if row is None:
                return None
            out = {k: row[k] for k in ("id", "title", "text", "date", "source", "url", "origin",
                                       "language", "dup_group", "ingested_at")}
            ann = row["annotations"] or {}
            for k in ("sentences", "sources", "entities", "times", "places", "quotes"):
                out[k] = ann.get(k, [])
            for k, v in ann.items():
                out.setdefault(k, v)
            evs = conn.execute(select(events.c.data, events.c.id, events.c.canonical_id)
                               .where(events.c.article_id == id).order_by(events.c.idx)).all()
            out["events"] = [{**(d or {}), "id": eid, "canonical_id": cid} for d, eid, cid in evs]
            dups = conn.execute(select(articles.c.id).where(
                articles.c.dup_group == row["dup_group"], articles.c.id != id)).all()
            out["near_duplicates"] = [r[0] for r in dups]
            return out

    def errors(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(errors).order_by(errors.c.id).limit(limit).offset(offset)).mappings()
            return [_plain(r) for r in rows]

    def stats(self) -> dict[str, Any]:
        """Counts: articles, events, canonical events, errors; by type, country and date."""
        with self.engine.connect() as conn:
            def count(t: Any) -> int:
                return conn.execute(select(func.count()).select_from(t)).scalar_one()

            def by(col: Any) -> dict[str, int]:
                rows = conn.execute(select(col, func.count()).group_by(col).order_by(col))
                return {str(k): n for k, n in rows if k is not None}

            sub = (select(articles.c.dup_group, func.count().label("n"))
                   .group_by(articles.c.dup_group).having(func.count() > 1).subquery())
            groups, in_groups = conn.execute(
                select(func.count(), func.coalesce(func.sum(sub.c.n), 0)).select_from(sub)).one()
            return {
                "articles": count(articles),
                "events": count(events),
                "canonical_events": count(canonical_events),
                "errors": count(errors),
                "near_duplicate_groups": groups,
                "articles_in_near_duplicate_groups": int(in_groups),
                "by_type": by(canonical_events.c.type),
                "by_country": by(canonical_events.c.country),
                "by_date": by(canonical_events.c.date),
                "by_source": by(articles.c.source),
            }

    def integrity_check(self) -> bool:
        """True when the database and the store's own invariants hold."""
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                if conn.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
                    return False
                if conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    return False
                try:
                    conn.exec_driver_sql("INSERT INTO article_fts(article_fts) VALUES('integrity-check')")
                    conn.rollback()
                except Exception:
                    return False
                n_index = conn.exec_driver_sql("SELECT count(*) FROM article_fts").scalar()
            elif self.dialect == "postgresql":
                n_index = conn.execute(select(func.count()).select_from(article_search)).scalar()
            else:
                n_index = None
            n_articles = conn.execute(select(func.count()).select_from(articles)).scalar_one()
            if n_index is not None and n_index != n_articles:
                return False
            orphans = conn.execute(select(func.count()).select_from(events).where(
                or_(events.c.canonical_id.is_(None),
                    events.c.article_id.not_in(select(articles.c.id))))).scalar_one()
            if orphans:
                return False
            counted = select(events.c.canonical_id, func.count().label("n")).group_by(
                events.c.canonical_id).subquery()
            bad = conn.execute(select(func.count()).select_from(canonical_events).outerjoin(
                counted, counted.c.canonical_id == canonical_events.c.id).where(
                func.coalesce(counted.c.n, 0) != canonical_events.c.n_reports)).scalar_one()
            n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
            n_ev_articles = conn.execute(select(func.coalesce(func.sum(articles.c.n_events), 0))).scalar_one()
            return bad == 0 and n_events == n_ev_articles


def _without_nul(value: Any) -> Any:
    """`value` with every NUL in its strings replaced by U+FFFD (same length)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


def _plain(row: Any) -> dict[str, Any]:
    # Column keys are sqlalchemy `quoted_name`s (a str subclass) that strict
    # JSON encoders such as orjson refuse; hand out plain str keys.
    return {str(k): v for k, v in row.items()}


_JSON_COLUMNS = ("place", "actors", "recipients", "trigger", "sources")


def _row_filter(type: str | None, mode: str | None, date_from: str | None,
                date_to: str | None, country: str | None, admin1: str | None,
                bbox: tuple[float, float, float, float] | None, *, lower: Any) -> Any:
    """A test on (id, date, type, mode, country, admin1, lon, lat) rows that
    keeps what Store._event_query's conditions keep (NULLs never match)."""
    type_ = type.upper() if type else None
    country_ = country.upper() if country else None
    # As in SQL: the column through the database's lower(), the value
    # through Python's (Store._event_query lowers the parameter).
    admin1_ = admin1.lower() if admin1 and "\x00" not in admin1 else None
    no_admin1 = bool(admin1) and admin1_ is None

    def keep(r: tuple[Any, ...]) -> bool:
        _id, date, typ, mod, ctry, adm, lon, lat = r
        if no_admin1:
            return False
        if type_ and typ != type_:
            return False
        if mode and mod != mode:
            return False
        if date_from and (date is None or date < date_from):
            return False
        if date_to and (date is None or date > date_to):
            return False
        if country_ and ctry != country_:
            return False
        if admin1_ is not None and (adm is None or lower(adm) != admin1_):
            return False
        if bbox:
            if lon is None or lat is None:
                return False
            min_lon, min_lat, max_lon, max_lat = bbox
            if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
                return False
        return True

    return keep
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


def _index_names(conn: Connection, dialect: str) -> set[str] | None:
    """Names of the indexes in the database (None: unknown for this back end).

    Read from the catalogue rather than by reflection, which skips
    expression indexes such as lower(admin1).
    """
    if dialect == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'index'"
    elif dialect == "postgresql":
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        return None
    return {r[0] for r in conn.exec_driver_sql(sql)}


def _create_participant_fts(conn: Connection) -> bool:
    """The actor trigram index and its triggers (SQLite); filled if new."""
    existed = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'participant_fts'").first() is not None
    try:
        for ddl in _PARTICIPANT_FTS:
            conn.exec_driver_sql(ddl)
    except Exception as exc:  # an SQLite without FTS5 trigram (< 3.34): LIKE scans
        if "trigram" in str(exc) or "fts5" in str(exc):
            return False
        raise
    if not existed:
        conn.exec_driver_sql("INSERT INTO participant_fts(participant_fts) VALUES('rebuild')")
    return True


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the API read while ingest writes; NORMAL sync is durable at
    # each checkpoint and much faster than FULL for batch loads.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # A larger page cache: the API's pages are random reads across indexes
    # and wide rows.  (A memory map measured no faster, and would count the
    # mapped file in the process's resident memory.)
    cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
    cur.close()


def _event_row(article_id: str, idx: int, ev: dict[str, Any]) -> dict[str, Any]:
    """The flat columns of one contract event."""
    place = ev.get("place") if isinstance(ev.get("place"), dict) else {}
    date = ev.get("date") if isinstance(ev.get("date"), dict) else {}
    acled = ev.get("acled") if isinstance(ev.get("acled"), dict) else {}
    trigger = ev.get("trigger") if isinstance(ev.get("trigger"), dict) else {}
    return {
        "id": f"{article_id}:{idx}",
        "article_id": article_id,
        "idx": idx,
        "field": ev.get("field"),
        "type": str(ev["type"]).upper(),
        "mode": ev.get("mode"),
        "acled_event_type": acled.get("event_type"),
        "acled_sub_event_type": acled.get("sub_event_type"),
        "status": ev.get("status"),
        "date": (date.get("value") or None) and str(date["value"])[:10],
        "date_precision": date.get("precision"),
        "place_name": place.get("name"),
        "place_name_ar": place.get("name_ar"),
        "country": place.get("country"),
        "admin1": place.get("admin1"),
        "geonameid": _int(place.get("geonameid")),
        "place_feature": place.get("feature"),
        "lat": _float(place.get("lat")),
        "lon": _float(place.get("lon")),
        "fatalities": _int(ev.get("fatalities")),
        "injured": _int(ev.get("injured")),
        "confidence": _float(ev.get("confidence")),
        "trigger_text": trigger.get("text"),
        "actors": ev.get("actors") or [],
        "recipients": ev.get("recipients") or [],
        "data": ev,
    }


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
