"""``eventwire watch``: poll RSS/Atom feeds, fetch new articles, analyse and store them."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..errors import EventwireError
from ._common import model_option, published_option, report_bad


def _feed_urls(feeds) -> list[str]:
    """Feed URLs from the arguments; an argument naming a file lists URLs, one a line (# comments)."""
    urls = []
    for feed in feeds:
        path = Path(feed)
        if "://" not in feed and path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    urls.append(line)
        else:
            urls.append(feed)
    return urls


@click.command()
@click.argument("feeds", nargs=-1, required=True)
@click.option("--db", required=True, envvar="EVENTWIRE_DB", metavar="FILE|URL", help="The store (SQLite file or postgresql:// URL).")
@click.option("--every", default="15m", show_default=True, help="Time between rounds: 30s, 15m, 1h ...")
@click.option("--once", is_flag=True, help="Poll every feed once, then stop.")
@published_option
@model_option
@click.option("--rate", default=1.0, show_default=True, help="Seconds between two requests to the same host.")
@click.option("--timeout", default=20.0, show_default=True, help="Seconds before a request is given up.")
@click.option("--max-bytes", default=5 * 1024 * 1024, show_default=True, help="Largest page or feed read.")
@click.option("--user-agent", help="User-Agent header (and robots.txt agent).")
@click.option("--ignore-robots", is_flag=True, hidden=True, help="Do not read robots.txt (testing only).")
@click.option("-q", "--quiet", is_flag=True, help="No progress output and no round summary.")
def watch(feeds, db, every, once, published, model, rate, timeout, max_bytes, user_agent, ignore_robots, quiet):
    """Poll FEEDS (RSS/Atom URLs, or files listing them) and store new articles.

    Feeds are asked with conditional requests (ETag, Last-Modified); each article URL
    is fetched once, politely (per-host rate limit, timeout, size limit, robots.txt).
    What was fetched is remembered in the store, across runs.
    """
    from ..feeds import parse_interval, watch_once
    from ..fetch import Fetcher, FetchPolicy
    from ..ingest import LocalRunner
    from ..store import open_store

    try:
        interval = parse_interval(every)
    except EventwireError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    urls = _feed_urls(feeds)
    policy = FetchPolicy(
        timeout=timeout, max_bytes=max_bytes, min_interval=rate, respect_robots=not ignore_robots,
        **({"user_agent": user_agent} if user_agent else {}),
    )
    try:
        with open_store(db) as store, Fetcher(policy) as fetcher, LocalRunner(model) as runner:
            while True:
                started = time.monotonic()
                summary = watch_once(urls, store, fetcher, runner, published=published, on_error=report_bad)
                if not quiet:
                    click.echo(f"watch: {summary}", err=True)
                if once:
                    break
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        raise click.Abort() from None


COMMANDS = [watch]
