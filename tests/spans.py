"""Checking that every span in an output object agrees with its text."""

from __future__ import annotations

from typing import Any


def iter_spans(obj: Any, field: str | None = None):
    """(dict, field) for every dict carrying start/end offsets, recursively."""
    if isinstance(obj, dict):
        field = obj.get("field", field)
        if isinstance(obj.get("start"), int) and isinstance(obj.get("end"), int):
            yield obj, field
        for value in obj.values():
            yield from iter_spans(value, field)
    elif isinstance(obj, list):
        for value in obj:
            yield from iter_spans(value, field)


def assert_offsets_agree(result: dict) -> int:
    """Every span's text equals its slice of the text it points into."""
    n = 0
    for key in ("sources", "entities", "times", "places", "quotes", "events"):
        for span, field in iter_spans(result.get(key, [])):
            base = result["title"] if field == "title" else result["text"]
            assert 0 <= span["start"] <= span["end"] <= len(base), span
            surface = span.get("text", span.get("name") if key == "sources" else None)
            if isinstance(surface, str) and key != "quotes" or (key == "quotes" and "text" in span):
                assert base[span["start"]:span["end"]] == surface, (key, span)
            if key == "quotes" and span.get("speaker_start") is not None:
                assert base[span["speaker_start"]:span["speaker_end"]] == span["speaker"]
            n += 1
    return n
