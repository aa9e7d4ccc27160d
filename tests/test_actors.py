"""The actors stage: dictionary actors, titled people, role noun phrases, coreference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventwire.actors import ActorIndex, build_index
from eventwire.dictionaries import load_dictionaries

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "seed-article.txt"


@pytest.fixture(scope="module")
def actor_nlp():
    """The spaCy model with the paragraph marker and the actors stage only."""
    from eventwire import actors  # noqa: F401  (registers the component)
    from eventwire.nlp import load_model

    nlp = load_model()
    nlp.add_pipe("eventwire_paragraphs", before="parser")
    nlp.add_pipe("eventwire_actors")
    return nlp


@pytest.fixture(scope="module")
def index(actor_nlp):
    """index(text, published="2021-12-15") -> ActorIndex"""

    def run(text: str, published: str | None = "2021-12-15", dictionaries=None) -> ActorIndex:
        doc = actor_nlp.make_doc(text)
        doc._.published = dt.date.fromisoformat(published) if published else None
        for name, proc in actor_nlp.pipeline:
            if name == "eventwire_actors" and dictionaries is not None:
                doc._.actor_index = build_index(doc, dictionaries)
                continue
            doc = proc(doc)
        return doc._.actor_index

    return run


def span_of(idx: ActorIndex, phrase: str, nth: int = 0):
    """The doc span of the nth occurrence of ``phrase``."""
    text = idx.doc.text
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    span = idx.doc.char_span(start, start + len(phrase), alignment_mode="expand")
    assert span is not None, phrase
    return span


def resolved(idx: ActorIndex, phrase: str, nth: int = 0):
    return idx.resolve(span_of(idx, phrase, nth))


# ---------------------------------------------------------------------------
# Countries, capitals, seats of government, IGOs


@pytest.mark.parametrize(
    "text, phrase, code, kind",
    [
        ("Russia warned Ukraine on Tuesday.", "Russia", "RUS", "country"),
        ("Russia warned Ukraine on Tuesday.", "Ukraine", "UKR", "country"),
        ("Britain and France signed the deal.", "Britain", "GBR", "country"),
        ("The US imposed new tariffs.", "US", "USA", "country"),
        ("The Chinese have refused to comment.", "Chinese", "CHN", "country"),
        ("North Korea fired two missiles.", "North Korea", "PRK", "country"),
        ("The Kremlin said the talks were useful.", "Kremlin", "RUSGOV", "institution"),
        ("The White House rejected the claim.", "White House", "USAGOV", "institution"),
        ("Downing Street declined to comment.", "Downing Street", "GBRGOV", "institution"),
        ("Beijing condemned the visit.", "Beijing", "CHNGOV", "institution"),
        ("Washington imposed new sanctions on Tehran.", "Washington", "USAGOV", "institution"),
        ("Washington imposed new sanctions on Tehran.", "Tehran", "IRNGOV", "institution"),
        ("Kyiv accused Moscow of shelling the plant.", "Moscow", "RUSGOV", "institution"),
        ("The Pentagon announced a new aid package.", "Pentagon", "USAMIL", "institution"),
        ("The West has failed Ukraine, he said.", "West", "WST", "group"),
    ],
)
def test_named_places_and_countries(index, text, phrase, code, kind):
    actor = resolved(index(text), phrase)
    assert actor is not None
    assert (actor.code, actor.kind) == (code, kind)


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("The two envoys met in Moscow on Monday.", "Moscow"),
        ("She was reporting from Beijing.", "Beijing"),
        ("He said Russian gas prices had doubled.", "Russian gas prices"),
    ],
)
def test_places_and_modifiers_are_not_actors(index, text, phrase):
    assert resolved(index(text), phrase) is None


def test_countries_stay_actors_after_a_preposition(index):
    # a country is an actor even where it is also a place ("strikes in Yemen"); capitals are not
    idx = index("Warplanes struck targets in Yemen and talks were held in Muscat.")
    assert resolved(idx, "Yemen").code == "YEM"
    assert resolved(idx, "Muscat") is None


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        ("Moscow's annexation of Crimea led to sanctions.", "Moscow's annexation", "RUSGOV"),
        ("Beijing opened a probe into French brandy.", "French brandy", "FRA"),
        ("Kyiv warned of a Russian military build-up.", "Russian military build-up", "RUSMIL"),
    ],
)
def test_owner_of_a_non_actor_phrase(index, text, phrase, code):
    idx = index(text)
    span = span_of(idx, phrase)
    assert idx.resolve(span) is None
    assert idx.owner(span).code == code


def test_coordinated_nationalities_make_one_group_each(index):
    idx = index("Egyptian, Qatari and U.S. mediators will resume talks on Monday.")
    codes = {a.code for a in idx.actors}
    assert {"EGYGOV", "QATGOV", "USAGOV"} <= codes
    assert resolved(idx, "U.S. mediators").code == "USAGOV"


@pytest.mark.parametrize(
    "text, phrase, code, kind",
    [
        ("NATO said it would reinforce its eastern flank.", "NATO", "IGOWSTNAT", "igo"),
        ("The United Nations called for a ceasefire.", "United Nations", "IGOUNO", "igo"),
        ("The UN Security Council met on Friday.", "UN Security Council", "IGOUNO", "igo"),
        ("The EU agreed a new sanctions package.", "EU", "IGOEUREEC", "igo"),
        ("The African Union suspended Mali.", "African Union", "IGOAFRAFU", "igo"),
        ("ASEAN called for restraint in Myanmar.", "ASEAN", "IGOSEAASN", "igo"),
        ("The OSCE sent monitors.", "OSCE", "IGOEURSCE", "igo"),
        ("The IAEA said inspectors had been refused access.", "IAEA", "IGOUNOIAE", "igo"),
        ("The Arab League condemned the strike.", "Arab League", "IGOMEAARL", "igo"),
        ("The Red Cross delivered medical supplies.", "Red Cross", "NGOHLHIRC", "ngo"),
        ("Amnesty International accused the army of torture.", "Amnesty International", "NGOHRIAMN", "ngo"),
        ("The UNHCR said 2,000 people had fled.", "UNHCR", "IGOUNOREFHCR", "igo"),
    ],
)
def test_international_bodies(index, text, phrase, code, kind):
    actor = resolved(index(text), phrase)
    assert actor is not None
    assert (actor.code, actor.kind, actor.country) == (code, kind, None)


# ---------------------------------------------------------------------------
# Sectors from role nouns


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        ("Ukrainian troops shelled the village.", "Ukrainian troops", "UKRMIL"),
        ("Russian forces withdrew from the town.", "Russian forces", "RUSMIL"),
        ("Syrian rebels seized the airport.", "Syrian rebels", "SYRREB"),
        ("Hong Kong protesters blocked the road.", "Hong Kong protesters", "HKGOPP"),
        ("The Ukrainian government accused Moscow of lying.", "Ukrainian government", "UKRGOV"),
        ("The Russian foreign ministry said in a statement.", "Russian foreign ministry", "RUSGOV"),
        ("Iranian police arrested dozens.", "Iranian police", "IRNCOP"),
        ("Israeli journalists protested the ban.", "Israeli journalists", "ISRMED"),
        ("Afghan refugees crossed the border.", "Afghan refugees", "AFGREF"),
        ("Turkish courts jailed the mayor.", "Turkish courts", "TURJUD"),
        ("The Belarusian opposition called for a strike.", "Belarusian opposition", "BLROPP"),
        ("Chinese companies signed the contracts.", "Chinese companies", "CHNBUS"),
        ("Sudanese civilians fled the fighting.", "Sudanese civilians", "SDNCVL"),
        ("Russia's defence ministry said it had destroyed the depot.", "Russia's defence ministry", "RUSGOV"),
        ("French officials said the talks had stalled.", "French officials", "FRAGOV"),
        ("The army of Myanmar denied the reports.", "army of Myanmar", "MMRMIL"),
    ],
)
def test_sector_from_role_noun(index, text, phrase, code):
    actor = resolved(index(text), phrase)
    assert actor is not None and actor.code == code


def test_group_mentions_merge_by_code(index):
    idx = index("Russian troops advanced on Monday. By Tuesday Russian troops had reached the river.")
    assert resolved(idx, "Russian troops", 0) is resolved(idx, "Russian troops", 1)


def test_unqualified_role_nouns_are_sector_only(index):
    actor = resolved(index("Protesters clashed with police outside parliament."), "police")
    assert actor is not None and (actor.code, actor.country) == ("COP", None)


# ---------------------------------------------------------------------------
# People tied to their titles


@pytest.mark.parametrize(
    "text, name, code",
    [
        ("Russian President Vladimir Putin spoke on Tuesday.", "Vladimir Putin", "RUSGOV"),
        ("Chinese Foreign Ministry spokesman Wang Wenbin said the visit was a provocation.", "Wang Wenbin", "CHNGOV"),
        ("Kremlin spokesperson Dmitry Peskov declined to comment.", "Dmitry Peskov", "RUSGOV"),
        ("Brazilian Foreign Minister Ana Ribeiro Castro arrived in Lisbon.", "Ana Ribeiro Castro", "BRAGOV"),
        ("Kenyan opposition leader Samuel Otieno Mwangi called for protests.", "Samuel Otieno Mwangi", "KENOPP"),
        ("Olena Kovalchuk, Ukraine's deputy foreign minister, said the talks failed.", "Olena Kovalchuk", "UKRGOV"),
        ("Syrian army commander Khaled Haddad said the town was retaken.", "Khaled Haddad", "SYRMIL"),
        ("NATO Secretary-General Jens Stoltenberg said allies were united.", "Jens Stoltenberg", "IGOWSTNAT"),
        ("Al Jazeera's Katrina Yu, reporting from Beijing, said trust was high.", "Katrina Yu", "MED"),
        ("Russia's Foreign Minister Sergei Lavrov flew to Ankara.", "Sergei Lavrov", "RUSGOV"),
    ],
)
def test_titled_person(index, text, name, code):
    idx = index(text)
    actor = resolved(idx, name)
    assert actor is not None
    assert (actor.name, actor.code, actor.kind) == (name, code, "person")
    # the whole titled phrase resolves to the person too
    sub = list(span_of(idx, name).root.subtree)
    assert idx.resolve(idx.doc[sub[0].i : sub[-1].i + 1]) is actor


def test_dictionary_person_without_title_uses_term_on_date(index):
    actor = resolved(index("Biden warned of painful sanctions."), "Biden")
    assert (actor.name, actor.code, actor.country, actor.sector) == ("Joe Biden", "USAGOV", "USA", "GOV")


# ---------------------------------------------------------------------------
# Coreference


COREF = (
    "Brazilian President Carlos Almeida Souza met German Foreign Minister Anna Kessler in Brasilia on Monday. "
    "Souza said the talks had been useful. She said Germany would send a delegation. "
    "He added that trade would double. The Brazilian leader later left for Rome. "
    "Ms Kessler flew home on Tuesday, where the minister briefed parliament."
)


@pytest.mark.parametrize(
    "phrase, nth, name",
    [
        ("Souza", 1, "Carlos Almeida Souza"),
        ("She", 0, "Anna Kessler"),
        ("He", 0, "Carlos Almeida Souza"),
        ("Brazilian leader", 0, "Carlos Almeida Souza"),
        ("Kessler", 1, "Anna Kessler"),
        ("minister", 0, "Anna Kessler"),
    ],
)
def test_coreference_surname_pronoun_role(index, phrase, nth, name):
    actor = resolved(index(COREF), phrase, nth)
    assert actor is not None and actor.name == name


def test_gendered_role_noun(index):
    text = (
        "Russian foreign ministry spokeswoman Maria Zakharova and Kremlin spokesman Dmitry Peskov spoke on Monday. "
        "The spokeswoman said Moscow would respond. The spokesman said nothing."
    )
    idx = index(text)
    assert resolved(idx, "spokeswoman", 1).name == "Maria Zakharova"
    assert resolved(idx, "spokesman", 1).name == "Dmitry Peskov"


def test_nationality_picks_the_right_leader(index):
    text = (
        "Russian President Vladimir Putin and Chinese President Xi Jinping held a video call. "
        "The Chinese leader said ties were strong. The Russian leader agreed."
    )
    idx = index(text)
    assert resolved(idx, "Chinese leader").name == "Xi Jinping"
    assert resolved(idx, "Russian leader").name == "Vladimir Putin"


def test_object_pronoun_skips_its_own_subject(index):
    idx = index("Joe Biden called Vladimir Putin on Friday, and Putin told him Russia wanted guarantees.")
    assert resolved(idx, "him").name == "Joe Biden"


def test_it_refers_to_institution(index):
    idx = index("The Kremlin denied that it plans to invade.")
    assert resolved(idx, "it").name == "Kremlin"


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("He said the plan would fail.", "He"),
        ("The minister said the plan would fail.", "minister"),
        ("Kremlin spokesman Dmitry Peskov spoke first. The spokeswoman said nothing.", "spokeswoman"),
        ("Russia and China hailed ties. They also criticised NATO.", "They"),
        ("It is unclear whether the talks will resume.", "It"),
        ("The two leaders met in Geneva.", "leaders"),
    ],
)
def test_unresolvable_is_none(index, text, phrase):
    assert resolved(index(text), phrase) is None


def test_only_antecedents_before(index):
    idx = index("She said the plan would fail, Finnish Foreign Minister Elina Virtanen told reporters.")
    assert resolved(idx, "She") is None


# ---------------------------------------------------------------------------
# Term-dependent office-holders


@pytest.mark.parametrize(
    "text, published, name",
    [
        ("The Russian president said the talks went well.", "2010-06-01", "Dmitry Medvedev"),
        ("The Russian president said the talks went well.", "2021-12-15", "Vladimir Putin"),
        ("The British prime minister flew to Washington.", "2017-03-01", "Theresa May"),
        ("The British prime minister flew to Washington.", "2023-03-01", "Rishi Sunak"),
        ("The US secretary of state arrived in Kyiv.", "2019-05-01", "Mike Pompeo"),
        ("The US secretary of state arrived in Kyiv.", "2022-05-01", "Antony Blinken"),
        ("The German leader met Macron.", "2019-05-01", "Angela Merkel"),
        ("The German leader met Macron.", "2023-05-01", "Olaf Scholz"),
    ],
)
def test_office_holder_by_publication_date(index, text, published, name):
    idx = index(text, published=published)
    phrase = text.split(" said")[0].split(" flew")[0].split(" arrived")[0].split(" met")[0]
    phrase = phrase[len("The "):]
    actor = resolved(idx, phrase)
    assert actor is not None and actor.name == name


def test_person_code_follows_term(index):
    text = "Mark Rutte said the alliance was ready."
    assert resolved(index(text, published="2020-01-10"), "Mark Rutte").code == "NLDGOV"
    assert resolved(index(text, published="2025-01-10"), "Mark Rutte").code == "IGOWSTNAT"


# ---------------------------------------------------------------------------
# User dictionaries


def test_user_yaml_dictionary(index, tmp_path, monkeypatch):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "actors:\n"
        "  - name: Sahel Patriotic Front\n"
        "    words: [SPF, the front]\n"
        "    code: MLIREB\n"
        "  - name: Amadou Traore Diallo\n"
        "    kind: person\n"
        "    aliases: [Diallo]\n"
        "    gender: m\n"
        "    code: MLIREB\n",
        encoding="utf-8",
    )
    text = "The Sahel Patriotic Front said Diallo had been freed."
    assert resolved(index(text), "Sahel Patriotic Front") is None
    dic = load_dictionaries([path])
    idx = index(text, dictionaries=dic)
    front = resolved(idx, "Sahel Patriotic Front")
    assert (front.code, front.country, front.sector) == ("MLIREB", "MLI", "REB")
    assert resolved(idx, "Diallo").name == "Amadou Traore Diallo"
    monkeypatch.setenv("EVENTWIRE_DICTIONARIES", str(path))
    assert resolved(index(text, dictionaries=load_dictionaries()), "Sahel Patriotic Front").code == "MLIREB"


# ---------------------------------------------------------------------------
# Index API


def test_index_api(index):
    idx = index("Russian President Vladimir Putin met Chinese President Xi Jinping. Putin praised Xi.")
    ids = [a.id for a in idx.actors]
    assert ids == [f"a{n}" for n in range(1, len(ids) + 1)]
    putin = idx.actor(ids[0])
    assert putin.name == "Vladimir Putin"
    s, e = putin.mentions[-1]
    assert idx.at(s, e) is putin
    assert idx.doc.text[s:e] == "Putin"
    tok = span_of(idx, "Xi", 1).root
    assert idx.for_token(tok).name == "Xi Jinping"
    ref = idx.ref(putin)
    assert (ref.name, ref.code, ref.actor, ref.country) == ("Vladimir Putin", "RUSGOV", putin.id, "RUS")
    first = [min(m[0] for m in a.mentions) for a in idx.actors]
    assert first == sorted(first)


# ---------------------------------------------------------------------------
# The seed article


@pytest.fixture(scope="module")
def seed(index):
    if not SEED.exists():
        pytest.skip("seed article not available")
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    return index(title + "\n\n" + body.strip("\n"))


@pytest.mark.parametrize(
    "phrase, nth, name, code",
    [
        ("Vladimir Putin", 0, "Vladimir Putin", "RUSGOV"),
        ("Xi Jinping", 0, "Xi Jinping", "CHNGOV"),
        ("Dmitry Peskov", 0, "Dmitry Peskov", "RUSGOV"),
        ("Wang Wenbin", 0, "Wang Wenbin", "CHNGOV"),
        ("Joe Biden", 0, "Joe Biden", "USAGOV"),
        ("Chinese leader", 0, "Xi Jinping", "CHNGOV"),
        ("Russian leader", 0, "Vladimir Putin", "RUSGOV"),
        ("Russian president", 0, "Vladimir Putin", "RUSGOV"),
        ("Katrina Yu", 0, "Katrina Yu", "MED"),
        ("Yu said", 0, "Katrina Yu", "MED"),
        ("she said", 0, "Katrina Yu", "MED"),
        ("he plans", 0, "Vladimir Putin", "RUSGOV"),
        ("Kremlin denies", 0, "Kremlin", "RUSGOV"),
        ("Ukrainian government", 0, "Ukrainian government", "UKRGOV"),
        ("Russian foreign ministry", 0, "Russian foreign ministry", "RUSGOV"),
        ("NATO", 0, "NATO", "IGOWSTNAT"),
    ],
)
def test_seed_article(seed, phrase, nth, name, code):
    span = span_of(seed, phrase, nth)
    actor = seed.resolve(span[:1]) if len(span) > 1 and span[0].lower_ in ("yu", "she", "he", "kremlin") else seed.resolve(span)
    assert actor is not None, phrase
    assert (actor.name, actor.code) == (name, code)


def test_seed_katrina_yu_has_no_country(seed):
    yu = resolved(seed, "Katrina Yu")
    assert (yu.country, yu.sector, yu.kind) == (None, "MED", "person")


def test_seed_one_actor_per_person(seed):
    names = [a.name for a in seed.actors if a.kind == "person"]
    assert len(names) == len(set(names))
    assert {"Vladimir Putin", "Xi Jinping", "Dmitry Peskov", "Wang Wenbin", "Katrina Yu", "Joe Biden"} <= set(names)


# ---------------------------------------------------------------------------
# Document-level details


def test_dateline_is_not_an_actor(index):
    idx = index("KYIV, Jan 24 (Wireline) - Kyiv accused Moscow of shelling the city.")
    assert resolved(idx, "KYIV") is None
    assert resolved(idx, "Kyiv").code == "UKRGOV"


@pytest.mark.parametrize(
    "text, code",
    [
        ("The paramilitary Rapid Support Forces (RSF) shelled the town. The RSF denied it.", "SDNREB"),
        ("Sudan's army fought the Rapid Support Forces. The RSF said it held the bridge.", "SDNREB"),
        ("Reporters Without Borders (RSF) condemned the arrest. RSF said three journalists were held.", "NGOHRI"),
    ],
)
def test_acronyms_follow_the_article(index, text, code):
    nth = text.count("RSF") - 1
    assert resolved(index(text), "RSF", nth).code == code


def test_indefinite_role_noun_is_a_new_actor(index):
    idx = index("Kremlin spokesman Dmitry Peskov spoke first. A Ukrainian official said the talks had failed.")
    actor = resolved(idx, "Ukrainian official")
    assert (actor.name, actor.code, actor.kind) == ("Ukrainian official", "UKRGOV", "person")


def test_named_group_as_organisation(index):
    actor = resolved(index("Hamas fighters crossed the fence."), "Hamas fighters")
    assert actor.code == "PSEREBHMS"


def test_component_config_dictionaries(tmp_path):
    from eventwire import actors  # noqa: F401
    from eventwire.nlp import load_model

    path = tmp_path / "d.yaml"
    path.write_text("actors:\n  - {name: Sahel Patriotic Front, code: MLIREB}\n", encoding="utf-8")
    nlp = load_model()
    nlp.add_pipe("eventwire_actors", config={"dictionaries": [str(path)]})
    doc = nlp("The Sahel Patriotic Front said it had freed the hostages.")
    assert [a.code for a in doc._.actor_index.actors] == ["MLIREB"]


@pytest.mark.parametrize(
    "text, phrase, nth, name",
    [
        ("North Korean leader Kim Jong Un met his sister Kim Yo Jong on Monday. Later Kim Yo Jong warned Seoul. "
         "Kim said the drills were a provocation.", "Kim said", 0, "Kim Yo Jong"),
        ("US Secretary of State Antony Blinken arrived on Monday. The top US diplomat said talks would continue.",
         "top US diplomat", 0, "Antony Blinken"),
        ("President Biden spoke on Monday. Mr Biden said sanctions would follow.", "Biden", 1, "Joe Biden"),
    ],
)
def test_more_coreference(index, text, phrase, nth, name):
    span = span_of(index(text), phrase, nth)
    idx = span.doc._.actor_index
    actor = idx.resolve(span[:1]) if phrase.endswith(" said") else idx.resolve(span)
    assert actor is not None and actor.name == name


def test_presidential_chief_of_staff_is_government(index):
    idx = index("Ukrainian presidential chief of staff Andriy Yermak met the delegation.")
    assert resolved(idx, "Andriy Yermak").code == "UKRGOV"


@pytest.mark.parametrize(
    "text, phrase, name",
    [
        ("NATO condemned the attack. The alliance said 30 soldiers were hurt.", "alliance", "NATO"),
        ("The EU agreed new sanctions. The bloc also extended its embargo.", "bloc", "European Union"),
        ("A Russian court jailed the journalist. The court said he had spread lies.", "court", "Russian court"),
        ("The alliance was formed in 1949.", "alliance", None),
    ],
)
def test_references_to_international_bodies(index, text, phrase, name):
    actor = resolved(index(text), phrase, text.count(phrase) - 1)
    assert (actor.name if actor else None) == name


def test_former_office_holder(index):
    text = ("Foreign Secretary David Cameron visited Kyiv on Thursday. "
            "The former prime minister said Britain would help rebuild the energy grid.")
    assert resolved(index(text, published="2023-11-16"), "former prime minister").name == "David Cameron"
    assert resolved(index("The British prime minister said Britain would help.", published="2023-11-16"), "British prime minister").name == "Rishi Sunak"


def test_role_noun_before_the_name_is_one_actor(index):
    text = "India's foreign minister accused Pakistan on Friday. S. Jaishankar said talks were impossible."
    idx = index(text, published="2023-05-05")
    a = resolved(idx, "India's foreign minister")
    assert a is resolved(idx, "S. Jaishankar")
    assert [x.name for x in idx.actors].count("Subrahmanyam Jaishankar") == 1


def test_they_refers_to_a_named_group(index):
    idx = index("The Houthis, who have attacked dozens of ships, said they would retaliate.")
    assert resolved(idx, "they").name == "Houthis"


@pytest.mark.parametrize(
    "text, name, code",
    [
        ("Dr Ahmed Saleh, a doctor at a hospital in Khan Younis, said supplies were running out.", "Ahmed Saleh", "HLH"),
        ("Gen. Valery Gerasimov, Russia's chief of the general staff, inspected the troops.", "Valery Gerasimov", "RUSMIL"),
        ("Sen. Jane Holloway said Congress would act.", "Jane Holloway", "LEG"),
    ],
)
def test_appositions_and_abbreviated_titles(index, text, name, code):
    actor = resolved(index(text), name)
    assert actor is not None and (actor.name, actor.code) == (name, code)


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("Blinken will press for more aid.", "press"),
        ("The storm forces residents to flee.", "forces"),
        ("Doctors worked at a hospital in Khan Younis.", "Khan Younis"),
    ],
)
def test_verbs_and_places_are_not_role_actors(index, text, phrase):
    assert resolved(index(text), phrase) is None


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        ("The Russian side said the talks were constructive.", "Russian side", "RUSGOV"),
        ("The two sides agreed to meet again.", "sides", None),
    ],
)
def test_side(index, text, phrase, code):
    actor = resolved(index(text), phrase)
    assert (actor.code if actor else None) == code


@pytest.mark.parametrize(
    "published, name, code",
    [(None, "Vladimir Putin", "RUSGOV"), ("1995-01-01", "Russian president", "RUSGOV")],
)
def test_office_holder_without_or_before_known_terms(index, published, name, code):
    # no date: the current holder; a date before every known term: an unnamed actor, not a guess
    actor = resolved(index("The Russian president said the talks went well.", published=published), "Russian president")
    assert (actor.name, actor.code) == (name, code)


# ---------------------------------------------------------------------------
# Home country, coordinated titles, demonyms, acronyms


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        # a bare government takes the one country the article is clearly about
        ("Serbia announced early elections. Serbia's economy grew. The government said the vote would be in June.",
         "The government", "SRBGOV"),
        # coordinated titled names keep their own titles
        ("China's Zhang Wei and Japan's Taro Sato held talks in Tokyo.", "Taro Sato", "JPN"),
        ("Serb protesters blocked roads near the border.", "Serb protesters", "SRBOPP"),
        ("The RSF attacked the city on Monday.", "RSF", "SDNREB"),
        ("EU trade commissioner Jan Novak met the minister.", "Jan Novak", "IGOEUREEC"),
    ],
)
def test_home_country_titles_and_demonyms(index, text, phrase, code):
    actor = resolved(index(text, published="2025-03-01"), phrase)
    assert actor is not None and actor.code == code


def test_no_home_country_when_countries_compete(index):
    idx = index("Serbia and Croatia traded accusations. The government said talks would resume.", published="2025-03-01")
    actor = resolved(idx, "The government")
    assert actor is None or actor.country is None


# ---------------------------------------------------------------------------
# Pronouns: clause-bound objects, reporting clauses, dummy "it", plural mentions


@pytest.mark.parametrize(
    "text, phrase, nth, name",
    [
        # an object is never the subject of its own clause, also across "and" and "who"
        ("German Chancellor Olaf Scholz phoned French President Emmanuel Macron and invited him to Berlin.",
         "him", 0, "Emmanuel Macron"),
        ("Emmanuel Macron met Polish President Andrzej Duda, who thanked him for the support.",
         "him", 0, "Emmanuel Macron"),
        ("Vladimir Putin told Xi Jinping that he would visit him in the spring.", "him", 0, "Xi Jinping"),
        ("Xi told Putin he would visit him.", "him", 0, "Vladimir Putin"),
        ("Xi told Putin he would visit him.", "he", 0, "Xi Jinping"),
        # a reported clause: the object may be the reporting subject
        ("Xi Jinping said Vladimir Putin would visit him in May.", "him", 0, "Xi Jinping"),
        ("Joe Biden met Volodymyr Zelensky in Kyiv. Biden promised to support him.", "him", 0, "Volodymyr Zelensky"),
        # "it" in a clause reported by an institution is that institution
        ("Germany summoned the Russian envoy. The Kremlin said it would respond.", "it", 0, "Kremlin"),
        # ... and a named opposition party is one
        ("Germany summoned the Turkish ambassador. The opposition Democratic Left Party said it would hold a rally.",
         " it ", 0, "opposition Democratic Left Party"),
        # a plural mention is not "it"; a people name is "they"
        ("Ukraine's army denied that Russian troops had broken through its lines.", "its", 0, "Ukraine's army"),
        ("Serbian President Aleksandar Vucic said Serbs would defend their homes.", "their", 0, "Serbia"),
    ],
)
def test_pronoun_agreement_and_clause(index, text, phrase, nth, name):
    actor = resolved(index(text, published="2024-05-08"), phrase, nth)
    assert actor is not None and actor.name == name


@pytest.mark.parametrize(
    "text, phrase, nth",
    [
        # the reporting subject is no actor: "it" is not an older country
        ("Germany summoned the Turkish ambassador. The organising committee said it would hold a rally.",
         " it ", 0),
        # dummy "it"
        ("Germany pledged new aid. It is important that Ukraine holds the line, Berlin said.", "It", 0),
        ("Britain promised that help would continue for as long as it takes.", " it ", 0),
        # an object pronoun with only the clause's own subject before it
        ("Vladimir Putin praised him.", "him", 0),
    ],
)
def test_pronoun_left_unresolved(index, text, phrase, nth):
    assert resolved(index(text, published="2024-05-08"), phrase, nth) is None


# ---------------------------------------------------------------------------
# Titles and names


@pytest.mark.parametrize(
    "text, name, code",
    [
        # another person before "and" is not part of the next person's title
        ("Talks between Viktor Orban and European Council President Antonio Costa ended late.", "Antonio Costa", "IGOEUREEC"),
        # short dictionary names of people are matched with one capital letter
        ("Xi told Putin that relations were strong.", "Xi", "CHNGOV"),
        # a name between commas after a role noun; a name in apposition to a role noun phrase
        ("Russia's ambassador, Vassily Nebenzia, called the draft cynical.", "Vassily Nebenzia", "RUSGOV"),
        ("Russia's ambassador to the United States, Anatoly Antonov, said the ties were damaged.", "Anatoly Antonov", "RUSGOV"),
        # a possessive determiner in a title says whose official it is, not for a counterpart
        ("India said it was withdrawing its high commissioner, Sanjay Kumar Verma, from Ottawa.", "Sanjay Kumar Verma", "INDGOV"),
        ("Commerce Minister Wang Wentao told his U.S. counterpart Gina Raimondo that the tariffs were unfair.",
         "Gina Raimondo", "USAGOV"),
        # a name the NER tags as an organisation, when its surname is a person's elsewhere
        ("Pakistan's Bilawal Bhutto Zardari arrived in Goa. Bhutto Zardari said talks were possible.",
         "Bilawal Bhutto Zardari", "PAK"),
        # "coordinator" is an office
        ("EU coordinator Enrique Mora will travel to Tehran next week.", "Enrique Mora", "IGOEUREEC"),
        # a title's country abbreviation that the parser cut off as a sentence of its own
        ("U.S. and Russia end talks\n\nU.S. Deputy Secretary of State Wendy Sherman held talks in Geneva on Monday.",
         "Wendy Sherman", "USAGOV"),
    ],
)
def test_titles_and_appositions(index, text, name, code):
    actor = resolved(index(text, published="2024-05-08"), name)
    assert actor is not None and actor.code == code


# ---------------------------------------------------------------------------
# Role noun phrases: possessors, sector adjectives, "of" phrases, places, juntas


@pytest.mark.parametrize(
    "text, phrase, nth, code",
    [
        # possessive determiners say whose troops, embassy, commanders
        ("Russia's defence ministry said its troops had taken two villages.", "troops", 0, "RUSMIL"),
        ("Japan lodged a protest through its embassy in Beijing.", "embassy", 0, "JPNGOV"),
        ("Hezbollah said one of its commanders was killed in a drone strike.", "commanders", 0, "LBNREBHEZ"),
        ("Brazil reinforced its troops at the northern border.", "troops", 0, "BRAMIL"),
        # non-state adjectives make a state noun a rebel or opposition actor
        ("Azerbaijan launched operations against Armenian separatist forces on Tuesday.",
         "Armenian separatist forces", 0, "ARMREB"),
        ("Ethiopian separatist forces attacked a town. Later the separatist leadership agreed to a truce.",
         "separatist leadership", 0, "ETHREB"),
        ("Ethiopian separatist forces attacked a town. Two days later separatist fighters shot down a drone.",
         "separatist fighters", 0, "ETHREB"),
        # "X of <named group or IGO>"
        ("Fighters of the RSF attacked a village in Darfur.", "Fighters", 0, "SDNREB"),
        ("Soldiers of KFOR were injured in the clashes.", "Soldiers", 0, "IGOWSTNAT"),
        # a ministry located by its capital
        ("China criticised Tokyo. The foreign ministry in Tokyo said the water was safe.", "foreign ministry", 0, "JPNGOV"),
        # a military junta and later references to it
        ("Mali's military junta expelled the French envoy. The junta said the decision was final.", "junta", 1, "MLIMIL"),
        ("Mali's military junta expelled the French envoy. Paris accused the coup leaders of lying.",
         "coup leaders", 0, "MLIMIL"),
        # a state force in the clause of a government actor is that government's
        ("Serbian President Aleksandar Vucic put the army on high alert after the raid.", "army", 0, "SRBMIL"),
        # peacekeepers are a force; "its" says whose
        ("NATO said 30 of its peacekeepers were injured.", "peacekeepers", 0, "IGOWSTNAT"),
        # the army named before, used as a modifier
        ("Sudan's army rejected the truce. Army warplanes bombed the city overnight.", "Army", 0, "SDNMIL"),
        ("Sudan's army rejected the truce. The RSF denied it. The UN said so. Residents fled. "
         "Army warplanes bombed RSF positions overnight.", "Army", 0, "SDNMIL"),
        # "EU leaders" is not a labour union; "the leaders" refers back to them
        ("European Union leaders agreed to the package. Zelenskiy, who addressed the leaders by video, thanked them.",
         "leaders", 1, "IGOEUREEC"),
        ("European Union leaders agreed to the package. Zelenskiy, who addressed the leaders by video, thanked them.",
         "them", 0, "IGOEUREEC"),
        # one country per comma only for adjectives: "in India, Russian state media" is not Indian media
        ("Russia will build reactors in India, Russian state media reported.", "Russian state media", 0, "RUSMED"),
        ("The sanctions would not hurt Russia's economy, and Russia's envoy said so.", "Russia", 0, "RUS"),
        # igo references: "the council" after the Security Council, "the alliance" after a NATO title
        ("The Security Council met on Friday. Russia's envoy told the council the draft was biased.", "council", 0, "IGOUNO"),
        ("NATO Secretary-General Mark Rutte proposed that the alliance coordinate aid.", "alliance", 0, "IGOWSTNAT"),
        # dictionary groups: adjectives and "the group"
        ("Houthi spokesman Yahya Saree said the ships were targeted.", "Yahya Saree", 0, "YEMREB"),
        ("The Houthis fired missiles at a tanker. The group said more attacks would follow.", "group", 0, "YEMREB"),
        ("The Kurdish-led Syrian Democratic Forces condemned the shelling.", "Syrian Democratic Forces", 0, "SYRREB"),
        ("The Royal Canadian Mounted Police said it had evidence.", "Royal Canadian Mounted Police", 0, "CANCOP"),
    ],
)
def test_role_phrases_take_their_owner(index, text, phrase, nth, code):
    actor = resolved(index(text, published="2024-05-08"), phrase, nth)
    assert actor is not None and actor.code == code


@pytest.mark.parametrize(
    "text, phrase, nth, not_code",
    [
        # a bare "gunmen" is not the named group of an earlier sentence
        ("Pakistan accused the Taliban of sheltering militants. Gunmen kidnapped two engineers.", "Gunmen", 0, "AFGREBTAL"),
        # a speech act at an army is not about one's own army
        ("French President Emmanuel Macron criticised the army for the delay.", "army", 0, "FRAMIL"),
        # where a meeting was held does not say whose junta it was
        ("Niger's military junta expelled the envoy. Bola Tinubu met envoys from the junta in Abuja on Monday.",
         "junta", 1, "NGAMIL"),
        # an embassy in a capital is not that capital's government
        ("Japan lodged a protest through the embassy in Beijing.", "embassy", 0, "CHNGOV"),
        # "his counterpart" is not of the possessor's own country
        ("Commerce Minister Wang Wentao told his counterpart that the tariffs were unfair.", "counterpart", 0, "CHNGOV"),
    ],
)
def test_role_phrases_not_given_a_wrong_owner(index, text, phrase, nth, not_code):
    actor = resolved(index(text, published="2024-05-08"), phrase, nth)
    assert actor is None or actor.code != not_code


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        # bare police, prosecutors and parliament take the dateline's country
        ("WARSAW (Wireline) - Prosecutors charged three men with sabotage on Tuesday.", "Prosecutors", "POLJUD"),
        ("ISLAMABAD (Wireline) - Police detained dozens of people in Lahore on Monday.", "Police", "PAKCOP"),
        ("OTTAWA (Wireline) - The prime minister told parliament there was credible evidence.", "parliament", "CANLEG"),
        # a local office named by no one before, and a named opposition party
        ("ANKARA (Wireline) - Prosecutors charged the mayor with corruption, a charge he denies.", "mayor", "TURGOV"),
        # a named party: the party's sector (OPP when "opposition" is in the phrase)
        ("ANKARA (Wireline) - The opposition Republican People's Party said it would stage a strike.", "Party", "TUR"),
    ],
)
def test_home_country_for_police_courts_and_parliament(analyze, text, phrase, code):
    record = analyze(text, published="2024-05-08")
    start = text.index(phrase)
    hits = [a for a in record.actors for s, e in a.mentions if s <= start < e]
    assert hits and (hits[0].code == code or (len(code) == 3 and hits[0].country == code and hits[0].sector in ("OPP", "PTY")))


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        # a region's adjective names the region, not the country of its last word
        ("The government expelled diplomats from seven Latin American countries.", "Latin American", "LAM"),
        ("Brazil hosted South American leaders on Monday.", "South American leaders", "SAM"),
    ],
)
def test_region_adjectives(index, text, phrase, code):
    actor = resolved(index(text), phrase)
    assert actor is not None and actor.code == code


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("American officials met Latin American ministers.", "American officials"),
        ("Brazil hosted American officials on Monday.", "American officials"),
    ],
)
def test_country_adjective_beside_region_adjective(index, text, phrase):
    actor = resolved(index(text), phrase)
    assert actor is not None and actor.country == "USA"


@pytest.mark.parametrize(
    "text, phrase",
    [
        # "the alliance" names NATO only after NATO was named, also as part of a role phrase
        ("NATO defence ministers met on Tuesday. The alliance agreed to send more troops to Estonia.", "The alliance"),
        ("NATO said on Monday it would act. The alliance will hold drills in Norway.", "The alliance"),
    ],
)
def test_alliance_refers_back_to_nato(index, text, phrase):
    actor = resolved(index(text), phrase)
    assert actor is not None and actor.code == "IGOWSTNAT"


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("The alliance launched a major offensive in October.", "alliance"),
        ("The rebel alliance said it had captured two border towns.", "alliance"),
        ("An alliance of armed groups seized the town of Lashio.", "alliance"),
    ],
)
def test_alliance_without_nato_is_not_nato(index, text, phrase):
    actor = resolved(index(text), phrase)
    assert actor is None or actor.code != "IGOWSTNAT"


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        ("Colombia's National Liberation Army said it would free the hostages.", "National Liberation Army", "COLREB"),
        ("The National Liberation Army attacked a pipeline in Arauca.", "National Liberation Army", "COLREB"),
    ],
)
def test_named_group_on_its_own(index, text, phrase, code):
    actor = resolved(index(text), phrase)
    assert actor is not None and actor.code == code


@pytest.mark.parametrize(
    "text, phrase",
    [
        # the tail of a longer proper name is not the dictionary's group
        ("A spokesman for the Ta'ang National Liberation Army denied the report.", "National Liberation Army"),
        ("The Karen National Liberation Army seized an outpost.", "National Liberation Army"),
    ],
)
def test_name_inside_a_longer_name_is_not_matched(index, text, phrase):
    actor = resolved(index(text), phrase)
    assert actor is None or actor.code != "COLREB"


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        # an opposition leader with no country named takes the dateline's country
        ("LA PAZ (Wireline) - Opposition leader Carlos Mesa accused President Luis Arce of fraud.", "Carlos Mesa", "BOLOPP"),
        # and a filled-in home person does not keep another from being filled
        ("LA PAZ (Wireline) - Opposition leader Carlos Mesa accused President Luis Arce of fraud.", "Luis Arce", "BOLGOV"),
        ("HARARE (Wireline) - Opposition leader Nelson Chamisa rejected the results on Sunday.", "Nelson Chamisa", "ZWEOPP"),
    ],
)
def test_home_country_for_opposition_leaders(analyze, text, phrase, code):
    record = analyze(text, published="2024-05-08")
    start = text.index(phrase)
    hits = [a for a in record.actors for s, e in a.mentions if s <= start < e]
    assert hits and hits[0].code == code, hits


def test_opposition_leader_beside_a_named_host_official_keeps_no_country(analyze):
    text = "WASHINGTON (Wireline) - Opposition leader Juan Guaido met Secretary of State Mike Pompeo on Monday."
    record = analyze(text, published="2019-03-01")
    start = text.index("Juan Guaido")
    hits = [a for a in record.actors for s, e in a.mentions if s <= start < e]
    assert not hits or hits[0].country != "USA"


@pytest.mark.parametrize(
    "text",
    [
        "KYIV, Jan 24 (Reuters) - Ukraine’s foreign minister, Dmytro Kuleba, said on Monday the Kremlin's troops were massing.\n\nHe said: \"We are ready.\"",
        "The U.S. State Department and the Rapid Support Forces (RSF) met in Jeddah , Saudi Arabia.",
    ],
)
def test_token_columns_match_spacy_tokens(nlp, text):
    """The builder reads token attributes from columns built once per doc: they must be
    what the spaCy Tokens say."""
    from eventwire.actors import _Builder, _token_key

    doc = nlp(text)
    b = _Builder(doc, load_dictionaries())
    assert b.texts == [t.text for t in doc]
    assert b.lowers == [t.lower_ for t in doc]
    assert b.punct == [t.is_punct for t in doc]
    assert b.idx == [t.idx for t in doc]
    assert b.keys == [_token_key(t) for t in doc]
    assert b.sent_start == [t.sent.start for t in doc]
    for s in range(len(doc)):
        for e in range(s + 1, min(len(doc), s + 6) + 1):
            assert b.span_text(s, e) == doc[s:e].text
