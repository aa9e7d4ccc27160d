"""The store writer: migrations, transactions, idempotence, URL merging, interruption."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from eventwire.errors import StoreError
from eventwire.models import Article
from eventwire.store import open_store, queries
from eventwire.store.backend import migrations_for, render, split_sqlite

from storekit import (  # noqa: F401  (fixtures)
    check_consistency,
    corpus,
    loaded,
    store,
    store_url,
    synthetic_article,
)

TESTS = Path(__file__).parent


# --- migrations ----------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migrations_are_ordered_and_rendered(dialect):
    migs = migrations_for(dialect)
    versions = [m.version for m in migs]
    assert versions == sorted(versions) and versions[0] == 1 and len(set(versions)) == len(versions)
    assert all("{{" not in m.sql for m in migs)
    own, other = ("INTEGER PRIMARY KEY", "BIGSERIAL") if dialect == "sqlite" else ("BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY")
    assert re.search(rf"^\s+id\s+{own}", migs[0].sql, re.M)
    assert not re.search(rf"^\s+id\s+{other}", migs[0].sql, re.M)


@pytest.mark.parametrize(
    "sql, dialect, expected",
    [
        ("id {{pk}}, x {{real}}, b {{blob}}", "sqlite", "id INTEGER PRIMARY KEY, x REAL, b BLOB"),
        ("id {{pk}}, x {{real}}, b {{blob}}", "postgresql", "id BIGSERIAL PRIMARY KEY, x DOUBLE PRECISION, b BYTEA"),
    ],
)
def test_render(sql, dialect, expected):
    assert render(sql, dialect) == expected


def test_split_sqlite_keeps_trigger_bodies_whole():
    script = textwrap.dedent(
        """
        -- a comment
        CREATE TABLE t (a TEXT);
        CREATE TRIGGER tr AFTER INSERT ON t BEGIN
            INSERT INTO t VALUES ('x;y');
        END;
        CREATE INDEX i ON t(a);
        """
    )
    parts = split_sqlite(script)
    assert len(parts) == 3
    assert parts[1].startswith("CREATE TRIGGER") and parts[1].rstrip().endswith("END;")


def test_migrate_from_empty_and_reopen(store_url):
    latest = max(m.version for m in migrations_for("sqlite"))
    with open_store(store_url) as s:
        assert s.schema_version() == latest
        rows = s.db.query("SELECT version FROM schema_version ORDER BY version")
        assert [r["version"] for r in rows] == [m.version for m in migrations_for(s.dialect)]
        s.add(*corpus()[0])
        before = s.counts()
    with open_store(store_url) as s:  # a second open applies nothing and keeps the data
        assert s.db.migrate() == []
        assert s.counts() == before
        assert s.db.scalar("SELECT COUNT(*) AS n FROM schema_version") == len(migrations_for(s.dialect))


@pytest.mark.parametrize("cache_kib", [8 * 1024, 64 * 1024])
def test_bulk_writes_get_a_larger_page_cache(store_url, cache_kib):
    with open_store(store_url) as s:
        s.tune_for_bulk_writes(cache_kib)
        if s.dialect == "sqlite":
            assert s.db.conn.execute("PRAGMA cache_size").fetchone()["cache_size"] == -cache_kib
        s.add(*corpus()[0])  # and the store still writes
        assert s.counts()["articles"] == 1


def test_readonly_open(tmp_path):
    with pytest.raises(StoreError) as err:
        open_store(str(tmp_path / "missing.db"), readonly=True)
    assert err.value.code == "E203"
    path = str(tmp_path / "events.db")
    with open_store(path) as s:
        s.add(*corpus()[0])
    with open_store(path, readonly=True) as r:
        assert queries.list_events(r).total > 0
        with pytest.raises(Exception):
            r.db.execute("DELETE FROM articles")


def test_readonly_refuses_an_old_schema(tmp_path):
    path = str(tmp_path / "events.db")
    with open_store(path) as s:
        s.db.execute("DELETE FROM schema_version WHERE version = (SELECT MAX(version) FROM schema_version)")
    with pytest.raises(StoreError) as err:
        open_store(path, readonly=True)
    assert err.value.code == "E206"


def test_sqlite_uses_wal(tmp_path):
    with open_store(str(tmp_path / "w.db")) as s:
        assert s.db.scalar("PRAGMA journal_mode") == "wal"


# --- adding articles -------------------------------------------------------------


def test_add_then_duplicate(store):
    art, analysis = corpus()[0]
    first = store.add(art, analysis, model="m")
    assert first.status == "new" and first.article_pk > 0 and first.events == len(analysis.events)
    assert store.has(art.content_hash)
    again = store.add(art, analysis, model="m")
    assert again.status == "duplicate" and again.article_pk == first.article_pk
    assert store.counts()["articles"] == 1


def test_round_trip_of_every_record(loaded):
    for art, analysis in corpus():
        pk = loaded.results[art.id].article_pk
        assert queries.load_analysis(loaded, pk) == analysis


def test_ingesting_twice_changes_nothing(store):
    items = corpus()
    statuses = [store.add(a, an).status for a, an in items]
    counts = store.counts()
    clusters = store.db.query("SELECT * FROM event_clusters ORDER BY id")
    assert statuses == ["new"] * len(items)
    assert [store.add(a, an).status for a, an in items] == ["duplicate"] * len(items)
    assert store.counts() == counts
    assert store.db.query("SELECT * FROM event_clusters ORDER BY id") == clusters


@pytest.mark.parametrize(
    "variant",
    [
        lambda a: a,  # the same text
        lambda a: dataclasses.replace(a, text=a.text.upper()),  # case
        lambda a: dataclasses.replace(a, text=a.text.replace(" ", "  ").replace("\n\n", "\n \n")),  # spacing
        lambda a: dataclasses.replace(a, text=a.text.replace('"', "\u201c"), id="other-id"),  # curly quotes, new id
    ],
)
def test_exact_duplicates_keep_every_url(store, variant):
    art, analysis = corpus()[0]
    store.add(art, analysis)
    copy = dataclasses.replace(variant(art), url="https://mirror.example/copy")
    res = store.add(copy, analysis)
    assert res.status == "duplicate"
    urls = [r["url"] for r in store.db.query("SELECT url FROM article_urls ORDER BY url")]
    assert urls == sorted([art.url, "https://mirror.example/copy"])
    store.add(copy, analysis)  # the same URL again is not repeated
    assert store.counts()["article_urls"] == 2


def test_has_and_add_url(store):
    art, analysis = corpus()[1]
    assert not store.has(art.content_hash)
    assert store.add_url(art.content_hash, "https://x.example/1") is False  # unknown article
    store.add(art, analysis)
    assert store.add_url(art.content_hash, "https://x.example/1") is True
    assert store.add_url(art.content_hash, "https://x.example/1") is False
    assert store.add_url(art.content_hash, "") is False
    record = queries.get_article(store, art.id)
    assert record["urls"] == sorted([art.url, "https://x.example/1"])


def test_article_without_url_or_records(store):
    art = Article(text="A short notice with no events at all.", title="Notice")
    from storekit import plain_analysis

    res = store.add(art, plain_analysis(art))
    assert res.status == "new" and res.events == 0
    assert store.counts()["article_urls"] == 0
    assert queries.get_article(store, res.article_pk)["urls"] == []


def test_model_and_time_are_recorded(store):
    art, analysis = corpus()[0]
    pk = store.add(art, analysis, model="en_core_web_sm-3.8.0").article_pk
    row = store.db.one("SELECT model, analysed_at, source, published FROM articles WHERE id = ?", (pk,))
    assert row["model"] == "en_core_web_sm-3.8.0" and row["analysed_at"][:2] == "20"
    assert (row["source"], row["published"]) == (art.source, art.published)


def test_context_manager_closes(store_url):
    with open_store(store_url) as s:
        pass
    with pytest.raises(Exception):
        s.db.query("SELECT 1 AS x")


# --- interruption ----------------------------------------------------------------


class Boom(RuntimeError):
    pass


@pytest.mark.parametrize("stage", ["_signature_rows", "_record_rows", "_assign_clusters", "_recount"])
def test_failure_mid_article_writes_nothing(store, monkeypatch, stage):
    items = corpus()
    store.add(*items[0])
    before = store.counts()
    clusters = store.db.query("SELECT * FROM event_clusters ORDER BY id")

    def fail(*args, **kwargs):
        raise Boom(stage)

    monkeypatch.setattr(type(store), stage, fail)
    with pytest.raises(Boom):
        store.add(*items[1])
    assert store.counts() == before
    assert store.db.query("SELECT * FROM event_clusters ORDER BY id") == clusters
    assert not store.has(items[1][0].content_hash)
    monkeypatch.undo()
    # Rerunning completes the rest.
    assert store.add(*items[1]).status == "new"
    check_consistency(store)


def test_failure_on_a_bad_record_rolls_back(store):
    art, analysis = corpus()[0]
    bad = dataclasses.replace(analysis, events=analysis.events[:1] + (dataclasses.replace(analysis.events[1], cameo=None),))
    with pytest.raises(Exception):
        store.add(art, bad)
    assert store.counts()["articles"] == 0 and store.counts()["events"] == 0
    assert store.add(art, analysis).status == "new"


WRITER = """
import os, sys, time
from eventwire.store import Store, open_store
from storekit import synthetic_article
url, start, stop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pause_at = int(os.environ.get("PAUSE_AT", "-1"))
insert_events = Store._insert_events

def pausing(self, pk, analysis, *args):
    out = insert_events(self, pk, analysis, *args)
    if analysis.id == f"syn-{pause_at}":  # the article's rows are written, not committed
        print("paused", flush=True)
        time.sleep(60)
    return out

Store._insert_events = pausing
with open_store(url) as store:
    for i in range(start, stop):
        res = store.add(*synthetic_article(i, n_events=1 + i % 4))
        print(i, res.status, flush=True)
"""


def run_writer(url, start, stop, pause_at=-1, **kwargs):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
               PAUSE_AT=str(pause_at))
    return subprocess.Popen([sys.executable, "-c", WRITER, url, str(start), str(stop)], env=env,
                            stdout=subprocess.PIPE, text=True, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.02])
def test_sigkill_during_a_write_loop_leaves_a_consistent_store(store_url, delay):
    n = 100  # far more than can be written between the 8th line and the kill
    with open_store(store_url):
        pass  # migrate first, so the kill lands in the write loop
    proc = run_writer(store_url, 0, n)
    seen = 0
    for line in proc.stdout:
        seen += 1
        if seen >= 8:
            break
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with open_store(store_url) as s:
        stored = s.counts()["articles"]
        assert seen <= stored < n
        check_consistency(s)
        for row in s.db.query("SELECT id, article_id FROM articles"):
            i = int(row["article_id"].split("-")[1])
            assert s.db.scalar("SELECT COUNT(*) AS n FROM events WHERE article = ?", (row["id"],)) == 1 + i % 4
            assert s.db.scalar("SELECT COUNT(*) AS n FROM quotes WHERE article = ?", (row["id"],)) == 1
    # Rerunning the whole loop completes the rest; every article is stored once.
    rerun = run_writer(store_url, 0, n)
    out, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0
    statuses = [line.split()[1] for line in out.splitlines()]
    assert statuses.count("duplicate") == stored
    with open_store(store_url) as s:
        assert s.counts()["articles"] == n
        assert s.counts()["events"] == sum(1 + i % 4 for i in range(n))
        check_consistency(s)


@pytest.mark.slow
def test_sigkill_inside_the_transaction_loses_only_that_article(store_url):
    with open_store(store_url):
        pass
    proc = run_writer(store_url, 0, 20, pause_at=5)
    lines = []
    for line in proc.stdout:
        lines.append(line.split())
        if line.startswith("paused"):
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert [l[0] for l in lines] == ["0", "1", "2", "3", "4", "paused"]
    with open_store(store_url) as s:
        ids = {r["article_id"] for r in s.db.query("SELECT article_id FROM articles")}
        assert ids == {f"syn-{i}" for i in range(5)}
        assert s.counts()["events"] == sum(1 + i % 4 for i in range(5))
        check_consistency(s)
        assert s.add(*synthetic_article(5, n_events=1 + 5 % 4)).status == "new"


@pytest.mark.slow
def test_two_writer_processes_store_each_article_once(store_url):
    with open_store(store_url):
        pass
    procs = [run_writer(store_url, 0, 30), run_writer(store_url, 10, 40)]
    for p in procs:
        p.communicate(timeout=300)
        assert p.returncode == 0
    with open_store(store_url) as s:
        assert s.counts()["articles"] == 40
        assert s.counts()["events"] == sum(1 + i % 4 for i in range(40))
        check_consistency(s)


def test_generation_follows_every_write(store):
    art, analysis = corpus()[0]
    g0 = store.generation()
    store.add(art, analysis, model="m")
    g1 = store.generation()
    assert g1 > g0
    store.add(art, analysis, model="m")  # an exact duplicate, same URL: nothing changes
    assert store.generation() == g1
    assert store.add_url(art.content_hash, "https://mirror.example/a")
    g2 = store.generation()
    assert g2 > g1
    assert not store.add_url(art.content_hash, "https://mirror.example/a")
    assert store.generation() == g2


def test_relation_totals_follow_the_clusters(store):
    from storekit import synthetic_article

    for i in range(12):
        store.add(*synthetic_article(i))
    for art, analysis in corpus():
        store.add(art, analysis)
    check_consistency(store)  # relation_totals == GROUP BY over event_clusters
    assert store.db.scalar("SELECT COUNT(*) AS n FROM relation_totals") > 0


# --- batched writes ----------------------------------------------------------------


def _dump(store):
    """Every stored row but the write times (for comparing two stores)."""
    out = {}
    for table in ("articles", "article_urls", "actors", "quotes", "events", "event_clusters", "places", "times",
                  "article_minhash", "minhash_bands", "relation_totals"):
        rows = store.db.query(f"SELECT * FROM {table}")
        out[table] = sorted(repr(sorted((k, v) for k, v in r.items() if k != "analysed_at")) for r in rows)
    return out


def _workload():
    items = corpus() + [synthetic_article(i, n_events=1 + i % 3) for i in range(6)]
    art, analysis = items[0]
    near = dataclasses.replace(art, id="near", text=art.text + " More follows.", url="https://mirror.example/n")
    return items + [items[1], (near, dataclasses.replace(analysis, id="near"))]


@pytest.mark.parametrize("size", [1, 3, 50])
def test_add_many_stores_what_add_stores(store_url, tmp_path, size):
    from eventwire.store.store import prepare

    items = _workload()
    with open_store(str(tmp_path / "one.db")) as one:
        singles = [one.add(a, an, model="m") for a, an in items]
        expected = _dump(one)
    with open_store(store_url) as many:
        results = []
        for i in range(0, len(items), size):
            chunk = items[i:i + size]
            # prepared records and (article, analysis) pairs are both accepted
            chunk = [prepare(a, an) if n % 2 else (a, an) for n, (a, an) in enumerate(chunk)]
            results += many.add_many(chunk, model="m")
        assert [r.status for r in results] == [r.status for r in singles]
        assert "near-duplicate" in [r.status for r in results] and "duplicate" in [r.status for r in results]
        if many.dialect == "sqlite":
            assert _dump(many) == expected
        check_consistency(many)


def test_add_many_rolls_back_only_the_article_that_fails(store, monkeypatch):
    from eventwire.store.store import Store

    items = [synthetic_article(i, n_events=2) for i in range(5)]
    real = Store._insert_events

    def failing(self, pk, prepared, *args):
        if prepared.id == items[2][0].id:
            raise Boom("third article")
        return real(self, pk, prepared, *args)

    monkeypatch.setattr(Store, "_insert_events", failing)
    g0 = store.generation()
    results = store.add_many(items, model="m")
    assert [type(r).__name__ for r in results] == ["AddResult", "AddResult", "Boom", "AddResult", "AddResult"]
    assert not store.has(items[2][0].content_hash)
    assert store.counts()["articles"] == 4 and store.counts()["events"] == 8
    assert store.generation() == g0 + 1  # one batch, one new generation
    check_consistency(store)
    monkeypatch.undo()
    assert store.add_many([items[2]])[0].status == "new"
    assert store.counts()["events"] == 10


def test_add_many_of_stored_articles_changes_nothing(store):
    items = [synthetic_article(i) for i in range(3)]
    store.add_many(items)
    g = store.generation()
    assert [r.status for r in store.add_many(items)] == ["duplicate"] * 3
    assert store.generation() == g
    assert store.add_many([]) == []


def test_prepared_record_is_plain_and_matches_the_article():
    import pickle

    from eventwire.store.store import Prepared, prepare

    art, analysis = corpus()[0]
    p = prepare(art, analysis)
    assert p.content_hash == art.content_hash and p.id == art.id
    assert len(p.events) == len(p.keys) == len(p.seeds) == len(analysis.events)
    assert [len(rows) for rows in p.records] == [len(analysis.actors), len(analysis.quotes), len(analysis.places),
                                                  len(analysis.times)]
    back = pickle.loads(pickle.dumps(p))
    assert isinstance(back, Prepared) and back == p


def test_prepared_for_another_signature_length_is_recomputed(store_url):
    from eventwire.store import DedupConfig
    from eventwire.store.store import prepare

    art, analysis = corpus()[0]
    with open_store(store_url, config=DedupConfig(num_perm=64)) as s:
        s.add_many([prepare(art, analysis)])  # prepared with 128 permutations
        row = s.db.one("SELECT num_perm FROM article_minhash")
        assert row["num_perm"] == 64
