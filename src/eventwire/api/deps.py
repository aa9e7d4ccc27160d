"""Per-request resources: a store connection from a small pool, the lazy analyzer."""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import sqlite3
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncIterator, Callable, Optional

import anyio.to_thread
from fastapi import Request

from ..store import Store, open_store, queries_web

log = logging.getLogger(__name__)


class StorePool:
    """Read-only store connections, one per concurrent request, reused.

    A connection is used by one request at a time; the pool grows to the number of
    requests served at once (bounded by the server's thread pool) and keeps up to
    ``keep`` idle connections.
    """

    def __init__(self, url: str, *, keep: int = 64, opener: Callable[..., Store] = open_store):
        self.url = url
        self.keep = keep
        self._opener = opener
        self._idle: "queue.LifoQueue[Store]" = queue.LifoQueue()
        # Fail at start-up, not on the first request, when the store is missing or old.
        self.release(self._open())

    def _open(self) -> Store:
        store = self._opener(self.url, readonly=True)
        queries_web.tune_for_reading(store)
        return store

    def acquire(self) -> Store:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return self._open()

    async def acquire_async(self) -> Store:
        """An idle connection at once, or a new one opened in a worker thread."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return await anyio.to_thread.run_sync(self._open)

    def release(self, store: Store) -> None:
        if self._idle.qsize() >= self.keep:
            store.close()
        else:
            self._idle.put(store)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


async def read_store(request: Request) -> AsyncIterator[Store]:
    """Dependency: a read-only store for this request (used by one request at a time)."""
    pool: StorePool = request.app.state.pool
    store = await pool.acquire_async()
    try:
        yield store
    finally:
        pool.release(store)


class Writer:
    """The one writable store of the app, used under a lock (writes are serialised)."""

    def __init__(self, url: str):
        self.url = url
        self.lock = threading.Lock()
        self._store: Optional[Store] = None

    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class LazyAnalyzer:
    """The pipeline, loaded on first use and then kept; analyses run one at a time."""

    def __init__(self, model: Optional[str] = None, factory: Optional[Callable[[], Any]] = None):
        self.model = model
        self._factory = factory
        self._analyzer: Any = None
        self.lock = threading.Lock()

    def get(self) -> Any:
        # Called with self.lock held.
        if self._analyzer is None:
            if self._factory is not None:
                self._analyzer = self._factory()
            else:
                from ..pipeline import Analyzer

                log.info("loading the analysis pipeline")
                self._analyzer = Analyzer(self.model)
        return self._analyzer

    @property
    def loaded(self) -> bool:
        return self._analyzer is not None

    def analyze(self, article):
        with self.lock:
            return self.get().analyze(article)

    def model_name(self) -> Optional[str]:
        with self.lock:
            return getattr(self.get(), "model_name", None)


class ResponseCache:
    """Answers of the read endpoints, reused while the store is unchanged.

    Each answer is kept with the store's generation (a number every write to the
    store increases, :meth:`Store.generation`) and reused only while the generation
    is the same and for ``ttl`` seconds at most, so a write by any process (``eventwire
    ingest``, another server) is seen on the next generation check. Writes through
    this app also clear it. Bounded by ``size`` answers and ``max_bytes`` of bodies
    (least recently used first out). ``ttl=0`` turns it off.
    """

    def __init__(self, ttl: float = 5.0, size: int = 8192, max_bytes: int = 64 * 2**20,
                 shared: Optional["SharedAnswers"] = None):
        self.ttl = ttl
        self.size = size
        self.max_bytes = max_bytes
        self.shared = shared if ttl > 0 else None
        self._items: "OrderedDict[Any, tuple[float, Any, Any, int]]" = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._io: Optional[ThreadPoolExecutor] = None

    def get(self, key: Any, generation: Any = None) -> Any:
        hit = self.get_local(key, generation)
        if hit is not None or self.shared is None:
            return hit
        return self._adopt(key, generation, self.shared.get(key, generation, self.ttl))

    def get_local(self, key: Any, generation: Any = None) -> Any:
        """The answer in this process's memory, or None (the shared file is not read)."""
        if self.ttl <= 0:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                if time.monotonic() - item[0] <= self.ttl and item[1] == generation:
                    self._items.move_to_end(key)
                    return item[2]
                self._drop(key)
        return None

    def _adopt(self, key: Any, generation: Any, found: Optional[tuple[Any, float]]) -> Any:
        if found is None:
            return None
        value, age = found
        self._put(key, value, generation, _answer_bytes(value), time.monotonic() - age)
        return value

    def put(self, key: Any, value: Any, generation: Any = None, nbytes: int = 0) -> None:
        if self.put_local(key, value, generation, nbytes) and self.shared is not None:
            self.shared.put(key, value, generation, self.ttl)

    def put_local(self, key: Any, value: Any, generation: Any = None, nbytes: int = 0) -> bool:
        """Keep the answer in this process's memory; False when it is not kept."""
        if self.ttl <= 0 or nbytes > self.max_bytes:
            return False
        self._put(key, value, generation, nbytes, time.monotonic())
        return True

    # The shared file from the event loop: its reads and writes run on one thread of
    # their own, so that the loop goes on serving answers meanwhile (a SQLite call
    # gives the GIL up and waits to get it back from the request threads).

    def _offload(self, fn: Callable, *args) -> "asyncio.Future":
        if self._io is None:
            with self._lock:
                if self._io is None:
                    self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eventwire-answers")
        return asyncio.get_running_loop().run_in_executor(self._io, fn, *args)

    async def get_async(self, key: Any, generation: Any = None) -> Any:
        """:meth:`get` for the event loop."""
        hit = self.get_local(key, generation)
        if hit is not None or self.shared is None:
            return hit
        return self._adopt(key, generation, await self._offload(self.shared.get, key, generation, self.ttl))

    async def share_async(self, key: Any, value: Any, generation: Any = None) -> None:
        """Write an answer already kept by :meth:`put_local` to the shared file, from the event loop."""
        if self.shared is not None and self.ttl > 0 and _answer_bytes(value) <= self.max_bytes:
            await self._offload(self.shared.put, key, value, generation, self.ttl)

    async def claim_async(self, key: Any, generation: Any) -> bool:
        """:meth:`SharedAnswers.claim` for the event loop (True without a shared file)."""
        if self.shared is None:
            return True
        return await self._offload(self.shared.claim, key, generation)

    async def release_async(self, key: Any) -> None:
        if self.shared is not None:
            await self._offload(self.shared.release, key)

    def close(self) -> None:
        """Finish the shared file's pending writes, then close it."""
        if self._io is not None:
            self._io.shutdown(wait=True)
            self._io = None
        if self.shared is not None:
            self.shared.close()

    def _put(self, key: Any, value: Any, generation: Any, nbytes: int, stored: float) -> None:
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (stored, generation, value, nbytes)
            self._bytes += nbytes
            while len(self._items) > self.size or self._bytes > self.max_bytes:
                self._drop(next(iter(self._items)))

    def _drop(self, key: Any) -> None:
        self._bytes -= self._items.pop(key)[3]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def _answer_bytes(value: Any) -> int:
    try:
        return len(value[2])
    except (TypeError, IndexError):
        return 0


class SharedAnswers:
    """Answers shared by the worker processes of one server (``eventwire serve
    --workers N``): a small SQLite file that each worker's :class:`ResponseCache`
    looks in when its own memory misses and writes its new answers to, so an answer
    is computed once per server instead of once per worker.

    Entries carry the store generation and the time they were made and are used only
    at that generation and within the cache's ``ttl``, like the in-memory ones. It is
    only a cache: any error (a locked or lost file) counts as a miss or a skipped
    write, never as a failed request; a write that finds the file busy is dropped
    (no waiting). Values are ``(status, headers, body)`` answers.
    """

    def __init__(self, path: str, size: int = 8192):
        self.path = path
        self.size = size
        self._conn: Optional[sqlite3.Connection] = None
        self._lock = threading.Lock()
        self._puts = 0
        self._retry_at = 0.0

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            if time.monotonic() < self._retry_at:  # a file that cannot be opened: retried every 5 s
                raise sqlite3.OperationalError("shared answer cache unavailable")
            conn = None
            try:
                conn = sqlite3.connect(self.path, timeout=0.05, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=OFF")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, generation TEXT NOT NULL,"
                    " stored REAL NOT NULL, status INTEGER NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL)"
                )
                conn.execute(  # who is computing which answer (see claim)
                    "CREATE TABLE IF NOT EXISTS pending (key TEXT PRIMARY KEY, generation TEXT NOT NULL,"
                    " since REAL NOT NULL)"
                )
                conn.execute("PRAGMA busy_timeout=0")
            except sqlite3.Error:
                if conn is not None:
                    conn.close()
                self._retry_at = time.monotonic() + 5.0
                raise
            self._conn = conn
        return self._conn

    @staticmethod
    def _key(key: Any) -> str:
        return repr(key)

    def get(self, key: Any, generation: Any, ttl: float) -> Optional[tuple[Any, float]]:
        """``(answer, age in seconds)`` or None."""
        if not isinstance(generation, int):
            return None
        try:
            with self._lock:
                row = self._connection().execute(
                    "SELECT stored, status, headers, body FROM answers WHERE key = ? AND generation = ?",
                    (self._key(key), str(generation)),
                ).fetchone()
        except sqlite3.Error:
            log.debug("shared answer cache unreadable", exc_info=True)
            return None
        if row is None:
            return None
        age = time.time() - row[0]
        if age > ttl or age < -1:
            return None
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(row[2])]
        return (row[1], headers, bytes(row[3])), max(age, 0.0)

    def put(self, key: Any, value: Any, generation: Any, ttl: float) -> None:
        if not isinstance(generation, int):
            return
        status, headers, body = value
        now = time.time()
        try:
            with self._lock:
                conn = self._connection()
                conn.execute(
                    "INSERT OR REPLACE INTO answers (key, generation, stored, status, headers, body) VALUES (?, ?, ?, ?, ?, ?)",
                    (self._key(key), str(generation), now, int(status),
                     json.dumps([(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]), body),
                )
                self._puts += 1
                if self._puts % 512 == 0:  # keep the file bounded: stale first, then the oldest
                    conn.execute("DELETE FROM answers WHERE generation != ? OR stored < ?", (str(generation), now - ttl))
                    conn.execute(
                        "DELETE FROM answers WHERE key IN (SELECT key FROM answers ORDER BY stored DESC LIMIT -1 OFFSET ?)",
                        (self.size,),
                    )
        except sqlite3.Error:
            log.debug("shared answer cache not written", exc_info=True)

    def claim(self, key: Any, generation: Any, stale: float = 10.0) -> bool:
        """Take the computing of ``key`` at ``generation`` for this worker: False when
        another worker is computing it (claimed less than ``stale`` seconds ago), so
        this one can wait for its answer instead of computing it too. Any error: True."""
        if not isinstance(generation, int):
            return True
        now = time.time()
        try:
            with self._lock:
                cur = self._connection().execute(
                    "INSERT INTO pending (key, generation, since) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE"
                    " SET generation = excluded.generation, since = excluded.since"
                    " WHERE pending.generation != excluded.generation OR pending.since < ?",
                    (self._key(key), str(generation), now, now - stale),
                )
                return cur.rowcount > 0
        except sqlite3.Error:
            log.debug("shared answer cache: no claim", exc_info=True)
            return True

    def release(self, key: Any) -> None:
        """The computing of ``key`` is over (its answer stored, or none to store)."""
        try:
            with self._lock:
                self._connection().execute("DELETE FROM pending WHERE key = ?", (self._key(key),))
        except sqlite3.Error:
            log.debug("shared answer cache: claim not released", exc_info=True)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class GenerationWatch:
    """The store's current generation, read again at most every ``interval`` seconds
    (one indexed read of one row)."""

    def __init__(self, pool: "StorePool", interval: float = 0.5):
        self.pool = pool
        self.interval = interval
        self._value: Any = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def current(self) -> Any:
        now = time.monotonic()
        if now - self._checked < self.interval:
            return self._value
        with self._lock:
            if now - self._checked >= self.interval:
                store = self.pool.acquire()
                try:
                    self._value = store.generation()
                except Exception:  # an unreadable store: never reuse an answer
                    log.warning("cannot read the store's generation", exc_info=True)
                    self._value = object()
                finally:
                    self.pool.release(store)
                self._checked = time.monotonic()
            return self._value

    def invalidate(self) -> None:
        self._checked = float("-inf")


_CACHED_PREFIX = "/api/"
# A scope key: compute and store the answer even if one is cached.
REFRESH = "eventwire.refresh"
_NOT_CACHED = ("/api/health",)


async def _send_hit(send, hit) -> None:
    status, headers, body = hit
    await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"x-cache", b"hit")]})
    await send({"type": "http.response.body", "body": body})


class ResponseCacheMiddleware:
    """Serve repeated ``GET /api/...`` requests from :class:`ResponseCache`.

    The key is the path, the query string and whether CSV was asked for in the
    ``Accept`` header; only 200 answers are kept, with the store generation they were
    computed at (``generation()``), and reused only at that generation. Answers carry ``X-Cache: hit|miss``.
    Identical requests that arrive while the first is being answered wait for it
    instead of running the same query again: in this worker, and with a shared
    cache (several workers) in the others too, for ``wait`` seconds at most (a
    claim in :class:`SharedAnswers`). The shared file is read and written on a thread
    of its own (:meth:`ResponseCache.get_async` and the others), never on the event
    loop, and an answer is shared once the client has it.
    """

    def __init__(self, app, cache: ResponseCache, generation: Optional[Callable[[], Any]] = None,
                 wait: float = 5.0):
        self.app = app
        self.cache = cache
        self.wait = wait
        self.generation = generation or (lambda: None)
        self._inflight: dict[Any, asyncio.Future] = {}

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if (scope["type"] != "http" or scope.get("method") != "GET" or not path.startswith(_CACHED_PREFIX)
                or path in _NOT_CACHED or self.cache.ttl <= 0):
            await self.app(scope, receive, send)
            return
        accept = dict(scope.get("headers", ())).get(b"accept", b"")
        key = (path, scope.get("query_string", b""), b"text/csv" in accept and b"application/json" not in accept)
        pending = self._inflight.get(key)
        if pending is not None:
            await asyncio.shield(pending)
        generation = self.generation()
        # A refresh (the app's own warming, see app.warm) computes the answer again.
        refresh = scope.get(REFRESH)
        hit = None if refresh else self.cache.get_local(key, generation)
        if hit is None and not refresh and pending is None and self.cache.shared is not None:
            # Perhaps another worker has it; the loop serves other requests meanwhile.
            hit = await self.cache.get_async(key, generation)
            pending = self._inflight.get(key)
            if hit is None and pending is not None:  # a request of this worker started it meanwhile
                await asyncio.shield(pending)
                hit = self.cache.get_local(key, generation)
        if hit is not None:
            await _send_hit(send, hit)
            return
        leader = pending is None
        if leader:
            self._inflight[key] = asyncio.get_running_loop().create_future()
        claimed = False
        try:
            if leader and self.cache.shared is not None:
                claimed = await self.cache.claim_async(key, generation)
                if not claimed:  # another worker is computing it: wait for its answer
                    hit, claimed = await self._await_other_worker(key, generation)
                    if hit is not None:
                        await _send_hit(send, hit)
                        return
            await self._compute(key, generation, scope, receive, send)
        finally:
            if claimed:
                await self.cache.release_async(key)
            if leader:
                self._inflight.pop(key).set_result(None)

    async def _compute(self, key: Any, generation: Any, scope, receive, send) -> None:
        """Run the app and keep its answer (a 200) at ``generation``."""
        start: dict = {}
        chunks: list[bytes] = []
        answer: list = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                message = {**message, "headers": [*message.get("headers", ()), (b"x-cache", b"miss")]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    body = b"".join(chunks)
                    answer.append((200, list(start.get("headers", ())), body))
                    self.cache.put_local(key, answer[0], generation, len(body))
            await send(message)

        await self.app(scope, receive, capture)
        if answer:  # the client has its answer: now share it
            await self.cache.share_async(key, answer[0], generation)

    async def _await_other_worker(self, key: Any, generation: Any) -> tuple[Any, bool]:
        """``(answer, False)`` once the answer another worker is computing is in the
        shared cache; ``(None, True)`` when that worker gave up its claim without an
        answer (an error answer) and this one took it; ``(None, False)`` after
        ``self.wait`` seconds."""
        deadline = time.monotonic() + self.wait
        delay = 0.002
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.02)
            hit = await self.cache.get_async(key, generation)
            if hit is not None:
                return hit, False
            if await self.cache.claim_async(key, generation):  # released: answered just now, or not at all
                hit = await self.cache.get_async(key, generation)
                if hit is not None:
                    await self.cache.release_async(key)
                    return hit, False
                return None, True
        return None, False
        return None
