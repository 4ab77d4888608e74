"""The foundation's bar on the seed article: sources, quotes, sentences, offsets."""

from __future__ import annotations

from spans import assert_offsets_agree


def test_sources_with_roles(seed_result):
    roles = {(s["name"], s["role"], s.get("field")) for s in seed_result["sources"]}
    assert ("واشنطن بوست", "cited", "title") in roles
    assert ("روداو", "publisher", None) in roles
    assert len(seed_result["sources"]) == 2


def test_quotes_with_speakers(seed_result):
    quotes = {q["text"]: q["speaker"] for q in seed_result["quotes"]}
    assert quotes["أنا بخير"] in ("الكاظمي", "مصطفى الكاظمي")
    assert "الجيش" in quotes["محاولة اغتيال فاشلة"]
    assert quotes["عمل إرهابي واضح"] == "وزارة الخارجية الأمريكية"


def test_sentence_count(seed_result):
    # Eleven paragraphs, one holding two sentences, and the signature line.
    assert len(seed_result["sentences"]) == 12


def test_every_offset_agrees(seed_result):
    assert assert_offsets_agree(seed_result) >= 6


def test_contract_fields(seed_result):
    for key in ("id", "title", "text", "date", "language", "sources", "entities", "times",
                "places", "quotes", "events"):
        assert key in seed_result
    assert seed_result["language"] == "ar"
