"""The FastAPI application: the REST API under ``/api`` and the dashboard under ``/``.

``create_app(ApiSettings(db=...))`` builds it; ``eventwire serve`` runs it with
uvicorn. Endpoints are thin: each parses its parameters and calls one function of
:mod:`eventwire.store.queries` (or :mod:`eventwire.store.queries_web`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import sys
import time
from importlib import resources
from typing import Any, Callable, Optional

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..errors import StoreError
from ..store import open_store
from .deps import (
    REFRESH,
    GenerationWatch,
    LazyAnalyzer,
    ResponseCache,
    ResponseCacheMiddleware,
    SharedAnswers,
    StorePool,
    Writer,
)
from .errors import install_handlers
from .routes import analyze, router
from .security import BodyLimitMiddleware, SecurityHeadersMiddleware
from .settings import ApiSettings

log = logging.getLogger(__name__)

DESCRIPTION = """\
Political event data from news: who did what to whom, when and where, and who said
what, each record traceable to its sentence.

* Reads are open. Writes (`POST /api/articles`, `POST /api/analyze?store=true`) need
  the operator's token as `Authorization: Bearer <token>`.
* Lists are paged (`limit`, `offset`) and answer JSON or CSV (`?format=csv` or
  `Accept: text/csv`).
* Errors are `{"error": {"code": "...", "message": "..."}}`.
* Read answers are reused while the store is unchanged, for `eventwire serve
  --cache-seconds` at most (header `X-Cache: hit|miss`); any write to the store,
  through the API or not, makes them stale (checked every half second). The
  dashboard's default views are answered at start-up and again after writes.
* Actors are codes (`RUS` matches RUS, RUSGOV, RUSMIL ...; `RUSGOV` that code and
  its sub-codes) or names (`Putin`).
"""


def dashboard_dir() -> Any:
    return resources.files("eventwire") / "dashboard"


def swagger_assets() -> Optional[str]:
    """The folder of a locally installed Swagger UI (package ``swagger-ui-bundle``), if any."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    return str(swagger_ui_path)


def _ensure_store(url: str) -> None:
    """Create or migrate the store if a read-only open fails for that reason."""
    try:
        open_store(url, readonly=True).close()
    except StoreError as exc:
        if exc.code not in ("E203", "E206"):
            raise
        log.info("creating or migrating store %s", url)
        open_store(url).close()


# The dashboard's default views, as its pages ask for them (path, query string):
# answered at start-up and again after every write to the store (see ``warm``).
WARM_TARGETS = (
    ("/api/ties", ""),  # the most active pair
    ("/api/ties", "interval=week&top=0"),  # the ties page
    ("/api/actors", "limit=500"),
    ("/api/network", ""),
    ("/api/network", "limit=40"),
    ("/api/summary", ""),
    ("/api/articles", "limit=50&offset=0"),
    ("/api/quotes", "limit=50&offset=0"),
)


async def warm(app: Any, targets=WARM_TARGETS, *, refresh: bool = False) -> int:
    """Answer ``targets`` through the app (its answer cache keeps them); with
    ``refresh``, compute them again even when cached. Failures are logged, never
    raised. Returns the number answered with status 200."""
    done = 0
    for path, query in targets:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"localhost"), (b"accept", b"application/json")],
            "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0), REFRESH: refresh,
        }
        status: list[int] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        try:
            await app(scope, receive, send)
        except Exception:  # a warm-up is only a head start: never fatal
            log.warning("warming %s?%s failed", path, query, exc_info=True)
            continue
        done += status == [200]
    return done


async def keep_warm(app: Any, *, interval: float = 1.0, min_gap: float = 5.0) -> None:
    """Warm the default views now, then again whenever the store's generation changes
    (a write; at most every ``min_gap`` seconds, for a store being written
    continuously) and before their answers expire (``cache_seconds``)."""
    watch: GenerationWatch = app.state.generation
    ttl = app.state.cache.ttl
    last, at = None, float("-inf")
    while True:
        try:
            generation = await anyio.to_thread.run_sync(watch.current)
            now = time.monotonic()
            if (generation != last and now - at >= min_gap) or now - at > 0.8 * ttl:
                # The first round may find answers another worker made (shared cache).
                await warm(app, refresh=last is not None)
                last, at = generation, now
        except Exception:
            log.warning("warming the default views failed", exc_info=True)
        await asyncio.sleep(interval)


def create_app(
    settings: ApiSettings,
    *,
    analyzer_factory: Optional[Callable[[], Any]] = None,
) -> FastAPI:
    """Build the app over ``settings.db``. ``analyzer_factory`` replaces the spaCy pipeline (tests)."""
    _ensure_store(settings.db)
    pool = StorePool(settings.db)
    writer = Writer(settings.db)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, settings.threads)
        switch_interval = sys.getswitchinterval()
        if settings.switch_interval > 0:
            sys.setswitchinterval(settings.switch_interval)
        warmer = None
        if settings.warm and settings.cache_seconds > 0:
            await warm(app)  # before the first request: no client waits for the defaults
            warmer = asyncio.create_task(keep_warm(app))
        yield
        if warmer is not None:
            warmer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warmer
        pool.close()
        writer.close()
        app.state.cache.close()
        sys.setswitchinterval(switch_interval)

    local_docs = swagger_assets()
    app = FastAPI(
        docs_url=None if local_docs else "/docs",
        title="eventwire",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "articles", "description": "Stored articles with their text and records."},
            {"name": "events", "description": "Coded events (who did what to whom)."},
            {"name": "quotes", "description": "Quotes with their speakers; full-text search."},
            {"name": "actors", "description": "Actors, their profiles and the network between them."},
            {"name": "ties", "description": "Cooperation and conflict between two actors over time."},
            {"name": "analysis", "description": "Analyse text on the fly; ingest into the store."},
        ],
    )
    app.state.settings = settings
    app.state.pool = pool
    app.state.writer = writer
    app.state.analyzer = LazyAnalyzer(settings.model, analyzer_factory)
    shared = SharedAnswers(settings.shared_cache) if settings.shared_cache else None
    app.state.cache = ResponseCache(settings.cache_seconds, shared=shared)
    app.state.generation = GenerationWatch(pool)

    install_handlers(app)
    if local_docs:
        # Swagger UI from the installed package: /docs works offline too.
        app.mount("/docs-assets", StaticFiles(directory=local_docs), name="docs-assets")

        @app.get("/docs", include_in_schema=False)
        def docs():
            return get_swagger_ui_html(
                openapi_url="/openapi.json", title="eventwire API", swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                swagger_css_url="/docs-assets/swagger-ui.css", swagger_favicon_url="data:,",
            )

    app.include_router(router, prefix="/api")
    # The name for it; documented once, under /api/analyze.
    app.add_api_route("/analyze", analyze, methods=["POST"], include_in_schema=False)

    if settings.dashboard:
        folder = dashboard_dir()
        index = folder / "index.html"
        app.mount("/static", StaticFiles(directory=str(folder)), name="static")

        @app.get("/", include_in_schema=False, response_class=HTMLResponse)
        def dashboard():
            return FileResponse(str(index), media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})

    # Outermost last: the body limit runs before anything reads the body.
    app.add_middleware(ResponseCacheMiddleware, cache=app.state.cache, generation=app.state.generation.current)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-API-Token"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (several workers): settings from the environment."""
    settings = ApiSettings.from_json(os.environ["EVENTWIRE_SERVE_SETTINGS"])
    token = os.environ.get(settings.token_env) or None
    return create_app(dataclasses.replace(settings, token=token))
