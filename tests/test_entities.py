"""The rule-based entity recogniser of the fast profile (eventwire.entities)."""

from __future__ import annotations

import pytest

from eventwire.entities import _where, entity_rules, find_entities, set_entities


@pytest.fixture(scope="module")
def fast_nlp():
    from eventwire.pipeline import build_nlp

    return build_nlp(profile="fast", stages=())


@pytest.fixture(scope="module")
def ents(fast_nlp):
    def run(text: str) -> list[tuple[str, str]]:
        return [(e.text, e.label_) for e in fast_nlp(text).ents]

    return run


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russian President Vladimir Putin met Chinese President Xi Jinping in Beijing on Monday.",
         [("Russian", "NORP"), ("Vladimir Putin", "PERSON"), ("Chinese", "NORP"), ("Xi Jinping", "PERSON"),
          ("Beijing", "GPE"), ("Monday", "DATE")]),
        ("Foreign Minister Olena Kovalchuk said the talks would resume.", [("Olena Kovalchuk", "PERSON")]),
        ("The United States imposed sanctions on Iran.", [("The United States", "GPE"), ("Iran", "GPE")]),
        ("Diplomats met at the United Nations Security Council in New York.",
         [("the United Nations Security Council", "ORG"), ("New York", "GPE")]),
        ("The Ministry of Foreign Affairs summoned the envoy.", [("The Ministry of Foreign Affairs", "ORG")]),
        ("Warships sailed through the South China Sea.", [("the South China Sea", "LOC")]),
        ("Gazprom cut gas supplies to Moldova.", [("Gazprom", "ORG"), ("Moldova", "GPE")]),
        ("NATO and the European Union condemned the attack.", [("NATO", "ORG"), ("the European Union", "ORG")]),
        ("Shelling hit Port Sudan and West Darfur.", [("Port Sudan", "GPE"), ("West Darfur", "GPE")]),
        ("A separatist leader was killed in British Columbia.", [("British Columbia", "GPE")]),
    ],
)
def test_names(ents, text, expected):
    assert ents(text) == expected


@pytest.mark.parametrize(
    "text, entity",
    [
        ("Japan pledged 200 million dollars in aid.", ("200 million dollars", "MONEY")),
        ("The bank lent $5 billion to Egypt.", ("$5 billion", "MONEY")),
        ("Prices rose 7 percent last month.", ("7 percent", "PERCENT")),
        ("Prices rose 7 percent last month.", ("last month", "DATE")),
        ("It was the third round of talks.", ("third", "ORDINAL")),
        ("Some 2000 troops crossed the border.", ("2000", "CARDINAL")),
        ("The accord was signed in 2019.", ("2019", "DATE")),
        ("Talks resume on March 3, 2024.", ("March 3, 2024", "DATE")),
        ("The minister will speak tonight.", ("tonight", "TIME")),
        ("Three people were injured.", ("Three", "CARDINAL")),
    ],
)
def test_dates_and_numbers(ents, text, entity):
    assert entity in ents(text)


@pytest.mark.parametrize(
    "text, name",
    [
        # a surname alone, after the full name
        ("Maria Okonkwo led the delegation. Okonkwo said the deal was fair.", "Okonkwo"),
        # a surname of a person the dictionaries know
        ("Putin spoke by phone with the Turkish leader.", "Putin"),
        # a title before an unknown name
        ("Gen. Tomasz Wierzbicki inspected the troops.", "Tomasz Wierzbicki"),
        # a name before a speech verb
        ("Kowalczyk said the border would stay open.", "Kowalczyk"),
        # particles inside a name; a known surname inside another person's name
        ("Abu Dhabi's ruler Mohamed bin Zayed Al Nahyan said the talks went well.", "Mohamed bin Zayed Al Nahyan"),
        ("Pakistan's Foreign Secretary Jalil Abbas Jilani said the border was calm.", "Jalil Abbas Jilani"),
        ("European Commission President Ursula von der Leyen said the bloc would act.", "Ursula von der Leyen"),
        # a country's name as a given name; a month's abbreviation as a name
        ("Jordan Bardella, who leads the National Rally, said his party was ready.", "Jordan Bardella"),
        ("Chinese envoy Zhang Jun said Beijing abstained.", "Zhang Jun"),
        ("Ambassador Linda Thomas-Greenfield said the veto was shameful.", "Linda Thomas-Greenfield"),
    ],
)
def test_person_cues(ents, text, name):
    assert (name, "PERSON") in ents(text)


@pytest.mark.parametrize("text", ["President Vladimir Putin spoke.", "The Prime Minister spoke."])
def test_titles_alone_are_not_entities(ents, text):
    assert not any(t in ("President", "Prime Minister") for t, _ in ents(text))


@pytest.mark.parametrize(
    "text",
    [
        "KYIV, May 3 (Reuters) - Ukraine's Foreign Ministry said on Tuesday that 12 drones were shot down.",
        "Protesters marched through Nairobi.\n\nPresident William Ruto said the 2024 budget would pass.",
        "",
        "   ",
    ],
)
def test_iob_consistent_with_ents(fast_nlp, text):
    doc = fast_nlp(text)
    inside = {}
    for ent in doc.ents:
        for t in ent:
            inside[t.i] = (ent.label_, "B" if t.i == ent.start else "I")
    for t in doc:
        if t.i in inside:
            assert (t.ent_type_, t.ent_iob_) == inside[t.i]
        else:
            assert (t.ent_type_, t.ent_iob_) == ("", "O")


def test_find_entities_spans_do_not_overlap(fast_nlp):
    doc = fast_nlp("EU foreign policy chief Kaja Kallas met Foreign Minister Wang Yi in Brussels on 5 May 2025 "
                   "and pledged 3 billion euros to the World Food Programme.")
    spans = find_entities(doc)
    covered = [i for s, e, _ in spans for i in range(s, e)]
    assert len(covered) == len(set(covered))
    assert all(label in {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL",
                         "MONEY", "PERCENT"} for _, _, label in spans)


def test_rules_are_data():
    rules = entity_rules()
    assert "ministry" in rules.org_heads and "sea" in rules.loc_heads
    assert rules.phrase_labels["country/adjective"] == "NORP"


@pytest.mark.parametrize(
    "text, entity",
    [
        # a curly apostrophe inside a dictionary phrase matches the straight one of its key
        ("Troops from C\u00f4te d\u2019Ivoire joined the mission.", ("C\u00f4te d\u2019Ivoire", "GPE")),
        ("Troops from C\u00f4te d'Ivoire joined the mission.", ("C\u00f4te d'Ivoire", "GPE")),
        ("China\u2019s People\u2019s Daily said so.", ("People\u2019s Daily", "ORG")),
    ],
)
def test_phrases_with_apostrophes(ents, text, entity):
    assert entity in ents(text)


@pytest.mark.parametrize(
    "text, joined, apart",
    [
        # a line break (a space token) ends a phrase: no "United States" across paragraphs
        ("Talks in the United States resumed.", ("the United States", "GPE"), None),
        ("Leaders of the United\n\nStates markets met.", None, ("United\n\nStates", "GPE")),
    ],
)
def test_space_tokens_end_phrases(ents, text, joined, apart):
    found = ents(text)
    if joined:
        assert joined in found
    if apart:
        assert apart not in found


@pytest.mark.parametrize(
    "spans",
    [
        [],
        [(0, 2, "PERSON")],
        [(0, 2, "PERSON"), (2, 3, "PERSON"), (5, 7, "GPE")],  # adjacent entities of one label stay two
        [(1, 2, "ORG"), (3, 4, "DATE"), (6, 7, "CARDINAL")],
    ],
)
def test_set_entities_matches_set_ents(fast_nlp, spans):
    from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE
    from spacy.tokens import Span

    text = "Maria Okonkwo Smith met in Addis Ababa on Monday with 12 envoys."
    written = fast_nlp.make_doc(text)
    set_entities(written, spans)
    expected = fast_nlp.make_doc(text)
    expected.set_ents([Span(expected, s, e, label=label) for s, e, label in spans], default="outside")
    columns = [ENT_IOB, ENT_TYPE, ENT_KB_ID]
    assert written.to_array(columns).tolist() == expected.to_array(columns).tolist()
    assert [(e.start, e.end, e.label_) for e in written.ents] == spans


@pytest.mark.parametrize("spans", [[(0, 2, "PERSON")], [(5, 7, "GPE")], [(1, 3, "ORG"), (4, 5, "GPE")]])
def test_set_entities_keeps_kb_ids_like_set_ents(fast_nlp, spans):
    from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE
    from spacy.tokens import Span

    text = "Maria Okonkwo Smith met in Addis Ababa on Monday with 12 envoys."
    docs = []
    for _ in range(2):
        doc = fast_nlp.make_doc(text)
        doc.set_ents([Span(doc, 0, 2, label="PERSON", kb_id="Q1"), Span(doc, 5, 7, label="GPE", kb_id="Q2")])
        docs.append(doc)
    written, expected = docs
    set_entities(written, spans)
    expected.set_ents([Span(expected, s, e, label=label) for s, e, label in spans], default="outside")
    columns = [ENT_IOB, ENT_TYPE, ENT_KB_ID]
    assert written.to_array(columns).tolist() == expected.to_array(columns).tolist()


def test_set_entities_replaces_earlier_entities(fast_nlp):
    doc = fast_nlp("Gazprom cut gas supplies to Moldova.")
    assert doc.ents
    set_entities(doc, [(1, 2, "ORG")])
    assert [(e.text, e.label_) for e in doc.ents] == [("cut", "ORG")]
    assert [t.ent_iob_ for t in doc] == ["O", "B", "O", "O", "O", "O", "O"]


@pytest.mark.parametrize(
    "flags, expected",
    [([], []), ([False, False], []), ([True, False, True, True], [0, 2, 3]), ([0, 1, 0, 1], [1, 3])],
)
def test_where(flags, expected):
    assert _where(iter(flags)) == expected
