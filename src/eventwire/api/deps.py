"""Per-request resources: a store connection from a small pool, the lazy analyzer."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import OrderedDict
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

    def __init__(self, ttl: float = 5.0, size: int = 8192, max_bytes: int = 64 * 2**20):
        self.ttl = ttl
        self.size = size
        self.max_bytes = max_bytes
        self._items: "OrderedDict[Any, tuple[float, Any, Any, int]]" = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Any, generation: Any = None) -> Any:
        if self.ttl <= 0:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if time.monotonic() - item[0] > self.ttl or item[1] != generation:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return item[2]

    def put(self, key: Any, value: Any, generation: Any = None, nbytes: int = 0) -> None:
        if self.ttl <= 0 or nbytes > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic(), generation, value, nbytes)
            self._bytes += nbytes
            while len(self._items) > self.size or self._bytes > self.max_bytes:
                self._drop(next(iter(self._items)))

    def _drop(self, key: Any) -> None:
        self._bytes -= self._items.pop(key)[3]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


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
_NOT_CACHED = ("/api/health",)


class ResponseCacheMiddleware:
    """Serve repeated ``GET /api/...`` requests from :class:`ResponseCache`.

    The key is the path, the query string and whether CSV was asked for in the
    ``Accept`` header; only 200 answers are kept, with the store generation they were
    computed at (``generation()``), and reused only at that generation. Answers carry ``X-Cache: hit|miss``.
    Identical requests that arrive while the first is being answered wait for it
    instead of running the same query again.
    """

    def __init__(self, app, cache: ResponseCache, generation: Optional[Callable[[], Any]] = None):
        self.app = app
        self.cache = cache
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
        hit = self.cache.get(key, generation)
        if hit is not None:
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"x-cache", b"hit")]})
            await send({"type": "http.response.body", "body": body})
            return
        leader = pending is None
        if leader:
            self._inflight[key] = asyncio.get_running_loop().create_future()
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                message = {**message, "headers": [*message.get("headers", ()), (b"x-cache", b"miss")]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    body = b"".join(chunks)
                    self.cache.put(key, (200, list(start.get("headers", ())), body), generation, len(body))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if leader:
                self._inflight.pop(key).set_result(None)
