"""Evidence spans: every field's words, checked against the article text."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from test_api_fixtures import SEED, seed_result

from hadath.api.evidence import evidence


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    if not SEED.exists():
        pytest.skip(f"seed article missing: {SEED}")
    return seed_result()


def _body_events(seed: dict[str, Any]) -> list[dict[str, Any]]:
    events = [e for e in seed["events"] if e.get("field") != "title"]
    assert events, "extraction produced no events"
    return events


def test_every_span_is_the_articles_own_words(seed: dict[str, Any]) -> None:
    for event in _body_events(seed):
        spans = evidence(event, seed)
        assert any(s["field"] == "trigger" for s in spans)
        for s in spans:
            source = seed["title"] if s["in"] == "title" else seed["text"]
            assert source[s["start"]:s["end"]] == s["text"]
        starts = [(s["in"] != "title", s["start"]) for s in spans]
        assert starts == sorted(starts)


def test_fields_behind_the_drone_attack(seed: dict[str, Any]) -> None:
    drone = [e for e in _body_events(seed) if e["type"] == "ASSAULT" and e.get("mode") == "drone"]
    assert drone, [(e["type"], e.get("mode")) for e in seed["events"]]
    spans = evidence(drone[0], seed)
    by_field: dict[str, list[str]] = {}
    for s in spans:
        by_field.setdefault(s["field"], []).append(s["text"])
    assert {"trigger", "place", "date", "sentence"} <= by_field.keys(), by_field.keys()
    assert any("بغداد" in t for t in by_field["place"])
    assert any("الكاظمي" in t for t in by_field.get("recipient", []))


def test_casualty_figures_are_highlighted_when_given(seed: dict[str, Any]) -> None:
    with_figures = [e for e in _body_events(seed) if e.get("fatalities") or e.get("injured")]
    if not with_figures:
        pytest.skip("the extractor reports no casualty figure for the seed")
    for event in with_figures:
        own = event.get("evidence") or {}
        given = [f for f in ("fatalities", "injured") if own.get(f)]
        fields = {s["field"] for s in evidence(event, seed)}
        assert set(given) <= fields


def test_spans_that_do_not_point_at_the_text_are_dropped(seed: dict[str, Any]) -> None:
    event = copy.deepcopy(_body_events(seed)[0])
    trig = event["trigger"]
    event["trigger"] = {**trig, "start": trig["start"] + 1, "end": trig["end"] + 1}
    event["mentions"] = []
    event["actors"] = [{"text": "x", "start": -5, "end": 3}, {"text": "y", "start": 10**7,
                                                                "end": 10**7 + 1}]
    spans = evidence(event, seed)
    assert not [s for s in spans if s["field"] in ("trigger", "actor")]
    assert evidence(event, None) == []


def test_title_events_point_into_the_title(seed: dict[str, Any]) -> None:
    title = seed["title"]
    word = "الهجوم"
    i = title.index(word)
    event = {"type": "ASSAULT", "field": "title",
             "trigger": {"text": word, "start": i, "end": i + len(word)}}
    spans = evidence(event, seed)
    assert spans == [{"field": "trigger", "in": "title", "start": i, "end": i + len(word),
                      "text": word}]


def test_date_fallback_only_when_the_source_is_unknown(seed: dict[str, Any]) -> None:
    day = next(t for t in seed["times"] if t.get("value") == "2021-11-07"
               and t.get("field") != "title")
    base = {"type": "ASSAULT", "date": {"value": "2021-11-07", "precision": "day"},
            "sentence": next(s for s in seed["sentences"]
                             if s["start"] <= day["start"] < s["end"])}
    dates = [s for s in evidence(base, seed) if s["field"] == "date"]
    assert dates and dates[0]["start"] == day["start"]
    # The extractor said the date has no words of its own (e.g. taken from
    # the publication date): nothing is guessed.
    told = {**base, "evidence": {"date": None}}
    assert not [s for s in evidence(told, seed) if s["field"] == "date"]
    # A value no time expression has: nothing highlighted.
    other = {**base, "date": {"value": "1999-01-01", "precision": "day"}}
    assert not [s for s in evidence(other, seed) if s["field"] == "date"]
