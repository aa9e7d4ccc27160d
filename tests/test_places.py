"""Places: mentions, disambiguation from context, spans, datelines, place_for."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.models import Article
from eventwire.places import place_for

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "seed-article.txt"


def places_of(analyze, text, title=""):
    record = analyze(text, title=title)
    return [(text[p.span[0] : p.span[1]], p) for p in record.places if not p.in_title]


def find(places, surface):
    hits = [p for s, p in places if s == surface]
    assert hits, [s for s, _ in places]
    return hits[0]


@pytest.mark.parametrize(
    "text, surface, name, country, feature",
    [
        # Georgia: the country next to Tbilisi, the state next to Atlanta
        ("Protesters rallied in Tbilisi as Georgia's parliament debated the bill.", "Georgia", "Georgia", "GEO", "country"),
        ("Biden traveled to Atlanta, Georgia, to speak on voting rights.", "Georgia", "Georgia", "USA", "region"),
        ("Voters in Georgia, Texas and Florida face new rules, the White House said in Washington.",
         "Georgia", "Georgia", "USA", "region"),
        ("Russian troops remain in Georgia's breakaway regions, Moscow said.", "Georgia", "Georgia", "GEO", "country"),
        # Geneva: Switzerland unless the text says otherwise
        ("Diplomats met in Geneva, Switzerland, on Monday.", "Geneva", "Geneva", "CHE", "city"),
        ("U.S. and Russian negotiators held talks in Geneva.", "Geneva", "Geneva", "CHE", "city"),
        ("The Swiss city of Geneva hosted the talks.", "Geneva", "Geneva", "CHE", "city"),
        ("The college is in Geneva, New York, near Rochester.", "Geneva", "Geneva", "USA", "city"),
        # regions, variants, seas
        ("Uighurs in Xinjiang face abuses, rights groups say.", "Xinjiang", "Xinjiang", "CHN", "region"),
        ("Moscow annexed Crimea in 2014.", "Crimea", "Crimea", "UKR", "region"),
        ("Separatists in the Donbas region fired on Ukrainian positions.", "Donbas", "Donbas", "UKR", "region"),
        ("Shelling continued in Kashmir on Thursday.", "Kashmir", "Kashmir", "IND", "region"),
        ("Fighting spread to the Kharkiv region overnight.", "Kharkiv", "Kharkiv region", "UKR", "region"),
        ("A missile hit a building in Kiev.", "Kiev", "Kyiv", "UKR", "city"),
        ("Warships sailed into the Black Sea.", "Black Sea", "Black Sea", None, "water"),
        ("China held drills in the Taiwan Strait.", "Taiwan Strait", "Taiwan Strait", None, "water"),
        ("Britain and the U.S. imposed sanctions.", "U.S.", "United States", "USA", "country"),
        ("Britain and the U.S. imposed sanctions.", "Britain", "United Kingdom", "GBR", "country"),
        ("Militants fired rockets from Gaza City and Rafah.", "Rafah", "Rafah", "PSE", "city"),
        ("New Delhi must restore the status of Jammu and Kashmir, he said.", "Jammu and Kashmir", "Kashmir", "IND",
         "region"),
        ("Kyiv denied shelling the Russian border region of Belgorod.", "Belgorod", "Belgorod", "RUS", "city"),
        ("Russia claims to have annexed Zaporizhzhia and Kherson in September.", "Kherson", "Kherson", "UKR", "city"),
    ],
)
def test_resolution(analyze, text, surface, name, country, feature):
    p = find(places_of(analyze, text), surface)
    assert (p.name, p.country, p.feature) == (name, country, feature)
    assert p.lat is not None and p.lon is not None


@pytest.mark.parametrize(
    "text, not_places",
    [
        ("Jordan Peterson said the book would sell.", {"Jordan"}),
        ("The Washington Post reported the talks first.", {"Washington"}),
        ("Paris Hilton attended the party.", {"Paris"}),
        ("The EU measures target four officials.", {"EU"}),
        ("Finland fought two wars against the Soviet Union.", {"Union", "Soviet Union"}),
        ("Talks were held at the Palais Coburg hotel in Vienna.", {"Coburg"}),
        ("It was the North's fourth launch this week.", {"North"}),
        ("NATO said it would respond.", {"NATO"}),
        ("The White House said the president would travel.", {"White House"}),
        ("Marco Rubio won the primary. Rubio thanked voters in Miami.", {"Rubio"}),
        ("Obama said the deal was good for workers.", {"Obama"}),
        ("The Florida senator spoke.", {"The Florida"}),
    ],
)
def test_names_that_are_not_places(analyze, text, not_places):
    surfaces = {s for s, _ in places_of(analyze, text)}
    assert not surfaces & not_places


def test_spans_are_exact(analyze):
    text = "Putin and Xi spoke as troops massed near Ukraine, while talks in Geneva, Switzerland went on."
    places = places_of(analyze, text, title="Talks in Beijing")
    assert [s for s, _ in places] == ["Ukraine", "Geneva", "Switzerland"]
    for surface, p in places:
        assert p.span == (text.index(surface), text.index(surface) + len(surface))


def test_title_places_index_the_title(analyze):
    record = analyze("Nothing here.", title="Talks in Beijing")
    (p,) = record.places
    assert p.in_title and "Talks in Beijing"[p.span[0] : p.span[1]] == "Beijing"


def _doc(analyzer, text, published="2021-12-15"):
    (doc,) = list(analyzer.nlp.pipe(analyzer.make_docs(Article(text=text, published=published, id="d"))))
    return doc


@pytest.mark.parametrize(
    "text, place, country",
    [
        ("BEIJING (Reuters) - China said it would respond.", "Beijing", "CHN"),
        ("MOSCOW, Dec 15 (AP) \u2014 Putin spoke to Xi.", "Moscow", "RUS"),
        ("TBILISI, March 9 (Reuters) - Georgia dropped the bill.", "Tbilisi", "GEO"),
        ("WASHINGTON (Reuters) - The Senate voted.", "Washington", "USA"),
    ],
)
def test_dateline_place(analyzer, text, place, country):
    doc = _doc(analyzer, text)
    dl = doc._.dateline
    assert dl.place.name == place and dl.place.country == country
    assert dl.place in doc._.places


@pytest.mark.parametrize(
    "text, verb, expected",
    [
        ("Putin said he plans to meet Xi in Beijing in February.", "meet", "Beijing"),
        ("Russia massed troops near the border with Ukraine.", "massed", "Ukraine"),
        ("Russian missiles struck a power plant in Kharkiv on Monday.", "struck", "Kharkiv"),
        ("Ryabkov and Sherman met in Geneva, Switzerland, on Monday.", "met", "Geneva"),
        ("Putin travelled to Minsk for talks with Lukashenko.", "travelled", "Minsk"),
        ("Ukraine accused Russia of provocations.", "accused", None),
        ("KYIV (Reuters) - Ukraine accused Russia of provocations.", "accused", "Kyiv"),
    ],
)
def test_place_for(analyzer, text, verb, expected):
    doc = _doc(analyzer, text)
    v = next(t for t in doc if t.text == verb)
    p = place_for(doc, v.sent, v)
    assert (p.name if p else None) == expected


def test_place_for_ignores_places_of_other_clauses(analyzer):
    doc = _doc(analyzer, "Biden warned Putin. Diplomats met in Geneva.")
    v = next(t for t in doc if t.text == "warned")
    assert place_for(doc, v.sent, v) is None


@pytest.fixture(scope="module")
def seed(analyze):
    if not SEED.exists():
        pytest.skip("seed article not available")
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    body = body.strip("\n")
    return body, analyze(body, title=title, published="2021-12-15")


@pytest.mark.parametrize(
    "surface, country, lat, lon",
    [("Beijing", "CHN", 39.9, 116.4), ("Moscow", "RUS", 55.75, 37.6), ("Xinjiang", "CHN", 41.1, 85.2),
     ("Hong Kong", "HKG", 22.3, 114.2), ("Geneva", "CHE", 46.2, 6.1)],
)
def test_seed_places(seed, surface, country, lat, lon):
    body, record = seed
    hits = [p for p in record.places if not p.in_title and body[p.span[0] : p.span[1]] == surface]
    assert hits, surface
    for p in hits:
        assert p.country == country
        assert abs(p.lat - lat) < 0.5 and abs(p.lon - lon) < 0.5


def test_seed_geneva_is_in_switzerland(seed):
    body, record = seed
    (geneva,) = [p for p in record.places if p.name == "Geneva"]
    assert geneva.country == "CHE"
    assert body[geneva.span[1] : geneva.span[1] + 13] == ", Switzerland"


@pytest.mark.parametrize("text", ["Talks in Zürich , Switzerland\n\nand the U.S. state of Georgia’s capital, Atlanta."])
def test_token_table_matches_spacy_tokens(nlp, text):
    """The scans read words and offsets from a table built once per doc."""
    from eventwire.nlp import doc_text
    from eventwire.places import _Tokens

    doc = nlp(text)
    toks = _Tokens(doc, doc_text(doc))
    assert toks.words == [t.text for t in doc]
    assert toks.starts == [t.idx for t in doc]
    assert toks.ends == [t.idx + len(t.text) for t in doc]
    assert toks.lowers == [t.lower_ for t in doc]
