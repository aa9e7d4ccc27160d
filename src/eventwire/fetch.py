"""Polite HTTP fetching: per-host rate limits, timeouts, size limits, robots.txt.

>>> with Fetcher(FetchPolicy(min_interval=2.0)) as fetcher:
...     page = fetcher.get("https://example.org/news/1")

A :class:`Fetcher` waits ``min_interval`` seconds between two requests to the same
host, gives up after ``timeout`` seconds, stops reading a body past ``max_bytes``,
and asks each host's ``robots.txt`` (fetched once per host and fetcher) before any
other request to it. Following RFC 9309, a ``robots.txt`` answered with a 4xx status
allows everything; one that cannot be fetched (5xx, network error) disallows the
host for this fetcher's lifetime.

Errors are :class:`FetchError` with a code: E501 network error or timeout, E502
HTTP error status, E503 body too large, E504 disallowed by robots.txt, E505 not a
URL this fetcher may fetch. ``transient`` says whether trying later may succeed.
"""

from __future__ import annotations

import logging
import time
import urllib.robotparser
from dataclasses import dataclass
from typing import Callable, Optional
from urllib.parse import urlsplit

import httpx

from . import __version__
from .errors import EventwireError

log = logging.getLogger(__name__)


class FetchError(EventwireError):
    code = "E501"

    def __init__(self, message: str, *, url: str, code: Optional[str] = None, status: Optional[int] = None, transient: bool = False):
        self.url = url
        self.status = status
        self.transient = transient
        super().__init__(f"{url}: {message}", code)


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str = f"eventwire/{__version__} (+news event coding; polite crawler)"
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    min_interval: float = 1.0
    respect_robots: bool = True
    max_redirects: int = 5
    schemes: tuple[str, ...] = ("http", "https")


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass
class _Host:
    last: Optional[float] = None
    robots: Optional[urllib.robotparser.RobotFileParser] = None
    robots_blocked: bool = False
    robots_checked: bool = False


class Fetcher:
    """An HTTP client that behaves: one per run; not thread-safe."""

    def __init__(
        self,
        policy: FetchPolicy = FetchPolicy(),
        *,
        client: Optional[httpx.Client] = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.policy = policy
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=True,
            max_redirects=policy.max_redirects,
            headers={"User-Agent": policy.user_agent},
        )
        self.clock = clock
        self.sleep = sleep
        self.hosts: dict[str, _Host] = {}
        self.requests = 0

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def _host(self, url: str) -> tuple[str, _Host]:
        parts = urlsplit(url)
        if parts.scheme not in self.policy.schemes or not parts.netloc:
            raise FetchError("not an http(s) URL", url=url, code="E505")
        key = f"{parts.scheme}://{parts.netloc}"
        return key, self.hosts.setdefault(key, _Host())

    def _wait(self, host: _Host) -> None:
        if host.last is not None:
            delay = host.last + self.policy.min_interval - self.clock()
            if delay > 0:
                self.sleep(delay)
        host.last = self.clock()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this fetcher's user agent fetch ``url``."""
        if not self.policy.respect_robots:
            return True
        key, host = self._host(url)
        if not host.robots_checked:
            host.robots_checked = True
            robots_url = key + "/robots.txt"
            try:
                page = self._request(robots_url, host, {}, max_bytes=512 * 1024)
            except FetchError as exc:
                if exc.status is not None and 400 <= exc.status < 500:
                    log.debug("%s: no robots.txt (%s), everything allowed", key, exc.status)
                else:
                    log.warning("%s: robots.txt unavailable (%s); not fetching from this host", key, exc)
                    host.robots_blocked = True
            else:
                parser = urllib.robotparser.RobotFileParser(robots_url)
                parser.parse(page.content.decode("utf-8", "replace").splitlines())
                host.robots = parser
        if host.robots_blocked:
            return False
        return host.robots is None or host.robots.can_fetch(self.policy.user_agent, url)

    def get(self, url: str, headers: Optional[dict[str, str]] = None) -> Page:
        """GET ``url`` (304 comes back as a Page, other non-2xx raise)."""
        _, host = self._host(url)
        if not self.allowed(url):
            raise FetchError("disallowed by robots.txt", url=url, code="E504")
        return self._request(url, host, headers or {}, max_bytes=self.policy.max_bytes)

    def _request(self, url: str, host: _Host, headers: dict[str, str], *, max_bytes: int) -> Page:
        self._wait(host)
        self.requests += 1
        try:
            with self.client.stream("GET", url, headers=headers) as resp:
                status = resp.status_code
                if status != 304 and not 200 <= status < 300:
                    raise FetchError(
                        f"HTTP {status}", url=url, code="E502", status=status, transient=status >= 500 or status == 429
                    )
                length = resp.headers.get("content-length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise FetchError(f"body of {length} bytes exceeds {max_bytes}", url=url, code="E503", status=status)
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"body exceeds {max_bytes} bytes", url=url, code="E503", status=status)
                    chunks.append(chunk)
                return Page(str(resp.url), status, {k.lower(): v for k, v in resp.headers.items()}, b"".join(chunks))
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {self.policy.timeout}s", url=url, code="E501", transient=True) from None
        except httpx.TooManyRedirects:
            raise FetchError("too many redirects", url=url, code="E502") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"request failed ({exc.__class__.__name__}: {exc})", url=url, code="E501", transient=True) from None
