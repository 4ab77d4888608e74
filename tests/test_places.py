"""Tests for the places stage: gazetteer, nisba lexicon, candidates, context."""

from __future__ import annotations

from pathlib import Path

import pytest

from hadath.document import Document
from hadath.pipeline import normalise_stage, run
from hadath.places import annotate, lookup_country
from hadath.places.nisba import country_for
from hadath.text.sentences import sentences
from hadath.text.tokens import tokenize

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "kadhimi-drone-attack.txt"


def places(text: str) -> list[dict]:
    doc = Document(text)
    run(doc, [normalise_stage, sentences, tokenize, annotate])
    for p in doc.places:
        assert doc.text[p["start"]:p["end"]] == p["text"]
    return doc.places


def found(text: str) -> list[tuple[str, str, str]]:
    return [(p["text"], p["country"], p["feature"]) for p in places(text)]


@pytest.mark.parametrize("word,code", [
    ("العراقي", "IQ"), ("العراقية", "IQ"), ("الأمريكية", "US"), ("الأميركيين", "US"),
    ("الإيرانية", "IR"), ("والسوري", "SY"), ("الليبيون", "LY"), ("بالإسرائيلي", "IL"),
    ("الحكومة", None), ("المالية", None), ("بغداد", None),
])
def test_country_for(word: str, code: str | None) -> None:
    assert country_for(word) == code


@pytest.mark.parametrize("name,code", [
    ("العراق", "IQ"), ("الولايات المتحدة", "US"), ("بإيران", "IR"), ("سوريا", "SY"),
    ("سورية", "SY"), ("سلطنة عمان", "OM"), ("فلسطين", "PS"), ("بغداد", None),
])
def test_lookup_country(name: str, code: str | None) -> None:
    assert lookup_country(name) == code


def test_clitics_are_outside_the_span() -> None:
    got = places("وقع انفجار ببغداد وآخر بالعراق، وأعلنت واشنطن موقفها من إيران.")
    assert [p["text"] for p in got] == ["بغداد", "العراق", "واشنطن", "إيران"]
    assert got[0]["name"] == "Baghdad" and got[0]["geonameid"] == 98182
    assert got[0]["precision"] == 1 and got[1]["precision"] == 3


def test_contract_fields() -> None:
    (p,) = places("قصف مدفعي على بغداد")
    assert set(p) >= {"text", "name", "name_ar", "country", "admin1", "lat", "lon",
                      "geonameid", "feature", "precision", "start", "end"}
    assert p["admin1"] == "Baghdad" and abs(p["lat"] - 33.34) < 0.1


def test_tripoli_from_context() -> None:
    assert found("اشتباكات في طرابلس شمال لبنان")[0][:2] == ("طرابلس", "LB")
    assert found("اشتباكات في طرابلس الليبية")[0][:2] == ("طرابلس", "LY")
    assert found("قال الجيش اللبناني إن اشتباكات وقعت في طرابلس")[0][:2] == ("طرابلس", "LB")
    assert found("في العاصمة الليبية طرابلس")[0][:2] == ("طرابلس", "LY")


def test_a_city_named_with_madina_is_any_town_of_that_name() -> None:
    # GeoNames names Zanzibar "مدينة زنجبار"; that longest name must not hide
    # Zinjibar, capital of Abyan.
    assert found("اندلعت اشتباكات في مدينة زنجبار اليمنية")[0][:2] == ("مدينة زنجبار", "YE")
    assert found("استعادت المقاومة مدينة زنجبار عاصمة محافظة أبين")[0][:2] == (
        "مدينة زنجبار", "YE")
    assert found("وصل السياح الى مدينة زنجبار في تنزانيا")[0][:2] == ("مدينة زنجبار", "TZ")
    assert found("انفجار في مدينة الكويت")[0][1:] == ("KW", "city")
    # Not when the name is also a common word ("العين": the eye, a spring).
    assert found("طال القصف تجمعا للحوثيين في محطة للوقود شمال مدينة العين اليمنية") == []


def test_accords_named_after_towns_are_not_places() -> None:
    assert found("يصادق مجلس الامن على اتفاق فيينا ويحث على تطبيقه") == []
    assert found("تسير الاتصالات بهدف العودة إلى بيان جنيف") == []
    assert found("وشدد على التمسك باتفاق الطائف") == []
    # The countries or towns that made it are places; so is a conference's town.
    assert [p[:2] for p in found("الجزم بتفاصيل اتفاق واشنطن وطهران")] == [
        ("واشنطن", "US"), ("طهران", "IR")]
    assert found("وشارك الوزير في مؤتمر ميونخ للأمن")[0][:2] == ("ميونخ", "DE")
    assert found("دعا إلى احترام اتفاق اليمن")[0][1:] == ("YE", "country")


def test_on_the_level_is_not_upper_egypt() -> None:
    assert found("تعاون البلدين على الصعيد الاقتصادي") == []
    assert found("وعلى الصعيدين السياسي والعسكري تواصلت الاتصالات") == []
    assert found("انتشرت قوات الأمن في قرى الصعيد")[0][:3] == ("الصعيد", "EG", "region")


def test_governorates_in_a_list_and_after_a_governor() -> None:
    got = found("تمتد سيطرة التنظيم إلى محافظات دمشق، ريف دمشق، حمص وحماة")
    assert [(t, f) for t, _, f in got] == [
        ("دمشق", "admin1"), ("ريف دمشق", "admin1"), ("حمص", "admin1"), ("حماة", "admin1")]
    assert [f for _, _, f in found("في محافظتي حمص وحماة")] == ["admin1", "admin1"]
    assert found("استقبل العبادي محافظ صلاح الدين رائد الجبوري") == [
        ("صلاح الدين", "IQ", "admin1")]
    # A town after "مدينة", and towns joined without such a noun, stay towns.
    assert found("قصف الطيران مدينة حمص")[0][2] == "city"
    assert [f for _, _, f in found("قصفت الطائرات حمص وحماة")] == ["city", "city"]


def test_a_nisba_after_a_place_of_its_country_qualifies_it() -> None:
    assert found("اجتماع في مدينة جدة السعودية قبل أيام") == [("جدة", "SA", "city")]
    assert found("في منطقة أعزاز السورية") == [("أعزاز", "SY", "city")]
    assert [c for _, c, _ in found("زار جدة والسعودية")] == ["SA", "SA"]
    # A feminine nisba after a masculine one does not agree with it.
    assert found("زار الرئيس الإماراتي السعودية") == [("السعودية", "SA", "country")]
    assert found("انتشرت القوات الأمريكية السعودية") == []


def test_towns_the_news_names_often_that_geonames_lacks() -> None:
    # places.tsv: the most frequent names after بلدة/قرية/مدينة in the news
    # corpus that the gazetteer lacked.
    assert [c for _, c, _ in found("سقطت قذائف على بلدتي الفوعة وكفريا بريف إدلب")] == [
        "SY", "SY", "SY"]
    assert found("انطلقت السفن من ميناء شقرة في محافظة أبين")[0][:2] == ("شقرة", "YE")
    assert found("هاجم مسلحون فندقا في بلدة سيفاري وسط مالي")[0][:2] == ("سيفاري", "ML")


def test_a_country_named_without_the_article_is_not_named_with_it() -> None:
    assert found("قدمت الحكومة الدعم المالي للمشروع") == []
    assert found("من بلدة عين العرب السورية الحدودية")[0][:2] == ("عين العرب", "SY")
    assert len(found("من بلدة عين العرب السورية الحدودية")) == 1
    assert found("نشرت فرنسا قوات في شمال مالي")[1][:2] == ("مالي", "ML")
    assert found("اشتباكات في العراق")[0][:2] == ("العراق", "IQ")


def test_amman_and_oman() -> None:
    assert found("وصل الوزير إلى عمان عاصمة الأردن")[0][:3] == ("عمان", "JO", "city")
    assert found("زار الوزير سلطنة عمان")[0][1:] == ("OM", "country")
    assert found("قالت الحكومة الأردنية في عمان إن")[0][:3] == ("عمان", "JO", "city")


@pytest.mark.parametrize("text", [
    "نشرت الوكالة صور الهجوم",
    "أصدرت الحكومة البيان بشأن ضبط النفس",
    "بعد سنة من الأمل بين الطرفين",
    "صلاة الجمعة في المسجد الكبير",
    "وقال حماة الديار إن السلام ممكن",
    "ألقي اللوم على الجماعات المسلحة",
    "رفض الرئيس باراك أوباما ذلك ودافع جون كيري عنه",
    "وأكدت الوزارة السورية أن الحكومة الهندية وافقت",
])
def test_common_words_are_not_places(text: str) -> None:
    assert places(text) == []


def test_common_word_with_evidence() -> None:
    assert found("غارة على مدينة صور جنوب لبنان")[0][:2] == ("صور", "LB")
    assert found("وقع الانفجار في حماة وسط سوريا")[0][:2] == ("حماة", "SY")


def test_seed_places() -> None:
    if not SEED.exists():
        pytest.skip("shared seed not available")
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    got = {(p["name"], p["country"], p["feature"]) for p in places(body)}
    assert ("Baghdad", "IQ", "city") in got
    assert ("Green Zone", "IQ", "district") in got
    assert ("Iraq", "IQ", "country") in got
    assert ("Iran", "IR", "country") in got
    assert ("United States", "US", "country") in got
    assert {c for _, c, _ in got} <= {"IQ", "IR", "US"}


@pytest.mark.parametrize("text", [
    "أدى المصلون صلاة المغرب في المسجد",
    "تناول الضيوف الحمص والفلافل",
    "حققت الشركة أرباحا منصورة هذا العام",
    "أطلقت كوريا الشمالية صاروخا سقط في بحر اليابان",
    "قال الشيخ مقصود الرحمن إن التبرعات ستوزع",
    "قالت قوات سوريا الديمقراطية إنها صدت الهجوم",
    "خرجت مظاهرات في عدة مدن سورية",
])
def test_more_traps(text: str) -> None:
    got = found(text)
    assert all(c != "SY" or "سوريا" not in t for t, c, _ in got)
    assert [t for t, _, _ in got if t not in ("كوريا الشمالية",)] == []


def test_qualifier_by_nearby_city() -> None:
    assert found("فجر انتحاري نفسه في سوق الإسكندرية جنوب بغداد")[0][:2] == ("الإسكندرية", "IQ")
    assert found("قال مسؤول في الإسكندرية إن الأمطار أغرقت الشوارع")[0][:2] == ("الإسكندرية", "EG")


def test_coordination_and_hashtags() -> None:
    got = found("أغلقت السلطات الكويتية الطرق في الجهراء والأحمدي")
    assert [t for t, _, _ in got] == ["الجهراء", "الأحمدي"]
    assert found("#سيول_حفر_الباطن الآن")[0][:2] == ("حفر_الباطن", "SA")


def test_title_uses_body_context() -> None:
    import hadath

    doc = hadath.extract("قال مسؤولون ليبيون إن الاشتباكات توقفت في العاصمة.", title="اشتباكات في طرابلس")
    title_places = doc.title_doc.places
    assert title_places and title_places[0]["country"] == "LY"


def test_unknown_village_placed_by_qualifier() -> None:
    (village, town) = places("تجمع المئات أمام السفارة الأمريكية في عوكر شمال بيروت.")
    assert village["text"] == "عوكر" and village["approximate"] and village["precision"] == 2
    assert village["country"] == "LB" and town["name"] == "Beirut"
    assert [p["text"] for p in places("وقع الهجوم في الصباح شمال بغداد")] == ["بغداد"]


def test_an_outlet_is_not_its_town() -> None:
    # After an outlet head, the name is the outlet's.
    assert found("على ما أعلنت وكالة الأناضول للأنباء الرسمية") == []
    assert found("نقلت صحيفة واشنطن بوست عن مسؤولين") == []
    # A country in an outlet's name is still that country.
    assert found("قال مراسل تلفزيون الكويت إن الطرق مغلقة") == [("الكويت", "KW", "country")]
    # "المجلة" refers back to a magazine: what follows is no part of its name.
    assert found("كانت المفاجأة اختيار المجلة للسعودية ضمن القائمة")[0][:2] == ("للسعودية", "SA")
    # A newspaper the sources stage finds in the text ("told «Al-Riyadh»").
    def full(text: str) -> list[str]:
        from hadath.sources import annotate as sources

        doc = Document(text)
        run(doc, [normalise_stage, sentences, tokenize, sources, annotate])
        return [p["text"] for p in doc.places]

    assert full('وقالت مصادر محلية في المقاومة ل"الرياض" إن الحوثيين قصفوا عدن') == ["عدن"]
    assert full("علمت «الرياض» أن الانقلابيين اختطفوا صحفيين") == []
    # Quoted places stay places, with the cue before the quotation marks.
    assert full("أكدت مصادر في محافظة أبين المتاخمة لـ«عدن» سيطرة المقاومة") == [
        "محافظة أبين", "عدن"]
    assert found("سيطر مسلحو القبائل في محافظة «مأرب» على موقعين")[0][1:] == ("YE", "admin1")


def test_tanween_marks_a_common_word() -> None:
    # "دوماً" (always), "آنفاً" (above) are adverbs, not Douma or Anfa.
    assert found("الحكومة تقف دوماً مع كل الخطوات") == []
    assert found("كما ذكرنا آنفًا في التقرير") == []
    assert found("وصل الوفد إلى دوما في ريف دمشق")[0][:2] == ("دوما", "SY")


def test_a_conjunction_is_not_split_off_a_word_news_writes_with_the_article() -> None:
    # "فرقة" (a division) and "ورقة" (a sheet) are not Raqqa.
    assert found("خطفت جبهة النصرة ثمانية من فرقة سورية مقاتلة") == []
    assert found("قدم الوفد ورقة عمل إلى المؤتمر") == []
    assert found("سيطر التنظيم على مدينة الرقة")[0][:2] == ("الرقة", "SY")
    # After a preposition the name stands: "لجبيل" is Byblos, whatever الجبيل is.
    assert found("لم تترك وسيلة لتعبر عن حبها لجبيل وجمهورها اللبناني")[0][:2] == ("جبيل", "LB")


def test_a_country_that_is_also_an_adjective_needs_a_cue() -> None:
    # "مالي" is also "financial"; "سورية" also "Syrian".
    assert found("قدمت الحكومة دعم مالي كبير للجمعيات") == []
    assert found("يعاني البلد من عجز مالي كبير") == []
    assert found("هاجم مسلحون فندقا في مالي")[0][:2] == ("مالي", "ML")
    assert found("نشرت فرنسا قواتها في شمال مالي")[1][:2] == ("مالي", "ML")
    # After a direction word the adjective reading is out.
    assert found("سيطر التنظيم على أجزاء واسعة من شمال سورية وشرقها")[0][:2] == ("سورية", "SY")
    assert found("انتشرت قوات سورية على الحدود") == []


def test_a_lake_or_a_river_is_not_the_place_it_is_named_after() -> None:
    # "بحيرة تشاد" is the lake, "نهر الأردن" the river; the country is not meant.
    assert found("هاجم مسلحون صيادين على ضفاف بحيرة تشاد") == []
    assert found("عبروا نهر الأردن قرب أريحا")[0][:2] == ("أريحا", "PS")
    assert found("قتل جنديان من تشاد في الهجوم")[0][:2] == ("تشاد", "TD")


def test_a_dual_locative_noun_introduces_both_names() -> None:
    # "منطقتي X وY", "حيي X وY": the dual of منطقة / حي, like قريتي.
    out = places("قصفت الطائرات منطقتي المريقبة والدحيلة شمال حمص")
    assert [(p["text"], p.get("approximate", False)) for p in out] == [
        ("المريقبة", True), ("الدحيلة", True), ("حمص", False)]
    assert found("سيطرت المقاومة على منطقتي الوهط والعند في لحج")[0][:2] == ("الوهط", "YE")


def test_a_town_the_tagger_took_for_a_person_is_a_town_when_listed_with_one() -> None:
    # The tagger reads "كوباني" alone as a name; listed with جرابلس it is the town.
    assert [p[:2] for p in found("تمتد المنطقة بين كوباني وجرابلس على الحدود")] == [
        ("كوباني", "SY"), ("جرابلس", "SY")]
    # Two people stay people.
    assert found("التقى أوباما ونتنياهو في البيت الأبيض")[-1][:2] == ("البيت الأبيض", "US")


@pytest.mark.parametrize("text,name,code", [
    ("قتل خمسة جنود في ولاية فارياب شمال أفغانستان", "Faryab", "AF"),
    ("هاجمت طالبان مركزا للشرطة في إقليم لوجار", "Logar", "AF"),
    ("قتل 10 مسلحين في ولاية زابل الأفغانية", "Zabul", "AF"),
    ("شنت بوكو حرام هجوما في ولاية يوبي", "Yobe", "NG"),
    ("اشتباكات في إقليم بلوشستان الباكستاني", "Balochistan", "PK"),
    ("غارة أمريكية في وزيرستان الشمالية", "North Waziristan", "PK"),
])
def test_first_level_regions_of_afghanistan_nigeria_and_pakistan(text: str, name: str, code: str) -> None:
    (p,) = [p for p in places(text) if p["feature"] != "country"]
    assert (p["name"], p["country"]) == (name, code)


def test_punjab_by_the_articles_country() -> None:
    assert places("تقع جورداسبور قرب ولاية جامو وكشمير، وللبنجاب تاريخ من التمرد")[-1][
        "country"] == "IN"
    assert places("انفجار في لاهور عاصمة إقليم البنجاب")[-1]["country"] == "PK"


def test_a_second_name_in_parentheses_is_the_same_place() -> None:
    out = places("لن تتجاوز سيطرتهم مدينة عين العرب (كوباني) الحدودية")
    assert [(p["text"], p["name"]) for p in out] == [
        ("عين العرب", "'Ayn al 'Arab"), ("كوباني", "'Ayn al 'Arab")]
    # A word in parentheses that is not the same place stays what it was.
    assert [p["text"] for p in places("قتل ثلاثة في الموصل (شمال) أمس")] == ["الموصل"]


def test_the_kurdistan_region_of_iraq_names_iraq_too() -> None:
    assert [(p["text"], p["country"]) for p in places("أكد مجلس القضاء في إقليم كردستان العراق")] == [
        ("إقليم كردستان", "IQ"), ("العراق", "IQ")]


@pytest.mark.parametrize("text,name", [
    ("قتل مسلح خمسة جنود في تشاتانوغا بولاية تينيسي", "Tennessee"),
    ("أعلنت السلطات في ولاية ماساتشوستس", "Massachusetts"),
    ("اشتباكات في قضاء الكرمة شرقي الفلوجة", "Al Karmah"),
    ("شهدت مدينة سيئون في محافظة حضر موت توزيع مساعدات", "Seiyun"),
    ("استهدف التفجير ناحية بني سعد بمحافظة ديالى", "Bani Saad"),
    ("اعتصم مواطنون قرب مطمر في منطقة الناعمة جنوب بيروت", "Naameh"),
    ("نصبوا كمينا للقافلة في ولاية شرناق", "Sırnak"),
    ("وجود المحافظ في مديرية غيل باوزير", "Ghayl Ba Wazir"),
    ("انفجرت عبوة غربي بعقوبة", "Baqubah"),
    ("عاد المقاتلون إلى جمهورية الشيشان", "Chechnya"),
    ("أعلن الوزير من السراي الحكومي أن المجلس سيجتمع", "Grand Serail (Beirut)"),
    ("هو مقر قيادة الجيش الليبي في محافظة الجفرة", "Jufra"),
    ("تعرض مركز المسيال بقطاع ظهران الجنوب لقذائف", "Dhahran al-Janub"),
    ("صدت البيشمركة هجوما على بلدة بعشيقة شمال الموصل", "Bashiqa"),
])
def test_regions_and_towns_the_news_names(text: str, name: str) -> None:
    assert name in [p["name"] for p in places(text)]


def test_his_paradise_is_no_place() -> None:
    assert found("سائلا المولى أن يسكنه فسيح جناته") == []


def test_a_town_named_after_a_locative_noun_is_that_town_again_later() -> None:
    # الرمادي is also "grey": named once after مدينة, it is the town again.
    out = places("تتقدم القوات داخل مدينة الرمادي، وتقترب معركة استعادة الرمادي من الحسم")
    assert [(p["text"], p["name"]) for p in out] == [("الرمادي", "Ramadi"), ("الرمادي", "Ramadi")]
    # A definite adjective after a definite noun stays an adjective.
    assert [p["text"] for p in places("يرتدي الثوب الرمادي في مدينة الرمادي")] == ["الرمادي"]
    assert places("يرتدي الثوب الرمادي في مدينة الرمادي")[0]["start"] > 20


def test_a_relative_clause_does_not_lengthen_a_name() -> None:
    # "مدينة الرمادي التي": التي starts a clause, not the second word of a name.
    assert found("استعادة السيطرة على مدينة الرمادي التي يسيطر عليها التنظيم")[0][:2] == (
        "الرمادي", "IQ")


def test_a_news_agency_after_anba_is_no_place() -> None:
    assert found("ونقلت وكالة أنباء «الأناضول» أن رئيس الوزراء تحدث للصحافيين") == []
    assert found("وردت أنباء عن قصف في حلب")[0][:2] == ("حلب", "SY")


def test_the_supplement_names_each_place_once() -> None:
    # Two rows with one Arabic name in one country are one place entered twice
    # (the reading then depends on row order).
    path = Path(__file__).resolve().parents[1] / "hadath" / "resources" / "places" / "places.tsv"
    seen: dict[tuple[str, str], str] = {}
    twice = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        row = line.split("\t")
        for name in row[2].split("|"):
            if (name, row[3]) in seen:
                twice.append((name, seen[(name, row[3])], row[1]))
            seen[(name, row[3])] = row[1]
    assert twice == []
    # cities_ar.tsv: one line a GeoNames id (a second line would replace the first).
    ids = [line.split("\t")[0] for line in (path.parent / "cities_ar.tsv").read_text(
        encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_a_curated_region_tells_its_country_whatever_small_towns_share_its_name() -> None:
    # "كشمير" is also Cashmere, Washington; the region makes the article Indian.
    out = places("تحصل الهجمات في منطقة كشمير، لكنها نادرة في البنجاب المجاور")
    assert [(p["text"], p["country"]) for p in out] == [("كشمير", "IN"), ("البنجاب", "IN")]


def test_names_by_their_qualifier_or_context() -> None:
    assert places("وفي الهند خاصة في مدينة حيدر أباد")[-1]["country"] == "IN"
    assert places("تقع حيدر آباد في إقليم السند الباكستاني")[0]["country"] == "PK"
    assert places("خلال زيارة لاقليم كردستان الايراني")[0]["country"] == "IR"


def test_a_nisba_after_a_noun_with_li_and_the_article_is_an_adjective() -> None:
    # "للعيادات السعودية": ل + ال written لل; the adjective, not Saudi Arabia.
    assert found("التابعة للعيادات السعودية التخصصية") == []
    assert found("وللسعودية دور كبير في المنطقة")[0][1:] == ("SA", "country")


def test_a_direction_as_an_adverb_qualifies_nothing() -> None:
    # "من حلب شمالا إلى عدن جنوبا": northwards; Aden does not qualify Aleppo.
    assert [p[:2] for p in found("أحسوا بالرسالة من حلب شمالا إلى عدن جنوبا")] == [
        ("حلب", "SY"), ("عدن", "YE")]



def test_a_quarters_number_does_not_hide_its_qualifier() -> None:
    # "حي اليرموك الثانية غربي بعقوبة": a quarter of Baqubah, not Yarmouk camp.
    out = places("انفجرت عبوة ناسفة في حي اليرموك الثانية غربي بعقوبة")
    assert [(p["text"], p["country"], p.get("approximate", False)) for p in out] == [
        ("اليرموك", "IQ", True), ("بعقوبة", "IQ", False)]


def test_an_appositive_after_a_comma_says_where_a_place_lies() -> None:
    # Hamdan in Sanaa governorate, not Hamadan in Iran.
    out = places("وقع تمرد في منطقة همدان، بمحافظة صنعاء، وفق المصادر")
    assert [(p["text"], p["country"]) for p in out] == [("همدان", "YE"), ("محافظة صنعاء", "YE")]
    # "مطار عدن، في إطار": what follows the comma is no qualifier.
    assert places("وصلت طائرة إلى مطار عدن، في إطار الجسر الجوي")[0]["country"] == "YE"


def test_an_indefinite_adjective_after_a_locative_noun_names_nothing() -> None:
    assert found("سيطر الثوار على مناطق جديدة في ريف حماة")[-1][0] != "جديدة"
    assert all(p[0] != "جديدة" for p in found("لتكوين ولاية جديدة في المنطقة"))


def test_a_camp_placed_against_a_province_is_approximate_at_region_precision() -> None:
    out = places("خلال زيارة لمعسكر رويك شرق محافظة مأرب أمس")
    camp = out[0]
    assert (camp["text"], camp["country"], camp["approximate"], camp["precision"]) == (
        "رويك", "YE", True, 3)


def test_a_hill_or_a_valley_keeps_its_head_noun_and_may_bear_a_persons_name() -> None:
    out = places("سيطرت المقاومة على تبة مسعود بمديرية مشرعة بعد هجوم")
    assert (out[0]["text"], out[0]["country"], out[0]["precision"]) == ("تبة مسعود", "YE", 2)
    # The adjective after the name describes the mountain.
    out = places("تسيطر المقاومة على جبل يسوف الاستراتيجي في مدينة لودر")
    assert out[0]["text"] == "جبل يسوف"


def test_an_unknown_name_never_swallows_a_second_locative_noun() -> None:
    # Two places ("الصدرين" and "مريس"), not one name "الصدرين بمنطقة مريس".
    out = places("قصف معسكر الصدرين بمنطقة مريس شمال مدينة الضالع")
    assert all("بمنطقة" not in p["text"] for p in out)


def test_a_name_listed_with_countries_is_the_country() -> None:
    out = places("يشارك بها قطر والأردن والإمارات والبحرين وعمان واليمن")
    assert ("عمان", "OM") in [(p["text"], p["country"]) for p in out]
    out = places("قوة من نيجيريا وتشاد والكاميرون والنيجر وبنين")
    assert ("بنين", "BJ") in [(p["text"], p["country"]) for p in out]
    # Alone, عمان with Jordan in the article is Amman.
    assert places("زار الملك الأردن واجتمع بالوزراء في عمان")[-1]["country"] == "JO"


def test_a_reading_must_lie_in_the_stated_direction() -> None:
    # 'Amran lies north of Aden: "منطقة عمران غرب عدن" is another place.
    out = places("سبق له تحرير منطقة عمران غرب عدن")
    assert (out[0]["text"], out[0].get("approximate"), out[0].get("near")) == ("عمران", True, "Aden")
    # Of the two Surans, the one north of Aleppo.
    assert places("قصف التحالف ناحية صوران شمالي حلب")[0]["lat"] > 36.3
    # Directions are given loosely: Ba'aj lies west-south-west of Mosul.
    assert places("لدى مروره في قضاء البعاج جنوبي الموصل")[0]["name"] == "Al Ba'aj"
    assert places("قتل خمسة في مدينة سبها جنوب طرابلس")[0]["name"] == "Sabha"


def test_a_bare_junction_noun_and_hope_are_not_towns() -> None:
    assert [p["text"] for p in places("تمت على حاجز عند مفرق سجو قرب إعزاز")] == ["إعزاز"]
    assert places("وصل اللاجئون إلى مدينة المفرق")[0]["name"] == "Mafraq"
    assert found("نتطلع بأمل أن يؤدي الاتفاق مع إيران إلى السلام") == [
        ("إيران", "IR", "country")]
    assert places("وصل الوفد الإيراني إلى مدينة آمل شمال إيران")[0]["name"] == "Amol"


@pytest.mark.parametrize("text,expected", [
    # A namesake in the US does not hide Geneva in an article about the US.
    ("قال الوزير الأمريكي إن واشنطن ستشارك في محادثات جنيف", ("جنيف", "CH")),
    ("تعرض المهاجرون للاعتقال في سجون إيطاليا ومالطا", ("مالطا", "MT")),
    ("تفجير في مدينة كويتا عاصمة إقليم بلوشستان الباكستاني", ("كويتا", "PK")),
    ("افتتح الرئيس الروسي المنتدى الاقتصادي في سان بطرسبرغ", ("سان بطرسبرغ", "RU")),
])
def test_the_famous_place_of_a_name(text: str, expected: tuple[str, str]) -> None:
    assert expected in [(p["text"], p["country"]) for p in places(text)]


@pytest.mark.parametrize("text", [
    "قال إن الشباب الصغار في السن يجندون في إيران",
    "مواجهة تنظيم القاعدة في شبه الجزيرة العربية بدعم إيراني",
    "قتل خمسة في هجوم على آلية للشرطة في فرنسا",
    "ستواصل إيران دعم الحلفاء في إبادة الإرهاب",
    "فصل البنين عن البنات في مدارس نيجيريا",
    "وأضاف: وأرى أن الأمر يحتاج إلى مراجعة في نيجيريا",
    "وأوضح عضو في «شورى كويتا» الهيئة المركزية لدى طالبان في باكستان",
])
def test_common_words_that_name_small_foreign_towns(text: str) -> None:
    assert all(p["feature"] == "country" for p in places(text))


def test_madrid_is_never_a_us_namesake() -> None:
    out = places("قال الرئيس الأمريكي إنه أهم حدث منذ انعقاد مؤتمر مدريد للسلام في الولايات المتحدة")
    assert ("مدريد", "US") not in [(p["text"], p["country"]) for p in out]


def test_bardo_is_not_b_plus_ordu_and_the_authorities_are_not_settat() -> None:
    out = places("جاء بعد أشهر من الهجوم على متحف باردو في تونس، وأبلغوا السلطات")
    assert [(p["text"], p["country"]) for p in out] == [("باردو", "TN"), ("تونس", "TN")]


def test_a_village_in_a_region_or_beside_a_town() -> None:
    out = places("أقيمت الحملة في بلدة فتقا في منطقة كسروان")
    assert [(p["text"], p["country"], p["precision"]) for p in out] == [
        ("فتقا", "LB", 3), ("كسروان", "LB", 2)]
    out = places("قصفت المدفعية مواقع في قرى الحميرة المحاذية لكركوك")
    assert (out[0]["text"], out[0].get("near")) == ("الحميرة", "Kirkuk")
    # "الفترة الصباحية" is the morning shift, not Kuwait's Sabahiya.
    assert places("واصل الموظفون العمل في الفترة الصباحية") == []


def test_a_province_named_again_by_its_bare_name() -> None:
    out = places("أكد قائد المقاومة في محافظة البيضاء أن المقاومة تسيطر على مواقع في البيضاء")
    assert [(p["text"], p["country"]) for p in out] == [("محافظة البيضاء", "YE"), ("البيضاء", "YE")]


def test_a_regional_nisba_tells_the_country() -> None:
    # "كفريا البقاعية" is Kefraya in the Bekaa, not Syria's Kafriya.
    assert all(p["country"] != "SY" for p in places("عثر على السيارة في بلدة كفريا البقاعية"))
