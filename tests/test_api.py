"""Tests of the REST API through FastAPI's in-process TestClient.

The store is built with ``Store.add`` from hand-written articles and hand-built
analysis records (no spaCy), so every figure below can be checked by eye.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from eventwire.api import ApiSettings, create_app  # noqa: E402
from eventwire.models import (  # noqa: E402
    Actor,
    ActorRef,
    Analysis,
    Article,
    Event,
    Place,
    PlaceRef,
    Quote,
    Speaker,
    TimeExpr,
    Tone,
)
from eventwire.store import open_store  # noqa: E402

# --------------------------------------------------------------------------------------
# The test corpus: six short wire reports (written for these tests) and their records.

PEOPLE = {
    # key: (name, code, country, sector, kind)
    "putin": ("Vladimir Putin", "RUSGOV", "RUS", "GOV", "person"),
    "xi": ("Xi Jinping", "CHNGOV", "CHN", "GOV", "person"),
    "peskov": ("Dmitry Peskov", "RUSGOV", "RUS", "GOV", "person"),
    "nato": ("NATO", "IGOWSTNAT", None, None, "igo"),
    "biden": ("Joe Biden", "USAGOV", "USA", "GOV", "person"),
    "rusmfa": ("Russian foreign ministry", "RUSGOV", "RUS", "GOV", "institution"),
    "zakharova": ("Maria Zakharova", "RUSGOV", "RUS", "GOV", "person"),
    "rusmil": ("Russian troops", "RUSMIL", "RUS", "MIL", "group"),
    "ukr": ("Ukraine", "UKR", "UKR", None, "country"),
    "wang": ("Wang Yi", "CHNGOV", "CHN", "GOV", "person"),
    "lavrov": ("Sergei Lavrov", "RUSGOV", "RUS", "GOV", "person"),
    "ukrmil": ("Ukraine's military", "UKRMIL", "UKR", "MIL", "institution"),
    "rusreb": ("Russian-backed separatists", "RUSREB", "RUS", "REB", "group"),
    "zelensky": ("Volodymyr Zelensky", "UKRGOV", "UKR", "GOV", "person"),
    "chnmil": ("China's defence ministry", "CHNMIL", "CHN", "MIL", "institution"),
    "tan": ("Tan Kefei", "CHNMIL", "CHN", "MIL", "person"),
    "novak": ("Alexander Novak", "RUSGOV", "RUS", "GOV", "person"),
    "usa": ("The United States", "USA", "USA", None, "country"),
}
CAMEO = {  # code: (goldstein, quad_class, plover)
    "036": (4.0, 1, "CONSULT"),
    "040": (1.0, 1, "CONSULT"),
    "051": (3.4, 1, "SUPPORT"),
    "057": (8.0, 1, "AGREE"),
    "061": (6.4, 2, "COOPERATE"),
    "062": (7.4, 2, "COOPERATE"),
    "111": (-2.0, 3, "ACCUSE"),
    "112": (-2.0, 3, "ACCUSE"),
    "120": (-4.0, 3, "REJECT"),
    "1312": (-5.8, 3, "THREATEN"),
    "154": (-7.2, 4, "MOBILIZE"),
    "190": (-10.0, 4, "ASSAULT"),
}
PLACES = {
    "Moscow": ("RUS", 55.75, 37.62, "city"),
    "Beijing": ("CHN", 39.9, 116.4, "city"),
    "Washington": ("USA", 38.9, -77.04, "city"),
    "Kyiv": ("UKR", 50.45, 30.52, "city"),
    "Donetsk": ("UKR", 48.0, 37.8, "city"),
    "Arabian Sea": (None, 14.0, 65.0, "sea"),
}

ARTICLES = [
    {
        "id": "ru-cn-call",
        "title": "Putin and Xi pledge closer ties in video call",
        "published": "2021-12-15",
        "source": "Test Wire",
        "text": (
            "MOSCOW, Dec 15 - Russian President Vladimir Putin told Chinese President Xi Jinping on Wednesday "
            "that relations between their countries had reached a new level, as both leaders face growing "
            "pressure from the West.\n\n"
            "\"A new model of partnership has formed between our countries,\" Putin said at the start of the "
            "video call.\n\n"
            "Putin said he planned to meet Xi in person in Beijing in February.\n\n"
            "Kremlin spokesman Dmitry Peskov criticised NATO for what he called its expansion toward Russia's borders."
        ),
        "actors": {"putin": ["Vladimir Putin", ("Putin", 1), ("Putin", 2)], "xi": ["Xi Jinping", ("Xi", 1)],
                   "peskov": ["Dmitry Peskov"], "nato": ["NATO"]},
        "quotes": [("A new model of partnership has formed between our countries,", "direct", "said", "putin", ("Putin", 1))],
        "events": [
            ("putin", "xi", "051", "2021-12-15", "published", None, False, "asserted", "Russian President Vladimir Putin told"),
            ("putin", "xi", "036", "2022-02", "text", "Beijing", False, "future", "Putin said he planned"),
            ("peskov", "nato", "111", "2021-12-15", "published", None, False, "asserted", "Kremlin spokesman"),
        ],
        "places": ["Moscow", "Beijing"],
        "times": [("on Wednesday", "2021-12-15"), ("in February", "2022-02")],
    },
    {
        "id": "us-ru-sanctions",
        "title": "Biden warns Moscow of sanctions over troop build-up",
        "published": "2021-12-20",
        "source": "Test Wire",
        "text": (
            "WASHINGTON, Dec 20 - U.S. President Joe Biden warned Russia on Monday of sweeping economic sanctions "
            "if its forces moved further into Ukraine.\n\n"
            "\"There will be a very high price to pay,\" Biden told reporters at the White House.\n\n"
            "Russia's foreign ministry rejected the warning. Spokeswoman Maria Zakharova said Washington was "
            "trying to dictate terms to Moscow.\n\n"
            "Satellite images showed Russian troops massing near the Ukrainian border, according to a private "
            "analysis firm."
        ),
        "actors": {"biden": ["Joe Biden", ("Biden", 1)], "rusmfa": ["Russia's foreign ministry"],
                   "zakharova": ["Maria Zakharova"], "rusmil": ["Russian troops"], "ukr": [("Ukraine", 0)]},
        "quotes": [
            ("There will be a very high price to pay,", "direct", "told", "biden", ("Biden", 1)),
            ("Washington was trying to dictate terms to Moscow", "indirect", "said", "zakharova", ("Maria Zakharova", 0)),
        ],
        "events": [
            ("biden", "rusmfa", "1312", "2021-12-20", "published", None, False, "asserted", "U.S. President Joe Biden warned"),
            ("rusmfa", "biden", "120", "2021-12-20", "published", None, False, "asserted", "Russia's foreign ministry rejected"),
            ("rusmil", "ukr", "154", "2021-12-20", "published", None, False, "asserted", "Satellite images showed"),
        ],
        "places": ["Washington", ("Moscow", 0)],
        "times": [("on Monday", "2021-12-20")],
    },
    {
        "id": "cn-ru-talks",
        "title": "Chinese and Russian foreign ministers hold talks in Moscow",
        "published": "2022-01-05",
        "source": "Test Wire",
        "text": (
            "MOSCOW, Jan 5 - Chinese Foreign Minister Wang Yi held talks with his Russian counterpart Sergei Lavrov "
            "in Moscow on Wednesday, and the two sides signed an agreement to expand trade settlements in their own "
            "currencies.\n\n"
            "\"China and Russia stand back to back against interference,\" Wang said after the meeting.\n\n"
            "Lavrov said the two countries would coordinate their positions at the United Nations."
        ),
        "actors": {"wang": ["Wang Yi", ("Wang", 1)], "lavrov": ["Sergei Lavrov", ("Lavrov", 1)]},
        "quotes": [
            ("China and Russia stand back to back against interference,", "direct", "said", "wang", ("Wang", 1)),
            ("the two countries would coordinate their positions at the United Nations", "indirect", "said", "lavrov", ("Lavrov", 1)),
        ],
        "events": [
            ("wang", "lavrov", "040", "2022-01-05", "text", ("Moscow", 1), False, "asserted", "Chinese Foreign Minister Wang Yi held"),
            ("wang", "lavrov", "061", "2022-01-05", "text", ("Moscow", 1), False, "asserted", "Chinese Foreign Minister Wang Yi held"),
        ],
        "places": [("Moscow", 0), ("Moscow", 1)],
        "times": [("on Wednesday", "2022-01-05")],
    },
    {
        "id": "ua-ru-shelling",
        "title": "Ukraine accuses Russian-backed forces of shelling near Donetsk",
        "published": "2022-01-12",
        "source": "Test Wire",
        "text": (
            "KYIV, Jan 12 - Ukraine's military accused Russian-backed separatists of shelling a village near "
            "Donetsk on Tuesday, wounding two soldiers.\n\n"
            "\"This is a deliberate provocation,\" President Volodymyr Zelensky said in a video address.\n\n"
            "Moscow denied that Russian forces had taken part in the fighting. Kremlin spokesman Dmitry Peskov said "
            "Russia was not a party to the conflict."
        ),
        "actors": {"ukrmil": ["Ukraine's military"], "rusreb": ["Russian-backed separatists"],
                   "zelensky": ["Volodymyr Zelensky"], "peskov": ["Dmitry Peskov"]},
        "quotes": [
            ("This is a deliberate provocation,", "direct", "said", "zelensky", ("Volodymyr Zelensky", 0)),
            ("Russia was not a party to the conflict", "indirect", "said", "peskov", ("Dmitry Peskov", 0)),
        ],
        "events": [
            ("ukrmil", "rusreb", "112", "2022-01-11", "text", "Donetsk", False, "asserted", "Ukraine's military accused"),
            ("rusreb", "ukrmil", "190", "2022-01-11", "text", "Donetsk", False, "asserted", "Ukraine's military accused"),
            ("peskov", "ukrmil", "190", "2022-01-12", "published", None, True, "asserted", "Moscow denied"),
        ],
        "places": ["Kyiv", "Donetsk"],
        "times": [("on Tuesday", "2022-01-11")],
    },
    {
        "id": "ru-cn-drills",
        "title": "Russian and Chinese navies begin joint exercises",
        "published": "2022-01-20",
        "source": "Test Wire",
        "text": (
            "BEIJING, Jan 20 - Russian and Chinese warships began joint naval exercises in the Arabian Sea on "
            "Thursday, China's defence ministry said.\n\n"
            "The drills could be expanded to include air forces later this year, a ministry spokesman said.\n\n"
            "\"Our cooperation threatens no third party,\" spokesman Tan Kefei told a news briefing."
        ),
        "actors": {"chnmil": ["China's defence ministry"], "tan": ["Tan Kefei"], "putin": []},
        "quotes": [("Our cooperation threatens no third party,", "direct", "told", "tan", ("Tan Kefei", 0))],
        "events": [
            ("chnmil", "putin", "062", "2022-01-20", "text", "Arabian Sea", False, "asserted", "Russian and Chinese warships"),
            ("chnmil", "putin", "062", "2022", "text", None, False, "hypothetical", "The drills could be expanded"),
        ],
        "places": ["Beijing", "Arabian Sea"],
        "times": [("on Thursday", "2022-01-20"), ("later this year", "2022")],
    },
    {
        "id": "ru-cn-gas",
        "title": "Moscow and Beijing agree gas supply deal",
        "published": "2022-01-26",
        "source": "Other Wire",
        "text": (
            "BEIJING, Jan 26 - Russia and China agreed on Wednesday to raise gas deliveries through a new "
            "pipeline, officials in both capitals said.\n\n"
            "\"This agreement is good for both our peoples,\" Russian Deputy Prime Minister Alexander Novak said.\n\n"
            "The United States criticised the deal, saying it undermined efforts to pressure Moscow."
        ),
        "actors": {"novak": ["Alexander Novak"], "xi": [], "usa": ["The United States"]},
        "quotes": [("This agreement is good for both our peoples,", "direct", "said", "novak", ("Alexander Novak", 0))],
        "events": [
            ("novak", "xi", "057", "2022-01-26", "text", None, False, "asserted", "Russia and China agreed"),
            ("usa", "novak", "111", "2022-01-26", "published", None, False, "asserted", "The United States criticised"),
        ],
        "places": ["Beijing", ("Moscow", 0)],
        "times": [("on Wednesday", "2022-01-26")],
    },
]


def find(text: str, needle) -> tuple[int, int]:
    """``needle`` or ``(needle, n)``: the n-th occurrence (0-based, any case) of a substring."""
    word, nth = needle if isinstance(needle, tuple) else (needle, 0)
    start = -1
    for _ in range(nth + 1):
        start = text.lower().index(word.lower(), start + 1)
    return start, start + len(word)


def sentence_at(text: str, needle: str) -> tuple[str, tuple[int, int]]:
    """The sentence (up to '.' or a line break) that starts with ``needle``."""
    start = text.index(needle)
    ends = [i for i in (text.find(". ", start), text.find(".\n", start), text.find('."', start)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end], (start, end)


def build_record(spec: dict) -> tuple[Article, Analysis]:
    text = spec["text"]
    ids = {}
    actors = []
    for n, (key, needles) in enumerate(spec["actors"].items(), start=1):
        name, code, country, sector, kind = PEOPLE[key]
        ids[key] = f"a{n}"
        actors.append(Actor(f"a{n}", name, code, country, sector, kind, tuple(find(text, x) for x in needles)))

    def ref(key):
        name, code, country, _, _ = PEOPLE[key]
        return ActorRef(name, code, ids.get(key), country)

    def place_ref(needle):
        if needle is None:
            return None
        name = needle[0] if isinstance(needle, tuple) else needle
        country, lat, lon, _ = PLACES[name]
        return PlaceRef(name, country, lat, lon)

    quotes = []
    for qtext, kind, cue, who, mention in spec["quotes"]:
        name, code, *_ = PEOPLE[who]
        mspan = find(text, mention)
        speaker = Speaker(name, code, ids.get(who), text[mspan[0]:mspan[1]], mspan)
        quotes.append(Quote(qtext, kind, find(text, qtext), cue, speaker))
    events = []
    for src, tgt, cameo, date, date_source, place, negated, modality, start in spec["events"]:
        goldstein, quad, plover = CAMEO[cameo]
        sentence, span = sentence_at(text, start)
        events.append(
            Event(ref(src), ref(tgt), cameo, cameo[:2], plover, None, goldstein, quad, date, date_source,
                  place_ref(place), negated, modality, sentence, span, f"test:{cameo}")
        )
    places = []
    for needle in spec["places"]:
        name = needle[0] if isinstance(needle, tuple) else needle
        country, lat, lon, feature = PLACES[name]
        places.append(Place(name, country, lat, lon, feature, find(text, needle)))
    times = [TimeExpr(t, v, find(text, t)) for t, v in spec["times"]]
    article = Article(text=text, id=spec["id"], title=spec["title"], published=spec["published"],
                      url=f"https://news.example/{spec['id']}", source=spec["source"])
    analysis = Analysis(spec["id"], spec["title"], spec["published"], "en", tuple(actors), tuple(quotes),
                        tuple(events), tuple(places), tuple(times), Tone(0.5, 2.0, 1.5))
    return article, analysis


def corpus_records() -> list[tuple[Article, Analysis]]:
    return [build_record(spec) for spec in ARTICLES]


def build_store(path, extra=()) -> None:
    with open_store(str(path)) as store:
        for article, analysis in [*corpus_records(), *extra]:
            store.add(article, analysis, model="test")


# --------------------------------------------------------------------------------------
# Fixtures


class FakeAnalyzer:
    """Stands in for the spaCy pipeline: one record with no findings, and a count of loads."""

    loads = 0

    def __init__(self):
        FakeAnalyzer.loads += 1
        self.model_name = "fake-0"
        self.seen = []

    def analyze(self, article):
        self.seen.append(article)
        return Analysis(article.id, article.title, article.published)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("api") / "events.db"
    build_store(path)
    return path


@pytest.fixture(scope="module")
def client(db_path):
    app = create_app(ApiSettings(db=str(db_path)), analyzer_factory=FakeAnalyzer)
    with TestClient(app) as c:
        yield c


@pytest.fixture()
def writable(tmp_path):
    """A client over a fresh store with the write token 's3cret'."""
    path = tmp_path / "w.db"
    build_store(path)
    app = create_app(ApiSettings(db=str(path), token="s3cret"), analyzer_factory=FakeAnalyzer)
    with TestClient(app) as c:
        yield c


def ids(page):
    return [item["id"] for item in page["items"]]


# --------------------------------------------------------------------------------------
# Articles


def test_health(client):
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["writes"] is False


def test_articles_list_pages(client):
    first = client.get("/api/articles", params={"limit": 4}).json()
    assert first["total"] == 6
    assert [a["id"] for a in first["items"]] == ["ru-cn-gas", "ru-cn-drills", "ua-ru-shelling", "cn-ru-talks"]
    assert first["next"] is not None
    second = client.get("/api/articles", params={"limit": 4, "offset": 4}).json()
    assert [a["id"] for a in second["items"]] == ["us-ru-sanctions", "ru-cn-call"]
    assert second["next"] is None
    assert {a["events"] for a in first["items"] + second["items"]} == {2, 3}


@pytest.mark.parametrize("ref", ["ru-cn-call", "1"])
def test_article_with_text_and_every_span(client, ref):
    body = client.get(f"/api/articles/{ref}").json()
    text = body["text"]
    assert body["id"] == "ru-cn-call" and body["pk"] == 1
    assert text.startswith("MOSCOW, Dec 15")
    for quote in body["quotes"]:
        assert text[quote["span"][0]:quote["span"][1]] == quote["text"]
        assert isinstance(quote["id"], int)
    for event in body["events"]:
        assert text[event["span"][0]:event["span"][1]] == event["sentence"]
        assert isinstance(event["id"], int)
    for actor in body["actors"]:
        for start, end in actor["mentions"]:
            assert text[start:end] in actor["name"]
    assert [text[p["span"][0]:p["span"][1]] for p in body["places"]] == ["MOSCOW", "Beijing"]
    assert [t["value"] for t in body["times"]] == ["2021-12-15", "2022-02"]


def test_article_event_ids_lead_to_events(client):
    body = client.get("/api/articles/ru-cn-call").json()
    listed = client.get("/api/events", params={"article": body["pk"], "mentions": "true"}).json()
    assert sorted(ids(listed)) == sorted(e["id"] for e in body["events"] if e["modality"] != "hypothetical")


def test_article_missing_is_404_with_code(client):
    r = client.get("/api/articles/no-such-article")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


# --------------------------------------------------------------------------------------
# Events


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"actor": "UKR"}, {"112", "190", "154"}),
        ({"actor": "Zakharova"}, set()),
        ({"actor": "Biden"}, {"1312", "120"}),
        ({"dyad": "USA,RUS"}, {"1312", "120", "111"}),
        ({"dyad": "USA,RUS", "directed": "true"}, {"1312", "111"}),
        ({"root": "19"}, {"190"}),
        ({"root": "19", "include_negated": "true"}, {"190"}),
        ({"root": "05,06"}, {"051", "057", "061", "062"}),
        ({"cameo": "131"}, {"1312"}),
        ({"plover": "consult"}, {"036", "040"}),
        ({"quad_class": "4"}, {"154", "190"}),
        ({"quad_class": "2", "include_hypothetical": "true"}, {"061", "062"}),
        ({"since": "2022-01-10", "until": "2022-01-20"}, {"112", "190", "062"}),
        ({"since": "2022-02"}, {"036"}),
        ({"place": "donetsk"}, {"112", "190"}),
        ({"place": "CHN"}, {"036"}),
    ],
)
def test_event_filters(client, params, expected):
    page = client.get("/api/events", params={**params, "limit": 100}).json()
    assert {e["cameo"] for e in page["items"]} == expected
    assert page["total"] == len(page["items"])


@pytest.mark.parametrize(
    "params, count",
    [({}, 13), ({"include_negated": "true"}, 14), ({"include_hypothetical": "true"}, 14),
     ({"include_negated": "true", "include_hypothetical": "true"}, 15)],
)
def test_negated_and_hypothetical_left_out_unless_asked(client, params, count):
    assert client.get("/api/events", params=params).json()["total"] == count


def test_event_items_trace_to_sentence_and_article(client):
    for event in client.get("/api/events", params={"limit": 100}).json()["items"]:
        article = client.get(f"/api/articles/{event['article']['pk']}").json()
        start, end = event["span"]
        assert article["text"][start:end] == event["sentence"]


def test_event_mentions(client):
    event = client.get("/api/events", params={"root": "19"}).json()["items"][0]
    mentions = client.get(f"/api/events/{event['cluster']}/mentions").json()["mentions"]
    assert [m["id"] for m in mentions] == [event["id"]]
    assert client.get("/api/events/999999/mentions").status_code == 404


@pytest.mark.parametrize(
    "params, name",
    [
        ({"quad_class": "5"}, "quad_class"),
        ({"root": "ab"}, "root"),
        ({"dyad": "RUS"}, "dyad"),
        ({"since": "2022-13-01"}, "since/until"),
        ({"since": "last week"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"article": "x"}, "article"),
    ],
)
def test_bad_event_parameters_are_422_with_code(client, params, name):
    r = client.get("/api/events", params=params)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error["message"].startswith(name)


# --------------------------------------------------------------------------------------
# Quotes


@pytest.mark.parametrize(
    "params, speakers",
    [
        ({"q": "partnership"}, ["Vladimir Putin"]),
        ({"q": "partnerships"}, ["Vladimir Putin"]),  # stemmed
        ({"q": "cooperation threatens"}, ["Tan Kefei"]),
        ({"q": "price pay"}, ["Joe Biden"]),
        ({"q": "nothing like this"}, []),
        ({"speaker": "Peskov"}, ["Dmitry Peskov"]),
        ({"speaker": "dmitry peskov"}, ["Dmitry Peskov"]),
        ({"speaker_code": "CHN"}, ["Tan Kefei", "Wang Yi"]),
        ({"q": "conflict", "speaker": "Peskov"}, ["Dmitry Peskov"]),
        ({"q": "conflict", "speaker": "Putin"}, []),
        ({"since": "2022-01-20"}, ["Alexander Novak", "Tan Kefei"]),
    ],
)
def test_quote_search(client, params, speakers):
    page = client.get("/api/quotes", params=params).json()
    assert sorted(q["speaker"]["name"] for q in page["items"]) == speakers


def test_quote_items_trace_to_article_text(client):
    for quote in client.get("/api/quotes", params={"limit": 100}).json()["items"]:
        text = client.get(f"/api/articles/{quote['article']['pk']}").json()["text"]
        assert text[quote["span"][0]:quote["span"][1]] == quote["text"]


# --------------------------------------------------------------------------------------
# Actors, network, ties


def test_actor_list(client):
    page = client.get("/api/actors").json()
    assert [a["code"] for a in page["items"]][:2] == ["RUS", "CHN"]
    assert page["items"][1]["name"] == "China"


@pytest.mark.parametrize("actor", ["RUS", "RUSGOV", "Putin"])
def test_actor_profile(client, actor):
    body = client.get(f"/api/actors/{actor}").json()
    assert body["names"]
    assert body["partners"][0]["partner"] == "CHN"
    assert all(q["speaker"]["code"].startswith("RUS") for q in body["quotes"])


def test_actor_profile_unknown_is_404(client):
    assert client.get("/api/actors/Nobody%20Atall").status_code == 404


def test_network(client):
    graph = client.get("/api/network").json()
    assert {n["id"] for n in graph["nodes"]} == {"RUS", "CHN", "UKR", "USA", "IGOWSTNAT"}
    edges = {(e["source"], e["target"]): e for e in graph["edges"]}
    assert edges[("CHN", "RUS")]["events"] == 6
    assert edges[("CHN", "RUS")]["goldstein_mean"] > 0
    assert edges[("RUS", "UKR")]["goldstein_mean"] < 0


def test_ties_default_is_most_active_pair(client):
    body = client.get("/api/ties").json()
    assert (body["a"], body["b"]) == ("CHN", "RUS")
    assert body["events"] == 6
    assert [p["start"] for p in body["series"]] == ["2021-12-13", "2022-01-03", "2022-01-17", "2022-01-24", "2022-01-31"]
    assert sum(p["events"] for p in body["series"]) == 6
    for p in body["series"]:
        assert p["end"] > p["start"]
        assert sum(p["quad_classes"].values()) == p["events"]


def test_ties_daily(client):
    body = client.get("/api/ties", params={"a": "RUS", "b": "CHN", "interval": "day"}).json()
    assert body["period"] == "day"
    assert [p["start"] for p in body["series"]] == ["2021-12-15", "2022-01-05", "2022-01-20", "2022-01-26", "2022-02-01"]
    assert all(p["start"] == p["end"] for p in body["series"])
    jan5 = body["series"][1]
    assert jan5["quad_classes"] == {"1": 1, "2": 1, "3": 0, "4": 0}
    assert jan5["goldstein_mean"] == pytest.approx((1.0 + 6.4) / 2)


def test_ties_period_lists_events_and_quotes(client):
    body = client.get("/api/ties/period", params={"a": "RUS", "b": "CHN", "start": "2022-01-03"}).json()
    assert body["end"] == "2022-01-09"
    assert {e["cameo"] for e in body["events"]} == {"040", "061"}
    assert all(e["sentence"].startswith("Chinese Foreign Minister") for e in body["events"])
    assert sorted(q["speaker"]["name"] for q in body["quotes"]) == ["Sergei Lavrov", "Wang Yi"]


def test_ties_needs_both_actors(client):
    r = client.get("/api/ties", params={"a": "RUS"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_parameter"


# --------------------------------------------------------------------------------------
# Formats


@pytest.mark.parametrize("how", [{"params": {"format": "csv"}}, {"headers": {"Accept": "text/csv"}}])
def test_events_as_csv(client, how):
    r = client.get("/api/events", **{"params": {"limit": 100, **how.get("params", {})}, "headers": how.get("headers", {})})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 13
    assert {"source_code", "target_code", "cameo", "sentence", "article_pk"} <= set(rows[0])
    assert {r["source_code"] for r in rows} >= {"RUSGOV", "CHNGOV"}


@pytest.mark.parametrize(
    "url, column",
    [("/api/quotes", "speaker_name"), ("/api/articles", "title"), ("/api/ties?a=RUS&b=CHN", "goldstein_mean"),
     ("/api/network", "goldstein_mean"), ("/api/actors/RUS", "partner"), ("/api/articles/1", "sentence")],
)
def test_csv_everywhere(client, url, column):
    r = client.get(url, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and column in rows[0]


def test_csv_cells_cannot_become_formulas():
    from eventwire.api.formats import to_csv

    text = to_csv([{"a": "=HYPERLINK(1)", "b": "-2.5", "c": "@x"}])
    assert "'=HYPERLINK(1)" in text and ",-2.5," in text and "'@x" in text


def test_json_is_default(client):
    r = client.get("/api/quotes", headers={"Accept": "*/*"})
    assert r.headers["content-type"].startswith("application/json")
    assert set(r.json()) == {"items", "total", "limit", "offset", "next"}


# --------------------------------------------------------------------------------------
# Analyse and ingest


def test_analyze_loads_the_pipeline_once(client):
    before = FakeAnalyzer.loads
    for n in range(3):
        r = client.post("/api/analyze", json={"text": f"Text number {n}.", "title": "T", "published": "2022-01-02"})
        assert r.status_code == 200
        body = r.json()
        assert body["published"] == "2022-01-02" and body["title"] == "T"
        assert set(body) >= {"id", "actors", "quotes", "events", "places", "times", "tone"}
    assert FakeAnalyzer.loads - before <= 1


def test_analyze_alias_at_the_root(client):
    r = client.post("/analyze", json={"text": "Root path."})
    assert r.status_code == 200 and r.json()["id"].startswith("sha-")


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": "x", "published": "not a date"}, {"text": 5}, [1, 2]]
)
def test_analyze_rejects_bad_bodies(client, body):
    r = client.post("/api/analyze", json=body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_parameter"


def test_analyze_and_store_with_token(writable):
    body = {"text": "A brand new report about nothing in particular.", "id": "new-1", "published": "2022-03-01"}
    r = writable.post("/api/analyze?store=true", json=body, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200
    assert r.json()["stored"]["status"] == "new"
    assert writable.get("/api/articles/new-1").json()["text"] == body["text"]


def test_ingest_with_token(writable):
    articles = [{"text": f"Report {n} on the weather in a quiet week.", "id": f"w{n}"} for n in range(3)]
    r = writable.post("/api/articles", json={"articles": articles}, headers={"X-API-Token": "s3cret"})
    assert r.status_code == 201
    assert [s["status"] for s in r.json()["stored"]] == ["new", "new", "new"]
    assert writable.get("/api/articles").json()["total"] == 9
    again = writable.post("/api/articles", json={"articles": articles[:1]}, headers={"X-API-Token": "s3cret"})
    assert again.json()["stored"][0]["status"] == "duplicate"


def test_openapi_documents_every_endpoint(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/articles", "/api/articles/{ref}", "/api/events", "/api/quotes", "/api/actors/{actor}",
            "/api/ties", "/api/ties/period", "/api/network", "/api/analyze"} <= paths
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert op.get("summary"), path


def test_dashboard_is_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert "http" not in page.text.split("<body>")[0].replace('http-equiv', '')
    for name in ("app.js", "dom.js", "chart.js", "network.js", "highlight.js", "style.css"):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200
        assert "https://" not in r.text and "http://" not in r.text.replace("http://www.w3.org/2000/svg", "")


# --------------------------------------------------------------------------------------
# Cache and command line


@pytest.mark.parametrize("url", ["/api/network", "/api/events?actor=CHN&limit=3", "/api/quotes?q=price"])
def test_reads_are_cached(client, url):
    client.app.state.cache.clear()
    first = client.get(url)
    second = client.get(url)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert first.content == second.content
    assert second.headers["content-type"] == first.headers["content-type"]
    as_csv = client.get(url, headers={"Accept": "text/csv"})
    assert as_csv.headers["x-cache"] == "miss" and as_csv.headers["content-type"].startswith("text/csv")


def test_cache_can_be_turned_off(db_path):
    with TestClient(create_app(ApiSettings(db=str(db_path), cache_seconds=0))) as c:
        assert "x-cache" not in c.get("/api/network").headers
        assert "x-cache" not in c.get("/api/network").headers


def test_errors_are_not_cached(client):
    assert client.get("/api/articles/nope").status_code == 404
    assert client.get("/api/articles/nope").headers["x-cache"] == "miss"


def test_aggregates_are_cached_and_writes_clear_them(writable):
    first = writable.get("/api/network").json()
    assert writable.get("/api/network").json() == first
    record = {"text": "Fresh text.", "id": "fresh"}
    writable.app.state.analyzer._factory = lambda: StoringAnalyzer()
    writable.app.state.analyzer._analyzer = None
    r = writable.post("/api/articles", json={"articles": [record]}, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 201
    after = writable.get("/api/network").json()
    edges = {(e["source"], e["target"]): e["events"] for e in after["edges"]}
    assert edges[("FRA", "RUS")] == 1  # the new article's event shows at once


def test_a_write_by_another_process_makes_cached_answers_stale(tmp_path):
    path = tmp_path / "g.db"
    build_store(path)
    with TestClient(create_app(ApiSettings(db=str(path), cache_seconds=3600))) as c:
        c.app.state.generation.interval = 0  # check the store's generation on every request
        first = c.get("/api/articles")
        assert c.get("/api/articles").headers["x-cache"] == "hit"
        with open_store(str(path)) as other:  # another writer: not through the API
            other.add(Article(text="A later report on talks.", id="later", title="Later", published="2022-05-01"),
                      Analysis("later", "Later", "2022-05-01"), model="test")
        again = c.get("/api/articles")
        assert again.headers["x-cache"] == "miss"
        assert again.json()["total"] == first.json()["total"] + 1
        assert c.get("/api/articles").headers["x-cache"] == "hit"


def test_response_cache_is_bounded_in_bytes():
    from eventwire.api.deps import ResponseCache

    cache = ResponseCache(ttl=60, size=100, max_bytes=250)
    for n in range(5):
        cache.put(n, b"x" * 100, generation=1, nbytes=100)
    assert [cache.get(n, 1) for n in range(5)] == [None, None, None, b"x" * 100, b"x" * 100]
    assert cache.get(4, 2) is None  # another generation: stale, and dropped
    assert cache.get(4, 1) is None


def test_workers_share_answers_through_one_file(tmp_path):
    path = tmp_path / "w.db"
    build_store(path)
    settings = ApiSettings(db=str(path), cache_seconds=3600, shared_cache=str(tmp_path / "answers.db"))
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        for c in (one, two):
            c.app.state.generation.interval = 0
        first = one.get("/api/articles", params={"limit": 2})
        again = two.get("/api/articles", params={"limit": 2})  # the other worker: computed once
        assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
        assert again.content == first.content
        assert again.headers["content-type"] == first.headers["content-type"]
        assert two.get("/api/articles/nope").headers["x-cache"] == "miss"  # errors are not shared either
        with open_store(str(path)) as other:  # a write by a third process: stale in both workers
            other.add(Article(text="A later report on talks.", id="later", title="Later", published="2022-05-01"),
                      Analysis("later", "Later", "2022-05-01"), model="test")
        for c in (two, one):
            fresh = c.get("/api/articles", params={"limit": 2})
            assert fresh.json()["total"] == first.json()["total"] + 1
        assert [c.get("/api/articles", params={"limit": 2}).headers["x-cache"] for c in (one, two)] == ["hit", "hit"]


def test_a_broken_shared_cache_is_only_a_miss(tmp_path, db_path):
    settings = ApiSettings(db=str(db_path), cache_seconds=60, shared_cache=str(tmp_path / "missing" / "answers.db"))
    with TestClient(create_app(settings)) as c:
        first, second = c.get("/api/network?limit=5"), c.get("/api/network?limit=5")  # not a warmed view
        assert (first.status_code, second.status_code) == (200, 200)
        assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")  # the worker's own memory


def test_shared_answers_expire_and_follow_the_generation(tmp_path):
    from eventwire.api.deps import SharedAnswers

    shared = SharedAnswers(str(tmp_path / "a.db"))
    answer = (200, [(b"content-type", b"application/json")], b'{"a":1}')
    shared.put(("/api/x", b"", False), answer, 7, ttl=60)
    assert shared.get(("/api/x", b"", False), 7, ttl=60)[0] == answer
    assert shared.get(("/api/x", b"", False), 8, ttl=60) is None
    assert shared.get(("/api/x", b"", True), 7, ttl=60) is None
    assert shared.get(("/api/x", b"", False), 7, ttl=-1) is None


@pytest.mark.parametrize(
    "content",
    [{"items": [{"name": "Šefčovič — «quoted»", "lat": 50.4501, "n": 3, "none": None, "flag": True}], "total": 1},
     {"series": [{"start": "2022-01-03", "goldstein_mean": -2.25, "quad_classes": {"1": 0}}], "undated": None},
     [1.5, 0.1, -0.0, 1e-07, 123456789012], {}],
)
def test_orjson_answers_hold_what_json_would(content):
    from fastapi.responses import JSONResponse

    from eventwire.api.formats import FastJSONResponse

    assert json.loads(FastJSONResponse(content).body) == json.loads(JSONResponse(content).body) == content
    assert FastJSONResponse(content).media_type == "application/json"


def test_cached_and_fresh_answers_are_the_same_bytes(client, db_path):
    with TestClient(create_app(ApiSettings(db=str(db_path), cache_seconds=0))) as fresh:
        for url in ("/api/quotes?q=talks", "/api/ties/period?a=RUS&b=CHN&start=2022-01-03", "/api/articles/1",
                    "/api/events?actor=RUS&format=csv", "/api/articles/nope"):
            client.get(url)
            cached, computed = client.get(url), fresh.get(url)
            assert (cached.status_code, cached.content) == (computed.status_code, computed.content), url
            assert cached.headers["content-type"] == computed.headers["content-type"]


@pytest.mark.parametrize("missing, expected", [((), ("uvloop", "httptools")), (("uvloop", "httptools"), ("asyncio", "h11")),
                                               (("httptools",), ("uvloop", "h11"))])
def test_serve_uses_uvloop_and_httptools_when_installed(monkeypatch, missing, expected):
    import importlib.util

    from eventwire.cli import serve

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in missing else real(name, *a))
    if not missing and (real("uvloop") is None or real("httptools") is None):
        pytest.skip("uvloop or httptools not installed")
    options = serve.server_options()
    assert (options["loop"], options["http"]) == expected


def test_serve_with_workers_shares_answers_in_a_removed_folder(db_path, monkeypatch):
    import os

    from click.testing import CliRunner

    from eventwire.cli import main

    seen = {}

    def fake_run(app, **kwargs):
        seen["app"] = app
        seen.update(kwargs)
        seen["settings"] = ApiSettings.from_json(os.environ["EVENTWIRE_SERVE_SETTINGS"])
        seen["folder_existed"] = os.path.isdir(os.path.dirname(seen["settings"].shared_cache))

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.delenv("EVENTWIRE_SERVE_SETTINGS", raising=False)
    result = CliRunner().invoke(main, ["serve", "--db", str(db_path), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert seen["app"] == "eventwire.api.app:app_from_env" and seen["workers"] == 2
    assert seen["loop"] in ("uvloop", "asyncio") and seen["http"] in ("httptools", "h11")
    assert seen["folder_existed"] and not os.path.exists(os.path.dirname(seen["settings"].shared_cache))
    monkeypatch.delenv("EVENTWIRE_SERVE_SETTINGS", raising=False)


class StoringAnalyzer:
    model_name = "fake-1"

    def analyze(self, article):
        event = Event(ActorRef("France", "FRA", None, "FRA"), ActorRef("Russia", "RUS", None, "RUS"), "111", "11",
                      "ACCUSE", None, -2.0, 3, "2022-02-02", "text", None, False, "asserted", article.text,
                      (0, len(article.text)), "test")
        return Analysis(article.id, article.title, "2022-02-02", events=(event,))


def test_serve_command_builds_the_app(db_path, monkeypatch):
    from click.testing import CliRunner

    from eventwire.cli import main

    seen = {}

    def fake_run(app, **kwargs):
        seen["app"] = app
        seen.update(kwargs)

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setenv("MY_TOKEN", "t0ken")
    result = CliRunner().invoke(
        main, ["serve", "--db", str(db_path), "--port", "8123", "--token-env", "MY_TOKEN", "--cors", "https://a.example"]
    )
    assert result.exit_code == 0, result.output
    settings = seen["app"].state.settings
    assert (settings.token, settings.cors_origins, seen["host"], seen["port"]) == ("t0ken", ("https://a.example",), "127.0.0.1", 8123)
    assert "read-write" in result.output


def test_serve_help_lists_every_option():
    from click.testing import CliRunner

    from eventwire.cli import main

    text = CliRunner().invoke(main, ["serve", "--help"]).output
    for option in ("--db", "--host", "--port", "--token-env", "--cors", "--max-body", "--cache-seconds", "--workers"):
        assert option in text


# --------------------------------------------------------------------------------------
# The same answers from PostgreSQL


@pytest.fixture(scope="module")
def pg_client():
    import os

    from storekit import PG_ENV, pg_schema_url

    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (run scripts/start_postgres.sh)")
    with pg_schema_url(base) as url:
        build_store(url)
        with TestClient(create_app(ApiSettings(db=url, cache_seconds=0), analyzer_factory=FakeAnalyzer)) as c:
            yield c


def _summary(url: str, body: dict):
    """What must agree between backends (orders that depend on ranking are sorted)."""
    if "items" in body:
        return sorted(json.dumps(i, sort_keys=True) for i in body["items"]), body["total"]
    return {k: v for k, v in body.items() if k != "analysed_at"}


@pytest.mark.postgres
@pytest.mark.parametrize(
    "url",
    [
        "/api/events?limit=100", "/api/events?actor=RUS&include_negated=true", "/api/events?dyad=RUS,CHN&quad_class=2",
        "/api/events?plover=CONSULT", "/api/events?place=donetsk", "/api/events?since=2022-01&until=2022-01",
        "/api/quotes?q=partnership", "/api/quotes?q=countries", "/api/quotes?speaker=Peskov", "/api/quotes?speaker_code=CHN",
        "/api/ties?a=RUS&b=CHN", "/api/ties?a=RUS&b=CHN&interval=day", "/api/ties", "/api/network", "/api/actors",
        "/api/actors/RUS", "/api/articles", "/api/articles/ru-cn-call", "/api/ties/period?a=RUS&b=CHN&start=2022-01-03",
        "/api/events?actor=%27%20OR%201%3D1%20--",
    ],
)
def test_postgres_answers_like_sqlite(client, pg_client, url):
    lite, pg = client.get(url), pg_client.get(url)
    assert lite.status_code == pg.status_code == 200
    assert _summary(url, pg.json()) == _summary(url, lite.json())


def test_settings_for_worker_processes_never_carry_the_token(db_path, monkeypatch):
    from eventwire.api.app import app_from_env

    settings = ApiSettings(db=str(db_path), token="secret-value", cors_origins=("https://a.example",), token_env="TOK")
    text = settings.to_json()
    assert "secret-value" not in text
    monkeypatch.setenv("EVENTWIRE_SERVE_SETTINGS", text)
    monkeypatch.setenv("TOK", "secret-value")
    app = app_from_env()
    assert app.state.settings == settings


def test_identical_requests_share_one_answer(db_path, monkeypatch):
    import asyncio

    import httpx

    from storekit import count_slow_network

    calls = count_slow_network(monkeypatch)
    app = create_app(ApiSettings(db=str(db_path)))

    async def run():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(*(http.get("/api/network?limit=7") for _ in range(8)))

    answers = asyncio.run(run())
    assert len(calls) == 1
    assert len({a.content for a in answers}) == 1
    assert sorted(a.headers["x-cache"] for a in answers) == ["hit"] * 7 + ["miss"]


def test_analyze_with_the_real_pipeline(tmp_path, analyzer):
    from pathlib import Path

    seed = Path(__file__).resolve().parents[2] / "shared" / "reference" / "seed-article.txt"
    if not seed.exists():
        pytest.skip("seed article not found")
    title, _, body = seed.read_text(encoding="utf-8").partition("\n")
    app = create_app(ApiSettings(db=str(tmp_path / "seed.db"), token="tok"), analyzer_factory=lambda: analyzer)
    with TestClient(app) as c:
        r = c.post("/api/analyze?store=true", json={"text": body.strip("\n"), "title": title, "published": "2021-12-15",
                                                      "id": "seed"}, headers={"Authorization": "Bearer tok"})
        assert r.status_code == 200
        record = r.json()
        assert record["stored"]["status"] == "new"
        stored = c.get("/api/articles/seed").json()
        # What the API stored and serves back is the record it returned, field for field.
        assert stored["text"] == body.strip("\n")
        for key in ("actors", "places", "times", "tone", "title", "published"):
            assert stored[key] == record[key], key
        for key in ("quotes", "events"):
            assert [{k: v for k, v in item.items() if k in old} for item, old in zip(stored[key], record[key])] == record[key]
        assert len(stored["events"]) == len(record["events"]) and len(stored["quotes"]) == len(record["quotes"])


@pytest.mark.parametrize(
    "url, shown",
    [("postgresql://ew:pa:ss@127.0.0.1:5432/db", "postgresql://ew:***@127.0.0.1:5432/db"),
     ("postgresql://ew@127.0.0.1/db", "postgresql://ew@127.0.0.1/db"), ("/data/events.db", "/data/events.db")],
)
def test_serve_never_prints_a_password(url, shown):
    from eventwire.cli.serve import redact

    assert redact(url) == shown


def test_dashboard_modules_import_what_they_export():
    """Without a browser: every name a dashboard module imports is exported by its source."""
    import re
    from pathlib import Path

    from eventwire.api.app import dashboard_dir

    folder = Path(str(dashboard_dir()))
    exported = {
        f.name: set(re.findall(r"^export (?:async )?(?:function|const|class|let) (\w+)", f.read_text(), re.M))
        | {n.strip() for group in re.findall(r"^export \{([^}]*)\}", f.read_text(), re.M) for n in group.split(",")}
        for f in folder.glob("*.js")
    }
    imports = 0
    for f in folder.glob("*.js"):
        for names, module in re.findall(r'^import \{([^}]*)\} from "\./([\w.]+)";', f.read_text(), re.M):
            for name in (n.strip() for n in names.split(",") if n.strip()):
                assert name in exported[module], f"{f.name} imports {name} from {module}"
                imports += 1
    assert imports > 10
    html = (folder / "index.html").read_text()
    assert '<script type="module" src="/static/app.js">' in html
