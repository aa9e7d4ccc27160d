"""The project's CAMEO table, PLOVER mapping and event lexicons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire import cameo

REFERENCE = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "cameo_codes_goldstein.json"


@pytest.fixture(scope="module")
def reference():
    if not REFERENCE.exists():
        pytest.skip("shared CAMEO reference table not available")
    return {c["code"]: c for c in json.loads(REFERENCE.read_text(encoding="utf-8"))["codes"]}


def test_table_has_the_reference_codes(reference):
    assert set(cameo.cameo_table()) == set(reference)


def test_table_goldstein_matches_reference(reference):
    wrong = {
        code: (entry.goldstein, reference[code]["goldstein"])
        for code, entry in cameo.cameo_table().items()
        if abs(entry.goldstein - float(reference[code]["goldstein"])) > 1e-9
    }
    assert wrong == {}


def test_every_code_has_a_name_and_a_valid_root():
    for code, entry in cameo.cameo_table().items():
        assert entry.name.strip(), code
        assert entry.root in cameo.ROOTS, code
        assert 2 <= len(code) <= 4


@pytest.mark.parametrize(
    "code, quad",
    [("01", 1), ("036", 1), ("057", 1), ("06", 2), ("0841", 2), ("094", 2), ("10", 3), ("1312", 3), ("145", 3),
     ("15", 4), ("163", 4), ("173", 4), ("1823", 4), ("195", 4), ("2042", 4)],
)
def test_quad_class_from_root(code, quad):
    assert cameo.quad_class(code) == quad
    assert cameo.lookup(code).quad_class == quad


@pytest.mark.parametrize("root", cameo.ROOTS)
def test_root_goldstein_is_the_table_value(root):
    assert cameo.goldstein(root) == cameo.cameo_table()[root].goldstein


@pytest.mark.parametrize(
    "code, expected",
    [
        ("036", ("AGREE", "meet")),
        ("041", ("CONSULT", "phone")),
        ("042", ("CONSULT", "visit")),
        ("072", ("AID", None)),
        ("0871", ("RETREAT", "ceasefire")),
        ("1312", ("THREATEN", "restrict")),
        ("138", ("THREATEN", "violence")),
        ("163", ("SANCTION", None)),
        ("173", ("COERCE", "arrest")),
        ("195", ("ASSAULT", "aerial")),
        ("010", (None, None)),
    ],
)
def test_plover_mapping(code, expected):
    assert cameo.plover(code) == expected


def test_plover_covers_every_code_outside_root_01():
    missing = [c for c in cameo.cameo_table() if not c.startswith("01") and cameo.plover(c)[0] is None]
    assert missing == []


def test_unknown_code_has_an_error_code():
    with pytest.raises(cameo.LexiconError) as err:
        cameo.lookup("999")
    assert "E410" in str(err.value)


@pytest.mark.parametrize("root", cameo.ROOTS)
def test_every_root_has_verb_coverage(root):
    codes = {p.code for ps in cameo.lexicon().verbs.values() for p in ps}
    assert any(c[:2] == root for c in codes)


@pytest.mark.parametrize("root", [r for r in cameo.ROOTS if r not in ("01",)])
def test_every_root_has_noun_or_frame_coverage(root):
    lex = cameo.lexicon()
    nouns = {e.code[:2] for es in lex.nouns.values() for e in es}
    framed = {c[:2] for fs in lex.frames.values() for f in fs for c in [f.code or "", *f.by_root.values(), *f.by_code.values()] if c}
    assert root in nouns | framed


def test_lexicon_codes_are_in_the_table():
    table = cameo.cameo_table()
    lex = cameo.lexicon()
    assert all(p.code in table for ps in lex.verbs.values() for p in ps)
    assert all(e.code in table for es in lex.nouns.values() for e in es)


@pytest.mark.parametrize(
    "text, fields",
    [
        ("meet with T", dict(lemma="meet", preps={"with"}, target="prep", objs=set())),
        ("meet T", dict(lemma="meet", preps=set(), target="obj")),
        ("impose sanctions|tariffs on T", dict(lemma="impose", objs={"sanctions", "tariffs"}, preps={"on"}, target="prep")),
        ("call off talks", dict(lemma="call", particle="off", objs={"talks"}, target=None)),
        ("pull out of T", dict(lemma="pull", particle="out", preps={"of"}, target="prep")),
        ("accuse T of spying|espionage", dict(lemma="accuse", preps={"of"}, pobjs={"spying", "espionage"}, target="obj")),
        ("express concern about|over", dict(lemma="express", objs={"concern"}, preps={"about", "over"}, target=None)),
        ("give in", dict(lemma="give", particle="in", preps=set())),
        ("call on T", dict(lemma="call", preps={"on"}, target="prep", particle=None)),
    ],
)
def test_parse_pattern(text, fields):
    p = cameo.parse_pattern("040", text, frozenset(["out", "off", "up", "down", "back", "away", "aside", "over", "on", "in"]))
    for name, value in fields.items():
        got = getattr(p, name)
        assert (set(got) if isinstance(got, frozenset) else got) == value, name


def test_more_specific_patterns_come_first():
    for patterns in cameo.lexicon().verbs.values():
        scores = [p.specificity for p in patterns]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "kind, inner, expected",
    [
        ("intent", "040", "036"),
        ("intent", "0874", "0356"),
        ("intent", "072", "033"),
        ("threat", "163", "1312"),
        ("threat", "190", "138"),
        ("appeal", "0871", "0256"),
        ("appeal", "042", "026"),
        ("demand", "0874", "106"),
        ("reject", "040", "125"),
        ("accuse", "194", "1123"),
        ("threat", None, "130"),
    ],
)
def test_frames_specialise_by_complement(kind, inner, expected):
    assert cameo.lexicon().frame(kind).code_for(inner) == expected


def test_verb_alternatives_give_one_pattern_per_verb():
    verbs = cameo.lexicon().verbs
    assert not [lemma for lemma in verbs if "|" in lemma]
    for lemma in ("dispatch", "send", "order"):
        assert any(p.code == "150" and "carrier" in p.objs for p in verbs[lemma]), lemma


@pytest.mark.parametrize(
    "lemma, obj, code",
    [
        ("charge", None, "173"),  # "charged the mayor with corruption" is legal action
        ("increase", "patrols", "150"),
        ("build", "fortifications", "150"),
        ("fire", "missile", "150"),
        ("host", "negotiations", "043"),
    ],
)
def test_lexicon_entries_for_recall_forms(lemma, obj, code):
    patterns = cameo.lexicon().verbs[lemma]
    assert any(p.code == code and (obj is None or obj in p.objs) for p in patterns)


def test_new_event_nouns_and_people():
    lex = cameo.lexicon()
    assert lex.nouns["jailing"][0].code == "173"
    assert lex.nouns["communications"][0].code == "040"
    assert lex.people["prosecutor"] == "JUD" and lex.people["hospital"] == "HLH"


@pytest.mark.parametrize(
    "lemma, obj, code",
    [
        # news phrasings of the weak roots: one lemma + object per class
        ("call", "reservists", "154"),
        ("deploy", "submarine", "150"),
        ("withdraw", "ambassador", "161"),
        ("suspend", "partnership", "160"),
        ("suspend", "transactions", "163"),
        ("halt", "cooperation", "160"),
        ("extend", "loan", "071"),
        ("send", "plane", "073"),
        ("airlift", "aid", "073"),
        ("lay", "arms", "0873"),
        ("release", "political", "0841"),
        ("unfreeze", "assets", "085"),
        ("demand", "resignation", "1041"),
        ("boycott", "election", "143"),
        ("block", "avenues", "144"),
        ("fire", "cannon", "175"),
        ("lift", "veto", "080"),
    ],
)
def test_lexicon_entries_for_news_phrasings(lemma, obj, code):
    patterns = cameo.lexicon().verbs[lemma]
    assert any(p.code == code and (obj is None or obj in p.objs) for p in patterns), [p.id for p in patterns]


@pytest.mark.parametrize(
    "text, fields",
    [
        # a prepositional object selects the entry ("take to the streets")
        ("take to street|streets", dict(lemma="take", preps={"to"}, pobjs={"street", "streets"})),
        # an object + T + on + noun ("put its forces on alert")
        ("put T on alert", dict(lemma="put", preps={"on"}, pobjs={"alert"}, target="obj")),
        # a particle after the object is an extra word that must hang on the verb
        ("pull troops|forces out of T", dict(lemma="pull", objs={"troops", "forces"}, extras={"out"}, preps={"of"}, target="prep")),
    ],
)
def test_parse_news_patterns(text, fields):
    p = cameo.parse_pattern("141", text, frozenset(["out", "off", "up", "down", "back", "away", "aside", "over", "on", "in"]))
    for name, value in fields.items():
        got = getattr(p, name)
        assert (set(got) if isinstance(got, frozenset) else got) == value, name


def test_people_nouns_for_unnamed_attackers_and_units():
    people = cameo.lexicon().people
    assert {people[w] for w in ("gunmen", "bomber", "jihadist", "militiamen")} == {"REB"}
    assert people["patrol"] == "MIL" and people["farmer"] == "AGR"
    # captives are not "people" actors: they would block slotless appeals ("called for the release of all hostages")
    assert "hostage" not in people


def test_loans_are_aid_not_trade():
    nouns = cameo.lexicon().nouns
    assert nouns["loan"][0].code == "071" and nouns["trade"][0].code == "061"
