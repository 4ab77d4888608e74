"""The store's schema, one SQLAlchemy Core metadata for SQLite and PostgreSQL.

Core tables rather than ORM classes: ingest writes thousands of rows per
batch and the API reads pages of flat rows, both of which Core does without
object overhead.  Full event/annotation dicts are kept as JSON next to the
flat columns that filters and indexes need, so nothing of the contract's
output is lost and nothing needs re-extraction to be exported.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA_VERSION = 1

metadata = MetaData()

# JSON on SQLite, JSONB (indexable, compact) on PostgreSQL.
Json = JSON().with_variant(JSONB(), "postgresql")

meta = Table(
    "hadath_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    # An integer key for the full-text index (FTS5 rowid / tsvector table).
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(200), nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("date", String(10), index=True),
    Column("source", String(200), index=True),
    Column("url", Text),
    Column("origin", Text),
    Column("language", String(8)),
    # Near-duplicate group (MinHash LSH): id of the first article seen of
    # the group; equal to `id` for an article with no earlier near-duplicate.
    Column("dup_group", String(200), index=True),
    Column("minhash", LargeBinary),
    # Everything of the contract's object except text/title/events.
    Column("annotations", Json),
    Column("n_events", Integer, nullable=False, default=0),
    Column("ingested_at", String(32), nullable=False),
    # dedup reads a group's newest members; SQLite's dup_group index holds
    # the rowid (seq) already, PostgreSQL needs it in the index to stop early.
    Index("ix_articles_dup_group_seq", "dup_group", "seq"),
)

canonical_events = Table(
    "canonical_events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("type", String(16), nullable=False, index=True),
    Column("mode", String(32)),
    Column("acled_event_type", String(64)),
    Column("acled_sub_event_type", String(64)),
    Column("status", String(16)),
    Column("date", String(10), index=True),
    Column("date_precision", String(8)),
    Column("date_min", String(10)),
    Column("date_max", String(10)),
    Column("place", Json),
    Column("place_name", Text),
    Column("country", String(2), index=True),
    Column("admin1", String(200)),
    Column("lat", Float),
    Column("lon", Float),
    Column("fatalities", Integer),
    Column("injured", Integer),
    Column("confidence", Float),
    Column("actors", Json),
    Column("recipients", Json),
    Column("trigger", Json),
    # The sentence of the first report: the evidence a reader checks first.
    Column("notes", Text),
    Column("n_reports", Integer, nullable=False, default=1),
    Column("n_articles", Integer, nullable=False, default=1),
    Column("sources", Json),
    Column("first_article_id", String(200)),
    Index("ix_canonical_type_date", "type", "date"),
    # Composite indexes let a filtered, date-ordered page walk an index and
    # stop after `limit` rows instead of sorting every match (see
    # docs/reliability.md: country 118 -> 11 ms, admin1 322 -> 13 ms).
    Index("ix_canonical_date_id", "date", "id"),
    Index("ix_canonical_country_date", "country", "date", "id"),
    Index("ix_canonical_type_mode_date", "type", "mode", "date"),
    # Counting "country and type" or a map box reads these indexes only,
    # never the wide rows (100,000-event benchmark store: YE+ASSAULT 42 ->
    # 0.8 ms, a 35,000-event box 137 -> 13 ms).
    Index("ix_canonical_type_country_date", "type", "country", "date"),
    Index("ix_canonical_lon_lat", "lon", "lat"),
    # Covering indexes for the actor and full-text filters in SQL, which
    # reach canonical events through participants/articles -> events, and
    # for loading the in-memory filter columns (reading.py): the chain, the
    # date sort and the filter columns come from index entries, not wide
    # rows (with statistics, see Store.analyze: 121 -> 58 ms for an actor
    # in 11,000 events).
    Index("ix_canonical_id_filters", "id", "date", "type", "mode", "country", "admin1",
          "lon", "lat"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(240), primary_key=True),  # "<article id>:<index>"
    Column("article_id", String(200), ForeignKey("articles.id"), nullable=False, index=True),
    Column("idx", Integer, nullable=False),
    Column("field", String(8)),  # "title" for events found in the title
    Column("type", String(16), nullable=False, index=True),
    Column("mode", String(32)),
    Column("acled_event_type", String(64)),
    Column("acled_sub_event_type", String(64)),
    Column("status", String(16)),
    Column("date", String(10), index=True),
    Column("date_precision", String(8)),
    Column("place_name", Text),
    Column("place_name_ar", Text),
    Column("country", String(2), index=True),
    Column("admin1", String(200)),
    Column("geonameid", Integer),
    Column("place_feature", String(16)),
    Column("lat", Float),
    Column("lon", Float),
    Column("fatalities", Integer),
    Column("injured", Integer),
    Column("confidence", Float),
    Column("trigger_text", Text),
    Column("actors", Json),
    Column("recipients", Json),
    Column("data", Json, nullable=False),  # the event exactly as extracted
    Column("canonical_id", String(64), ForeignKey("canonical_events.id"), index=True),
    Index("ix_events_type_date", "type", "date"),
    Index("ix_events_date_id", "date", "id"),
    Index("ix_events_country_date", "country", "date", "id"),
    Index("ix_events_type_mode_date", "type", "mode", "date"),
    Index("ix_events_type_country_date", "type", "country", "date"),
    Index("ix_events_lon_lat", "lon", "lat"),
    Index("ix_events_id_filters", "id", "canonical_id", "date", "type", "mode", "country",
          "admin1", "lon", "lat"),
    Index("ix_events_article_canonical", "article_id", "canonical_id"),
)

# The admin1 filter compares lower-cased names.
for _table in (canonical_events, events):
    Index(f"ix_{_table.name}_admin1_date", func.lower(_table.c.admin1), _table.c.date)

# One row per actor/recipient mention, normalised, for actor filters.
participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(240), ForeignKey("events.id"), nullable=False, index=True),
    Column("role", String(10), nullable=False),  # actor | recipient
    Column("text", Text, nullable=False),
    Column("norm", Text, nullable=False, index=True),
    Column("sector", String(16)),
    Column("country", String(2)),
)

errors = Table(
    "errors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Hash of (origin, article id/hash, error): re-ingesting the same bad
    # input does not add the same error again.
    Column("key", String(64), nullable=False, unique=True),
    Column("origin", Text),
    Column("article_id", String(200)),
    Column("content_hash", String(64)),
    Column("error", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
)

# PostgreSQL only: the full-text index, a 'simple'-config tsvector over the
# normalised text (see hadath.store.search), GIN-indexed.  SQLite uses an
# FTS5 virtual table instead, created by the Store with raw DDL because
# SQLAlchemy has no construct for virtual tables.
pg_metadata = MetaData()

try:
    from sqlalchemy.dialects.postgresql import TSVECTOR
except ImportError:  # pragma: no cover - present in every SQLAlchemy 2
    TSVECTOR = Text  # type: ignore[misc,assignment]

article_search = Table(
    "article_search",
    pg_metadata,
    Column("seq", Integer, primary_key=True),
    Column("tsv", TSVECTOR, nullable=False),
    Index("ix_article_search_tsv", "tsv", postgresql_using="gin"),
)
