"""Exports open in pandas with the documented columns; ACLED's header is exact."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from test_store_fixtures import (
    BAGHDAD,
    BASRA,
    CIVILIANS,
    GREEN_ZONE,
    ISIS,
    KADHIMI,
    event,
    open_store,
    result,
)

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
)

TEXT = "استهدفت طائرة مسيرة مفخخة منزل رئيس الوزراء العراقي مصطفى الكاظمي في بغداد فجر الأحد."


@pytest.fixture
def store(tmp_path):
    s = open_store("sqlite", tmp_path)
    s.add_result(result("a1", TEXT, [event(recipients=[KADHIMI], injured=6)], source="روداو"))
    s.add_result(result("a2", TEXT + " وأصيب حراس.", [event(date="2021-11-08", place=GREEN_ZONE,
                        recipients=[KADHIMI], injured=3)], source="الجزيرة"))
    s.add_result(result("a3", "قتل تنظيم داعش ثلاثة مدنيين في هجوم على قرية قرب البصرة.",
                        [event(place=BASRA, actors=[ISIS], recipients=[CIVILIANS], fatalities=3,
                               mode="firearms", acled=("Violence against civilians", "Attack"))]))
    s.add_result(result("a4", "وقع البلدان اتفاقا للتعاون الاقتصادي في بغداد.",
                        [event(type="AGREE", mode=None, acled=None, place=BAGHDAD)]))
    s.add_result(result("a5", "ضربة في مكان غير معروف.", [event(place=None, date="2021-11-07")]))
    yield s
    s.close()


def test_acled_csv_has_acleds_columns(store, tmp_path):
    from hadath.store.export import export

    out = tmp_path / "acled.csv"
    n = export(store, "acled-csv", out)
    assert out.read_text(encoding="utf-8").splitlines()[0] == ACLED_HEADER
    df = pd.read_csv(out)
    assert list(df.columns) == ACLED_HEADER.split(",") and len(df) == n == 3  # AGREE is not ACLED's
    drone = df[df.sub_event_type == "Air/drone strike"]
    strike = drone[drone.location == "Green Zone"].iloc[0]
    assert strike.event_date == "2021-11-07" and strike.year == 2021 and strike.time_precision == 2
    assert strike.disorder_type == "Political violence" and strike.country == "Iraq"
    assert strike.iso == 368 and strike.region == "Middle East" and strike.geo_precision == 1
    assert strike.actor1 == "مصطفى الكاظمي" and strike.inter1 == 1  # the only party known
    assert set(strike.source.split("; ")) == {"روداو", "الجزيرة"}
    assert "injured=3" in strike.tags and "reports=2" in strike.tags
    attack = df[df.event_type == "Violence against civilians"].iloc[0]
    assert attack.actor1 == "تنظيم داعش" and attack.actor2 == "مدنيين"
    assert (attack.inter1, attack.inter2, attack.interaction) == (2, 7, 27)
    assert attack.civilian_targeting == "Civilian targeting" and attack.fatalities == 3
    assert attack.event_id_cnty.startswith("IRQ")


def test_csv_and_parquet_have_the_flat_columns(store, tmp_path):
    from hadath.store.export import FLAT_COLUMNS, export

    export(store, "csv", tmp_path / "e.csv")
    export(store, "parquet", tmp_path / "e.parquet")
    a = pd.read_csv(tmp_path / "e.csv")
    b = pd.read_parquet(tmp_path / "e.parquet")
    assert list(a.columns) == list(b.columns) == FLAT_COLUMNS
    assert len(a) == len(b) == 4
    row = b[b.n_reports == 2].iloc[0]
    assert row.injured == 3 and row.date_min == "2021-11-07" and row.date_max == "2021-11-08"
    assert set(row.article_ids.split("; ")) == {"a1", "a2"} and row.country_iso3 == "IRQ"
    reports = tmp_path / "r.csv"
    from hadath.store.export import export as ex

    assert ex(store, "csv", reports, canonical=False) == 5
    r = pd.read_csv(reports)
    assert r.notes.notna().all()  # the evidence sentence of each report


def test_geojson_is_a_feature_collection(store, tmp_path):
    from hadath.store.export import export

    out = tmp_path / "e.geojson"
    n = export(store, "geojson", out, type="ASSAULT")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == n == 2
    f = data["features"][0]
    assert f["geometry"]["type"] == "Point" and len(f["geometry"]["coordinates"]) == 2
    assert {"type", "date", "fatalities", "n_reports"} <= set(f["properties"])
    try:
        import geopandas
    except ImportError:
        return
    assert len(geopandas.read_file(out)) == 2


def test_plover_jsonl_records(store, tmp_path):
    from hadath.store.export import export

    out = tmp_path / "e.jsonl"
    assert export(store, "plover-jsonl", out, date_from="2021-11-07") == 4
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for rec in recs:
        assert {"id", "event_date", "event_type", "mode", "context", "actor", "actor_country",
                "actor_sector", "recipient", "recipient_country", "recipient_sector",
                "location", "raw_text"} <= set(rec)
    attack = next(r for r in recs if r["mode"] == "firearms")
    assert attack["event_type"] == "ASSAULT" and attack["recipient_sector"] == "CVL"
    assert attack["recipient_country"] == "IRQ" and attack["location"]["placename"] == "Basra"
    assert attack["raw_text"].startswith("قتل تنظيم داعش")


def test_unknown_format_is_refused(store):
    from hadath.store.commands import EXPORT_FORMATS
    from hadath.store.export import FORMATS, export

    assert tuple(FORMATS) == EXPORT_FORMATS
    with pytest.raises(ValueError):
        export(store, "xlsx")


def test_csv_escapes_commas_and_quotes(tmp_path):
    from hadath.store.export import export

    with open_store("sqlite", tmp_path) as s:
        s.add_result(result("q1", 'قال "المتحدث"، إن القصف, استمر في بغداد.',
                            [event(recipients=[{**KADHIMI, "text": 'الحكومة, "العراقية"'}])]))
        export(s, "acled-csv", tmp_path / "a.csv")
    rows = list(csv.DictReader(open(tmp_path / "a.csv", encoding="utf-8")))
    assert rows[0]["actor1"] == 'الحكومة, "العراقية"'
