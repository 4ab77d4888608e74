"""Property tests on `hadath.extract`: any text gives JSON whose offsets agree.

Hypothesis generates (1) arbitrary Unicode, (2) text drawn from the
characters that stress the normaliser and tokeniser (Arabic letters,
diacritics, tatweel, presentation forms, Arabic-Indic digits, bidi and
zero-width marks, quotes, line breaks), and (3) real news sentences cut,
shuffled and spliced with such noise.  For every input the contract's
object must serialise to JSON, keep the text exactly, and every span must
point at its own text (tests/spans.py).  Example counts are modest so the
suite stays fast; raise HYPOTHESIS_EXAMPLES for a longer hunt.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bad_inputs import SEED  # noqa: E402
from spans import assert_offsets_agree  # noqa: E402

import hadath  # noqa: E402

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("HYPOTHESIS_RANDOM") is None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Characters that have broken offset maps elsewhere: each one changes length
# or disappears under normalisation, or splits tokens.
TRICKY = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" "أإآٱءؤئىة" "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
    "\u0640" "٠١٢٣٤٥٦٧٨٩" "۰۱۲۳۴۵۶۷۸۹" "0123456789" "\ufefb\ufef7\ufe8d\ufb50\ufdf2\ufdfa"
    "\u200c\u200d\u200e\u200f\u202b\u202c\u2066\u2069\ufeff\u00a0\u2009" "«»\"'“”‘’()[]"
    "،؛؟.!:-–—/%" " \n\t\r" "\x00\x01\x7f" "ABCxyzÉé" "ﷺ" "\U0001f600"
)
SENTENCE_ENDS = ".؟!؛\n"


def seed_sentences() -> list[str]:
    if not SEED.exists():
        return ["قتل شخصان في انفجار عبوة ناسفة في بغداد أمس."]
    body = SEED.read_text(encoding="utf-8").split("\n", 1)[1]
    out, cur = [], []
    for ch in body:
        cur.append(ch)
        if ch in SENTENCE_ENDS:
            out.append("".join(cur))
            cur = []
    return [s for s in out if s.strip()] or [body]


SENTENCES = seed_sentences()

any_text = st.text(max_size=400)
tricky_text = st.text(alphabet=st.sampled_from(TRICKY), max_size=600)
# Real sentences, cut anywhere, in any order, with noise between them.
news_like = st.lists(
    st.tuples(st.sampled_from(SENTENCES), st.integers(0, 400), st.integers(0, 400), tricky_text),
    min_size=1, max_size=6,
).map(lambda parts: "".join(s[min(a, b):max(a, b) + 1] + noise for s, a, b, noise in parts))
titles = st.none() | st.text(max_size=80) | st.sampled_from(SENTENCES)
dates = st.none() | st.dates().map(lambda d: d.isoformat())


def check(text: str, title: str | None, date: str | None) -> None:
    doc = hadath.extract(text, title=title, date=date)
    result = doc.to_dict()
    data = orjson.dumps(result)  # JSON-serialisable (orjson refuses NaN keys, bad types)
    back = orjson.loads(data)
    assert back["text"] == text
    assert back["title"] == title or (title is not None and not title.strip())
    assert_offsets_agree(back)
    for span in back.get("events") or ():
        assert 0.0 <= span["confidence"] <= 1.0


@SETTINGS
@given(text=any_text, title=titles, date=dates)
def test_any_unicode(text: str, title: str | None, date: str | None) -> None:
    check(text, title, date)


@SETTINGS
@given(text=tricky_text, title=titles)
def test_normaliser_stress_characters(text: str, title: str | None) -> None:
    check(text, title, None)


@SETTINGS
@given(text=news_like, title=titles, date=dates)
def test_spliced_news_sentences(text: str, title: str | None, date: str | None) -> None:
    check(text, title, date)


@pytest.mark.parametrize("text", [
    "", " ", "\n\n\n", "\u0640" * 50, "\u064b" * 50, "\ufeff", "\ufdfa", "ﻻ" * 20,
    "بغداد" * 2000, "٧ تشرين الثاني ٢٠٢١", "قال: «" * 30, "\r\n".join(SENTENCES[:5]),
    # A NUL token after a trigger word: the phrase matcher's trie used "\x00"
    # as its end-of-phrase key (a JSON "\u0000" in scraped text reaches it).
    "قتل شخصان في انفجار\x00 عبوة ناسفة في بغداد أمس.",
])
def test_edge_texts(text: str) -> None:
    check(text, None, None)
