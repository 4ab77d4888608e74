"""The Store: articles, their events and canonical events, in SQL.

One data layer (SQLAlchemy 2) for SQLite (default, a file in WAL mode with
an FTS5 index) and PostgreSQL (by URL, psycopg 3, a GIN-indexed tsvector).
It is what `hadath ingest/search/export` and the HTTP API read and write.
Every statement is built with SQLAlchemy constructs or bound parameters.
This module writes and keeps the schema; reading events (filters, pages,
searches, the in-memory filter columns) is in reading.py.
"""

from __future__ import annotations

import hashlib
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
    func,
    insert,
    or_,
    select,
    update,
)

from hadath.store import dedup, neardup
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
from hadath.store.reading import GENERATION, EventReads, _canonical_dict, _event_dict, _plain
from hadath.store.search import index_document

DEFAULT_URL = "sqlite:///hadath.db"
_FILTERS = ("type", "mode", "date_from", "date_to", "country", "admin1", "bbox", "actor", "q")
# Error messages (from hadath.batch) that mean our code failed, not the article.
RETRYABLE = "internal error"
ANALYZE_MIN_EVENTS = 1000  # below this, statistics would mislead more than help
ANALYZE_ROWS = 2000  # rows sampled per index by ANALYZE
SQLITE_POOL = 16  # connections kept open per process (the API's threads share them)
SQLITE_CACHE_KB = 32_000  # page cache per connection

# SQLite only: a trigram index over normalised actor/recipient names, so an
# actor filter (a substring, any spelling) is an index look-up instead of a
# LIKE scan of every participant (benchmark store, 12,000 matching names of
# 135,000: 36 ms -> 3 ms).
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


class Store(EventReads):
    """Articles, events and canonical events behind one SQLAlchemy engine."""

    def __init__(self, url: str = DEFAULT_URL, *, create: bool = True) -> None:
        self.url = normalise_url(url)
        # JSON columns decoded by orjson rather than the standard library.
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
        self._init_reads()
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
