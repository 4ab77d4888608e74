"""Normalisation, sentence splitting and tokenisation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hadath.text.normalise import normalise, normalise_string
from hadath.text.sentences import split_sentences
from hadath.text.tokens import split_article, tokenize_normalised, variants


def test_normalise_orthography():
    assert normalise_string("أَحْمَدُ") == "احمد"
    assert normalise_string("إيران") == "ايران"
    assert normalise_string("آذار") == "اذار"
    assert normalise_string("مستشفى") == "مستشفي"
    assert normalise_string("مدينة") == "مدينه"
    assert normalise_string("الـعـراق") == "العراق"
    assert normalise_string("٢٠٢١ ۱۴") == "2021 14"
    assert normalise_string("ﻻ") == "لا"  # presentation-form ligature
    assert normalise_string("BAGHDAD") == "baghdad"


def test_normalise_keeps_a_map_to_the_original():
    text = "قالَ الـرئيسُ ﻻ ٣ أيام"
    norm = normalise(text)
    assert norm.text == "قال الرئيس لا 3 ايام"
    for word in ("الرئيس", "لا", "3", "ايام"):
        i = norm.text.index(word)
        s, e = norm.to_original(i, i + len(word))
        assert normalise_string(text[s:e]) == word


@given(st.text(alphabet=st.sampled_from(list("بغداد الرئيسُ َ ـ ﻻ ﷲ ٣ أإآى ة\u200f")), max_size=60))
def test_offset_map_is_consistent(text):
    norm = normalise(text)
    for m in __import__("re").finditer(r"\S+", norm.text):
        s, e = norm.to_original(m.start(), m.end())
        assert 0 <= s <= e <= len(text)
        assert normalise_string(text[s:e]).strip() == m.group()


def test_sentences_basic_rules():
    text = "قال د. أحمد إن النمو بلغ 1.5 بالمئة. وأضاف: «هذا جيد. جدا»؛ ثم غادر، وعاد!\nسطر جديد"
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == [
        "قال د. أحمد إن النمو بلغ 1.5 بالمئة.",
        "وأضاف: «هذا جيد. جدا»؛",
        "ثم غادر، وعاد!",
        "سطر جديد",
    ]


def test_sentences_question_and_unclosed_quote():
    text = "هل انتهت الحرب؟ لا. قال «لم تنته بعد وغادر. ثم عاد."
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans[0] == "هل انتهت الحرب؟"
    assert spans[1] == "لا."
    assert len(spans) == 4  # an unclosed quote protects nothing


def test_tokens_offsets_and_clitics():
    text = "وبالمنطقة الخضراء، قُتل 12 شخصاً."
    toks = tokenize_normalised(normalise(text))
    assert [text[t.start:t.end] for t in toks] == [
        "وبالمنطقة", "الخضراء", "،", "قُتل", "12", "شخصاً", "."]
    assert toks[0].base == "منطقه" and toks[0].prefix == "وبال"
    assert split_article("للجيش") == ("لل", "جيش")
    assert "بغداد" in variants("ببغداد")
    assert variants("بغداد")[0] == "بغداد"
