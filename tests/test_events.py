"""Event coding from the dependency parse.

Most cases run the spaCy pipeline and then code events against a small hand-made
actor index (so that they test this stage, not the actor dictionaries); the seed
article runs through the whole pipeline.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eventwire import cameo
from eventwire.actors import ActorIndex
from eventwire.events import dedup, extract_events
from eventwire.models import Actor, ActorRef, Event

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "seed-article.txt"

# name -> (code, country); a stand-in for the actor stage
NAMES = {
    "Russia": ("RUS", "RUS"), "Russian": ("RUS", "RUS"), "Moscow": ("RUSGOV", "RUS"), "Kremlin": ("RUSGOV", "RUS"),
    "Putin": ("RUSGOV", "RUS"), "Peskov": ("RUSGOV", "RUS"),
    "China": ("CHN", "CHN"), "Chinese": ("CHN", "CHN"), "Beijing": ("CHNGOV", "CHN"), "Xi": ("CHNGOV", "CHN"),
    "Ukraine": ("UKR", "UKR"), "Ukrainian": ("UKR", "UKR"), "Kyiv": ("UKRGOV", "UKR"), "Kharkiv": ("UKR", "UKR"),
    "United States": ("USA", "USA"), "Washington": ("USAGOV", "USA"), "Biden": ("USAGOV", "USA"),
    "Iran": ("IRN", "IRN"), "Tehran": ("IRNGOV", "IRN"), "Israel": ("ISR", "ISR"), "Israeli": ("ISR", "ISR"),
    "Germany": ("DEU", "DEU"), "France": ("FRA", "FRA"), "Britain": ("GBR", "GBR"), "Serbia": ("SRB", "SRB"),
    "Turkey": ("TUR", "TUR"), "Turkish": ("TUR", "TUR"), "Belarus": ("BLR", "BLR"),
    "European Union": ("IGOEUREEC", None), "NATO": ("IGOWSTNAT", None),
}
_NAME_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, NAMES), key=len, reverse=True)) + r")\b")


def fake_index(doc) -> ActorIndex:
    found: dict[str, list] = {}
    for m in _NAME_RE.finditer(doc.text):
        code, country = NAMES[m.group(1)]
        found.setdefault(code, []).append((m.start(), m.end()))
    actors = [
        Actor(id=f"a{n}", name=code, code=code, country=NAMES_BY_CODE[code], mentions=tuple(spans))
        for n, (code, spans) in enumerate(found.items(), start=1)
    ]
    return ActorIndex(doc, actors)


NAMES_BY_CODE = {code: country for code, country in NAMES.values()}


@pytest.fixture(scope="module")
def code(nlp):
    def run(text: str) -> list[Event]:
        doc = nlp(text)
        doc._.actor_index = fake_index(doc)
        return extract_events(doc)

    return run


def _country(ref):
    return None if ref is None else (ref.country or ref.code)


def triples(events, counted_only=False):
    return {
        (_country(e.source), _country(e.target), e.root)
        for e in events
        if not counted_only or (not e.negated and e.modality != "hypothetical")
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        # subject-verb-object and prepositional targets
        ("Russia attacked Ukraine on Monday.", ("RUS", "UKR", "19")),
        ("Putin met with Xi in Beijing on Tuesday.", ("RUS", "CHN", "04")),
        ("France criticised Turkey over the arrests.", ("FRA", "TUR", "11")),
        ("The United States warned Russia against invading Ukraine.", ("USA", "RUS", "13")),
        ("Britain imposed sanctions on Russia on Friday.", ("GBR", "RUS", "16")),
        ("Germany sent weapons to Ukraine.", ("DEU", "UKR", "07")),
        # passive
        ("Turkey was condemned by France for the raid.", ("FRA", "TUR", "11")),
        # frames
        ("Iran threatened to attack Israel.", ("IRN", "ISR", "13")),
        ("Germany urged Russia to withdraw its troops from Ukraine.", ("DEU", "RUS", "02")),
        ("Iran refused to meet the United States.", ("IRN", "USA", "12")),
        ("Ukraine accused Russia of shelling Kharkiv.", ("UKR", "RUS", "11")),
        ("Putin told Xi that the talks had gone well.", ("RUS", "CHN", "01")),
        # nominal events
        ("Russia's invasion of Ukraine began in February.", ("RUS", "UKR", "19")),
        # capitals stand for governments
        ("Moscow condemned Washington on Friday.", ("RUS", "USA", "11")),
    ],
)
def test_forms(code, text, expected):
    assert expected in triples(code(text), counted_only=True)


@pytest.mark.parametrize(
    "text, pair, root",
    [
        ("Russia and China held talks in Beijing.", ("RUS", "CHN"), "04"),
        ("Talks between Russia and China resumed on Monday.", ("RUS", "CHN"), "04"),
        ("Russia and China signed an energy agreement.", ("RUS", "CHN"), "05"),
    ],
)
def test_coordinated_and_between_give_both_directions(code, text, pair, root):
    got = triples(code(text))
    a, b = pair
    assert (a, b, root) in got and (b, a, root) in got


def test_coordinated_sources_with_a_target_give_one_event_each(code):
    got = triples(code("Germany and France imposed sanctions on Belarus."))
    assert {("DEU", "BLR", "16"), ("FRA", "BLR", "16")} <= got
    assert ("DEU", "FRA", "16") not in got


@pytest.mark.parametrize(
    "text, expected",
    [
        # "the two leaders": the parties of the latest two-party event
        ("Putin and Xi held talks in Beijing. The two leaders signed an energy agreement.", ("CHN", "RUS", "05")),
        # "condemned the move": the source of the latest act
        ("Britain imposed sanctions on Iran on Monday. Tehran condemned the move.", ("IRN", "GBR", "11")),
        ("Russia attacked Kharkiv on Monday. France condemned the attack.", ("FRA", "RUS", "11")),
        # a government's protest is an official complaint (11), not a demonstration (14)
        ("Turkey protested against the arrests to Germany.", ("TUR", "DEU", "11")),
        # "demanded that X ...": the demand is addressed to X
        ("China demanded that Ukraine release the detained sailors.", ("CHN", "UKR", "10")),
        # a warning with a conditional consequence, told to an addressee
        ("Biden told Xi that Washington would respond if Beijing supplied weapons to Moscow.", ("USA", "CHN", "13")),
        # a country named only by a modifier
        ("Israel rejected an Iranian proposal on Monday.", ("ISR", "IRN", "12")),
    ],
)
def test_short_range_anaphora_and_special_cases(code, text, expected):
    assert expected in triples(code(text), counted_only=True)


def test_untargeted_only_for_protest_and_force_posture(code):
    got = triples(code("Russia criticised the plan. Russia mobilised its reservists on Monday."))
    assert ("RUS", None, "11") not in got
    assert ("RUS", None, "15") in got


@pytest.mark.parametrize(
    "text, root, negated, modality",
    [
        ("Russia did not attack Ukraine.", "19", True, "asserted"),
        ("The Kremlin denies it plans to invade Ukraine.", None, True, None),
        ("Russia attacked Ukraine, Peskov said.", "19", False, "reported"),
        ("Peskov said Russia had attacked Ukraine.", "19", False, "reported"),
        ("France could impose sanctions on Iran.", "16", False, "hypothetical"),
        ("Russia would attack Ukraine if NATO expanded.", "19", False, "hypothetical"),
        ("Putin will visit China next month.", "03", False, "future"),
        ("Putin plans to meet Xi in February.", "03", False, "future"),
    ],
)
def test_negation_and_modality(code, text, root, negated, modality):
    events = code(text)
    assert events, text
    chosen = [e for e in events if root is None or e.root == root]
    assert chosen, [(e.cameo, e.evidence) for e in events]
    ev = chosen[0]
    assert ev.negated is negated
    if modality is not None:
        assert ev.modality == modality


@pytest.mark.parametrize(
    "text",
    [
        "The Kremlin denies it plans to invade Ukraine.",
        "Biden warned Putin that Russia would face painful sanctions if it invaded Ukraine again.",
        "Russia would attack Ukraine if NATO expanded.",
    ],
)
def test_no_asserted_attack_or_sanction(code, text):
    asserted = [e for e in code(text) if not e.negated and e.modality != "hypothetical"]
    assert all(e.root not in ("16", "18", "19") for e in asserted), [(e.cameo, e.evidence) for e in asserted]


def test_conditional_warning_is_a_threat(code):
    events = code("Biden warned Putin that Russia would face painful sanctions if it invaded Ukraine again.")
    threats = [e for e in events if e.root == "13" and not e.negated and e.modality != "hypothetical"]
    assert threats and _country(threats[0].source) == "USA" and _country(threats[0].target) == "RUS"


@pytest.mark.parametrize(
    "text",
    [
        "Russia attacked Ukraine on Monday. Putin met with Xi in Beijing.",
        "Britain imposed sanctions on Russia. Germany urged Russia to withdraw its troops.",
        "Iran threatened to attack Israel, and Russia and China held talks.",
    ],
)
def test_codes_goldstein_quadclass_plover_and_traceability(code, text):
    events = code(text)
    assert events
    for e in events:
        entry = cameo.lookup(e.cameo)
        assert e.root == e.cameo[:2]
        assert e.goldstein == entry.goldstein
        assert e.quad_class == cameo.quad_class(e.root)
        assert (e.plover, e.mode) == cameo.plover(e.cameo)
        assert e.sentence and e.sentence in text
        start, end = e.span
        assert 0 <= start < end <= len(text)
        assert e.evidence and "lexicon" in e.evidence
        assert e.modality in ("asserted", "future", "hypothetical", "reported")


def test_same_event_twice_is_one_event(code):
    events = code("Russia attacked Ukraine on Monday. Russian forces attacked Ukraine again, officials said.")
    assert [(_country(e.source), _country(e.target), e.root) for e in events].count(("RUS", "UKR", "19")) == 1


def _event(src, tgt, cameo_code, date, date_source="text", modality="asserted", start=0):
    entry = cameo.lookup(cameo_code)
    return Event(
        source=ActorRef(src, src, "a1", src[:3]), target=ActorRef(tgt, tgt, "a2", tgt[:3]) if tgt else None,
        cameo=cameo_code, root=entry.root, plover=None, mode=None, goldstein=entry.goldstein,
        quad_class=entry.quad_class, date=date, date_source=date_source, place=None, negated=False,
        modality=modality, sentence="s", span=(start, start + 1), evidence="test",
    )


@pytest.mark.parametrize(
    "events, expected",
    [
        ([_event("RUS", "UKR", "190", "2022-02-24"), _event("RUS", "UKR", "190", "2022-02-24", start=5)], 1),
        ([_event("RUS", "UKR", "190", "2022-02-24"), _event("RUS", "UKR", "190", "2022-03-01")], 2),
        ([_event("RUS", "UKR", "190", "2022-02-24"), _event("RUS", "UKR", "190", "2021-12-15", "published")], 1),
        ([_event("RUS", "UKR", "193", "2022-02-24"), _event("RUS", "UKR", "195", "2022-02-24")], 2),
        ([_event("USA", "RUS", "130", "2021-12-07"), _event("USA", "RUS", "138", "2021-12-07")], 1),
        ([_event("RUSGOV", "UKR", "190", "2022-02-24"), _event("RUS", "UKRMIL", "190", "2022-02-24")], 1),
        ([_event("RUS", "UKR", "190", "2022-02-24"), _event("UKR", "RUS", "190", "2022-02-24")], 2),
        ([_event("RUS", "UKR", "190", "2022-02-24"), _event("RUS", None, "190", "2022-02-24")], 1),
        ([_event("RUS", "UKR", "111", "2022-02-24"), _event("RUS", "UKR", "190", "2022-02-24")], 2),
    ],
)
def test_dedup(events, expected):
    assert len(dedup(events)) == expected


def test_dedup_keeps_the_more_specific_record():
    kept = dedup([_event("RUS", "UKR", "19", "2022-02-24"), _event("RUS", "UKR", "195", "2022-02-24")])
    assert [e.cameo for e in kept] == ["195"]


def test_no_events_without_an_actor_index(nlp):
    doc = nlp("Russia attacked Ukraine.")
    doc._.actor_index = None
    assert extract_events(doc) == []


# ---------------------------------------------------------------------------
# The seed article, through the whole pipeline


@pytest.fixture(scope="module")
def seed(analyze):
    if not SEED.exists():
        pytest.skip("seed article not available")
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    return analyze(body.lstrip("\n"), title=title, published="2021-12-15", id="seed")


def _counted(record):
    return [e for e in record.events if not e.negated and e.modality != "hypothetical"]


def test_seed_has_russia_china_cooperation(seed):
    got = {(_country(e.source), _country(e.target), e.root) for e in _counted(seed)}
    assert any({s, t} == {"RUS", "CHN"} and r in ("03", "04", "05") for s, t, r in got), got


def test_seed_biden_warns_putin_is_a_threat(seed):
    threats = [e for e in _counted(seed) if e.root == "13"]
    assert any(_country(e.source) == "USA" and _country(e.target) == "RUS" for e in threats), [
        (e.source.code, e.target and e.target.code, e.cameo) for e in seed.events
    ]


def test_seed_has_no_asserted_sanction_or_invasion_from_the_warnings(seed):
    for e in _counted(seed):
        if "invad" in e.sentence or "sanctions" in e.sentence:
            if _country(e.source) == "USA":
                assert e.root != "16", e
            if _country(e.source) == "RUS":
                assert e.root not in ("18", "19"), e


def test_first_person_inside_a_quote_is_the_speaker(analyze):
    record = analyze('"We will impose new sanctions on Iran," French President Emmanuel Macron said on Monday.')
    got = [(_country(e.source), _country(e.target), e.root, e.modality) for e in record.events]
    assert ("FRA", "IRN", "13", "future") in got


@pytest.mark.parametrize(
    "text, present, absent",
    [
        # an appeal or offer with no recipient slot is coded with target None
        ("Germany called on all sides to avoid escalation.", ("DEU", None, "02"), None),
        ("Turkey offered to mediate between Russia and Ukraine.", ("TUR", None, "03"), ("TUR", "RUS", "03")),
        # ... but a slot that names no actor still blocks it
        ("Russia criticised the plan.", None, ("RUS", None, "11")),
        # deployments take no recipient
        ("Russia deployed troops near its border with Ukraine.", ("RUS", None, "15"), ("RUS", "UKR", "15")),
        # "welcomed the sanctions": the source of the sanctions is the recipient
        ("Washington imposed sanctions on Russia. Kyiv welcomed the sanctions.", ("UKR", "USA", "05"), None),
        # a finite verb coordinated with an intent frame is not itself future
        ("Moscow vowed to retaliate and summoned Poland's ambassador.", ("RUS", "POL", "11"), None),
        # every country of a coordinated "in" phrase
        ("Washington imposed sanctions on firms in Russia and China.", ("USA", "CHN", "16"), None),
    ],
)
def test_recipientless_and_reaction_cases(code, text, present, absent):
    got = triples(code(text), counted_only=True)
    if present is not None:
        assert present in got
    if absent is not None:
        assert absent not in got


def test_finite_conjunct_of_intent_frame_is_asserted(code):
    events = [e for e in code("Moscow vowed to retaliate and summoned Poland's ambassador.") if e.root == "11"]
    assert events and all(e.modality == "asserted" for e in events)
