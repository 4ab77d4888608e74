"""Shared fixtures and builders for the store tests (no tests here).

The `store` fixture runs each test on SQLite and, when HADATH_TEST_PG_URL is
set (scripts/ci/start_postgres.sh prints it), on PostgreSQL too.
"""

from __future__ import annotations

import copy
import os
from typing import Any

import pytest

PG_URL = os.environ.get("HADATH_TEST_PG_URL")

BAGHDAD = {"text": "بغداد", "name": "Baghdad", "name_ar": "بغداد", "country": "IQ",
           "admin1": "Baghdad", "lat": 33.3406, "lon": 44.4009, "geonameid": 98182,
           "feature": "city", "start": 0, "end": 5}
GREEN_ZONE = {"text": "المنطقة الخضراء", "name": "Green Zone", "name_ar": "المنطقة الخضراء",
              "country": "IQ", "admin1": "Baghdad", "lat": 33.3028, "lon": 44.3847,
              "geonameid": None, "feature": "district", "start": 0, "end": 15}
BASRA = {"text": "البصرة", "name": "Basra", "name_ar": "البصرة", "country": "IQ",
         "admin1": "Basra", "lat": 30.5085, "lon": 47.7804, "geonameid": 99532,
         "feature": "city", "start": 0, "end": 6}
SYRIA = {"text": "سوريا", "name": "Syria", "name_ar": "سوريا", "country": "SY", "admin1": None,
         "lat": 35.0, "lon": 38.0, "geonameid": 163843, "feature": "country", "start": 0, "end": 5}
IRAQ = {"text": "العراق", "name": "Iraq", "name_ar": "العراق", "country": "IQ", "admin1": None,
        "lat": 33.0, "lon": 44.0, "geonameid": 99237, "feature": "country", "start": 0, "end": 6}

KADHIMI = {"text": "مصطفى الكاظمي", "start": 0, "end": 13, "sector": "GOV", "country": "IQ"}
MILITIA = {"text": "فصائل مسلحة", "start": 0, "end": 11, "sector": "UAF", "country": "IQ"}
ISIS = {"text": "تنظيم داعش", "start": 0, "end": 10, "sector": "REB", "country": None}
ARMY = {"text": "الجيش السوري", "start": 0, "end": 12, "sector": "MIL", "country": "SY"}
CIVILIANS = {"text": "مدنيين", "start": 0, "end": 6, "sector": "CVL", "country": "IQ"}


def event(type: str = "ASSAULT", date: str | None = "2021-11-07", place: dict | None = BAGHDAD,
          actors: list | None = None, recipients: list | None = None, fatalities: int | None = None,
          injured: int | None = None, mode: str | None = "drone", precision: str = "day",
          acled: tuple[str, str] | None = ("Explosions/Remote violence", "Air/drone strike"),
          status: str = "occurred") -> dict[str, Any]:
    return {
        "type": type, "mode": mode,
        "acled": {"event_type": acled[0], "sub_event_type": acled[1]} if acled else None,
        "status": status,
        "trigger": {"text": "استهدفت", "start": 0, "end": 7},
        "sentence": {"start": 0, "end": 40},
        "actors": copy.deepcopy(actors or []),
        "recipients": copy.deepcopy(recipients or []),
        "date": {"value": date, "precision": precision} if date else None,
        "place": copy.deepcopy(place),
        "fatalities": fatalities, "injured": injured, "confidence": 0.7,
    }


def result(id: str, text: str, events: list[dict[str, Any]], title: str | None = None,
           date: str | None = "2021-11-07", source: str | None = "روداو",
           url: str | None = None) -> dict[str, Any]:
    return {
        "id": id, "title": title or f"خبر {id}", "text": text, "date": date, "language": "ar",
        "source": source, "url": url or f"https://example.org/{id}",
        "sentences": [{"start": 0, "end": len(text)}], "sources": [], "times": [], "quotes": [],
        "entities": [{"text": "الكاظمي", "type": "PER", "start": 0, "end": 7, "canonical": "مصطفى الكاظمي"}],
        "places": [], "events": events,
    }


def reset_pg(url: str) -> None:
    from sqlalchemy import create_engine

    from hadath.store.models import metadata, pg_metadata

    engine = create_engine(url)
    with engine.begin() as conn:
        pg_metadata.drop_all(conn)
        metadata.drop_all(conn)
    engine.dispose()


def store_url(kind: str, tmp_path: Any) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'hadath.db'}"
    if not PG_URL:
        pytest.skip("HADATH_TEST_PG_URL not set (run scripts/ci/start_postgres.sh)")
    reset_pg(PG_URL)
    return PG_URL


BACKENDS = ["sqlite", "postgresql"]


def open_store(kind: str, tmp_path: Any) -> Any:
    """A fresh Store on `kind` (PostgreSQL tests skip without a server)."""
    from hadath.store import Store

    return Store(store_url(kind, tmp_path))
