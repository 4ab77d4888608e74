"""Regression bar on the hand-written news sentences (tests/data/places).

Scored like benchmarks/bench_places_news.py: character overlap, right
country, within 50 km.  The bar sits a little under the measured figure so
that a change that costs real accuracy fails here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hadath.document import Document
from hadath.pipeline import normalise_stage, run
from hadath.places import annotate
from hadath.text.sentences import sentences
from hadath.text.tokens import tokenize

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_places_news", ROOT / "benchmarks" / "bench_places_news.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _predict(text: str) -> list[dict]:
    doc = Document(text)
    run(doc, [normalise_stage, sentences, tokenize, annotate])
    return doc.places


def test_news_sentences_f1() -> None:
    bench = _bench()
    items = bench.load(bench.DATA)
    assert len(items) >= 60
    assert sum(1 for _, g in items if not g) >= 20  # trap sentences
    r = bench.score(items, _predict)
    assert r["f1"] >= 0.95, r
    assert r["precision"] >= 0.95, r


def test_naive_baseline_is_worse() -> None:
    bench = _bench()
    items = bench.load(bench.DATA)

    def naive(text: str) -> list[dict]:
        doc = Document(text)
        run(doc, [normalise_stage, sentences, tokenize])
        return bench.naive(doc)

    assert bench.score(items, naive)["f1"] < bench.score(items, _predict)["f1"] - 0.05
