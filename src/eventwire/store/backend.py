"""Database connections for the store: SQLite (embedded default) and PostgreSQL.

Both backends offer the same small interface, with SQL written once using ``?``
placeholders and rows returned as dicts:

- ``query(sql, params)`` -> list of dicts, ``one(sql, params)`` -> dict or None,
  ``execute(sql, params)``, ``executemany(sql, rows)``;
- ``transaction()``: a context manager holding the store's write lock (SQLite
  ``BEGIN IMMEDIATE``; PostgreSQL a transaction-level advisory lock), committing on
  success and rolling back on any exception;
- ``savepoint()``: inside a transaction, a part that is rolled back alone on an
  exception (which still propagates), the rest of the transaction going on;
- ``migrate()``: apply the migration files not yet recorded in ``schema_version``.

Migration files live in ``migrations/``: ``NNNN_name.sql`` applies to both dialects,
``NNNN_name.sqlite.sql`` / ``NNNN_name.postgresql.sql`` to one. ``{{pk}}``,
``{{real}}`` and ``{{blob}}`` are rendered per dialect.

Error codes: E202 two migration files share a version; E203 no store at that path
(read-only open); E204 a migration file ends inside a statement; E205 cannot
connect to PostgreSQL; E206 the store's schema is older than this eventwire (open
it once for writing to migrate).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

from ..errors import StoreError

log = logging.getLogger(__name__)

# Any fixed number: the advisory lock that serialises writers on PostgreSQL.
PG_WRITE_LOCK = 7_415_200_301
PG_MIGRATION_LOCK = 7_415_200_302

DIALECT_TYPES = {
    "sqlite": {"pk": "INTEGER PRIMARY KEY", "real": "REAL", "blob": "BLOB"},
    "postgresql": {"pk": "BIGSERIAL PRIMARY KEY", "real": "DOUBLE PRECISION", "blob": "BYTEA"},
}
MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+?)(?:\.(sqlite|postgresql))?\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations_for(dialect: str, folder: Optional[Path] = None) -> list[Migration]:
    """The migrations of one dialect, in version order, with types rendered."""
    files = []
    if folder is None:
        root = resources.files("eventwire.store") / "migrations"
        entries = [(p.name, p) for p in root.iterdir()]
    else:
        entries = [(p.name, p) for p in Path(folder).iterdir()]
    for name, path in entries:
        m = MIGRATION_NAME.match(name)
        if not m or (m.group(3) and m.group(3) != dialect):
            continue
        files.append((int(m.group(1)), m.group(2), path.read_text(encoding="utf-8")))
    files.sort()
    versions = [v for v, _, _ in files]
    if len(set(versions)) != len(versions):
        raise StoreError(f"two migration files share a version for {dialect}: {versions}", code="E202")
    return [Migration(v, n, render(sql, dialect)) for v, n, sql in files]


def render(sql: str, dialect: str) -> str:
    types = DIALECT_TYPES[dialect]
    return re.sub(r"\{\{(\w+)\}\}", lambda m: types[m.group(1)], sql)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


SCHEMA_VERSION_SQL = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


class Backend:
    """Common code; subclasses implement the connection specifics."""

    dialect = ""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError

    def one(self, sql: str, params: Sequence[Any] = ()) -> Optional[dict[str, Any]]:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    def schema_version(self) -> int:
        if not self.table_exists("schema_version"):
            return 0
        return int(self.scalar("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version") or 0)

    def table_exists(self, name: str) -> bool:
        raise NotImplementedError

    def insert_ids(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
        """Insert rows under fresh ids and return the ids, in order."""
        ids = self.new_ids(table, len(rows))
        self.run_batch([insert_with_ids(table, columns, ids, rows)])
        return ids


class SQLiteBackend(Backend):
    dialect = "sqlite"

    def __init__(self, path: str, *, readonly: bool = False, timeout: float = 60.0):
        self.path = path
        self.readonly = readonly
        if readonly:
            if path != ":memory:" and not Path(path).exists():
                raise StoreError(f"no store at {path}", code="E203")
            uri = f"file:{Path(path).resolve().as_posix()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
        else:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.row_factory = _dict_row
        self.conn = conn
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            # WAL: readers never block the writer; NORMAL sync is safe against a
            # killed process (only a power cut can drop the last commits).
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")

    def query(self, sql, params=()):
        return self.conn.execute(sql, tuple(params)).fetchall()

    def execute(self, sql, params=()):
        self.conn.execute(sql, tuple(params))

    def executemany(self, sql, rows: Iterable[Sequence[Any]]):
        self.conn.executemany(sql, rows)

    def insert(self, sql, params=()) -> int:
        """Run an INSERT ... RETURNING id and return the id."""
        return self.conn.execute(sql, tuple(params)).fetchone()["id"]

    def run_batch(self, batch: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> None:
        """Run several statements, each over its rows, whose results are not needed."""
        for sql, rows in batch:
            if rows:
                self.conn.executemany(sql, rows)

    def new_ids(self, table: str, n: int) -> list[int]:
        """``n`` fresh ids for ``table`` (call inside :meth:`transaction`: the write
        lock keeps them free until they are used)."""
        top = self.scalar(f"SELECT COALESCE(MAX(id), 0) AS m FROM {table}")
        return list(range(top + 1, top + 1 + n))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def savepoint(self, name: str = "ew_part") -> Iterator[None]:
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        self.conn.execute(f"RELEASE {name}")

    def table_exists(self, name):
        return self.one("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,)) is not None

    def migrate(self, target: Optional[int] = None) -> list[int]:
        """Apply pending migrations (up to ``target``, default all); the versions applied."""
        applied = []
        with self.transaction():
            self.conn.execute(SCHEMA_VERSION_SQL)
            current = self.schema_version()
            for mig in migrations_for(self.dialect):
                if mig.version <= current or (target is not None and mig.version > target):
                    continue
                for statement in split_sqlite(mig.sql):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (mig.version, mig.name, now_iso()),
                )
                applied.append(mig.version)
        return applied

    def close(self):
        self.conn.close()


def insert_with_ids(table: str, columns: Sequence[str], ids: Sequence[int], rows) -> tuple[str, list]:
    """The statement and rows inserting ``rows`` under ids already drawn."""
    sql = f"INSERT INTO {table} (id, {', '.join(columns)}) VALUES ({', '.join('?' * (len(columns) + 1))})"
    return sql, [(i, *row) for i, row in zip(ids, rows)]


def _dict_row(cursor, row):
    return {d[0]: v for d, v in zip(cursor.description, row)}


def split_sqlite(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies stay whole)."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        raise StoreError(f"incomplete SQL statement in migration: {buf[:80]!r}", code="E204")
    return statements


class PostgresBackend(Backend):
    dialect = "postgresql"

    def __init__(self, url: str, *, readonly: bool = False):
        import psycopg
        from psycopg.rows import dict_row

        self.url = url
        self.readonly = readonly
        try:
            self.conn = psycopg.connect(url, row_factory=dict_row, autocommit=True)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}".strip(), code="E205") from None
        if readonly:
            self.conn.execute("SET default_transaction_read_only = on")

    @staticmethod
    def _sql(sql: str, params) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if params else sql

    def query(self, sql, params=()):
        params = tuple(params)
        cur = self.conn.execute(self._sql(sql, params), params or None)
        return cur.fetchall() if cur.description else []

    def execute(self, sql, params=()):
        params = tuple(params)
        self.conn.execute(self._sql(sql, params), params or None)

    def executemany(self, sql, rows):
        rows = list(rows)
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(self._sql(sql, rows[0]), rows)

    def insert(self, sql, params=()) -> int:
        params = tuple(params)
        return self.conn.execute(self._sql(sql, params), params).fetchone()["id"]

    def run_batch(self, batch: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> None:
        """Run several statements, each over its rows, in one pipeline (one round trip)."""
        batch = [(sql, list(rows)) for sql, rows in batch if rows]
        if not batch:
            return
        with self.conn.pipeline(), self.conn.cursor() as cur:
            for sql, rows in batch:
                cur.executemany(self._sql(sql, rows[0]), rows)

    def new_ids(self, table: str, n: int) -> list[int]:
        """``n`` fresh ids for ``table``, drawn from its sequence in one round trip."""
        if n <= 0:
            return []
        rows = self.query("SELECT nextval(pg_get_serial_sequence(?, 'id')) AS id FROM generate_series(1, ?)", (table, n))
        return [r["id"] for r in rows]

    @contextlib.contextmanager
    def transaction(self, lock: int = PG_WRITE_LOCK) -> Iterator[None]:
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
            yield

    @contextlib.contextmanager
    def savepoint(self, name: str = "ew_part") -> Iterator[None]:
        with self.conn.transaction(savepoint_name=name):  # nested in a transaction: a savepoint
            yield

    def table_exists(self, name):
        return self.scalar("SELECT to_regclass(?) IS NOT NULL AS e", (name,)) is True

    def migrate(self, target: Optional[int] = None) -> list[int]:
        """Apply pending migrations (up to ``target``, default all); the versions applied."""
        applied = []
        with self.transaction(PG_MIGRATION_LOCK):
            self.conn.execute(SCHEMA_VERSION_SQL)
            current = self.schema_version()
            for mig in migrations_for(self.dialect):
                if mig.version <= current or (target is not None and mig.version > target):
                    continue
                self.conn.execute(mig.sql)
                self.conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (%s, %s, %s)",
                    (mig.version, mig.name, now_iso()),
                )
                applied.append(mig.version)
        return applied

    def close(self):
        self.conn.close()


def connect(url: str, *, readonly: bool = False) -> Backend:
    """A backend for ``url``: ``postgresql://...`` (or ``postgres://``), else a SQLite path."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(text, readonly=readonly)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    return SQLiteBackend(text, readonly=readonly)
