"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

The app runs under uvicorn in a background thread on 127.0.0.1 over the test store
of ``test_api``. Each view is saved to ``docs/screenshots/`` for the README.
Skipped when /usr/bin/chromium is missing (``scripts/install_browser.sh`` installs it).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (scripts/install_browser.sh)"),
]
playwright_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(app):
    """Run ``app`` with uvicorn in a thread on a free local port; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from eventwire.api import ApiSettings, create_app
    from test_api import build_store

    path = tmp_path_factory.mktemp("browser") / "events.db"
    build_store(path)
    with serve(create_app(ApiSettings(db=str(path)))) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # Only the app's own origin may be reached: anything else would fail offline.
    outside = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith("http://127.0.0.1") else None)
    yield page
    context.close()
    assert not errors, errors
    assert not outside, outside


def open_view(page, url: str) -> None:
    page.goto("about:blank")  # a full load: a hash change alone would race the wait below
    page.goto(url)
    page.wait_for_selector("#main[data-ready]")


def shot(page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def test_ties_chart_renders_with_data(page, base_url):
    open_view(page, base_url + "/#/ties")
    assert page.locator("#actor-a").input_value() == "CHN"
    assert page.locator("#actor-b").input_value() == "RUS"
    assert "6 events" in page.locator("#ties-summary").inner_text()
    periods = page.locator(".ties-chart g.period")
    assert periods.count() == 8  # 2021-12-13 .. 2022-01-31, weeks without events included
    assert page.locator(".ties-chart rect.bar").count() == 6
    # The mean-Goldstein line breaks at weeks without events: 12-13 | 01-03 | 01-17 .. 01-31.
    assert page.locator(".ties-chart .gold-line").count() == 1
    assert page.locator(".ties-chart .gold-dot").count() == 5
    page.locator('.ties-chart g.period[data-period="2022-01-03"]').click()
    page.wait_for_selector("#period-detail[data-ready]")
    shot(page, "ties", full_page=True)


def test_click_week_reaches_sentence(page, base_url):
    open_view(page, base_url + "/#/ties?a=RUS&b=CHN")
    page.locator('.ties-chart g.period[data-period="2022-01-03"]').click()
    page.wait_for_selector("#period-detail[data-ready]")
    detail = page.locator("#period-detail")
    assert detail.locator("li.event").count() == 2
    assert "Wang Yi" in detail.locator("ul.quotes").inner_text()
    sentence = detail.locator("li.event a.sentence").first
    text = sentence.inner_text()
    assert text.startswith("Chinese Foreign Minister Wang Yi held talks")
    sentence.click()
    page.wait_for_url("**/#/article/*")
    page.wait_for_selector("#main[data-ready]")
    focused = "".join(page.locator("#article-text .seg.focus").all_inner_texts())
    assert focused == text
    assert text in page.locator("#focus").inner_text()
    assert page.locator("#article-text .seg.focus").first.is_visible()


def test_quote_search_returns_quotes(page, base_url):
    open_view(page, base_url + "/#/quotes")
    page.fill("#quote-q", "cooperation")
    page.press("#quote-q", "Enter")
    page.wait_for_url("**q=cooperation**")
    page.wait_for_selector("#main[data-ready]")
    results = page.locator("#quote-results li.quote")
    assert results.count() == 1
    assert results.first.locator(".speaker").inner_text() == "Tan Kefei"
    page.fill("#quote-q", "")
    page.fill("#quote-speaker", "Peskov")
    page.click("#quote-form button")
    page.wait_for_url("**speaker=Peskov**")
    page.wait_for_selector("#main[data-ready]")
    speakers = page.locator("#quote-results .speaker").all_inner_texts()
    assert speakers == ["Dmitry Peskov"]
    open_view(page, base_url + "/#/quotes")
    assert page.locator("#quote-results li.quote").count() == 9
    open_view(page, base_url + "/#/quotes?q=countries")
    assert sorted(page.locator("#quote-results .speaker").all_inner_texts()) == ["Sergei Lavrov", "Vladimir Putin"]
    shot(page, "quotes", full_page=True)


def test_network_view_and_actor_profile(page, base_url):
    open_view(page, base_url + "/#/network")
    nodes = page.locator(".network-chart g.node")
    assert nodes.count() == 5
    assert page.locator(".network-chart line.edge").count() == 4
    colours = {
        page.locator(f'.network-chart line.edge[data-source="{a}"][data-target="{b}"]').get_attribute("stroke")
        for a, b in (("CHN", "RUS"), ("RUS", "UKR"))
    }
    assert len(colours) == 2  # cooperative and conflictual edges differ
    shot(page, "network")
    page.locator('.network-chart g.node[data-actor="RUS"]').click()
    page.wait_for_url("**/#/actor/RUS")
    page.wait_for_selector("#main[data-ready]")
    assert page.locator("h1").inner_text().startswith("RUS")
    assert "CHN" in page.locator("table.partners").inner_text()
    names = page.locator("p.names").inner_text()
    assert "Vladimir Putin" in names and "[object" not in names
    assert "[object" not in page.locator("#main").inner_text()


def test_article_view_highlights_records(page, base_url):
    open_view(page, base_url + "/#/article/1")
    text = page.locator("#article-text")
    assert text.inner_text().startswith("MOSCOW, Dec 15")
    for kind, expected in (("quote", "A new model of partnership"), ("actor", "Vladimir Putin"),
                           ("place", "Beijing"), ("time", "in February")):
        joined = " ".join(text.locator(f".hl-{kind}").all_inner_texts())
        assert expected in joined, kind
    assert text.locator(".hl-event").count() > 0
    text.locator(".hl-time", has_text="in February").first.click()
    assert "2022-02" in page.locator("#picked").inner_text()
    shot(page, "article", full_page=True)
