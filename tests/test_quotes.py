"""The quotes stage: quotation marks, attribution forms, reported speech, speakers."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.quotes import find_marks, find_regions, load_cues, region_text

SEED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "seed-article.txt"


def regions_of(text: str, single_in: tuple = ()) -> list[str]:
    return [region_text(text, r) for r in find_regions(text, single_in=single_in)]


# ---------------------------------------------------------------------------
# Quotation marks (no model needed)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("\u201cWe will not retreat,\u201d she said.", ["We will not retreat"]),
        ('"We will not retreat," she said.', ["We will not retreat"]),
        ("\u00ab We will not retreat \u00bb, dit-elle.", ["We will not retreat"]),
        ("\u00abWe will not retreat\u00bb, she said.", ["We will not retreat"]),
        ("``We will not retreat,'' she said.", ["We will not retreat"]),
        ("\u201eWir werden nicht weichen\u201c, sagte sie.", ["Wir werden nicht weichen"]),
        ("\u201cHe told us \u2018no\u2019 twice,\u201d she said.", ["He told us \u2018no\u2019 twice"]),
        ("He called it \u201ca farce\u201d and left.", ["a farce"]),
        ("Talks were described as his \u201cbest friend\u201c by aides.", ["best friend"]),
    ],
)
def test_quotation_mark_styles(text, expected):
    assert regions_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Both countries\u2019 relations with the West have worsened, and it\u2019s not over.",
        "Both countries' relations with the West have worsened, and it's not over.",
        "The \u201990s were different, the O\u2019Neill report said of rock \u2019n\u2019 roll.",
        "Kyiv's allies met in Ramstein; the generals' plan was 'classified' only in part.",
    ],
)
def test_apostrophes_are_not_quotation_marks(text):
    # Single marks count only where there are no double marks; apostrophes never pair up
    # into a quote that swallows the sentence.
    for quoted in regions_of(text):
        assert len(quoted.split()) <= 2, quoted


@pytest.mark.parametrize(
    "text, expected",
    [
        # an unclosed quote ends with its paragraph
        ("He said \u201cthis never closes.\n\nThe next paragraph is narration.", ["this never closes."]),
        # a stray closing mark opens nothing
        ("The session ended\u201d without a vote.\n\nNothing more.", []),
        # an odd number of straight marks: the unpartnered one swallows nothing beyond its paragraph
        ('"One," he said, "two.\n\nThen narration resumed." Later "three".', ["One", "two.", "three"]),
        # an opening mark after an unclosed one ends the first
        ("\u201cFirst part \u201cSecond part,\u201d she said.", ["First part", "Second part"]),
    ],
)
def test_odd_marks_never_swallow_the_article(text, expected):
    assert regions_of(text) == expected


def test_multi_paragraph_quote_is_one_region():
    text = (
        "\u201cWe came here to talk.\n\n"
        "\u201cAnd we will keep talking until there is a result,\u201d the envoy said.\n\n"
        "Others left early."
    )
    regions = find_regions(text)
    assert len(regions) == 1
    assert region_text(text, regions[0]) == (
        "We came here to talk. And we will keep talking until there is a result"
    )
    assert regions[0].paragraphs == 2


def test_headline_single_quotes_only_where_allowed():
    title = "Minister says talks \u2018can still succeed\u2019 despite walkout"
    assert regions_of(title, single_in=(0,)) == ["can still succeed"]


def test_marks_have_roles():
    marks = find_marks("\u201cYes,\u201d he said, \u201cno.\u201d")
    assert [m.role for m in marks] == ["open", "close", "open", "close"]


def test_cue_lexicon_loads():
    cues = load_cues()
    assert {"say", "tell", "warn", "insist", "add", "note", "deny"} <= cues.reporting
    assert cues.prepositional["accuse"] == "of"
    assert "ministry" in cues.institution_heads


# ---------------------------------------------------------------------------
# Attribution forms and reported speech (full pipeline)


def quote_with(record, fragment: str):
    for q in record.quotes:
        if fragment.lower() in q.text.lower():
            return q
    raise AssertionError(f"no quote contains {fragment!r}: {[q.text for q in record.quotes]}")


def name_of(q):
    return q.speaker.name if q.speaker is not None else None


FORMS = [
    # '"...," X said'
    ("\u201cThe border will stay open for grain convoys,\u201d Ukrainian Prime Minister Denys Shmyhal said on Monday.",
     "border will stay open for grain convoys", "direct", "Denys Shmyhal", "said"),
    # '"...," said X'
    ("\u201cWe expect a reply within days,\u201d said Josep Borrell, the EU foreign policy chief.",
     "expect a reply within days", "direct", "Josep Borrell", "said"),
    # 'X said: "..."'
    ("Indian Foreign Minister Subrahmanyam Jaishankar said: \u201cOur purchases are driven by our national interest.\u201d",
     "purchases are driven by our national interest", "direct", "Subrahmanyam Jaishankar", "said"),
    # a colon-introduced quote after 'told'
    ("Brazilian President Luiz Inacio Lula da Silva told reporters in Brasilia: \u201cNobody wins a war that never ends.\u201d",
     "Nobody wins a war that never ends", "direct", "Luiz Inacio Lula da Silva", "told"),
    # straight marks
    ('"The embargo hurts our farmers first," Hungarian Prime Minister Viktor Orban said.',
     "embargo hurts our farmers first", "direct", "Viktor Orban", "said"),
    # typewriter marks
    ("``The ceasefire is holding in most districts,'' UN envoy Martin Griffiths said.",
     "ceasefire is holding in most districts", "direct", "Martin Griffiths", "said"),
    # guillemets
    ("\u00ab Europe must be able to defend itself \u00bb, French President Emmanuel Macron said.",
     "Europe must be able to defend itself", "direct", "Emmanuel Macron", "said"),
    # reported speech: said that
    ("Japanese Prime Minister Fumio Kishida said that Tokyo would double its defence budget by 2027.",
     "Tokyo would double its defence budget", "indirect", "Fumio Kishida", "said"),
    # told reporters
    ("Turkish Foreign Minister Hakan Fidan told reporters the corridor could reopen within weeks.",
     "the corridor could reopen within weeks", "indirect", "Hakan Fidan", "told"),
    # according to X
    ("According to Israeli Defence Minister Yoav Gallant, the operation would last several more months.",
     "the operation would last several more months", "indirect", "Yoav Gallant", "according to"),
    # warned
    ("NATO Secretary General Mark Rutte warned that Russia was rebuilding its forces faster than expected.",
     "Russia was rebuilding its forces faster", "indirect", "Mark Rutte", "warned"),
    # insisted
    ("Chinese Foreign Minister Wang Yi insisted that Beijing had never supplied weapons to either side.",
     "Beijing had never supplied weapons", "indirect", "Wang Yi", "insisted"),
    # noted
    ("German Finance Minister Christian Lindner noted that the budget rules left little room for new spending.",
     "the budget rules left little room", "indirect", "Christian Lindner", "noted"),
    # denied
    ("Iranian Foreign Minister Abbas Araghchi denied that Tehran had armed the rebels in Yemen.",
     "Tehran had armed the rebels in Yemen", "indirect", "Abbas Araghchi", "denied"),
    # accused Y of
    ("Venezuelan President Nicolas Maduro accused Washington of plotting to seize the country's oil fields.",
     "plotting to seize the country's oil fields", "indirect", "Nicolas Maduro", "accused"),
    # present tense, inverted: 'CLAUSE, X says'
    ("The talks have stalled over prisoner exchanges, Qatari Prime Minister Mohammed bin Abdulrahman Al Thani says.",
     "talks have stalled over prisoner exchanges", "indirect", "Mohammed bin Abdulrahman Al Thani", "says"),
    # mixed: reported speech carrying a quoted fragment
    ("Indonesian President Prabowo Subianto said the summit would \u201copen a new chapter of trust\u201d between the two nations.",
     "the summit would", "mixed", "Prabowo Subianto", "said"),
]


@pytest.mark.parametrize("body, fragment, kind, speaker, cue", FORMS)
def test_attribution_forms(analyze, body, fragment, kind, speaker, cue):
    record = analyze(body)
    q = quote_with(record, fragment)
    assert q.kind == kind
    assert name_of(q) == speaker
    assert q.cue == cue
    # the content never carries the cue or the speaker
    assert cue not in q.text
    assert speaker.split()[-1] not in q.text
    # offsets index the body
    assert body[q.span[0] : q.span[1]].replace("\n", " ").startswith(q.text[:10])


@pytest.mark.parametrize(
    "body, title, fragment, speaker",
    [
        # a parenthetical cue: the clause around it is the content
        ("Since the floods began, Pakistani Prime Minister Shehbaz Sharif says, more than a million homes have been lost.",
         "", "more than a million homes have been lost", "Shehbaz Sharif"),
        # a relative pronoun as subject: the noun it refers to is the speaker
        ("The decision was welcomed by the African Union Commission, which said it would send observers to the vote.",
         "", "it would send observers to the vote", "African Union Commission"),
        # a headline's 'X: clause' attribution
        ("The minister spoke in Lagos on Monday.",
         "Nigeria's Tinubu: fuel subsidy 'is gone for good'", "fuel subsidy", "Tinubu"),
        # an indefinite speaker after the verb is nobody the article names
        ("“The talks are going nowhere,” said a Western diplomat in Geneva.",
         "", "The talks are going nowhere", None),
        # hyphenated surnames survive
        ("“We will rebuild every school,” said Ukrainian Education Minister Oksen Lisovyi-Kovalenko.",
         "", "We will rebuild every school", "Oksen Lisovyi-Kovalenko"),
    ],
)
def test_more_attribution_forms(analyze, body, title, fragment, speaker):
    q = quote_with(analyze(body, title=title), fragment)
    assert name_of(q) == speaker or (speaker and name_of(q) and name_of(q).endswith(speaker))


def test_added_clause_after_a_direct_quote(analyze):
    body = (
        "\u201cThe people have spoken,\u201d Senegalese President Bassirou Diomaye Faye said, adding that "
        "the new government would review every mining contract."
    )
    record = analyze(body)
    assert name_of(quote_with(record, "The people have spoken")) == "Bassirou Diomaye Faye"
    added = quote_with(record, "review every mining contract")
    assert added.kind == "indirect" and name_of(added) == "Bassirou Diomaye Faye"


def test_speakerless_paragraph_continues_the_previous_speaker(analyze):
    body = (
        "\u201cWe did not choose this war,\u201d Ukrainian Foreign Minister Andrii Sybiha said in Kyiv.\n\n"
        "\u201cBut we will choose how it ends, and we will not choose surrender.\u201d\n\n"
        "Officials in Moscow did not respond."
    )
    record = analyze(body)
    q = quote_with(record, "we will choose how it ends")
    assert name_of(q) == "Andrii Sybiha"
    assert q.cue is None


def test_multi_paragraph_quote_keeps_one_speaker(analyze):
    body = (
        "Polish Prime Minister Donald Tusk spoke after the summit.\n\n"
        "\u201cThe eastern border is the border of the whole union.\n\n"
        "\u201cWhoever attacks it attacks all of us,\u201d Tusk said.\n\n"
        "The meeting ended late."
    )
    record = analyze(body)
    q = quote_with(record, "border of the whole union")
    assert "attacks all of us" in q.text
    assert q.kind == "direct" and name_of(q) == "Donald Tusk"
    assert len([x for x in record.quotes if "attacks all of us" in x.text]) == 1


def test_headline_quote(analyze):
    record = analyze(
        "Ghana's President John Mahama said on Friday that the currency had stabilised.",
        title="\u2018The worst is behind us,\u2019 Mahama says",
    )
    q = quote_with(record, "The worst is behind us")
    assert q.in_title
    assert name_of(q) == "John Mahama"


def test_single_quote_house_style(analyze):
    body = (
        "Britain's prime minister, Keir Starmer, said the country would 'never waver' in its support.\n\n"
        "'Putin's gamble has failed and it's the Ukrainians' courage that did it,' Starmer told MPs.\n\n"
        "The opposition leader, Kemi Badenoch, said the plans did not go far enough. 'It's all talk,' she said."
    )
    record = analyze(body)
    q = quote_with(record, "Putin's gamble has failed")
    assert q.text.endswith("courage that did it")  # the possessive s' does not close the quote
    assert name_of(q) == "Keir Starmer"
    assert name_of(quote_with(record, "It's all talk")) == "Kemi Badenoch"
    assert quote_with(record, "never waver").kind == "mixed"


def test_scare_quotes_are_not_quotes(analyze):
    record = analyze("The ministry called the report \u201cfake\u201d and moved on to other business.")
    assert not any(q.text == "fake" for q in record.quotes)


def test_quoted_speech_inside_a_quote_is_not_a_new_quote(analyze):
    body = "\u201cHe said the deal was dead, and I believed him,\u201d Colombian President Gustavo Petro said."
    record = analyze(body)
    assert len(record.quotes) == 1
    assert name_of(record.quotes[0]) == "Gustavo Petro"


@pytest.mark.parametrize(
    "body, fragment, speaker",
    [
        # pronoun
        ("Kenyan President William Ruto arrived in Nairobi late on Sunday.\n\n"
         "\u201cOur troops will stay as long as they are needed,\u201d he said.",
         "Our troops will stay", "William Ruto"),
        # role noun
        ("Chinese Premier Li Qiang met business leaders in Shanghai on Tuesday.\n\n"
         "\u201cThe door of China will only open wider,\u201d the premier said.",
         "door of China will only open wider", "Li Qiang"),
        # surname
        ("Czech President Petr Pavel visited the factory in Ostrava.\n\n"
         "\u201cWe must produce more shells, and faster,\u201d Pavel said.",
         "We must produce more shells", "Petr Pavel"),
        # title + surname
        ("Australian Prime Minister Anthony Albanese opened the forum in Canberra.\n\n"
         "\u201cThe Pacific is our home,\u201d Mr Albanese said.",
         "The Pacific is our home", "Anthony Albanese"),
        # appositive name
        ("\u201cThe vote was free and fair,\u201d said the head of the observer mission, Maria Arena.",
         "The vote was free and fair", "Maria Arena"),
        # institution
        ("\u201cThe ambassador has been summoned,\u201d the Russian foreign ministry said in a statement.",
         "ambassador has been summoned", "Russian foreign ministry"),
        ("The Kremlin said the talks in Riyadh had been useful.",
         "the talks in Riyadh had been useful", "Kremlin"),
        # unnameable speakers are null, never a guess
        ("\u201cNobody expected the bridge to fall so quickly,\u201d one resident said.",
         "Nobody expected the bridge", None),
        ("A senior European diplomat said the sanctions package would be delayed.",
         "sanctions package would be delayed", None),
        ("A senior Western official met reporters in Brussels.\n\n"
         "\u201cWe are watching the build-up closely,\u201d the official said.",
         "watching the build-up closely", None),
    ],
)
def test_speaker_resolution(analyze, body, fragment, speaker):
    q = quote_with(analyze(body), fragment)
    assert name_of(q) == speaker
    if speaker is not None:
        assert q.speaker.mention and q.speaker.mention_span is not None


def test_institution_speaker_carries_actor_code(analyze):
    record = analyze("\u201cThe ambassador has been summoned,\u201d the Russian foreign ministry said in a statement.")
    q = quote_with(record, "ambassador has been summoned")
    if q.speaker.code is not None:  # set when the actor index knows the ministry
        assert q.speaker.code.startswith("RUS")


def test_quote_stage_never_crashes_on_odd_input(analyze):
    for body in ["\u201c", '"""', "\u201d\u201c\u201d\u201c said he", "'' `` ''", "He said.", "\u00ab\u00ab\u00bb"]:
        record = analyze(body)
        for q in record.quotes:
            assert 0 <= q.span[0] <= q.span[1] <= len(body)


# ---------------------------------------------------------------------------
# The seed article


@pytest.fixture(scope="module")
def seed(analyze):
    if not SEED.exists():
        pytest.skip("seed article not available")
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    return analyze(body.lstrip("\n"), title=title)


@pytest.mark.parametrize(
    "fragment, speaker",
    [
        ("A new model of cooperation has been formed", "Vladimir Putin"),
        ("As agreed, we will hold talks", "Vladimir Putin"),
        ("he plans to meet with Xi in person", "Vladimir Putin"),
        ("strongly supported China", "Xi Jinping"),
        ("I appreciate it very much", "Xi Jinping"),
        ("very, very tense right now", "Dmitry Peskov"),
        ("We see very, very aggressive rhetoric", "Dmitry Peskov"),
        ("further enhance the high-level mutual trust", "Wang Wenbin"),
        ("summit would enhance the already high level", "Katrina Yu"),
        ("The strength of this bilateral relationship", "Katrina Yu"),
        ("potentially growing threat to Western interests", "Katrina Yu"),
        ("A thorough discussion took place", "Russian foreign ministry"),
    ],
)
def test_seed_article_speakers(seed, fragment, speaker):
    q = quote_with(seed, fragment)
    assert name_of(q) == speaker


def test_seed_article_kinds(seed):
    assert quote_with(seed, "I appreciate it very much").kind == "direct"
    assert quote_with(seed, "further enhance the high-level mutual trust").kind == "mixed"
    assert quote_with(seed, "he plans to meet with Xi in person").kind == "indirect"
    # no quote swallows the rest of the article
    assert all(len(q.text) < 400 for q in seed.quotes)


# ---------------------------------------------------------------------------
# Generalisation: mixed quotes of judging verbs, nested attribution, trailing role
# nouns, titles and descriptors before names, titles of works in quotation marks


MIXED_JUDGING = [
    # X called Y "..."
    ("Spanish Prime Minister Pedro Sanchez called the tariff plan \u201ca blow to free trade\u201d on Tuesday.",
     "a blow to free trade", "Pedro Sanchez"),
    # condemned X "in the strongest terms" (straight marks)
    ('Egyptian President Abdel Fattah al-Sisi condemned the raid "in the strongest possible terms".',
     "in the strongest possible terms", "Abdel Fattah al-Sisi"),
    # rejected Y as "..."
    ("The Polish foreign ministry rejected the report as \u201cpure fiction invented in Minsk\u201d.",
     "pure fiction invented in Minsk", "Polish foreign ministry"),
    # described ... as "..." after a relative pronoun
    ("Kenyan President William Ruto described the loan terms as \u201cunfair to every African economy\u201d.",
     "unfair to every African economy", "William Ruto"),
    # promised "..." measures: the quoted word is part of the object
    ("Canadian Prime Minister Mark Carney promised \u201cgenerational\u201d investment in housing across the country.",
     "investment in housing", "Mark Carney"),
]


@pytest.mark.parametrize("body, fragment, speaker", MIXED_JUDGING)
def test_judging_verbs_with_quoted_object_are_mixed_quotes(analyze, body, fragment, speaker):
    record = analyze(body)
    q = quote_with(record, fragment)
    assert q.kind == "mixed"
    assert name_of(q) == speaker


NOT_QUOTES = [
    # a title of a show in quotation marks, no cue
    ("The variety show \u201cSunday Morning\u201d devoted a whole segment to the new tax rules.", "Sunday Morning"),
    # a judging verb without quoted words is no quote
    ("Spanish Prime Minister Pedro Sanchez called the tariff plan a mistake on Tuesday.", "tariff plan"),
    # praising a film by its title
    ("Culture Minister Rachida Dati praised \u201cThe Count of Monte Cristo\u201d at the festival.", "Monte Cristo"),
]


@pytest.mark.parametrize("body, fragment", NOT_QUOTES)
def test_titles_and_bare_judgements_are_not_quotes(analyze, body, fragment):
    record = analyze(body)
    assert not [q for q in record.quotes if fragment.lower() in q.text.lower()]


NESTED = [
    ("The Kremlin said on Friday that President Vladimir Putin had told Chinese leader Xi Jinping that Moscow was open to talks.",
     "Moscow was open to talks", "Kremlin"),
    ("The White House said Biden told Netanyahu in a call that Washington would not join any strike on Iran.",
     "would not join any strike on Iran", "White House"),
]


@pytest.mark.parametrize("body, fragment, speaker", NESTED)
def test_nested_attribution_goes_to_the_outer_speaker(analyze, body, fragment, speaker):
    record = analyze(body)
    q = quote_with(record, fragment)
    assert name_of(q) == speaker


ROLE_BEFORE_NAME = [
    ("BRUSSELS \u2014 The EU is ready to widen sanctions against Belarus, the bloc's foreign policy chief said on Monday.\n\n"
     "\u201cWe will not allow this to continue,\u201d Josep Borrell told reporters.",
     "ready to widen sanctions", "Josep Borrell"),
    ("Seoul will not send weapons to Kyiv for now, the country's defence minister said.\n\n"
     "\u201cOur position has not changed,\u201d Shin Won-sik said in parliament.",
     "will not send weapons to Kyiv", "Shin Won-sik"),
]


@pytest.mark.parametrize("body, fragment, speaker", ROLE_BEFORE_NAME)
def test_role_noun_before_the_name_it_stands_for(analyze, body, fragment, speaker):
    record = analyze(body)
    q = quote_with(record, fragment)
    assert q.kind == "indirect"
    assert name_of(q) == speaker


def test_role_noun_is_not_given_a_name_mentioned_before_it(analyze):
    body = ("Viktor Orban met the prime minister of Slovakia on Monday.\n\n"
            "The talks were constructive, the Slovak prime minister said.\n\n"
            "\u201cWe agree on energy,\u201d Viktor Orban said.")
    q = quote_with(analyze(body), "talks were constructive")
    assert name_of(q) != "Viktor Orban"


TITLED = [
    ("Chancellor Olaf Scholz said the budget would be balanced next year.", "budget would be balanced", "Olaf Scholz"),
    ("Billionaire Elon Musk said the company would build a new factory in Texas.", "would build a new factory", "Elon Musk"),
    ("Former Prime Minister Imran Khan said the charges against him were politically motivated.",
     "charges against him were politically", "Imran Khan"),
]


@pytest.mark.parametrize("body, fragment, speaker", TITLED)
def test_titles_and_descriptors_are_not_part_of_the_name(analyze, body, fragment, speaker):
    q = quote_with(analyze(body), fragment)
    assert name_of(q) == speaker


CONDITIONAL_CONTENT = [
    ("Mr. Amar said that if the talks failed, a grand bargain might still be possible.",
     "a grand bargain might still be possible"),
    ("The minister said if the ceasefire collapsed, aid convoys would stop at the border.",
     "aid convoys would stop at the border"),
]


@pytest.mark.parametrize("body, fragment", CONDITIONAL_CONTENT)
def test_reported_clause_may_open_with_a_condition(analyze, body, fragment):
    q = quote_with(analyze(body), fragment)
    assert q.kind == "indirect"


def test_asked_whether_is_a_question_not_a_quote(analyze):
    record = analyze("The minister asked whether the talks would resume before the summit.")
    assert not [q for q in record.quotes if "talks would resume" in q.text]


def test_colon_after_a_speech_verb_without_quotation_marks(analyze):
    record = analyze("Kremlin spokesman Dmitry Peskov told reporters: Russia will respond to any provocation on its borders.")
    q = quote_with(record, "Russia will respond to any provocation")
    assert q.kind == "indirect"
    assert name_of(q) == "Dmitry Peskov"


def test_gerund_content_stops_before_a_second_finite_verb(analyze):
    record = analyze("The rebel group denied shelling the market and blamed government troops for the deaths.")
    q = quote_with(record, "shelling the market")
    assert "blamed" not in q.text


INSTITUTIONS_WITH_PREPOSITIONS = [
    ("According to the Peterson Institute for International Economics, tariffs would cost households 1,200 dollars a year.",
     "tariffs would cost households", "Peterson Institute for International Economics"),
    ("The German Institute for Economic Research said growth would slow to 0.3 percent next year.",
     "growth would slow", "German Institute for Economic Research"),
]


@pytest.mark.parametrize("body, fragment, speaker", INSTITUTIONS_WITH_PREPOSITIONS)
def test_institution_names_keep_their_prepositional_part(analyze, body, fragment, speaker):
    q = quote_with(analyze(body), fragment)
    assert name_of(q) == speaker


def test_unnamed_outer_source_gives_way_to_the_named_inner_speaker(analyze):
    body = ("U.S. President Joe Biden condemned the strike. He told Israeli Prime Minister Benjamin Netanyahu "
            "in a call on Saturday that the United States would not take part in any counter-attack, a U.S. official said.")
    q = quote_with(analyze(body), "would not take part in any counter-attack")
    assert name_of(q) == "Joe Biden"


def test_bare_institution_noun_goes_back_to_the_organisation_named(analyze):
    body = ("The Rapid Support Forces denied attacking the camp. In a statement on Telegram, "
            "the group said its fighters were protecting civilians.")
    q = quote_with(analyze(body), "its fighters were protecting civilians")
    assert name_of(q) == "Rapid Support Forces"


@pytest.mark.parametrize("text", ["Peskov said on Monday the talks failed. \"We are ready,\" he added.\n\nThe ministry denied it."])
def test_sentence_tables_match_spacy(nlp, text):
    """The finder reads sentences from tables built once per doc: they must be what
    ``token.sent`` gives."""
    from eventwire.quotes import _QuoteFinder, load_cues

    doc = nlp(text)
    finder = _QuoteFinder(doc, load_cues())
    for tok in doc:
        sent = finder.sents[finder._sent_index[tok.i]]
        assert (sent.start, sent.end) == (tok.sent.start, tok.sent.end)
        assert finder._sent_start[tok.i] == tok.sent.start
