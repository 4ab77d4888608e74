"""The seed article's events, as ../shared/seed/EXPECTED.md lists them."""

from __future__ import annotations

from pathlib import Path

import pytest

import hadath

SEED = Path(__file__).resolve().parents[2] / "shared/seed/kadhimi-drone-attack.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="shared seed article not present")


@pytest.fixture(scope="module")
def doc():
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    return hadath.extract(body, title=title)


@pytest.fixture(scope="module")
def events(doc):
    return doc.to_dict()["events"]


def _find(events, typ, **want):
    out = []
    for e in events:
        if e["type"] != typ:
            continue
        if all(e.get(k) == v for k, v in want.items()):
            out.append(e)
    return out


def _is_drone_attack(e):
    return e["type"] == "ASSAULT" and e["mode"] == "drone"


def test_offsets_point_into_text(doc, events):
    for e in events:
        for span in [e["trigger"], *e["actors"], *e["recipients"],
                     *[m["trigger"] for m in e["mentions"]]]:
            if span.get("start") is not None:
                assert doc.text[span["start"]:span["end"]] == span["text"]


def test_drone_attack_is_one_record(events):
    drones = [e for e in events if _is_drone_attack(e)]
    assert len(drones) == 1
    e = drones[0]
    assert e["acled"] == {"event_type": "Explosions/Remote violence",
                          "sub_event_type": "Air/drone strike"}
    assert e["status"] == "attempted"
    assert e["date"] == {"value": "2021-11-07", "precision": "day"}
    assert e["place"] is not None and e["place"]["name"] == "Baghdad"
    assert e["place"]["country"] == "IQ"
    assert e["fatalities"] in (None, 0)
    assert e["injured"] is None  # "several guards lightly injured": no figure
    # all four namings of the attack are evidence of this one record
    assert len(e["mentions"]) >= 4


def test_drone_attack_roles(events):
    e = next(e for e in events if _is_drone_attack(e))
    rec = [r for r in e["recipients"] if "الكاظمي" in r["text"]]
    assert rec and rec[0]["sector"] == "GOV" and rec[0]["country"] == "IQ"
    # no group claimed it: an unidentified actor, not a named one
    assert e["actors"] and all(a["sector"] == "UAF" for a in e["actors"])


def test_friday_clashes(events):
    friday = [e for e in events if e["date"] and e["date"]["value"] == "2021-11-05"
              and e["type"] in ("ASSAULT", "PROTEST")]
    assert friday
    assert any(e["fatalities"] == 1 for e in friday)
    assert any(e["injured"] == 125 for e in friday)
    assert any(e["type"] == "PROTEST" and e["mode"] == "riot" for e in friday)
    assert any(e["place"] and e["place"]["name"] == "Green Zone" for e in friday)


def test_election_protests(events):
    demos = [e for e in events if e["type"] == "PROTEST" and e["mode"] == "demo"
             and e["date"] and e["date"]["value"].startswith("2021-11")]
    assert demos
    assert any(e["place"] and e["place"]["name"] == "Baghdad" for e in demos)
    assert all(e["acled"]["event_type"] == "Protests" for e in demos)


def test_state_department_condemns_and_offers_help(events):
    accuse = [e for e in events if e["type"] == "ACCUSE"]
    assert any(a["country"] == "US" and a["sector"] == "GOV" and "الخارجية" in a["text"]
               for e in accuse for a in e["actors"])
    helps = [e for e in events if e["type"] in ("AID", "COOPERATE")]
    assert any(a["country"] == "US" for e in helps for a in e["actors"])


def test_call_for_restraint(events):
    assert any(e["type"] == "REQUEST" for e in events)


def test_background_not_dated_at_article_date(doc, events):
    """"عشرات الضربات ... في السنوات الأخيرة" and "الغزو الأمريكي سنة 2003" are background."""
    text = doc.text
    background = [text.index("وفي أوقات سابقة"), text.index("وصل الكاظمي إلى السلطة")]
    for e in events:
        if not e["date"]:
            continue
        for m in e["mentions"]:
            s = m["sentence"]["start"]
            if any(abs(s - b) < 5 for b in background):
                assert e["date"]["value"] != "2021-11-07", e
    for e in events:
        assert not (e["date"] and e["date"]["value"].startswith("2003"))
