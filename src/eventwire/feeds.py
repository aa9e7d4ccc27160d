"""Watching RSS/Atom feeds: poll, fetch new articles, analyse, store.

One round (:func:`watch_once`) asks every feed with a conditional request (the
``ETag`` and ``Last-Modified`` it answered last time), parses it with feedparser,
and fetches each entry's page that was never fetched before through a polite
:class:`~eventwire.fetch.Fetcher`. The pages become articles (trafilatura), which go
through :func:`eventwire.ingest.ingest` into the store.

What was fetched and each feed's validators live in the store's own database
(tables ``fetched_urls`` and ``feeds``, migration ``0003_fetch.sql``), so a URL is
fetched once across runs and processes. The exception is a transient failure (a
timeout, a 5xx or 429 answer, an article that could not be analysed or stored),
retried in later rounds up to ``max_attempts``, even when the feed is unchanged.
A URL is marked fetched only after its article is stored, so a run killed in
between fetches it once more and the store reports the copy as a duplicate.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from .errors import BadRecord, EventwireError
from .fetch import Fetcher, FetchError
from .ingest import Runner, Summary, ingest
from .models import Article
from .sources import HTML_TYPES, article_from_html_bytes

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 3


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class FetchState:
    """The ``fetched_urls`` and ``feeds`` tables of a store."""

    def __init__(self, store, max_attempts: int = DEFAULT_MAX_ATTEMPTS):
        self.db = store.db
        self.max_attempts = max_attempts

    def should_fetch(self, url: str) -> bool:
        row = self.db.one("SELECT outcome, attempts FROM fetched_urls WHERE url = ?", (url,))
        return row is None or (row["outcome"] == "error" and row["attempts"] < self.max_attempts)

    def mark(self, url: str, outcome: str, *, feed: Optional[str] = None, status: Optional[int] = None,
             content_hash: Optional[str] = None, message: Optional[str] = None) -> None:
        with self.db.transaction():
            row = self.db.one("SELECT attempts FROM fetched_urls WHERE url = ?", (url,))
            if row is None:
                self.db.execute(
                    "INSERT INTO fetched_urls (url, feed, fetched_at, status, outcome, attempts, content_hash, message)"
                    " VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                    (url, feed, _now(), status, outcome, content_hash, message),
                )
            else:
                self.db.execute(
                    "UPDATE fetched_urls SET fetched_at = ?, status = ?, outcome = ?, attempts = ?,"
                    " content_hash = ?, message = ? WHERE url = ?",
                    (_now(), status, outcome, row["attempts"] + 1, content_hash, message, url),
                )

    def retries(self, feed: str) -> list[str]:
        """URLs of ``feed`` that failed transiently and may be tried again."""
        rows = self.db.query(
            "SELECT url FROM fetched_urls WHERE feed = ? AND outcome = 'error' AND attempts < ? ORDER BY url",
            (feed, self.max_attempts),
        )
        return [r["url"] for r in rows]

    def validators(self, feed: str) -> dict[str, str]:
        row = self.db.one("SELECT etag, last_modified FROM feeds WHERE url = ?", (feed,)) or {}
        headers = {}
        if row.get("etag"):
            headers["If-None-Match"] = row["etag"]
        if row.get("last_modified"):
            headers["If-Modified-Since"] = row["last_modified"]
        return headers

    def save_feed(self, feed: str, *, status: Optional[int], etag: Optional[str] = None,
                  last_modified: Optional[str] = None, title: Optional[str] = None, entries: int = 0) -> None:
        with self.db.transaction():
            row = self.db.one("SELECT etag, last_modified, title, entries_seen FROM feeds WHERE url = ?", (feed,))
            if row is None:
                self.db.execute(
                    "INSERT INTO feeds (url, title, etag, last_modified, checked_at, status, entries_seen)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (feed, title, etag, last_modified, _now(), status, entries),
                )
            else:
                self.db.execute(
                    "UPDATE feeds SET title = ?, etag = ?, last_modified = ?, checked_at = ?, status = ?,"
                    " entries_seen = ? WHERE url = ?",
                    (
                        title or row["title"],
                        etag if etag is not None else row["etag"],
                        last_modified if last_modified is not None else row["last_modified"],
                        _now(),
                        status,
                        row["entries_seen"] + entries,
                        feed,
                    ),
                )


@dataclass(frozen=True)
class Entry:
    url: str
    title: str = ""
    published: Optional[str] = None


@dataclass
class WatchSummary:
    feeds: int = 0
    not_modified: int = 0
    feed_errors: int = 0
    entries: int = 0
    fetched: int = 0
    skipped: int = 0  # fetched in an earlier round
    fetch_errors: int = 0
    ingest: Summary = field(default_factory=Summary)

    def __str__(self) -> str:
        return (
            f"{self.feeds} feeds ({self.not_modified} unchanged, {self.feed_errors} failed), "
            f"{self.entries} entries, {self.fetched} pages fetched, {self.skipped} seen before, "
            f"{self.fetch_errors} fetch errors; stored: {self.ingest}"
        )


def parse_feed(content: bytes, headers: Optional[dict[str, str]] = None, base: str = "") -> tuple[str, list[Entry]]:
    """The title and entries (link, title, date) of an RSS or Atom document."""
    import feedparser

    parsed = feedparser.parse(content, response_headers=headers or {})
    if parsed.get("bozo") and not parsed.entries:
        exc = parsed.get("bozo_exception")
        raise BadRecord(f"not a readable feed ({exc.__class__.__name__ if exc else 'unknown'})", path=base, code="E506")
    entries = []
    for e in parsed.entries:
        link = e.get("link") or next((l.get("href") for l in e.get("links", ()) if l.get("href")), None)
        if not link:
            continue
        when = e.get("published_parsed") or e.get("updated_parsed")
        published = dt.date.fromtimestamp(calendar.timegm(when)).isoformat() if when else None
        entries.append(Entry(link.strip(), (e.get("title") or "").strip(), published))
    return (parsed.feed.get("title") or "").strip(), entries


def poll_feed(fetcher: Fetcher, state: FetchState, feed: str) -> Optional[list[Entry]]:
    """Fetch one feed conditionally; None when it has not changed since the last poll."""
    page = fetcher.get(feed, headers=state.validators(feed))
    if page.status == 304:
        state.save_feed(feed, status=304)
        return None
    title, entries = parse_feed(page.content, page.headers, feed)
    state.save_feed(
        feed,
        status=page.status,
        etag=page.headers.get("etag"),
        last_modified=page.headers.get("last-modified"),
        title=title,
        entries=len(entries),
    )
    return entries


def fetch_article(fetcher: Fetcher, entry: Entry, published: Optional[str] = None) -> Article:
    """Fetch and extract the article an entry links to (raises FetchError or BadRecord)."""
    page = fetcher.get(entry.url)
    ctype = page.content_type.split(";")[0].strip().lower()
    if ctype and ctype not in HTML_TYPES:
        raise FetchError(f"not an HTML page ({ctype})", url=entry.url, code="E507", status=page.status)
    return article_from_html_bytes(
        page.content, url=page.url, content_type=page.content_type, published=entry.published or published
    )


def watch_once(
    feeds: Iterable[str],
    store,
    fetcher: Fetcher,
    runner: Runner,
    *,
    published: Optional[str] = None,
    on_error: Optional[Callable[[Exception], None]] = None,
    advance: Optional[Callable[[int], None]] = None,
    state: Optional[FetchState] = None,
) -> WatchSummary:
    """One round over ``feeds``: every new entry fetched once, analysed and stored."""
    report = on_error or (lambda exc: log.warning("%s", exc))
    state = state or FetchState(store)
    summary = WatchSummary()
    for feed in feeds:
        summary.feeds += 1
        try:
            entries = poll_feed(fetcher, state, feed)
        except (FetchError, BadRecord) as exc:
            summary.feed_errors += 1
            report(exc)
            continue
        if entries is None:
            summary.not_modified += 1
            entries = [Entry(url) for url in state.retries(feed)]  # unchanged feed: retry what failed
        else:
            summary.entries += len(entries)
        articles: list[tuple[Entry, Article]] = []
        seen: set[str] = set()
        for entry in entries:
            if entry.url in seen or not state.should_fetch(entry.url):
                summary.skipped += 1
                continue
            seen.add(entry.url)
            try:
                article = fetch_article(fetcher, entry, published)
            except FetchError as exc:
                summary.fetch_errors += 1
                report(exc)
                outcome = {"E503": "too-large", "E504": "robots", "E507": "not-html"}.get(exc.code, "error")
                if outcome == "error" and not exc.transient:
                    outcome = "failed"
                state.mark(entry.url, outcome, feed=feed, status=exc.status, message=str(exc))
                continue
            except BadRecord as exc:
                summary.fetch_errors += 1
                report(exc)
                state.mark(entry.url, "bad", feed=feed, message=str(exc))
                continue
            summary.fetched += 1
            articles.append((entry, article))
        if not articles:
            continue
        part = ingest(
            (a for _, a in articles),
            store,
            runner,
            on_bad=report,
            advance=advance,
        )
        _add(summary.ingest, part)
        for entry, article in articles:
            digest = article.content_hash
            stored = store.has(digest)
            # not stored: analysis or storage failed; "error" lets a later round try again
            state.mark(entry.url, "stored" if stored else "error", feed=feed, status=200,
                       content_hash=digest if stored else None)
    return summary


def _add(total: Summary, part: Summary) -> None:
    for name in ("new", "duplicates", "near_duplicates", "bad", "failed"):
        setattr(total, name, getattr(total, name) + getattr(part, name))


def parse_interval(text: str) -> float:
    """Seconds in ``90``, ``30s``, ``15m``, ``2h``, ``1d``."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    value = text.strip().lower()
    try:
        if value and value[-1] in units:
            seconds = float(value[:-1]) * units[value[-1]]
        else:
            seconds = float(value)
    except ValueError:
        raise EventwireError(f"not an interval: {text!r} (use e.g. 30s, 15m, 1h)", code="E508") from None
    if seconds <= 0:
        raise EventwireError(f"interval must be positive: {text!r}", code="E508")
    return seconds
