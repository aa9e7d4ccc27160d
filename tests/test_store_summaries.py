"""The read-side summaries the writer keeps (``actor_names``, migration 0010), the
most active pair, and the bounded full-text ranking: each equals the direct query,
on SQLite and (with ``EVENTWIRE_TEST_PG``) PostgreSQL, after writes and after the
migration's backfill of a store written before it."""

from __future__ import annotations

import dataclasses

import pytest

from eventwire.models import Actor, Quote, Speaker
from eventwire.store import open_store, queries
from eventwire.store.backend import connect
from storekit import (  # noqa: F401  (fixtures)
    check_consistency,
    corpus,
    near_copy,
    plain_analysis,
    store,
    store_url,
    synthetic_article,
)

ACTORS = ["RUS", "RUSGOV", "rus", "CHN", "USA", "IGO", "IGOWSTNAT", "Putin", "xi", "NATO", "nobody", "ZZZ"]


def names_table(store) -> list[tuple]:
    rows = store.db.query("SELECT name, code, country, n FROM actor_names ORDER BY name, code, country")
    return [(r["name"], r["code"], r["country"], int(r["n"])) for r in rows]


def names_direct(store) -> list[tuple]:
    rows = store.db.query(
        "SELECT name, code, COALESCE(country, '') AS country, COUNT(*) AS n FROM actors"
        " GROUP BY name, code, COALESCE(country, '') ORDER BY name, code, country"
    )
    return [(r["name"], r["code"], r["country"], int(r["n"])) for r in rows]


def check_summaries(store) -> None:
    check_consistency(store)
    assert names_table(store) == names_direct(store)
    for actor in ACTORS:
        for limit in (1, 3, 100):
            assert queries.actor_names(store, actor, limit) == queries.actor_names(store, actor, limit, direct=True), actor
    top = queries.top_relations(store, limit=1)
    assert queries.most_active_pair(store) == ((top[0]["a"], top[0]["b"]) if top else None)


def with_actor(art, analysis, actor: Actor):
    return art, dataclasses.replace(analysis, actors=(*analysis.actors, actor))


def test_an_empty_store(store):
    assert names_table(store) == []
    assert queries.most_active_pair(store) is None
    assert queries.actor_names(store, "RUS") == []


def test_summaries_follow_every_write(store):
    pairs = corpus()
    for art, analysis in pairs:
        store.add(art, analysis, model="test")
        check_summaries(store)
    # A duplicate changes nothing; a near-copy adds its actors again.
    art, analysis = pairs[0]
    store.add(art, analysis)
    store.add(near_copy(art), analysis)
    # An actor without a country, and one whose country is unknown but code is a country's.
    extra = Actor("a99", "Alliance spokesman", "IGOWSTNAT", None, None, "person", ((0, 5),))
    odd = Actor("a98", "Unnamed official", "RUSGOV", None, "GOV", "person", ((0, 5),))
    art2, analysis2 = synthetic_article(1)
    store.add(*with_actor(*with_actor(art2, analysis2, extra), odd))
    check_summaries(store)
    results = store.add_many([synthetic_article(i) for i in range(2, 8)])
    assert all(not isinstance(r, Exception) for r in results)
    check_summaries(store)


def test_a_failed_article_leaves_no_counts(store, monkeypatch):
    store.add(*synthetic_article(0))
    before = names_table(store)
    art, analysis = synthetic_article(1)
    art, analysis = with_actor(art, analysis, Actor("a9", "Ghost", "FRAGOV", "FRA", "GOV", "person", ()))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(store), "_insert_events", broken)
    results = store.add_many([(art, analysis)])
    assert isinstance(results[0], RuntimeError)
    assert names_table(store) == before  # rolled back with its article


def test_the_migration_fills_the_table_of_an_older_store(store_url):
    with open_store(store_url) as s:
        for art, analysis in corpus():
            s.add(art, analysis, model="test")
        for i in range(6):
            s.add(*synthetic_article(i))
        expected = names_direct(s)
    # Make it a store written before version 10, then open it again (migrates).
    db = connect(store_url)
    try:
        db.execute("DROP TABLE actor_names")
        db.execute("DELETE FROM schema_version WHERE version >= 10")
        assert db.schema_version() == 9
    finally:
        db.close()
    with open_store(store_url) as s:
        assert s.schema_version() >= 10
        assert names_table(s) == expected
        check_summaries(s)
        s.add(*synthetic_article(20))  # and it is kept up to date from there
        check_summaries(s)


def test_profile_names_come_from_the_summary(store):
    for art, analysis in corpus():
        store.add(art, analysis, model="test")
    profile = queries.actor_profile(store, "RUS", limit=5)
    assert profile["names"] == queries.actor_names(store, "RUS", 5, direct=True)
    assert profile["names"] and all(isinstance(r["n"], int) for r in profile["names"])


@pytest.mark.parametrize("ties", [False, True])
def test_most_active_pair_breaks_ties_like_top_relations(store, ties):
    for i in range(8 if ties else 11):
        store.add(*synthetic_article(i))
    top = queries.top_relations(store, limit=3)
    assert queries.most_active_pair(store) == (top[0]["a"], top[0]["b"])


# --- bounded full-text ranking (SQLite) ----------------------------------------------


def quote_store(path, n: int):
    s = open_store(str(path))
    for i in range(n):
        art, _ = synthetic_article(i)
        words = "grain corridor talks" if i % 3 else "grain corridor talks grain grain corridor"
        quote = Quote(f"{words} round {i}", "direct", (0, 10), "said", Speaker("Ana Example", None, None, "Example", (20, 27)))
        s.add(art, plain_analysis(art, (), (quote,)))
    return s


def search_ids(s, text: str, limit: int, offset: int, window=None) -> list[int]:
    match = " ".join(f'"{t}"' for t in queries.fts_terms(text))
    page = queries._search_quotes_sqlite(s.db, match, False, limit, offset, rank_window=window)
    return [q["id"] for q in page.items]


def test_ranking_is_unchanged_below_the_window(tmp_path):
    with quote_store(tmp_path / "q.db", 30) as s:
        full = s.db.query(
            "SELECT rowid AS id FROM quotes_fts WHERE quotes_fts MATCH ? ORDER BY rank, rowid DESC", ['"grain"']
        )
        assert search_ids(s, "grain", 50, 0) == [r["id"] for r in full]
        page = queries.list_quotes(s, search="grain", limit=10)
        assert page.total == 30 and [q["id"] for q in page.items] == [r["id"] for r in full][:10]


@pytest.mark.parametrize("window", [1, 7, 10, 29])
def test_ranking_window_pages_fit_together(tmp_path, window):
    with quote_store(tmp_path / "q.db", 30) as s:
        whole = search_ids(s, "grain corridor", 100, 0, window)
        assert sorted(whole) == list(range(1, 31))  # every match once
        pages = [i for off in range(0, 30, 4) for i in search_ids(s, "grain corridor", 4, off, window)]
        assert pages == whole
        newest = list(range(30, 30 - window, -1))
        assert sorted(whole[:window], reverse=True) == newest  # the window holds the newest matches
        ranked = s.db.query(
            "SELECT rowid AS id FROM quotes_fts WHERE quotes_fts MATCH ? AND rowid > ? ORDER BY rank, rowid DESC",
            ['"grain" "corridor"', 30 - window],
        )
        assert whole[:window] == [r["id"] for r in ranked]  # ranked among themselves
        assert whole[window:] == list(range(30 - window, 0, -1))  # then the older ones, newest first
