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
    """Recent answers of the read endpoints, reused for ``ttl`` seconds at most.

    Writes through this app clear it; another process writing to the store is seen
    within ``ttl``. ``ttl=0`` turns it off.
    """

    def __init__(self, ttl: float = 5.0, size: int = 256):
        self.ttl = ttl
        self.size = size
        self._items: "OrderedDict[Any, tuple[float, Any]]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        if self.ttl <= 0:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if time.monotonic() - item[0] > self.ttl:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: Any, value: Any) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._items[key] = (time.monotonic(), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_CACHED_PREFIX = "/api/"
_NOT_CACHED = ("/api/health",)


class ResponseCacheMiddleware:
    """Serve repeated ``GET /api/...`` requests from :class:`ResponseCache`.

    The key is the path, the query string and whether CSV was asked for in the
    ``Accept`` header; only 200 answers are kept. Answers carry ``X-Cache: hit|miss``.
    Identical requests that arrive while the first is being answered wait for it
    instead of running the same query again.
    """

    def __init__(self, app, cache: ResponseCache):
        self.app = app
        self.cache = cache
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
        hit = self.cache.get(key)
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
                    self.cache.put(key, (200, list(start.get("headers", ())), b"".join(chunks)))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if leader:
                self._inflight.pop(key).set_result(None)
