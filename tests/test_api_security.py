"""Security of the API and the dashboard.

- Markup in articles, quotes and names is shown as text and never runs (browser).
- SQL-injection strings in every filter give normal results or a 4xx, never a 500,
  and leave the store as it was.
- Writes need the operator's token; without one configured they are refused.
- Oversized request bodies are refused with 413; CORS is off unless configured.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from eventwire.api import ApiSettings, create_app  # noqa: E402
from eventwire.models import Actor, ActorRef, Analysis, Article, Event, Quote, Speaker  # noqa: E402
from eventwire.store import open_store  # noqa: E402
from test_api import build_store  # noqa: E402

HOSTILE_TITLE = 'Rally <img src=x onerror="window.__pwned=1"> in <b>capital</b>'
HOSTILE_TEXT = (
    "Protesters marched on parliament. <script>window.__pwned = 2; alert('x')</script>\n\n"
    "\"We want <i>change</i> & <a href='javascript:window.__pwned=3'>freedom</a>,\" said Anna <b>Petrova</b>.\n\n"
    "Police detained dozens of protesters near <svg onload=\"window.__pwned=4\"></svg> the square."
)


def hostile_record() -> tuple[Article, Analysis]:
    text = HOSTILE_TEXT
    q_text = "We want <i>change</i> & <a href='javascript:window.__pwned=3'>freedom</a>,"
    q_start = text.index(q_text)
    name = "Anna <b>Petrova</b>"
    n_start = text.index(name)
    sentence = text[text.index("Police detained"):].rstrip()
    s_start = text.index(sentence)
    police = text.index("Police")
    actors = (
        Actor("a1", name, "XSSOPP", "XSS", "OPP", "person", ((n_start, n_start + len(name)),)),
        Actor("a2", "<script>police</script>", "XSSCOP", "XSS", "COP", "institution", ((police, police + 6),)),
    )
    quote = Quote(q_text, "direct", (q_start, q_start + len(q_text)), "said",
                  Speaker(name, "XSSOPP", "a1", name, (n_start, n_start + len(name))))
    event = Event(ActorRef("<script>police</script>", "XSSCOP", "a2", "XSS"), ActorRef(name, "XSSOPP", "a1", "XSS"),
                  "173", "17", "COERCE", "arrest", -5.0, 4, "2022-01-04", "text", None, False, "asserted",
                  sentence, (s_start, s_start + len(sentence)), "<b>evidence</b>")
    article = Article(text=text, id="hostile", title=HOSTILE_TITLE, published="2022-01-04", source="<script>src</script>")
    return article, Analysis("hostile", HOSTILE_TITLE, "2022-01-04", quotes=(quote,), events=(event,), actors=actors)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("sec") / "events.db"
    build_store(path, extra=[hostile_record()])
    return path


@pytest.fixture(scope="module")
def client(db_path):
    with TestClient(create_app(ApiSettings(db=str(db_path), max_body_bytes=10_000))) as c:
        yield c


def store_counts(path) -> dict:
    with open_store(str(path), readonly=True) as store:
        return store.counts()


# --------------------------------------------------------------------------------------
# SQL injection

INJECTIONS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "RUS' OR 'x'='x",
    "\"; DROP TABLE events; --",
    "1; DELETE FROM articles",
    "RUS') UNION SELECT name, sql, 1, 1 FROM sqlite_master --",
    "%",
    "_",
    "\\",
    "*",
    "\" OR \"",
    "NEAR(a b)",
    "text:*",
    "' AND (SELECT COUNT(*) FROM quotes) > 0 --",
    "\x00",
    "é' OR ''='",
]
FILTERS = [
    ("/api/events", "actor"),
    ("/api/events", "dyad"),
    ("/api/events", "root"),
    ("/api/events", "cameo"),
    ("/api/events", "plover"),
    ("/api/events", "quad_class"),
    ("/api/events", "since"),
    ("/api/events", "until"),
    ("/api/events", "place"),
    ("/api/events", "article"),
    ("/api/events", "limit"),
    ("/api/events", "offset"),
    ("/api/quotes", "q"),
    ("/api/quotes", "speaker"),
    ("/api/quotes", "speaker_code"),
    ("/api/quotes", "since"),
    ("/api/ties", "a"),
    ("/api/ties/period", "start"),
    ("/api/actors", "since"),
    ("/api/network", "until"),
]


@pytest.mark.parametrize("url, name", FILTERS)
def test_injection_in_every_filter(client, db_path, url, name):
    before = store_counts(db_path)
    for payload in INJECTIONS:
        params = {name: payload}
        if url == "/api/ties":
            params["b"] = "RUS"
        if url == "/api/ties/period":
            params.update(a="RUS", b="CHN")
        if name == "dyad":
            params[name] = f"{payload},RUS"
        r = client.get(url, params=params)
        assert r.status_code == 200 or 400 <= r.status_code < 500, (name, payload, r.status_code, r.text[:200])
        body = r.json()
        if r.status_code == 200:
            items = body.get("items", body.get("events", body.get("series", [])))
            if name in ("actor", "speaker", "speaker_code", "q", "place", "dyad"):
                # A literal string that names nothing matches nothing (and never everything).
                assert len(items) == 0, (name, payload, len(items))
        else:
            assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    assert store_counts(db_path) == before


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_in_path_parameters(client, payload):
    for url in ("/api/articles/{}", "/api/actors/{}", "/api/events/{}/mentions"):
        r = client.get(url.format(quote(payload, safe="")))
        assert r.status_code in (404, 422), (url, payload, r.status_code)


# --------------------------------------------------------------------------------------
# Writes


def test_writes_refused_when_no_token_is_configured(client):
    r = client.post("/api/articles", json={"articles": [{"text": "hello"}]}, headers={"Authorization": "Bearer x"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "writes_disabled"
    r = client.post("/api/analyze?store=true", json={"text": "hello"})
    assert r.status_code == 403


@pytest.fixture()
def token_client(tmp_path, monkeypatch):
    path = tmp_path / "t.db"
    build_store(path)
    app = create_app(ApiSettings(db=str(path), token="right-token"), analyzer_factory=lambda: FakeAnalyzer())
    with TestClient(app) as c:
        yield c, path


class FakeAnalyzer:
    model_name = "fake"

    def analyze(self, article):
        return Analysis(article.id, article.title, article.published)


@pytest.mark.parametrize(
    "headers, status, code",
    [
        ({}, 401, "auth_required"),
        ({"Authorization": "Bearer wrong-token"}, 403, "bad_token"),
        ({"Authorization": "Basic cmlnaHQtdG9rZW4="}, 401, "auth_required"),
        ({"X-API-Token": "right-token "}, 403, "bad_token"),
        ({"X-API-Token": ""}, 401, "auth_required"),
    ],
)
def test_writes_need_the_token(token_client, headers, status, code):
    client, path = token_client
    before = store_counts(path)
    for url, body in (("/api/articles", {"articles": [{"text": "A new text."}]}), ("/api/analyze?store=true", {"text": "A new text."})):
        r = client.post(url, json=body, headers=headers)
        assert r.status_code == status, url
        assert r.json()["error"]["code"] == code
        if status == 401:
            assert r.headers["www-authenticate"] == "Bearer"
    assert store_counts(path) == before


def test_write_with_the_token(token_client):
    client, path = token_client
    r = client.post("/api/articles", json={"articles": [{"text": "A new text."}]}, headers={"Authorization": "Bearer right-token"})
    assert r.status_code == 201
    assert store_counts(path)["articles"] == 7


def test_analyze_without_storing_needs_no_token(client):
    # Reading is open: analysing text without storing it writes nothing.
    app = client.app
    app.state.analyzer._factory = FakeAnalyzer
    r = client.post("/api/analyze", json={"text": "Nothing is stored."})
    assert r.status_code == 200


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_no_other_methods(client, method):
    r = getattr(client, method)("/api/articles/1")
    assert r.status_code == 405
    assert r.json()["error"]["code"] == "method_not_allowed"


# --------------------------------------------------------------------------------------
# Body limits, headers, CORS


def test_oversized_body_rejected_by_length(client):
    r = client.post("/api/analyze", json={"text": "x" * 20_000})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large"


def test_oversized_body_rejected_while_streaming(client):
    def chunks():
        for _ in range(30):
            yield b"x" * 1000

    r = client.post("/api/analyze", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large"


def test_body_under_the_limit_is_read(client):
    client.app.state.analyzer._factory = FakeAnalyzer
    r = client.post("/api/analyze", json={"text": "x" * 5_000})
    assert r.status_code == 200


def test_security_headers(client):
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert page.headers["x-content-type-options"] == "nosniff"
    api = client.get("/api/articles/hostile")
    assert api.headers["content-type"].startswith("application/json")
    assert "<script>" in api.json()["text"]  # stored and returned as data, unchanged


def test_cors_off_by_default(client):
    r = client.get("/api/events", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_when_configured(db_path):
    app = create_app(ApiSettings(db=str(db_path), cors_origins=("https://dash.example",)))
    with TestClient(app) as c:
        ok = c.get("/api/events", headers={"Origin": "https://dash.example"})
        assert ok.headers["access-control-allow-origin"] == "https://dash.example"
        other = c.get("/api/events", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


# --------------------------------------------------------------------------------------
# Markup in the browser


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs Debian's chromium")
def test_markup_is_shown_as_text_and_never_runs(db_path):
    pytest.importorskip("playwright.sync_api")
    from test_browser import chromium, serve

    with serve(create_app(ApiSettings(db=str(db_path)))) as url, chromium() as browser:
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        views = [
            ("/#/article/hostile", ["<script>window.__pwned = 2; alert('x')</script>", "Anna <b>Petrova</b>",
                                    "<a href='javascript:window.__pwned=3'>freedom</a>", HOSTILE_TITLE]),
            ("/#/quotes?speaker=Petrova", ["We want <i>change</i> &", "Anna <b>Petrova</b>"]),
            ("/#/actor/XSS", ["Anna <b>Petrova</b>"]),
            ("/#/articles", [HOSTILE_TITLE]),
            ("/#/ties?a=XSSCOP&b=XSSOPP&interval=day", ["<script>police</script>"]),
        ]
        for view, literals in views:
            page.goto("about:blank")
            page.goto(url + view)
            page.wait_for_selector("#main[data-ready]")
            if "ties" in view:
                page.locator(".ties-chart g.period").first.click()
                page.wait_for_selector("#period-detail[data-ready]")
            shown = page.locator("#main").inner_text()
            for literal in literals:
                assert literal in shown, (view, literal)
            assert page.locator("#main script, #main img, #main i, #main b, #main a[href^='javascript']").count() == 0
            assert page.locator("#main svg [onload]").count() == 0
            assert page.evaluate("window.__pwned") is None, view
        assert dialogs == []
        page.close()
