"""Gazetteer: data files, lookups, variants, demonyms and disambiguation."""

from __future__ import annotations

import pytest

from eventwire.gazetteer import FEATURES, load_gazetteer, name_key
from eventwire.lexicon import data_path, read_tsv


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.mark.parametrize(
    "text, key",
    [("the U.S.", "us"), ("US", "us"), ("Zürich", "zurich"), ("Reẖovot", "rehovot"), ("  New   York ", "new york"),
     ("Côte d’Ivoire", "cote d'ivoire"), ("Nagorno‑Karabakh", "nagorno-karabakh")],
)
def test_name_key(text, key):
    assert name_key(text) == key


@pytest.mark.parametrize(
    "name, canonical, country, feature",
    [
        ("Beijing", "Beijing", "CHN", "city"),
        ("Moscow", "Moscow", "RUS", "city"),
        ("Kiev", "Kyiv", "UKR", "city"),
        ("Odessa", "Odesa", "UKR", "city"),
        ("Peking", "Beijing", "CHN", "city"),
        ("Bombay", "Mumbai", "IND", "city"),
        ("Gaza City", "Gaza", "PSE", "city"),
        ("Hong Kong", "Hong Kong", "HKG", "city"),
        ("Britain", "United Kingdom", "GBR", "country"),
        ("the U.S.", "United States", "USA", "country"),
        ("Burma", "Myanmar", "MMR", "country"),
        ("Ivory Coast", "Ivory Coast", "CIV", "country"),
        ("Georgia", "Georgia", "GEO", "country"),
        ("Crimea", "Crimea", "UKR", "region"),
        ("Xinjiang", "Xinjiang", "CHN", "region"),
        ("Donbass", "Donbas", "UKR", "region"),
        ("Kashmir", "Kashmir", "IND", "region"),
        ("Tigray", "Tigray", "ETH", "region"),
        ("West Bank", "West Bank", "PSE", "region"),
        ("Texas", "Texas", "USA", "region"),
        ("Black Sea", "Black Sea", None, "water"),
        ("Sahel", "Sahel", None, "area"),
        ("Geneva", "Geneva", "CHE", "city"),
        ("Paris", "Paris", "FRA", "city"),
        ("Washington", "Washington", "USA", "city"),
        ("New Delhi", "New Delhi", "IND", "city"),
    ],
)
def test_resolve_without_context(gaz, name, canonical, country, feature):
    entry = gaz.resolve(name)
    assert (entry.name, entry.country, entry.feature) == (canonical, country, feature)
    assert -90 <= entry.lat <= 90 and -180 <= entry.lon <= 180


@pytest.mark.parametrize(
    "name, context, country, admin1, expected_country, expected_feature",
    [
        ("Georgia", {"USA": 1.0}, None, None, "USA", "region"),
        ("Georgia", {"GEO": 0.5, "RUS": 0.5}, None, None, "GEO", "country"),
        ("Georgia", {"USA": 0.2, "RUS": 0.8}, None, None, "GEO", "country"),
        ("Geneva", {"CHE": 0.3, "USA": 0.3}, None, None, "CHE", "city"),
        ("Geneva", None, "USA", "NY", "USA", "city"),
        ("Paris", {"USA": 1.0}, None, None, "FRA", "city"),
        ("Donetsk", None, None, None, "UKR", "city"),
        ("Rafah", {"EGY": 1.0}, None, None, "EGY", "city"),
    ],
)
def test_resolve_with_context(gaz, name, context, country, admin1, expected_country, expected_feature):
    entry = gaz.resolve(name, context, country=country, admin1=admin1)
    assert (entry.country, entry.feature) == (expected_country, expected_feature)
    if admin1:
        assert entry.admin1 == admin1


def test_lookup_lists_every_candidate(gaz):
    countries = {(c.entry.country, c.entry.feature) for c in gaz.lookup("Geneva")}
    assert {("CHE", "city"), ("USA", "city")} <= countries
    assert {c.entry.feature for c in gaz.lookup("Georgia")} >= {"country", "region"}
    assert gaz.lookup("Atlantis on the Moon") == []
    assert "Tbilisi" in gaz and "Narnia" not in gaz


@pytest.mark.parametrize(
    "word, code",
    [("Swiss", "CHE"), ("Russian", "RUS"), ("Chinese", "CHN"), ("South Korean", "KOR"), ("Britons", "GBR"),
     ("Georgian", "GEO"), ("Emirati", "ARE"), ("Martian", None)],
)
def test_demonyms(gaz, word, code):
    assert gaz.demonym(word) == code


@pytest.mark.parametrize("code, name", [("GE", "Georgia"), ("GEO", "Georgia"), ("ch", "Switzerland"), ("PSE", "Palestine")])
def test_country_codes(gaz, code, name):
    assert gaz.country(code).name == name


def test_capitals(gaz):
    assert gaz.capitals["GEO"] == "tbilisi"
    assert gaz.capitals["CHE"] == "bern"


@pytest.mark.parametrize("name", ["countries.tsv", "cities.tsv", "us_states.tsv", "regions.tsv", "countries_extra.tsv"])
def test_data_files_present(name):
    path = data_path("gazetteer/" + name)
    assert path.exists() and path.stat().st_size > 1000


def test_authored_regions_are_valid(gaz):
    codes = {row["iso3"] for row in read_tsv("gazetteer/countries.tsv")}
    for row in read_tsv("gazetteer/regions.tsv"):
        assert row["feature"] in FEATURES, row
        code = row["country"].strip()
        assert not code or code in codes, row
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row


def test_every_country_has_coordinates(gaz):
    missing = [row["iso3"] for row in read_tsv("gazetteer/countries.tsv") if not row["lat"]]
    # Only small territories without any city in the data (Anguilla, Antarctica ...) lack one.
    assert len(missing) < 25, missing
    assert gaz.country(missing[0]).lat is None
    for code in ("RUS", "CHN", "USA", "UKR", "GEO", "CHE", "IND", "PAK"):
        c = gaz.country(code)
        assert (c.lat, c.lon) != (0.0, 0.0)
