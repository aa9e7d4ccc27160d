"""PostgreSQL specifics. The store, dedup and query tests also run on PostgreSQL
(their ``store`` fixture is parametrised); these cover what only PostgreSQL has.

Run: ``export EVENTWIRE_TEST_PG="$(bash scripts/start_postgres.sh)"; python -m pytest -m postgres -q``.
Skipped when ``EVENTWIRE_TEST_PG`` is not set.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from eventwire.errors import StoreError
from eventwire.store import open_store, queries
from eventwire.store.backend import PostgresBackend, migrations_for

from storekit import PG_ENV, corpus, pg_schema_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url():
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (run scripts/start_postgres.sh)")
    with pg_schema_url(base) as url:
        yield url


def test_dialect_and_schema(pg_url):
    with open_store(pg_url) as s:
        assert isinstance(s.db, PostgresBackend) and s.dialect == "postgresql"
        versions = [r["version"] for r in s.db.query("SELECT version FROM schema_version ORDER BY version")]
        assert versions == [m.version for m in migrations_for("postgresql")]
        cols = {r["column_name"]: r["data_type"] for r in s.db.query(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = 'quotes'")}
        assert cols["tsv"] == "tsvector"
        assert s.db.scalar(
            "SELECT data_type AS t FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = 'articles' AND column_name = 'id'") == "bigint"


def test_postgres_scheme_alias(pg_url):
    with open_store(pg_url.replace("postgresql://", "postgres://", 1)) as s:
        assert s.dialect == "postgresql"


def test_unreachable_server_is_a_store_error():
    with pytest.raises(StoreError) as err:
        open_store("postgresql://nobody:x@127.0.0.1:1/none?connect_timeout=2")
    assert err.value.code == "E205"


def test_text_search_uses_english_stemming(pg_url):
    with open_store(pg_url) as s:
        for art, analysis in corpus():
            s.add(art, analysis)
        assert queries.list_quotes(s, search="limiting friendships").total == 1
        # Stop words are ignored on PostgreSQL.
        assert queries.list_quotes(s, search="the war crime").total == 1


def test_cluster_ids_come_from_the_sequence(pg_url):
    with open_store(pg_url) as s:
        with s.db.transaction():
            ids = s.db.insert_ids("event_clusters", ("source_key", "root", "cameo", "quad_class", "goldstein"),
                                  [("RUS", "04", "040", 1, 1.0), ("CHN", "04", "040", 1, 1.0)])
        assert ids[1] == ids[0] + 1
        for art, analysis in corpus():
            s.add(art, analysis)
        assert s.db.scalar("SELECT MIN(id) AS m FROM event_clusters WHERE num_mentions > 0") > ids[1]


MIGRATE = """
import sys
from eventwire.store import open_store
with open_store(sys.argv[1]) as s:
    print(s.schema_version())
"""


def test_concurrent_first_opens_migrate_once(pg_url):
    procs = [subprocess.Popen([sys.executable, "-c", MIGRATE, pg_url], stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    latest = max(m.version for m in migrations_for("postgresql"))
    assert [p.returncode for p in procs] == [0, 0, 0]
    assert outs == [str(latest)] * 3
    with open_store(pg_url) as s:
        assert s.db.scalar("SELECT COUNT(*) AS n FROM schema_version") == len(migrations_for("postgresql"))
