"""The dashboard's default views, answered at start-up and kept fresh after writes;
the thread pool size and the switch interval; the answers shared between workers, read
and written off the event loop; the most active pair as the default ties."""

from __future__ import annotations

import asyncio
import time

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from eventwire.api import ApiSettings, create_app  # noqa: E402
from eventwire.api.app import WARM_TARGETS, keep_warm, warm  # noqa: E402
from eventwire.store import open_store, queries  # noqa: E402
from storekit import corpus, count_slow_network, synthetic_article  # noqa: E402


def build(path, n_synthetic: int = 4) -> None:
    with open_store(str(path)) as s:
        for art, analysis in corpus():
            s.add(art, analysis, model="test")
        for i in range(n_synthetic):
            s.add(*synthetic_article(i))


def url(path: str, query: str) -> str:
    return path + ("?" + query if query else "")


def test_default_views_are_answered_before_the_first_request(tmp_path):
    build(tmp_path / "s.db")
    with TestClient(create_app(ApiSettings(db=str(tmp_path / "s.db"), cache_seconds=300))) as c:
        for path, query in WARM_TARGETS:
            answer = c.get(url(path, query))
            assert answer.status_code == 200
            assert answer.headers["x-cache"] == "hit", (path, query)
        assert c.get("/api/network?limit=9").headers["x-cache"] == "miss"  # only those


@pytest.mark.parametrize("settings", [{"cache_seconds": 0}, {"cache_seconds": 300, "warm": False}])
def test_no_warming_without_cache_or_when_off(tmp_path, settings):
    build(tmp_path / "s.db")
    with TestClient(create_app(ApiSettings(db=str(tmp_path / "s.db"), **settings))) as c:
        assert c.get("/api/network").headers.get("x-cache") in (None, "miss")


def test_warm_views_follow_a_write(tmp_path):
    path = tmp_path / "s.db"
    build(path, n_synthetic=2)
    app = create_app(ApiSettings(db=str(path), cache_seconds=300))
    with TestClient(app) as c:
        app.state.generation.interval = 0
        before = c.get("/api/ties").json()
        summary = c.get("/api/summary").json()
        # Another process writes: the pair's counts change, the warmed answers are stale.
        with open_store(str(path)) as other:
            for i in range(2, 30):
                other.add(*synthetic_article(i))
            expected = queries.most_active_pair(other)
            articles = other.counts()["articles"]
        after = c.get("/api/ties")  # never the stale answer (computed now, or re-warmed since)
        assert (after.json()["a"], after.json()["b"]) == expected
        assert after.json() != before
        assert c.get("/api/summary").json()["totals"]["articles"] == articles != summary["totals"]["articles"]


def test_refresh_recomputes_and_keep_warm_rewarms_after_a_write(tmp_path):
    path = tmp_path / "s.db"
    build(path, n_synthetic=2)
    app = create_app(ApiSettings(db=str(path), cache_seconds=300, warm=False))
    app.state.generation.interval = 0
    calls = []

    async def run():
        inner = app.state.cache.put_local

        def put(key, *args, **kwargs):
            calls.append(key[0])
            return inner(key, *args, **kwargs)

        app.state.cache.put_local = put
        assert await warm(app) == len(WARM_TARGETS)
        assert await warm(app) == len(WARM_TARGETS) and len(calls) == len(WARM_TARGETS)  # hits: not computed
        await warm(app, refresh=True)
        assert len(calls) == 2 * len(WARM_TARGETS)  # computed again
        task = asyncio.create_task(keep_warm(app, interval=0.01, min_gap=0))
        await asyncio.sleep(0.3)
        seen = len(calls)
        with open_store(str(path)) as other:
            other.add(*synthetic_article(40))
        deadline = time.monotonic() + 10
        while len(calls) < seen + len(WARM_TARGETS) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        task.cancel()
        return seen

    seen = asyncio.run(run())
    assert len(calls) >= seen + len(WARM_TARGETS)


def test_a_failing_view_does_not_stop_the_warming(tmp_path, monkeypatch):
    from eventwire.store import queries_web

    build(tmp_path / "s.db")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(queries_web, "network", broken)
    app = create_app(ApiSettings(db=str(tmp_path / "s.db"), cache_seconds=300))
    with TestClient(app, raise_server_exceptions=False) as c:  # started all the same
        assert c.get("/api/actors?limit=500").headers["x-cache"] == "hit"


@pytest.mark.parametrize("threads", [1, 3])
def test_the_thread_pool_has_the_set_size(tmp_path, threads):
    import anyio.to_thread

    build(tmp_path / "s.db", n_synthetic=0)
    with TestClient(create_app(ApiSettings(db=str(tmp_path / "s.db"), threads=threads))) as c:
        size = c.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)
        assert size == threads
        assert c.get("/api/articles").status_code == 200


def test_workers_compute_a_missing_answer_once(tmp_path, monkeypatch):
    """Two apps sharing an answer file (two workers): concurrent requests for one
    answer run the query once in all, the others wait for it."""
    import httpx

    build(tmp_path / "s.db")
    calls = count_slow_network(monkeypatch)
    settings = ApiSettings(db=str(tmp_path / "s.db"), cache_seconds=300, shared_cache=str(tmp_path / "answers.db"))
    apps = [create_app(settings), create_app(settings)]

    async def run():
        clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://test") for a in apps]
        try:
            first = asyncio.create_task(clients[0].get("/api/network?limit=5"))
            await asyncio.sleep(0.05)  # the first worker has claimed it
            rest = [clients[n % 2].get("/api/network?limit=5") for n in range(6)]
            return [await first, *await asyncio.gather(*rest)]
        finally:
            for c in clients:
                await c.aclose()

    answers = asyncio.run(run())
    assert len(calls) == 1
    assert len({a.content for a in answers}) == 1
    assert sorted(a.headers["x-cache"] for a in answers) == ["hit"] * 6 + ["miss"]


def test_a_worker_computes_itself_when_the_other_stores_nothing(tmp_path):
    from eventwire.api.deps import SharedAnswers

    shared = SharedAnswers(str(tmp_path / "a.db"))
    assert shared.claim("k", 1) is True
    assert shared.claim("k", 1) is False  # taken by the first
    assert shared.claim("k", 2) is True  # another generation: a new computation
    shared.release("k")
    assert shared.claim("k", 2) is True
    assert shared.claim("k", 2, stale=0.0) is True  # a claim left by a dead worker expires
    shared.close()


def test_a_cancelled_wait_leaves_nothing_behind(tmp_path):
    """A client that goes away while its worker waits for another worker's answer:
    the request's claim and in-flight mark are gone, the next request is answered."""
    from eventwire.api.deps import ResponseCache, ResponseCacheMiddleware, SharedAnswers

    calls = []

    async def app(scope, receive, send):
        calls.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    other = SharedAnswers(str(tmp_path / "a.db"))
    middleware = ResponseCacheMiddleware(app, ResponseCache(60, shared=SharedAnswers(str(tmp_path / "a.db"))),
                                         generation=lambda: 1, wait=30)
    scope = {"type": "http", "method": "GET", "path": "/api/x", "query_string": b"", "headers": []}
    sent = []

    async def send(message):
        sent.append(message)

    async def run():
        assert other.claim(("/api/x", b"", False), 1)  # another worker is computing it
        task = asyncio.create_task(middleware(scope, None, send))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert middleware._inflight == {}
        other.release(("/api/x", b"", False))  # the other worker gave up
        await middleware(scope, None, send)

    asyncio.run(run())
    assert calls == ["/api/x"] and sent[-1]["body"] == b"ok"
    other.close()


def test_the_shared_file_is_used_off_the_event_loop(tmp_path, monkeypatch):
    """Reads and writes of the answers shared between workers run on a thread of their
    own: the event loop goes on serving while SQLite works (and waits for the GIL)."""
    import threading

    from eventwire.api.deps import SharedAnswers

    build(tmp_path / "s.db")
    seen = []
    for name in ("get", "put", "claim", "release"):
        original = getattr(SharedAnswers, name)

        def spy(self, *args, _original=original, _name=name, **kwargs):
            seen.append((_name, threading.current_thread().name))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(SharedAnswers, name, spy)
    settings = ApiSettings(db=str(tmp_path / "s.db"), cache_seconds=300, shared_cache=str(tmp_path / "answers.db"),
                           warm=False)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        assert one.get("/api/articles?limit=3").headers["x-cache"] == "miss"
        assert two.get("/api/articles?limit=3").headers["x-cache"] == "hit"  # put before the request ended
        assert one.get("/api/articles?limit=3").headers["x-cache"] == "hit"  # its own memory: no file read
    names = {name for name, _ in seen}
    assert names == {"get", "put", "claim", "release"}
    assert all(thread.startswith("eventwire-answers") for _, thread in seen), seen
    assert len(seen) == 5  # one: get, claim, put, release; two: get (a hit)


@pytest.mark.parametrize("interval", [0.001, 0.002])
def test_the_switch_interval_is_set_while_serving(tmp_path, interval):
    import sys

    build(tmp_path / "s.db", n_synthetic=0)
    before = sys.getswitchinterval()
    with TestClient(create_app(ApiSettings(db=str(tmp_path / "s.db"), switch_interval=interval, warm=False))) as c:
        assert c.get("/api/health").status_code == 200
        assert sys.getswitchinterval() == pytest.approx(interval)
    assert sys.getswitchinterval() == pytest.approx(before)
