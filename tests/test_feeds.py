"""Feeds and fetching, against a local HTTP server on 127.0.0.1 only."""

from __future__ import annotations

import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.errors import EventwireError
from eventwire.feeds import FetchState, parse_feed, parse_interval, poll_feed, watch_once
from eventwire.fetch import Fetcher, FetchError, FetchPolicy
from eventwire.ingest import LocalRunner
from eventwire.store import open_store

from storekit import store_url  # noqa: F401  (fixture: SQLite, and PostgreSQL when EVENTWIRE_TEST_PG is set)

LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


def page(title: str, body: str, date: str = "2024-06-03") -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='article:published_time' content='{date}'></head>"
        f"<body><article><h1>{title}</h1>{paras}</article></body></html>"
    ).encode()


PAGES = {
    "/news/1.html": page(
        "Poland and Lithuania agree on border patrols",
        "Warsaw - Polish Prime Minister Donald Tusk met Lithuanian President Gitanas Nauseda in Warsaw on Monday.\n\n"
        "\"We will patrol the border together,\" Tusk said after the talks.",
    ),
    "/news/2.html": page(
        "Chile protests over pension reform",
        "Santiago - Thousands of protesters marched in Santiago on Sunday against a pension reform.\n\n"
        "Chilean police said the marches were peaceful.",
    ),
    "/private/3.html": page("Hidden", "This page is disallowed by robots.txt and must never be fetched."),
    "/news/big.html": page("Big", "Ghana " * 20000),
    "/news/image.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
}


def rss(base: str, items: list[str]) -> bytes:
    entries = "".join(
        f"<item><title>Item {p}</title><link>{base}{p}</link>"
        f"<pubDate>Mon, 03 Jun 2024 08:00:00 GMT</pubDate></item>"
        for p in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Test wire</title>"
        f"<link>{base}/</link><description>d</description>{entries}</channel></rss>"
    ).encode()


def atom(base: str, items: list[str]) -> bytes:
    entries = "".join(
        f"<entry><title>Item {p}</title><link href='{base}{p}'/><id>{base}{p}</id>"
        f"<updated>2024-06-03T08:00:00Z</updated></entry>"
        for p in items
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>Atom wire</title><id>{base}/atom</id><updated>2024-06-03T08:00:00Z</updated>{entries}</feed>"
    ).encode()


class Server:
    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.feed_items = ["/news/1.html", "/news/2.html", "/private/3.html", "/news/big.html", "/news/image.png"]
        self.slow = 0.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                if server.slow and self.path.startswith("/slow"):
                    time.sleep(server.slow)
                if self.path == "/robots.txt":
                    return self.reply(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
                if self.path in ("/feed.xml", "/atom.xml"):
                    etag = f'"v{len(server.feed_items)}"'
                    if self.headers.get("If-None-Match") == etag:
                        return self.reply(304, b"", None, {"ETag": etag})
                    make = rss if self.path == "/feed.xml" else atom
                    body = make(server.base, server.feed_items)
                    return self.reply(200, body, "application/rss+xml", {"ETag": etag, "Last-Modified": LAST_MODIFIED})
                if self.path in PAGES:
                    ctype = "image/png" if self.path.endswith(".png") else "text/html; charset=utf-8"
                    return self.reply(200, PAGES[self.path], ctype)
                if self.path == "/broken.xml":
                    return self.reply(200, b"<html>this is no feed", "text/html")
                if self.path == "/error":
                    return self.reply(503, b"busy", "text/plain")
                return self.reply(404, b"not found", "text/plain")

            def reply(self, status, body, ctype, headers=None):
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def paths(self):
        return [p for p, _ in self.requests]


@pytest.fixture
def server():
    srv = Server()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def fetcher():
    with Fetcher(FetchPolicy(min_interval=0.0, timeout=2.0, max_bytes=60_000)) as f:
        yield f


def test_watch_round_fetches_each_new_page_once(store_url, server, fetcher, analyzer):  # noqa: F811
    db = store_url
    feed = server.base + "/feed.xml"
    errors = []
    with open_store(db) as store:
        runner = LocalRunner(analyzer=analyzer)
        first = watch_once([feed], store, fetcher, runner, on_error=errors.append)
        assert first.entries == 5 and first.fetched == 2 and first.fetch_errors == 3
        assert first.ingest.stored == 2
        assert {e.code for e in errors} == {"E503", "E504", "E507"}
        assert "/private/3.html" not in server.paths()  # robots.txt respected
        assert server.paths().count("/robots.txt") == 1
        urls = {r["url"] for r in store.db.query("SELECT url FROM articles")}
        assert urls == {server.base + "/news/1.html", server.base + "/news/2.html"}
        # second round: conditional request, 304, nothing fetched again
        before = len(server.requests)
        second = watch_once([feed], store, fetcher, runner)
        assert second.not_modified == 1 and second.fetched == 0
        assert server.paths()[before:] == ["/feed.xml"]
        assert server.requests[-1][1].get("If-None-Match") == '"v5"'
        assert server.requests[-1][1].get("If-Modified-Since") == LAST_MODIFIED
        # the feed changes: only the new entry is fetched
        server.feed_items.append("/news/2.html")  # same URL again: changes the ETag only
        third = watch_once([feed], store, fetcher, runner)
        assert third.fetched == 0 and third.skipped == 6
        assert server.paths().count("/news/1.html") == 1 and server.paths().count("/news/2.html") == 1


def test_fetch_state_survives_a_new_process(tmp_path, server, analyzer):
    db = str(tmp_path / "w.db")
    feed = server.base + "/atom.xml"
    for _ in range(2):  # two separate runs, new store connection and fetcher each time
        with open_store(db) as store, Fetcher(FetchPolicy(min_interval=0.0, max_bytes=60_000)) as f:
            watch_once([feed], store, f, LocalRunner(analyzer=analyzer), on_error=lambda e: None)
    assert server.paths().count("/news/1.html") == 1
    assert server.paths().count("/news/big.html") == 1
    with open_store(db) as store:
        assert store.counts()["articles"] == 2
        outcomes = {r["url"].rsplit("/", 1)[-1]: r["outcome"] for r in store.db.query("SELECT url, outcome FROM fetched_urls")}
    assert outcomes == {"1.html": "stored", "2.html": "stored", "3.html": "robots", "big.html": "too-large", "image.png": "not-html"}


def test_transient_errors_are_retried_a_few_times(tmp_path, server):
    with open_store(str(tmp_path / "w.db")) as store:
        state = FetchState(store, max_attempts=2)
        url = server.base + "/error"
        assert state.should_fetch(url)
        state.mark(url, "error", status=503)
        assert state.should_fetch(url)
        state.mark(url, "error", status=503)
        assert not state.should_fetch(url)
        state.mark(server.base + "/x", "robots")
        assert not state.should_fetch(server.base + "/x")


@pytest.mark.parametrize(
    "path, code, transient",
    [("/error", "E502", True), ("/missing", "E502", False), ("/news/big.html", "E503", False), ("/private/3.html", "E504", False)],
)
def test_fetch_errors(server, fetcher, path, code, transient):
    with pytest.raises(FetchError) as info:
        fetcher.get(server.base + path)
    assert info.value.code == code and info.value.transient == transient
    assert server.base + path in str(info.value)


def test_timeout(server):
    server.slow = 1.5
    with Fetcher(FetchPolicy(timeout=0.3, min_interval=0.0, respect_robots=False)) as f:
        with pytest.raises(FetchError) as info:
            f.get(server.base + "/slow")
    assert info.value.code == "E501" and info.value.transient


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "not a url"])
def test_only_http_urls(fetcher, url):
    with pytest.raises(FetchError) as info:
        fetcher.get(url)
    assert info.value.code == "E505"


def test_per_host_rate_limit(server):
    now = [100.0]
    waits = []

    def sleep(s):
        waits.append(round(s, 3))
        now[0] += s

    with Fetcher(FetchPolicy(min_interval=2.0), clock=lambda: now[0], sleep=sleep) as f:
        f.get(server.base + "/news/1.html")  # robots.txt, then the page: one wait
        now[0] += 0.5
        f.get(server.base + "/news/2.html")
    assert waits == [2.0, 1.5]


def test_feed_errors_are_reported(tmp_path, server, fetcher):
    with open_store(str(tmp_path / "w.db")) as store:
        errors = []
        summary = watch_once([server.base + "/broken.xml", server.base + "/nofeed"], store, fetcher,
                             LocalRunner(), on_error=errors.append)
    assert summary.feed_errors == 2 and [e.code for e in errors] == ["E506", "E502"]


def test_parse_feed_rss_and_atom():
    base = "http://127.0.0.1:1"
    for make in (rss, atom):
        title, entries = parse_feed(make(base, ["/a", "/b"]))
        assert title in ("Test wire", "Atom wire")
        assert [e.url for e in entries] == [base + "/a", base + "/b"]
        assert entries[0].published == "2024-06-03"


@pytest.mark.parametrize("text, seconds", [("90", 90), ("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1.5m", 90)])
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5m", "0"])
def test_parse_interval_rejects(text):
    with pytest.raises(EventwireError):
        parse_interval(text)


def test_cli_watch_once(tmp_path, server):
    db = str(tmp_path / "w.db")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# test feeds\n{server.base}/feed.xml\n")
    args = ["watch", str(feeds), "--db", db, "--once", "--rate", "0", "--max-bytes", "60000"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "2 pages fetched" in result.stderr and "E504" in result.stderr
    again = CliRunner().invoke(main, args)
    assert "1 unchanged" in again.stderr
    assert server.paths().count("/news/1.html") == 1


def test_poll_feed_saves_validators(tmp_path, server, fetcher):
    with open_store(str(tmp_path / "w.db")) as store:
        state = FetchState(store)
        entries = poll_feed(fetcher, state, server.base + "/feed.xml")
        assert len(entries) == 5
        assert state.validators(server.base + "/feed.xml") == {"If-None-Match": '"v5"', "If-Modified-Since": LAST_MODIFIED}
        assert poll_feed(fetcher, state, server.base + "/feed.xml") is None


def test_article_that_failed_is_retried_even_if_the_feed_is_unchanged(tmp_path, server, fetcher, analyzer):
    from eventwire.ingest import Failure

    class FailingRunner(LocalRunner):
        def map(self, batches):
            for batch in batches:
                yield batch, ("test", [Failure(a.id, "boom") for a in batch])

    feed = server.base + "/feed.xml"
    with open_store(str(tmp_path / "w.db")) as store:
        first = watch_once([feed], store, fetcher, FailingRunner(), on_error=lambda e: None)
        assert first.fetched == 2 and first.ingest.failed == 2 and first.ingest.stored == 0
        second = watch_once([feed], store, fetcher, LocalRunner(analyzer=analyzer), on_error=lambda e: None)
        assert second.not_modified == 1 and second.fetched == 2 and second.ingest.stored == 2
        third = watch_once([feed], store, fetcher, LocalRunner(analyzer=analyzer))
        assert third.fetched == 0
    assert server.paths().count("/news/1.html") == 2
