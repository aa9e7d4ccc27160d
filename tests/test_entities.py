"""The rule-based entity recogniser of the fast profile (eventwire.entities)."""

from __future__ import annotations

import pytest

from eventwire.entities import entity_rules, find_entities


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
