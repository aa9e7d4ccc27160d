"""Shared by the store tests: hand-built articles and analyses (no spaCy), and the
``store`` fixture that runs a test on SQLite and, when ``EVENTWIRE_TEST_PG`` is
set, on PostgreSQL (each test in a schema of its own).

The articles are original wire-style text written for these tests.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from contextlib import contextmanager
from typing import Optional
from urllib.parse import quote

import pytest

from eventwire.models import (
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
from eventwire.store import open_store

PG_ENV = "EVENTWIRE_TEST_PG"

# Goldstein score and QuadClass of the CAMEO roots used here (domain.md).
ROOTS = {
    "01": (0.0, 1), "03": (4.0, 1), "04": (1.0, 1), "05": (3.5, 1), "11": (-2.0, 3),
    "13": (-6.0, 3), "16": (-4.0, 4), "19": (-10.0, 4),
}

PUTIN = ("Vladimir Putin", "RUSGOV", "RUS")
XI = ("Xi Jinping", "CHNGOV", "CHN")
BIDEN = ("Joe Biden", "USAGOV", "USA")
KULEBA = ("Dmytro Kuleba", "UKRGOV", "UKR")
RUS_MIL = ("Russian forces", "RUSMIL", "RUS")
NATO = ("NATO", "IGOWSTNAT", None)

BEIJING = PlaceRef("Beijing", "CHN", 39.9, 116.4)
TIANJIN = PlaceRef("Tianjin", "CHN", 39.1, 117.2)  # ~110 km from Beijing
MOSCOW = PlaceRef("Moscow", "RUS", 55.76, 37.62)
WASHINGTON = PlaceRef("Washington", "USA", 38.9, -77.04)
KHARKIV = PlaceRef("Kharkiv", "UKR", 49.99, 36.23)

TEXTS = {
    "beijing-1": (
        "Putin and Xi pledge deeper partnership at Beijing talks",
        "BEIJING, Feb 4 - Russian President Vladimir Putin held talks with Chinese leader Xi Jinping in Beijing "
        "on Friday, hours before the opening ceremony of the Winter Olympics, and the two sides signed a joint "
        "statement on what they called a new era of international relations.\n\n"
        "\"Our friendship has no limits,\" Xi told Putin at the start of the meeting, according to a pool report.\n\n"
        "Kremlin spokesman Dmitry Peskov said later that the leaders had also agreed a long-term contract for gas "
        "supplies through a new pipeline, and that the talks had lasted more than three hours.",
    ),
    "beijing-2": (
        "Kremlin says Putin-Xi meeting was warm and substantive",
        "MOSCOW, Feb 5 - The Kremlin on Saturday described Vladimir Putin's meeting with Xi Jinping as warm and "
        "substantive, a day after the two presidents met in the Chinese capital.\n\n"
        "Peskov told reporters in Moscow that the Russian leader had briefed Xi on security proposals sent to "
        "Washington and that Beijing \"fully understands our concerns about NATO expansion\".\n\n"
        "Western diplomats said the joint statement was the most ambitious text the two governments had agreed in "
        "decades, though it contained few concrete commitments.",
    ),
    "sanctions": (
        "Biden warns Moscow of severe sanctions over Ukraine",
        "WASHINGTON, Jan 25 - U.S. President Joe Biden warned on Tuesday that Russia would face severe economic "
        "sanctions if its troops crossed into Ukraine, and said he could personally sanction Vladimir Putin.\n\n"
        "\"It would be the largest invasion since World War Two,\" Biden told reporters at a shop in Washington.\n\n"
        "Officials said the measures under discussion could cut Russian banks off from dollar transactions, "
        "but that no decision had been taken and that talks with European allies were continuing this week.",
    ),
    "kharkiv": (
        "Ukraine accuses Russia of shelling residential areas of Kharkiv",
        "KYIV, March 2 - Ukraine's foreign minister Dmytro Kuleba accused Russia on Wednesday of deliberately "
        "shelling residential districts of Kharkiv, the country's second city, as fighting continued on its "
        "outskirts for a sixth day.\n\n"
        "\"This is a war crime and the world must respond,\" Kuleba wrote in a statement.\n\n"
        "Regional officials said Russian forces had fired rockets at the city centre overnight and that "
        "emergency crews were still searching the rubble of an administrative building on Wednesday morning.",
    ),
}


def span_of(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    at = text.index(needle, start)
    return (at, at + len(needle))


def ref(actor: tuple[str, str, Optional[str]]) -> ActorRef:
    name, code, country = actor
    return ActorRef(name=name, code=code, country=country)


def event(
    source,
    target,
    cameo: str,
    date: Optional[str],
    *,
    place: Optional[PlaceRef] = None,
    negated: bool = False,
    modality: str = "asserted",
    sentence: str = "A sentence.",
    span: tuple[int, int] = (0, 11),
    date_source: str = "text",
) -> Event:
    root = cameo[:2]
    goldstein, quad = ROOTS[root]
    return Event(
        source=ref(source), target=ref(target) if target else None, cameo=cameo, root=root,
        plover=None, mode=None, goldstein=goldstein, quad_class=quad, date=date, date_source=date_source,
        place=place, negated=negated, modality=modality, sentence=sentence, span=span,
        evidence=f"test:{cameo}",
    )


def quote_of(text: str, content: str, speaker: Optional[str], *, mention: Optional[str] = None,
             code: Optional[str] = None, kind: str = "direct", cue: str = "said") -> Quote:
    sp = None
    if speaker is not None:
        mention = mention or speaker.split()[-1]
        sp = Speaker(speaker, code, None, mention, span_of(text, mention))
    return Quote(text=content, kind=kind, span=span_of(text, content), cue=cue, speaker=sp)


def sentence_event(text: str, sentence_part: str, *args, **kwargs) -> Event:
    """An event whose sentence and span are the sentence of ``text`` holding ``sentence_part``."""
    start, end = span_of(text, sentence_part)
    s0 = max(text.rfind("\n", 0, start) + 1, text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0)
    e1 = text.find(".", end)
    e1 = len(text) if e1 < 0 else e1 + 1
    return event(*args, sentence=text[s0:e1], span=(s0, e1), **kwargs)


def corpus() -> list[tuple[Article, Analysis]]:
    """Four articles with hand-built analyses (events, quotes, actors, places, times)."""
    out = []
    sources = {"beijing-1": "wire-a", "beijing-2": "wire-b", "sanctions": "wire-a", "kharkiv": "wire-c"}
    published = {"beijing-1": "2022-02-04", "beijing-2": "2022-02-05", "sanctions": "2022-01-25", "kharkiv": "2022-03-02"}
    for key, (title, text) in TEXTS.items():
        art = Article(text=text, id=key, title=title, published=published[key],
                      url=f"https://news.example/{sources[key]}/{key}", source=sources[key])
        out.append((art, build_analysis(key, art)))
    return out


def build_analysis(key: str, art: Article) -> Analysis:
    t = art.text
    if key == "beijing-1":
        events = (
            sentence_event(t, "held talks with", PUTIN, XI, "040", "2022-02-04", place=BEIJING),
            sentence_event(t, "signed a joint", PUTIN, XI, "057", "2022-02-04", place=BEIJING),
            sentence_event(t, "agreed a long-term", PUTIN, XI, "057", "2022-02-04"),
        )
        quotes = (
            quote_of(t, "Our friendship has no limits,", "Xi Jinping", mention="Xi", code="CHNGOV"),
            quote_of(t, "the leaders had also agreed a long-term contract", "Dmitry Peskov",
                     mention="Dmitry Peskov", code="RUSGOV", kind="indirect"),
        )
        actors = (
            Actor("a1", "Vladimir Putin", "RUSGOV", "RUS", "GOV", "person", (span_of(t, "Vladimir Putin"),)),
            Actor("a2", "Xi Jinping", "CHNGOV", "CHN", "GOV", "person", (span_of(t, "Xi Jinping"),)),
        )
        places = (Place("Beijing", "CHN", 39.9, 116.4, "city", span_of(t, "Beijing", 10)),)
        times = (TimeExpr("on Friday", "2022-02-04", span_of(t, "on Friday")),)
    elif key == "beijing-2":
        events = (
            # The same meeting, reported the day after: joins beijing-1's 04 event.
            sentence_event(t, "the two presidents met", XI, PUTIN, "040", "2022-02-04", place=BEIJING),
            sentence_event(t, "briefed Xi", PUTIN, XI, "010", "2022-02-04"),
        )
        quotes = (quote_of(t, "fully understands our concerns about NATO expansion", "Dmitry Peskov",
                           mention="Peskov", code="RUSGOV"),)
        actors = (Actor("a1", "Vladimir Putin", "RUSGOV", "RUS", "GOV", "person", (span_of(t, "Vladimir Putin"),)),)
        places = (Place("Moscow", "RUS", 55.76, 37.62, "city", span_of(t, "Moscow", 10)),)
        times = ()
    elif key == "sanctions":
        events = (
            sentence_event(t, "warned on Tuesday", BIDEN, PUTIN, "138", "2022-01-25", place=WASHINGTON),
            sentence_event(t, "could personally", BIDEN, PUTIN, "163", None, modality="hypothetical"),
            sentence_event(t, "no decision had been", BIDEN, PUTIN, "163", "2022-01-25", negated=True),
        )
        quotes = (quote_of(t, "It would be the largest invasion since World War Two,", "Joe Biden",
                           mention="Biden", code="USAGOV"),)
        actors = (Actor("a1", "Joe Biden", "USAGOV", "USA", "GOV", "person", (span_of(t, "Joe Biden"),)),)
        places = (Place("Washington", "USA", 38.9, -77.04, "city", span_of(t, "Washington", 12)),)
        times = (TimeExpr("on Tuesday", "2022-01-25", span_of(t, "on Tuesday")),)
    elif key == "kharkiv":
        events = (
            sentence_event(t, "accused Russia", KULEBA, ("Russia", "RUS", "RUS"), "112", "2022-03-02"),
            sentence_event(t, "fired rockets", RUS_MIL, ("Ukraine", "UKR", "UKR"), "190", "2022-03-01", place=KHARKIV),
        )
        quotes = (quote_of(t, "This is a war crime and the world must respond,", "Dmytro Kuleba",
                           mention="Kuleba", code="UKRGOV", cue="wrote"),)
        actors = (Actor("a1", "Dmytro Kuleba", "UKRGOV", "UKR", "GOV", "person", (span_of(t, "Dmytro Kuleba"),)),)
        places = (Place("Kharkiv", "UKR", 49.99, 36.23, "city", span_of(t, "Kharkiv")),)
        times = ()
    else:
        raise KeyError(key)
    return Analysis(id=art.id, title=art.title, published=art.published, actors=actors, quotes=quotes,
                    events=events, places=places, times=times, tone=Tone(-0.5, 1.0, 1.5))


def near_copy(art: Article, *, suffix: str = "copy", url: Optional[str] = None, source: Optional[str] = None) -> Article:
    """The same wire story republished with small edits (a word, a dateline, a credit)."""
    text = art.text.replace(" on Friday", " on Friday evening").replace(" said ", " told reporters ", 1)
    text = text + "\n\n(Reporting by the Beijing bureau; editing by the desk)"
    return dataclasses.replace(
        art, text=text, id=f"{art.id}-{suffix}", url=url or f"https://mirror.example/{art.id}-{suffix}",
        source=source or "mirror",
    )


def plain_analysis(art: Article, events=(), quotes=()) -> Analysis:
    return Analysis(id=art.id, title=art.title, published=art.published, events=tuple(events), quotes=tuple(quotes))


def synthetic_article(i: int, *, n_events: int = 3) -> tuple[Article, Analysis]:
    """Article number ``i`` of a synthetic series (distinct texts; for write loops)."""
    countries = [("RUS", "Russia"), ("CHN", "China"), ("USA", "United States"), ("UKR", "Ukraine"),
                 ("FRA", "France"), ("TUR", "Turkey"), ("IND", "India"), ("BRA", "Brazil")]
    a, b = countries[i % 8], countries[(i * 3 + 1) % 8]
    if a == b:
        b = countries[(i + 1) % 8]
    words = " ".join(f"w{(i * 7919 + k * 104729) % 100003}" for k in range(40))
    text = (f"Officials from {a[1]} and {b[1]} met on day {i} of the series to discuss trade. {words}. "
            f"Talks are expected to continue next week, a spokesperson said.")
    art = Article(text=text, id=f"syn-{i}", title=f"{a[1]} and {b[1]} talks, report {i}",
                  published=f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}", url=f"https://syn.example/{i}", source=f"s{i % 5}")
    roots = ["04", "03", "11", "13", "19"]
    events = tuple(
        event((a[1], a[0] + "GOV", a[0]), (b[1], b[0] + "GOV", b[0]), roots[(i + k) % 5] + "0", art.published,
              sentence=f"Sentence {k} of article {i}.", span=(0, 10))
        for k in range(n_events)
    )
    quotes = (Quote(f"we discussed trade in round {i}", "direct", (0, 10), "said", Speaker("Ana Example", None, None, "Example", (20, 27))),)
    return art, plain_analysis(art, events, quotes)


# --- backends ------------------------------------------------------------------


@contextmanager
def pg_schema_url(base: str):
    """A URL whose connections use a fresh schema (dropped afterwards)."""
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote('-csearch_path=' + schema)}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """A fresh, empty store location: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "events.db")
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (run scripts/start_postgres.sh)")
    with pg_schema_url(base) as url:
        yield url


@pytest.fixture
def store(store_url):
    with open_store(store_url) as s:
        yield s


@pytest.fixture
def loaded(store):
    """A store holding :func:`corpus`, with the add results by article id."""
    results = {art.id: store.add(art, analysis, model="test") for art, analysis in corpus()}
    store.results = results
    return store


@pytest.fixture(scope="module", params=BACKENDS)
def corpus_store(request, tmp_path_factory):
    """Like ``loaded``, but shared by a module's tests: for tests that only read."""
    if request.param == "sqlite":
        url_cm = contextmanager(lambda: (yield str(tmp_path_factory.mktemp("corpus") / "events.db")))()
    else:
        base = os.environ.get(PG_ENV)
        if not base:
            pytest.skip(f"{PG_ENV} is not set (run scripts/start_postgres.sh)")
        url_cm = pg_schema_url(base)
    with url_cm as url, open_store(url) as s:
        s.results = {art.id: s.add(art, analysis, model="test") for art, analysis in corpus()}
        yield s


def check_consistency(store) -> None:
    """Invariants of any store, whatever happened to the writers."""
    db = store.db
    assert db.scalar("SELECT COUNT(*) AS n FROM events WHERE cluster_id IS NULL") == 0
    bad = db.query(
        "SELECT c.id FROM event_clusters c LEFT JOIN events e ON e.cluster_id = c.id"
        " GROUP BY c.id, c.num_mentions HAVING COUNT(e.id) <> c.num_mentions"
    )
    assert bad == [], f"clusters whose num_mentions is wrong: {bad}"
    totals = db.query(
        "SELECT source_key, target_key, quad_class, events, goldstein_sum FROM relation_totals"
        " WHERE events > 0 ORDER BY source_key, target_key, quad_class"
    )
    expected = db.query(
        "SELECT source_key, target_key, quad_class, COUNT(*) AS events, SUM(goldstein) AS goldstein_sum"
        " FROM event_clusters WHERE negated = 0 AND hypothetical = 0"
        " GROUP BY source_key, target_key, quad_class ORDER BY source_key, target_key, quad_class"
    )
    assert [(r["source_key"], r["target_key"], r["quad_class"], r["events"]) for r in totals] == [
        (r["source_key"], r["target_key"], r["quad_class"], r["events"]) for r in expected
    ], "relation_totals differs from event_clusters"
    for got, want in zip(totals, expected):
        assert abs(got["goldstein_sum"] - want["goldstein_sum"]) < 1e-6
    for table in ("actors", "quotes", "events", "places", "times", "article_urls", "article_minhash"):
        orphans = db.scalar(f"SELECT COUNT(*) AS n FROM {table} t LEFT JOIN articles a ON a.id = t.article WHERE a.id IS NULL")
        assert orphans == 0, f"orphan rows in {table}"


def count_slow_network(monkeypatch, delay: float = 0.3) -> list:
    """Make ``queries_web.network`` take ``delay`` seconds and record each call: the
    returned list grows by one per computation (for single-flight tests)."""
    import threading
    import time

    from eventwire.store import queries_web

    calls: list = []
    lock = threading.Lock()
    real = queries_web.network

    def slow_network(*args, **kwargs):
        with lock:
            calls.append(1)
        time.sleep(delay)
        return real(*args, **kwargs)

    monkeypatch.setattr(queries_web, "network", slow_network)
    return calls
