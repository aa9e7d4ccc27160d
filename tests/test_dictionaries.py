"""Actor dictionaries: shipped data, loaders, user YAML, PETRARCH import, the CLI."""

from __future__ import annotations

import datetime as dt

import pycountry
import pytest
import yaml
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.dictionaries import (
    DictionaryError,
    import_petrarch_actors,
    import_petrarch_agents,
    import_petrarch_verbs,
    load_dictionaries,
    norm_key,
    split_code,
)
from eventwire.lexicon import load_yaml, read_tsv


@pytest.fixture(scope="module")
def dic():
    return load_dictionaries()


# ---------------------------------------------------------------------------
# Shipped data


def test_every_iso_country_is_there(dic):
    rows = {r["iso3"]: r for r in read_tsv("actors/countries.tsv")}
    for c in pycountry.countries:
        assert c.alpha_3 in rows, c.name


@pytest.mark.parametrize(
    "phrase, code, form",
    [
        ("Russia", "RUS", "name"),
        ("Russian Federation", "RUS", "name"),
        ("Russian", "RUS", "adjective"),
        ("Russians", "RUS", "people"),
        ("Moscow", "RUSGOV", "capital"),
        ("Britain", "GBR", "name"),
        ("British", "GBR", "adjective"),
        ("U.S.", "USA", "name"),
        ("American", "USA", "adjective"),
        ("Kyiv", "UKRGOV", "capital"),
        ("Kiev", "UKRGOV", "capital"),
        ("Ivory Coast", "CIV", "name"),
        ("Saudi", "SAU", "adjective"),
        ("North Korean", "PRK", "adjective"),
        ("Burmese", "MMR", "adjective"),
        ("Kremlin", "RUSGOV", "seat"),
        ("White House", "USAGOV", "seat"),
        ("Downing Street", "GBRGOV", "seat"),
        ("NATO", "IGOWSTNAT", "name"),
        ("Amnesty International", "NGOHRIAMN", "name"),
    ],
)
def test_phrase_lookup(dic, phrase, code, form):
    e = dic.phrases[norm_key(phrase)]
    assert (e.code, e.form) == (code, form)


def test_igo_and_ngo_codes_are_well_formed():
    data = load_yaml("actors/igos.yaml")
    for item in data["igos"]:
        assert item["code"].startswith("IGO"), item
    for item in data["ngos"]:
        assert item["code"].startswith("NGO"), item


def test_leaders_data_is_consistent(dic):
    data = load_yaml("actors/leaders.yaml")
    offices = set(dic.office_sector) | {"secretary_general"}
    countries = {r["iso3"] for r in read_tsv("actors/countries.tsv")}
    names = set()
    for person in data["people"]:
        assert person["name"] not in names, person["name"]
        names.add(person["name"])
        assert person.get("gender") in ("m", "f"), person["name"]
        for term in person["terms"]:
            assert term["office"] in offices, (person["name"], term["office"])
            actor = str(term["actor"])
            assert actor[:3] in countries or actor.startswith(("IGO", "NGO")), actor
            if term.get("to"):
                assert term["from"] < term["to"], person["name"]
    # each country office has at most one holder on any day (spot-check a few)
    for day in ("2012-06-01", "2016-01-01", "2021-12-15", "2023-06-01"):
        for country in ("USA", "RUS", "CHN", "GBR", "FRA", "DEU", "UKR", "JPN", "IND", "ISR", "IRN", "TUR"):
            for office in ("president", "prime_minister", "foreign_minister", "chancellor"):
                holders = [
                    p["name"] for p in data["people"] for t in p["terms"]
                    if t["actor"] == country and t["office"] == office
                    and t["from"] <= dt.date.fromisoformat(day) and (t.get("to") is None or dt.date.fromisoformat(day) < t["to"])
                ]
                assert len(holders) <= 1, (country, office, day, holders)


@pytest.mark.parametrize(
    "actor, office, day, name",
    [
        ("RUS", "president", "2010-01-01", "Dmitry Medvedev"),
        ("RUS", "president", "2021-12-15", "Vladimir Putin"),
        ("RUS", "leader", "2021-12-15", "Vladimir Putin"),
        ("RUS", "foreign_minister", "2021-12-15", "Sergei Lavrov"),
        ("USA", "president", "2016-06-01", "Barack Obama"),
        ("USA", "president", "2019-06-01", "Donald Trump"),
        ("USA", "president", "2022-06-01", "Joe Biden"),
        ("USA", "foreign_minister", "2022-06-01", "Antony Blinken"),
        ("GBR", "leader", "2020-06-01", "Boris Johnson"),
        ("DEU", "leader", "2020-06-01", "Angela Merkel"),
        ("CHN", "leader", "2012-06-01", "Hu Jintao"),
        ("CHN", "foreign_minister", "2023-03-01", "Qin Gang"),
        ("UKR", "president", "2018-01-01", "Petro Poroshenko"),
        ("ISR", "prime_minister", "2022-01-01", "Naftali Bennett"),
        ("IRN", "leader", "2022-01-01", "Ali Khamenei"),
        ("IGOWSTNAT", "secretary_general", "2020-01-01", "Jens Stoltenberg"),
        ("IGOUNO", "leader", "2020-01-01", "Antonio Guterres"),
    ],
)
def test_office_holder_on_date(dic, actor, office, day, name):
    held = dic.holder(actor, office, dt.date.fromisoformat(day))
    assert held is not None and held[0].name == name


def test_no_holder_is_none(dic):
    assert dic.holder("RUS", "president", dt.date(1980, 1, 1)) is None


@pytest.mark.parametrize(
    "code, country, sector",
    [("RUSGOV", "RUS", "GOV"), ("RUS", "RUS", None), ("MED", None, "MED"), ("IGOUNO", None, None),
     ("PSEREBHMS", "PSE", "REB"), ("WST", None, None)],
)
def test_split_code(code, country, sector):
    assert split_code(code) == (country, sector)


def test_norm_key():
    assert norm_key("Kim Jong-un") == norm_key("kim jong-un") == "kimjong-un"
    assert norm_key("People\u2019s Daily") == "people'sdaily"


# ---------------------------------------------------------------------------
# User dictionaries


def test_user_dictionary_adds_people_roles_countries(tmp_path):
    path = tmp_path / "user.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "people": [
                    {"name": "Olena Kovalchuk", "aliases": ["Kovalchuk"], "gender": "f",
                     "terms": [{"actor": "UKR", "office": "deputy_foreign_minister", "from": "2023-01-01"}]}
                ],
                "roles": [{"words": ["peacekeepers"], "sector": "MIL", "kind": "group"}],
                "countries": [{"iso3": "XKX", "adjectives": ["Kosovan"], "capitals": ["Prishtina"]}],
            }
        ),
        encoding="utf-8",
    )
    d = load_dictionaries([path])
    person = d.phrases["kovalchuk"].person
    assert person.term(dt.date(2024, 1, 1)).code == "UKRGOV"
    assert d.roles["peacekeepers"].sector == "MIL"
    assert d.phrases["prishtina"].code == "XKXGOV"
    assert "kovalchuk" not in load_dictionaries().phrases  # the shipped set is unchanged


@pytest.mark.parametrize(
    "content, message",
    [("- just a list\n", "YAML mapping"), ("verbs: []\n", "unknown sections"),
     ("people:\n  - name: X\n    terms: [{actor: RUS, office: president, from: yesterday}]\n", "ISO date")],
)
def test_bad_user_dictionary(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DictionaryError, match=message) as info:
        load_dictionaries([path])
    assert info.value.code == "E401"


def test_missing_user_dictionary(tmp_path):
    with pytest.raises(DictionaryError, match="not found"):
        load_dictionaries([tmp_path / "nope.yaml"])


# ---------------------------------------------------------------------------
# PETRARCH import (fixtures written for these tests)

PETRARCH_ACTORS = """\
# a small actor dictionary in PETRARCH format
FRANCE_ [FRA]
+FRENCH_REPUBLIC_
LEE_JAE_MYUNG_
+LEE_JAE-MYUNG_
[KOROPP 170101-250604]
[KORGOV >250604]
SAHEL_PATRIOTIC_FRONT_ [MLIREB]  # an invented rebel group
!MACRO! ignored
"""

PETRARCH_AGENTS = """\
PEACEKEEPER_ {PEACEKEEPERS_ BLUE_HELMETS_} [~MIL]
RIOT_POLICE_ [~COP]
NEWSPAPERS_ [~MED]
WIDGET_ [~XYZ]
"""

PETRARCH_VERBS = """\
--- PRAISE  [051] ---
PRAISE
PRAISED
- * + [051]
--- IMPOSE  [---] ---
IMPOSE
- * SANCTIONS ON + [163]
- $ * + IN &CITY [040]
--- MEET  [040] ---
MEET
- * WITH + [040]
"""


def test_import_petrarch_actors():
    data = import_petrarch_actors(PETRARCH_ACTORS.splitlines())
    by_name = {a["name"]: a for a in data["actors"]}
    assert by_name["France"]["code"] == "FRA" and by_name["France"]["aliases"] == ["French Republic"]
    lee = by_name["Lee Jae Myung"]
    assert lee["kind"] == "person"
    assert lee["terms"] == [
        {"actor": "KOROPP", "office": "official", "from": "2017-01-01", "to": "2025-06-04"},
        {"actor": "KORGOV", "office": "official", "from": "2025-06-04"},
    ]
    assert by_name["Sahel Patriotic Front"]["code"] == "MLIREB"


def test_imported_petrarch_actors_load_and_code(tmp_path):
    path = tmp_path / "pet.yaml"
    path.write_text(yaml.safe_dump(import_petrarch_actors(PETRARCH_ACTORS.splitlines())), encoding="utf-8")
    d = load_dictionaries([path])
    lee = d.phrases[norm_key("Lee Jae-myung")].person
    assert lee.term(dt.date(2024, 1, 1)).code == "KOROPP"
    assert lee.term(dt.date(2025, 7, 1)).code == "KORGOV"
    assert d.phrases[norm_key("Sahel Patriotic Front")].code == "MLIREB"


def test_import_petrarch_agents():
    roles = {r["words"][0]: r for r in import_petrarch_agents(PETRARCH_AGENTS.splitlines())["roles"]}
    assert roles["peacekeeper"]["sector"] == "MIL" and roles["peacekeeper"]["plural"] == ["peacekeepers", "blue helmets"]
    assert roles["riot police"]["sector"] == "COP"
    assert roles["newspapers"]["kind"] == "group"
    assert "widget" not in roles


def test_import_petrarch_verbs():
    data, skipped = import_petrarch_verbs(PETRARCH_VERBS.splitlines())
    assert data["codes"]["051"] == ["praise T"]
    assert data["codes"]["163"] == ["impose sanction on T"]
    assert data["codes"]["040"] == ["meet T", "meet with T"]
    assert len(skipped) == 1 and "&CITY" in skipped[0]


# ---------------------------------------------------------------------------
# CLI


@pytest.mark.parametrize("kind, fixture, key", [("actors", PETRARCH_ACTORS, "actors"), ("agents", PETRARCH_AGENTS, "roles"),
                                                ("verbs", PETRARCH_VERBS, "codes")])
def test_cli_import_petrarch(tmp_path, kind, fixture, key):
    src = tmp_path / "in.txt"
    src.write_text(fixture, encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(main, ["dictionary", "import-petrarch", str(src), "--kind", kind, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert key in yaml.safe_load(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "args, expected",
    [(["lookup", "the Kremlin"], "RUSGOV"), (["lookup", "Putin", "--date", "2010-01-01"], "prime_minister"),
     (["lookup", "spokeswoman"], "office spokesperson"), (["check"], "people")],
)
def test_cli_lookup_and_check(args, expected):
    result = CliRunner().invoke(main, ["dictionary", *args])
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_cli_lookup_unknown():
    result = CliRunner().invoke(main, ["dictionary", "lookup", "Ruritania"])
    assert result.exit_code == 1


def test_user_entry_replaces_shipped_person(tmp_path):
    path = tmp_path / "fix.yaml"
    path.write_text(
        "people:\n  - name: Sergei Lavrov\n    aliases: [Lavrov]\n    gender: m\n"
        "    terms: [{actor: RUS, office: foreign_minister, from: 2004-03-09, to: 2030-01-01}]\n",
        encoding="utf-8",
    )
    d = load_dictionaries([path])
    assert [p.name for p in d.people].count("Sergei Lavrov") == 1
    held = d.holder("RUS", "foreign_minister", dt.date(2029, 1, 1))
    assert held is not None and held[0].name == "Sergei Lavrov"


def test_commands_and_settings_are_documented():
    from pathlib import Path

    from eventwire.cli.actors import dictionary

    doc = (Path(__file__).resolve().parents[1] / "docs" / "dictionaries.md").read_text(encoding="utf-8")
    for name in dictionary.commands:
        assert f"eventwire dictionary {name}" in doc, name
    for setting in ("EVENTWIRE_DICTIONARIES", "load_dictionaries", "import-petrarch", "--kind actors",
                    "--kind agents", "--kind verbs"):
        assert setting in doc, setting


@pytest.mark.parametrize(
    "phrase, code",
    [
        ("Houthi", "YEMREB"),
        ("Syrian Democratic Forces", "SYRREB"),
        ("SDF", "SYRREB"),
        ("YPG", "SYRREB"),
        ("KFOR", "IGOWSTNAT"),
        ("Royal Canadian Mounted Police", "CANCOP"),
        ("RCMP", "CANCOP"),
        ("TPLF", "ETHREB"),
    ],
)
def test_named_groups_and_forces(dic, phrase, code):
    assert dic.phrases[norm_key(phrase)].code == code


@pytest.mark.parametrize(
    "phrase, case",
    [
        ("Xi", "exact"),  # a person's short name needs one capital, not all
        ("UN", "upper"),  # a short organisation name is an acronym
        ("AU", "upper"),
    ],
)
def test_short_names_case(dic, phrase, case):
    assert dic.phrases[norm_key(phrase)].case == case


@pytest.mark.parametrize(
    "phrase, sector, kind, head",
    [
        ("junta", "MIL", "institution", "junta"),
        ("coup leaders", "MIL", "institution", "junta"),  # "the coup leaders" refers back to a junta
        ("ministry", "GOV", "institution", "ministry"),
        ("coordinator", "GOV", "person", "coordinator"),
        ("council", "IGO", "igo_ref", "council"),
    ],
)
def test_role_nouns(dic, phrase, sector, kind, head):
    role = dic.roles[norm_key(phrase)]
    assert (role.sector, role.kind, role.head_word) == (sector, kind, head)


@pytest.mark.parametrize("word, sector", [("separatist", "REB"), ("rebel", "REB"), ("opposition", "OPP"), ("military", "MIL")])
def test_sector_adjectives(dic, word, sector):
    assert dic.sector_adjectives[word] == sector
