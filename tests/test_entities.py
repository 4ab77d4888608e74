"""Named entities: hadath tag format, the seed article, offsets and clitics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hadath
from hadath.entities import tag_conll
from hadath.entities.corpora import desegment_sentence, entity_spans
from hadath.entities.tagger import decode_bio
from hadath.entities.train import score

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "kadhimi-drone-attack.txt"
if not SEED.exists():
    SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "seed" / "kadhimi-drone-attack.txt"


@pytest.fixture(scope="module")
def seed_doc():
    if not SEED.exists():
        pytest.skip("shared seed article not available")
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    return hadath.extract(body, title=title)


def _mentions(doc, kind):
    return {e["text"] for e in doc.entities if e["type"] == kind}


def test_seed_people(seed_doc):
    people = _mentions(seed_doc, "PER")
    for name in ("مصطفى الكاظمي", "مقتدى الصدر", "عادل عبدالمهدي"):
        assert name in people


def test_seed_organisations(seed_doc):
    orgs = _mentions(seed_doc, "ORG")
    for name in ("تحالف فتح", "وزارة الخارجية الأمريكية", "الجيش العراقي"):
        assert name in orgs


def test_seed_short_name_gets_canonical(seed_doc):
    short = [e for e in seed_doc.entities if e["text"] == "الكاظمي"]
    assert short and all(e["type"] == "PER" and e["canonical"] == "مصطفى الكاظمي" for e in short)


def test_seed_nisba_never_a_place(seed_doc):
    for e in seed_doc.entities:
        if e["text"] in ("العراقي", "الأمريكية", "الأمريكي", "العراقيين"):
            assert e["type"] == "NORP"


def test_seed_offsets_point_into_text(seed_doc):
    assert seed_doc.entities
    for e in seed_doc.entities:
        assert seed_doc.text[e["start"]:e["end"]] == e["text"]
        assert e["type"] in {"PER", "ORG", "LOC", "GPE", "FAC", "NORP", "MISC"}
    for e in seed_doc.title_doc.entities:
        assert seed_doc.title[e["start"]:e["end"]] == e["text"]


def test_proclitic_outside_the_name():
    doc = hadath.extract("وصل الوفد إلى بغداد أمس ثم غادر وبغداد تشهد توترا، وقال الرئيس العراقي برهم صالح إن الوضع مستقر.")
    texts = [e["text"] for e in doc.entities]
    assert "وبغداد" not in texts
    assert texts.count("بغداد") == 2
    for e in doc.entities:
        assert doc.text[e["start"]:e["end"]] == e["text"]


def test_diacritics_keep_offsets():
    text = "قَالَ رَئِيسُ الوُزَرَاءِ مُصْطَفَى الكَاظِمِي فِي بَغْدَادَ"
    doc = hadath.extract(text)
    for e in doc.entities:
        assert text[e["start"]:e["end"]] == e["text"]


def test_tag_conll_contract():
    lines = ["أعلن\tO", "الرئيس O", "الفرنسي", "إيمانويل", "ماكرون", "في", "باريس", "", "", "زار", "بغداد", ""]
    out = list(tag_conll(lines))
    toks = [ln for ln in lines if ln.strip()]
    body = [ln for ln in out if ln]
    assert [b.split("\t")[0] for b in body] == [t.split()[0] for t in toks]
    assert out[7] == "" and out.count("") == 2  # one blank between, one closing
    tags = [b.split("\t")[1] for b in body]
    assert all(t == "O" or t[:2] in ("B-", "I-") for t in tags)
    assert tags[3:5] == ["B-PER", "I-PER"]
    assert tags[6].endswith("LOC") and tags[8].endswith("LOC")


def test_tag_conll_no_trailing_blank_when_input_has_none():
    assert list(tag_conll(["بغداد"]))[-1].startswith("بغداد\t")


def test_decode_bio_repairs_orphan_inside():
    assert decode_bio(["O", "I-PER", "I-PER", "I-ORG"]) == ["O", "B-PER", "I-PER", "B-ORG"]


def test_entity_spans_and_score():
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    assert entity_spans(gold[0]) == {(0, 2, "PER"), (3, 4, "LOC")}
    res = score(gold, [["B-PER", "O", "O", "B-LOC"]])
    assert res["LOC"]["f1"] == 1.0 and res["PER"]["f1"] == 0.0


def test_wikifane_desegmentation():
    sent = [("و", "O"), ("عاصمة", "O"), ("ها", "O"), ("ل", "O"), ("الشرق", "B-LOC"), ("و", "O"), ("جوبا", "B-LOC")]
    assert desegment_sentence(sent) == [("وعاصمتها", "O"), ("للشرق", "B-LOC"), ("وجوبا", "B-LOC")]


def test_import_does_not_load_the_model():
    import subprocess
    import sys

    code = "import hadath.entities, hadath.entities.tagger as t, hadath.entities.lexicon as l; " \
           "assert t._tagger is None and l.lexicon.cache_info().currsize == 0"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_tag_conll_segmented_input_keeps_tokens():
    lines = ["و", "زار", "الرئيس", "عبد", "الفتاح", "السيسي", "مدينة", "جوبا", "و", "عاصمة", "ها"]
    out = list(tag_conll(lines))
    assert [o.split("\t")[0] for o in out] == lines
    assert all(o.split("\t")[1] == "O" or o.split("\t")[1][:2] in ("B-", "I-") for o in out)


def test_news_outlets_are_organisations():
    doc = hadath.extract("قال الجيش العراقي إن الهجوم فشل.\nروداو",
                         title="واشنطن بوست تروي تفاصيل الهجوم")
    body = {(e["text"], e["type"]) for e in doc.entities}
    title = {(e["text"], e["type"]) for e in doc.title_doc.entities}
    assert ("روداو", "ORG") in body
    assert ("واشنطن بوست", "ORG") in title
    assert not any(e["text"] == "واشنطن" for e in doc.title_doc.entities)


def test_cli_tag_reads_a_file_and_stdin(tmp_path):
    import subprocess
    import sys

    conll = "بغداد\tx\nعاصمة\n\nمصطفى\nالكاظمي\n"
    p = tmp_path / "in.conll"
    p.write_text(conll, encoding="utf-8")
    for args, stdin in (([str(p)], None), (["-"], conll.encode())):
        run = subprocess.run([sys.executable, "-m", "hadath", "tag", *args], input=stdin,
                             capture_output=True, timeout=120, check=True)
        rows = run.stdout.decode().split("\n")
        assert [r.split("\t")[0] for r in rows if r] == ["بغداد", "عاصمة", "مصطفى", "الكاظمي"]
        assert rows[2] == ""  # the sentence break is kept
        assert rows[3].endswith("\tB-PER") and rows[4].endswith("\tI-PER")


def test_multiword_gazetteer_phrases_mark_their_words():
    # The model was trained with these marks; a lexicon that stops finding
    # them silently lowers accuracy (the phrase trie's end key once changed
    # under the place list).
    from hadath.entities.features import _phrase_marks
    from hadath.entities.lexicon import lexicon
    from hadath.text.normalise import normalise_string

    words = [normalise_string(w) for w in
             "وصل الوفد إلى المملكة العربية السعودية ثم إلى الولايات المتحدة".split()]
    marks = _phrase_marks(words, lexicon())
    assert marks[3] == ["mPLC-B"] and marks[4] == ["mPLC-I"] and marks[5] == ["mPLC-I"]
    assert marks[8] == ["mPLC-B"] and marks[9] == ["mPLC-I"]
    assert marks[0] == marks[1] == marks[2] == []


def test_decoding_from_cached_scores_gives_crfsuites_tags(seed_doc):
    # Tagging sums the model's weights per word type and decodes itself;
    # the tags must be exactly those crfsuite gives for the full feature
    # lists, sentence by sentence, with the whole document decoded at once.
    from hadath.entities import tagger as tg
    from hadath.entities.features import sentence_features

    model = tg.tagger()
    sents = []
    for sent in seed_doc.sentences:
        words = [t.norm for t in seed_doc.tokens if sent.start <= t.start < sent.end]
        if words:
            sents.append(words)
    assert len(sents) > 5
    full = [tg.decode_bio(model.tag(sentence_features(w, tg._domain))) for w in sents]
    assert tg.tag_sentences(sents) == full
    assert [tg.tag_words(w) for w in sents] == full
    assert any(t != "O" for tags in full for t in tags)


def test_written_weights_are_the_models():
    from hadath.entities import tagger as tg
    from hadath.entities.crf import CrfWeights

    shipped = tg.weights()
    dumped = CrfWeights.from_tagger(tg.tagger())
    assert shipped.labels == dumped.labels
    assert shipped.index == dumped.index and "BOS" in shipped.index
    assert np.array_equal(shipped.state, dumped.state)
    assert np.array_equal(shipped.transitions, dumped.transitions)


def test_weights_of_another_model_are_not_used(tmp_path):
    from hadath.entities import tagger as tg
    from hadath.entities.crf import CrfWeights

    names, arrays = tmp_path / "model.attributes.txt", tmp_path / "model.weights.npy"
    tg.weights().write(names, arrays, "0" * 64)
    assert CrfWeights.read(names, arrays, "0" * 64) is not None
    assert CrfWeights.read(names, arrays, "1" * 64) is None
    arrays.write_bytes(arrays.read_bytes()[:-8] + bytes(8))  # a changed weight
    assert CrfWeights.read(names, arrays, "0" * 64) is None


def test_viterbi_finds_the_best_path_of_each_sentence():
    import itertools

    from hadath.entities.crf import viterbi

    rng = np.random.default_rng(7)
    n_labels = 3
    trans = rng.normal(size=(n_labels, n_labels))
    lengths = [4, 1, 3, 5, 2]
    scores = rng.normal(size=(sum(lengths), n_labels))
    expected = []
    k = 0
    for n in lengths:
        def total(path, k=k):
            return (sum(scores[k + t, y] for t, y in enumerate(path))
                    + sum(trans[a, b] for a, b in itertools.pairwise(path)))
        expected.extend(max(itertools.product(range(n_labels), repeat=n), key=total))
        k += n
    assert viterbi(scores, lengths, trans) == expected
    assert viterbi(np.zeros((0, n_labels)), [], trans) == []


def test_viterbi_decodes_each_sentence_as_alone_whatever_the_batch():
    # Sentences of many lengths side by side (the longest-first order and
    # the shrinking batch), with ties (rounded scores; crfsuite keeps the
    # lower label), against a plain one-sentence Viterbi.
    from hadath.entities.crf import viterbi

    def alone(scores, trans):
        best = list(scores[0])
        back = []
        for row in scores[1:]:
            ptr = [max(range(len(best)), key=lambda i, y=y: (best[i] + trans[i][y], -i))
                   for y in range(len(best))]
            best = [best[ptr[y]] + trans[ptr[y]][y] + row[y] for y in range(len(best))]
            back.append(ptr)
        y = max(range(len(best)), key=lambda i: (best[i], -i))
        path = [y]
        for ptr in reversed(back):
            y = ptr[y]
            path.append(y)
        return path[::-1]

    rng = np.random.default_rng(11)
    for _ in range(40):
        n_labels = int(rng.integers(2, 6))
        trans = rng.normal(size=(n_labels, n_labels)).round(1)
        lengths = [int(x) for x in rng.integers(1, 25, size=int(rng.integers(1, 12)))]
        scores = rng.normal(size=(sum(lengths), n_labels)).round(1)
        expected, k = [], 0
        for n in lengths:
            expected += alone(scores[k:k + n].tolist(), trans.tolist())
            k += n
        assert viterbi(scores, lengths, trans) == expected


def test_long_documents_and_sentences_are_tagged_in_pieces():
    from hadath.entities import tagger as tg

    sent = ["قال", "الرئيس", "العراقي", "مصطفى", "الكاظمي", "في", "بغداد"]
    alone = tg.tag_words(sent)
    many = tg.tag_sentences([sent] * 3000)  # more batch cells than one batch holds
    assert all(tags == alone for tags in many)
    long_sentence = sent * 1000  # longer than one piece
    tags = tg.tag_words(long_sentence)
    assert len(tags) == len(long_sentence) and tags[3:5] == alone[3:5]


def test_phrase_matching_on_words_equals_matching_on_tokens(seed_doc):
    from hadath.document import Token
    from hadath.entities.lexicon import lexicon
    from hadath.text.tokens import split_article

    lex = lexicon()
    words = [t.norm for t in seed_doc.tokens if t.is_word]
    tokens = [Token(0, 0, w, *split_article(w)[::-1]) for w in words]
    for matcher in (lex.place_phrases, lex.title_phrases, lex.org_phrases):
        assert matcher.find_words(words) == matcher.find(tokens)
