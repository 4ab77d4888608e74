"""Events stage: status, negation, casualties, roles, merging and the ACLED mapping."""

from __future__ import annotations

import pytest

import hadath
from hadath.events.acled import acled_type
from hadath.events.lexicon import lexicons, verb_forms


def events(text: str, date: str | None = "2024-03-10"):
    return hadath.extract(text, date=date).to_dict()["events"]


def only(evs, typ):
    return [e for e in evs if e["type"] == typ]


def test_lexicons_load_and_verbs_expand():
    lex = lexicons()
    assert lex.numbers["عشرات"] == 12 and lex.numbers["مئات"] == 100
    forms = {f for f, *_ in verb_forms("قتل", "قتل")}
    assert {"قتل", "قتلت", "قتلوا", "يقتل", "يقتلون", "سيقتل"} <= forms


@pytest.mark.parametrize("text,killed,injured", [
    ("قتل 12 شخصا وأصيب 30 آخرون في انفجار سيارة مفخخة في بغداد أمس.", 12, 30),
    ("سقط ثلاثة قتلى في هجوم مسلح على حاجز للشرطة في الموصل أمس.", 3, None),
    ("أسفر القصف عن مقتل العشرات وإصابة المئات في حلب أمس.", 12, 100),
    ("وأصيب أكثر من 125 شخصا في الاشتباكات التي اندلعت في بغداد أمس.", None, 125),
    # A quoted casualty word, and one figure read by two casualty words.
    ("أسفرت الغارات الإسرائيلية على غزة أمس عن «استشهاد» 17 فلسطينيا.", 17, None),
    ("أسفر الانفجار عن سقوط ستة قتلى في بغداد أمس.", 6, None),
    # Victims joined by و add to the figure; a figure of the other kind does not.
    ("أسفر الهجوم عن مقتل 4 مدنيين وجندي في حلب أمس.", 5, None),
    ("أسفر الهجوم عن مقتل عشرة جنود وثلاثة من العاملين في حلب أمس.", 13, None),
    ("أسفر الهجوم عن مقتل 4 مدنيين و10 جرحى في حلب أمس.", 4, 10),
])
def test_casualty_figures(text, killed, injured):
    evs = [e for e in events(text) if e["type"] == "ASSAULT"]
    assert evs, text
    e = evs[0]
    assert e["fatalities"] == killed
    assert e["injured"] == injured
    for span in e["evidence"]["fatalities"] + e["evidence"]["injured"]:
        assert text[span["start"]:span["end"]] == span["text"]


def test_lowest_figure_when_reports_differ():
    text = ("قتل 20 شخصا في تفجير انتحاري في سوق ببغداد أمس. "
            "وقالت الشرطة إن الانفجار أسفر عن مقتل 17 شخصا.")
    e = only(events(text), "ASSAULT")
    assert len(e) == 1 and e[0]["fatalities"] == 17
    assert e[0]["mode"] == "suicide-attack"
    assert e[0]["acled"]["sub_event_type"] == "Suicide bomb"


@pytest.mark.parametrize("text", [
    "لم يقع أي هجوم على المدينة أمس.",
    "هل يهاجم الجيش المدينة؟",
    "إذا هاجم المسلحون القرية فسيرد الجيش بقوة.",
    "وفي السنوات الأخيرة، شن المسلحون عشرات الهجمات على المنطقة.",
])
def test_no_dated_event_from_negation_question_hypothesis_generic(text):
    for e in only(events(text), "ASSAULT"):
        assert e["date"] is None or e["status"] != "occurred", e


def test_attempted_threatened_denied():
    evs = events("أحبطت قوات الأمن محاولة اغتيال وزير الداخلية في بغداد أمس.")
    assert only(evs, "ASSAULT")[0]["status"] == "attempted"
    evs = events("هدد المسلحون بقصف المطار في طرابلس.")
    a = only(evs, "ASSAULT")
    assert a and a[0]["status"] == "threatened" and a[0]["date"] is None
    assert only(evs, "THREATEN")
    evs = events("ونفت الحكومة أن يكون الجيش قد قصف القرية.")
    assert all(e["status"] == "denied" for e in only(evs, "ASSAULT"))


def test_unclaimed_attack_has_unidentified_actor():
    evs = events("انفجرت عبوة ناسفة في سوق بمدينة كركوك أمس، ولم تعلن أي جهة مسؤوليتها عن التفجير.")
    e = only(evs, "ASSAULT")
    assert len(e) == 1
    assert e[0]["actors"] and e[0]["actors"][0]["sector"] == "UAF"
    assert e[0]["acled"]["sub_event_type"] == "Remote explosive/landmine/IED"


def test_actor_and_recipient_roles():
    evs = events("اعتقلت الشرطة العراقية خمسة متظاهرين في البصرة أمس.")
    e = only(evs, "COERCE")[0]
    assert e["mode"] == "arrest"
    assert e["acled"] == {"event_type": "Strategic developments", "sub_event_type": "Arrests"}
    assert e["actors"][0]["sector"] == "COP" and e["actors"][0]["country"] == "IQ"
    assert any(r["sector"] == "CVL" for r in e["recipients"])


def test_protest_and_riot():
    evs = events("تظاهر آلاف الطلاب في الجزائر العاصمة أمس احتجاجا على نتائج الامتحانات.")
    p = only(evs, "PROTEST")
    assert p and p[0]["acled"] == {"event_type": "Protests", "sub_event_type": "Peaceful protest"}
    evs = events("رشق المتظاهرون قوات الأمن بالحجارة وأحرقوا الإطارات في وسط بيروت أمس.")
    p = only(evs, "PROTEST")
    assert p and p[0]["mode"] == "riot" and p[0]["acled"]["event_type"] == "Riots"


def test_other_plover_types_from_lexicon():
    evs = events("أدانت وزارة الخارجية المصرية الهجوم واتهمت جماعة مسلحة بتنفيذه.")
    assert only(evs, "ACCUSE")
    evs = events("اتفق الطرفان على وقف إطلاق النار في غزة.")
    agree = only(evs, "AGREE")
    assert agree and not only(evs, "ASSAULT")


def test_undated_event_falls_back_to_reference_week():
    evs = events("قصفت طائرات حربية مواقع للمسلحين في إدلب.", date="2024-03-10")
    e = only(evs, "ASSAULT")[0]
    assert e["date"] == {"value": "2024-03-10", "precision": "week"}
    assert e["date_source"] == "reference"
    assert e["mode"] == "aerial"


def test_past_perfect_event_gets_no_reference_date():
    # "وكان ... قد شن" tells what had happened before the news: the article's
    # week would date it wrongly.  The verb continuing the sentence shares it.
    evs = events("وكان تنظيم داعش قد شن هجوما على قاعدة عسكرية في الرمادي وقتل خمسة جنود.",
                 date="2015-07-31")
    assert evs and all(e["date"] is None for e in evs)
    evs = events("وسبق أن فجر انتحاري نفسه في مسجد بالقطيف.", date="2015-07-31")
    assert only(evs, "ASSAULT")[0]["date"] is None
    # قد with no كان before it is the present perfect of news: dated as usual.
    evs = events("وقد شن تنظيم داعش هجوما على قاعدة عسكرية في الرمادي.", date="2015-07-31")
    assert only(evs, "ASSAULT")[0]["date"] == {"value": "2015-07-31", "precision": "week"}
    # A time of its own still dates it.
    evs = events("وكانت طائرات التحالف قد قصفت مواقع للحوثيين في صعدة يوم الجمعة الماضي.",
                 date="2015-07-31")
    assert only(evs, "ASSAULT")[0]["date"] == {"value": "2015-07-24", "precision": "day"}


def test_time_of_the_saying_does_not_date_the_event():
    # "أمس" dates the minister's statement; the attack happened on Friday.
    evs = events("قال الوزير أمس إن الهجوم وقع يوم الجمعة في بغداد.", date="2015-07-20")
    assert only(evs, "ASSAULT")[0]["date"] == {"value": "2015-07-17", "precision": "day"}
    # With no other time, the saying's time is still better than none.
    evs = events("قال الوزير أمس إن مسلحين هاجموا قرية في ديالى.", date="2015-07-20")
    assert only(evs, "ASSAULT")[0]["date"]["value"] == "2015-07-19"


def test_acled_table_conditions():
    civ = [{"sector": "CVL"}]
    mil = [{"sector": "MIL"}]
    assert acled_type("ASSAULT", "firearms", mil, civ)["event_type"] == "Violence against civilians"
    assert acled_type("ASSAULT", "firearms", mil, mil)["event_type"] == "Battles"
    assert acled_type("ASSAULT", "drone", [], [])["sub_event_type"] == "Air/drone strike"
    assert acled_type("ACCUSE", "disapprove", [], []) is None


def _sentence_feats(text: str) -> list[str]:
    from hadath.events.features import sentence_features
    from hadath.events.training import structural_doc
    from hadath.events.triggers import analyse

    doc = structural_doc(text)
    return [f for v in analyse(doc) for f in sentence_features(v, doc.tokens)]


def test_scene_and_realis_features_of_a_narrated_protest():
    feats = _sentence_feats("وتجمع أمس مئات المتظاهرين أمام مقر المحافظة ورفعوا لافتات تندد بالحكومة.")
    for f in ("Z:time", "Z:scene", "Z:display", "Z:PROTEST:display", "R:PROTEST:past",
              "R:PROTEST:past:early", "R:PROTEST:qty"):
        assert f in feats, f
    assert "Z:opinion" not in feats


def test_scene_features_of_talk_about_protests():
    feats = _sentence_feats("ويرى الكاتب أن الثورات الشعبية منذ سنوات غيرت النظام.")
    assert "Z:opinion" in feats and "Z:background" in feats
    assert not any(f.startswith("R:") for f in feats)
    assert "Z:time" not in feats and "Z:display" not in feats


def test_realis_context_of_a_protest_trigger():
    feats = _sentence_feats("واندلعت أمس مظاهرات في وسط المدينة ورفع المتظاهرون لافتات تندد بالحكومة.")
    for f in ("Z:erupt", "L:PROTEST:erupt", "Z:PROTEST:act", "R:PROTEST:subj"):
        assert f in feats, f
    assert "Z:call" not in feats
    svo = _sentence_feats("المتظاهرون رددوا هتافات ضد الحكومة.")
    assert "R:PROTEST:subjverb" in svo
    # "امام" before the participant noun is a preposition, not a verb
    assert "R:PROTEST:subj" not in _sentence_feats("ألقى كلمة أمام متظاهرين في الساحة.")


def test_realis_context_of_a_call_to_protest():
    feats = _sentence_feats("ودعت المعارضة أنصارها إلى التظاهر يوم الجمعة المقبل.")
    assert "L:PROTEST:call" in feats and "Z:call" in feats
    assert "L:PROTEST:erupt" not in feats


def test_realis_classes_only_with_a_protest_trigger():
    feats = _sentence_feats("قتل ثلاثة جنود في هجوم شنه مسلحون أمس، وخرج السكان من منازلهم.")
    assert not any(f.startswith("L:") for f in feats)
    assert "Z:act" not in feats and "Z:erupt" not in feats


@pytest.mark.parametrize("text,typ", [
    ("شارك مئات الطلاب في مظاهرة أمام الجامعة في القاهرة أمس.", "PROTEST"),
    ("أصيب مئات الأشخاص في هجوم على السوق في حلب أمس.", "ASSAULT"),
])
def test_rough_count_of_people_is_not_generic(text, typ):
    # "مئات" counts the participants or victims here, not the events.
    e = only(events(text), typ)
    assert e and e[0]["status"] == "occurred" and e[0]["date"]["precision"] == "day"


@pytest.mark.parametrize("text", [
    "شن المسلحون عشرات الهجمات على المنطقة.",
    "شن المسلحون عشرات من الهجمات على المنطقة.",
    "نفذ التنظيم سلسلة تفجيرات في المدينة.",
])
def test_rough_count_of_events_is_generic(text):
    assert not only(events(text), "ASSAULT")


def test_protest_target_and_place_preposition():
    evs = only(events("تجمع مئات المتظاهرين أمام مبنى المحافظة في البصرة أمس احتجاجا على الحكومة."),
               "PROTEST")
    assert evs
    assert [a["text"] for a in evs[0]["actors"]] == ["المتظاهرين"]
    # "أمام" is the preposition, not an imam; the target follows "احتجاجا على".
    assert [r["text"] for r in evs[0]["recipients"]] == ["الحكومة"]


def test_attack_noun_linked_to_its_doer_and_counted_victims():
    e = only(events("قتل أربعة جنود في هجوم شنه مسلحون على حاجز في الموصل أمس."), "ASSAULT")
    assert e and [a["text"] for a in e[0]["actors"]] == ["مسلحون"]
    assert "جنود" in [r["text"] for r in e[0]["recipients"]]
    e = only(events("وقتل 4 جنود إثيوبيين في مقديشو أمس."), "ASSAULT")
    assert e and not e[0]["actors"] and e[0]["recipients"][0]["text"] == "جنود إثيوبيين"


@pytest.mark.parametrize("text,actor", [
    ("أسفر هجوم انتحاري نفذته امرأة أمس في سوق ببغداد عن مقتل ثلاثة أشخاص.", "امرأة"),
    ("وخطف خمسة أشخاص على أيدي رجال مسلحين في كركوك أمس.", "مسلحين"),
    ("وقال مصدر في الشرطة إن مسلحين مجهولين اغتالوا ضابطا في الموصل أمس.", "مسلحين مجهولين"),
])
def test_doer_named_after_the_event_or_by_adjacent_nouns(text, actor):
    e = only(events(text), "ASSAULT")
    assert e and [a["text"] for a in e[0]["actors"]] == [actor]
    assert actor not in [r["text"] for r in e[0]["recipients"]]


def mention_triggers(text: str) -> list[list[str]]:
    return [[m["trigger"]["text"] for m in e["mentions"]] for e in events(text)]


def test_dawn_and_names_are_not_triggers():
    # "فجر الجمعة" is dawn on Friday; "فجر" the verb still detonates.
    assert mention_triggers("شنت طائرات التحالف غارات فجر الجمعة على مواقع الحوثيين في صعدة.") == [
        ["غارات"]]
    assert [e["mode"] for e in events("فجر انتحاري نفسه في مسجد بالقديح أمس فقتل 21 مصليا.")] == [
        "suicide-attack"]
    # A verb form with the article is a noun ("منذ الفجر"); "التقى" is a verb all the same.
    assert mention_triggers("استمرت الاشتباكات منذ الفجر حتى الظهر.") == [["الاشتباكات"]]
    assert only(events("التقى وزير الخارجية نظيره الفرنسي في باريس أمس."), "CONSULT")
    # "بالتعاون مع" says how something else was done.
    assert not only(events("أعلنت الشرطة ضبط الشحنة بالتعاون مع الجمارك أمس."), "COOPERATE")


def test_a_trigger_inside_an_organisation_name_is_no_event():
    evs = events("وأشاد الوزير بدور دول الجامعة العربية ومنظمة التعاون الإسلامي في حل المشاكل.")
    assert only(evs, "SUPPORT") and not only(evs, "COOPERATE")


def test_adjective_after_a_definite_event_noun_is_no_actor():
    evs = only(events("أدان المجلس الهجوم الإرهابي على مسجد القديح أمس."), "ASSAULT")
    assert evs and all(a["text"] != "الإرهابي" for e in evs for a in e["actors"] + e["recipients"])
    # The genitive after an indefinite noun is the doer, and only the doer.
    e = only(events("قتل جنديان في هجوم المسلحين على حاجز أمس."), "ASSAULT")[0]
    assert [a["text"] for a in e["actors"]] == ["المسلحين"]
    assert "المسلحين" not in [a["text"] for a in e["recipients"]]


def test_purpose_clause_is_no_event():
    evs = events("خطف المسلحون ثلاثة جنود أمس من أجل الضغط للإفراج عن قائدهم.")
    assert only(evs, "ASSAULT") and not only(evs, "CONCEDE")
    assert only(events("أفرجت السلطات عن المعتقلين أمس."), "CONCEDE")


@pytest.mark.parametrize("text,actor,typ", [
    # VSO with a time expression between the verb and its subject.
    ("التقى مساء أمس، وزير الخارجية المصري نظيره الأردني في عمان.", "وزير الخارجية المصري", "CONSULT"),
    # The doer named through its aircraft or guns.
    ("قصفت طائرات التحالف أمس مواقع الحوثيين في صعدة.", "طائرات التحالف", "ASSAULT"),
    ("قصفت مدفعية الجيش أمس مواقع المتمردين.", "مدفعية الجيش", "ASSAULT"),
])
def test_subject_after_a_time_or_through_its_weapon(text, actor, typ):
    e = only(events(text), typ)[0]
    assert [a["text"] for a in e["actors"]] == [actor]


def test_an_actor_named_in_two_mentions_is_listed_once():
    evs = only(events("قصفت طائرات التحالف مواقع الحوثيين في صعدة أمس. "
                      "وقصفت طائرات التحالف مخازن أسلحة في صعدة أمس."), "ASSAULT")
    assert len(evs) == 1 and len(evs[0]["mentions"]) == 2
    assert [a["text"] for a in evs[0]["actors"]] == ["طائرات التحالف"]


def test_the_counted_dead_are_victims_not_doers():
    e = only(events("مقتل 4 مدنيين وجندي في قصف مكثف في شرق أوكرانيا أمس."), "ASSAULT")[0]
    assert e["fatalities"] == 5
    assert "وجندي" not in [a["text"] for a in e["actors"]]
    assert "وجندي" in [a["text"] for a in e["recipients"]]


def test_an_event_noun_in_a_title_is_no_event():
    evs = events("التقى وزير الخارجية المفوض الأوروبي للمساعدات الإنسانية في بروكسل أمس.")
    assert only(evs, "CONSULT") and not only(evs, "AID")


def test_a_running_total_since_a_date_is_no_event():
    assert not only(events("قتل أكثر من 1000 شخص في اليمن منذ 26 مارس الماضي.", "2015-07-20"),
                    "ASSAULT")
    # A dated attack in the same breath as "since" stays, with its own date.
    e = only(events("قتل خمسة أشخاص أمس في هجوم هو الأعنف منذ 26 مارس.", "2015-08-20"),
             "ASSAULT")[0]
    assert e["fatalities"] == 5 and e["date"]["value"] == "2015-08-19"


def test_a_tally_of_events_is_no_event():
    assert not only(events("نفذ حزب العمال الكردستاني 121 هجومًا مسلحًا منذ بداية العام."),
                    "ASSAULT")
    # No record of any type (the tally used to come out as a riot).
    assert events("نفذ حزب العمال الكردستاني 121 هجومًا مسلحًا منذ بداية العام.") == []
    assert events("شنت طائرات التحالف 60 غارة على مواقع التنظيم في الرقة.") == []
    # A raid of several strikes is one event.
    assert only(events("شن التحالف ليلا نحو 15 غارة على مواقع المتمردين في التواهي."), "ASSAULT")


def test_an_anaphoric_mention_in_commentary_refers_to_nothing():
    # "الهجمات" in a sentence the filter finds no event in, with no earlier
    # attack to refer to: no record.
    text = ("وكان التنظيم الإرهابي قد حث أنصاره على تكثيف الهجمات أثناء شهر رمضان "
            "ضد المسيحيين والشيعة والمسلمين السنة.")
    assert only(events(text), "ASSAULT") == []
    # After a reported attack, the same word still joins it.
    text = ("قتل خمسة جنود في هجوم شنه مسلحون على حاجز للجيش شمال بغداد أمس. "
            "وكان التنظيم قد حث أنصاره على تكثيف الهجمات.")
    (rec,) = only(events(text), "ASSAULT")
    assert rec["fatalities"] == 5


def test_a_name_that_reads_as_a_clitic_and_a_trigger_is_no_trigger():
    # بايدن (Biden) is not ب + أيدن ("they supported").
    text = "ظهر الرئيس أوباما أمام الصحفيين وإلى جانبه نائب الرئيس جون بايدن."
    assert only(events(text), "SUPPORT") == []


@pytest.mark.parametrize("text,typ", [
    ("وعند وصولنا إلى دير الزور مع الفجر رأينا المدينة.", "ASSAULT"),  # dawn
    ("وقام الوزير بهذه الرحلة إلى طهران أمس.", "COERCE"),  # a trip, not رحّله
    ("الاتجار بالدين والتدين ظاهرة منتشرة.", "ACCUSE"),  # religiosity, no verb
    ("بتوجيه خادم الحرمين الشريفين أيده الله قدمت المملكة المساعدات.", "SUPPORT"),
    ("انتشرت قوات مكافحة الشغب في الشوارع أمس.", "PROTEST"),
    ("اتهم المتحدث ميليشيات فجر ليبيا بالإرهاب.", "ASSAULT"),
])
def test_words_that_look_like_triggers(text, typ):
    assert only(events(text), typ) == []


def test_a_verb_trigger_that_is_its_own_stem_with_al_still_fires():
    # التقى: form VIII of لقي, its ال is no article.
    assert only(events("التقى الرئيس اليمني في الرياض أمس مبعوث الأمم المتحدة."), "CONSULT")


def test_a_recommendation_plans_and_a_denial_denies():
    (rec,) = only(events("أوصى الحوثي بتفجير منزل كل من تثبت تبعيته للمقاومة."), "ASSAULT")
    assert rec["status"] == "planned"
    (rec,) = only(events("وصرح المتحدث نافيا أن تكون طائرات قد قصفت المدينة أمس."), "ASSAULT")
    assert rec["status"] == "denied"


def test_a_figure_that_counts_shells_counts_no_dead():
    (rec,) = only(events("سقط أكثر من 160 قذيفة أمس على البلدتين، ما تسبب بمقتل شخص."), "ASSAULT")
    assert rec["fatalities"] == 1
    (rec,) = only(events("وقال المصدر إن جنديا لقي مصرعه في هجوم على حاجز للجيش أمس."), "ASSAULT")
    assert rec["fatalities"] == 1


def test_roles_from_the_third_review():
    # The singular noun before the figure is the verb's subject.
    (rec,) = only(events("وقتل مسلح 38 سائحا في هجوم على فندق في سوسة أمس."), "ASSAULT")
    assert (rec["fatalities"], [a["text"] for a in rec["actors"]]) == (38, ["مسلح"])
    # A figure before a named group counts victims; ل after the attack noun names its doer.
    (rec,) = only(events("قتل 4 حوثيين بعد هجوم للمقاومة بقذيفة صاروخية أمس."), "ASSAULT")
    assert [a["text"] for a in rec["recipients"]] == ["حوثيين"]
    assert [a["text"] for a in rec["actors"]] == ["للمقاومة"]
    # A state named as the place is no party.
    (rec,) = only(events("قتل ثلاثة جنود أتراك في هجوم قرب الحدود مع سوريا أمس."), "ASSAULT")
    assert all(a["text"] != "سوريا" for a in rec["actors"] + rec["recipients"])
    # "غارات نفذتها طائرات التحالف": the linking verb names the doer.
    (rec,) = only(events("وشنت غارات جوية نفذتها طائرات التحالف على معسكر للحوثيين أمس."), "ASSAULT")
    assert [a["text"] for a in rec["actors"]] == ["طائرات التحالف"]


def test_merging_respects_realis_and_the_place_of_a_word_that_refers_back():
    text = ("قصفت طائرات التحالف مواقع للحوثيين في صنعاء أمس. "
            "وقال المتحدث إن الطائرات ستقصف مواقع أخرى الأسبوع المقبل.")
    recs = only(events(text), "ASSAULT")
    assert sorted(r["status"] for r in recs) == ["occurred", "planned"]
    text = ("قتل خمسة جنود في هجوم على حاجز للجيش في حلب أمس. "
            "وفي درعا، أسفر الهجوم على مقر للشرطة عن مقتل شرطيين.")
    recs = only(events(text), "ASSAULT")
    assert len(recs) == 2
