"""``eventwire serve``: the REST API and the dashboard over a store."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import shutil
import tempfile

import click

from ._common import model_option


@click.command()
@click.option("--db", required=True, envvar="EVENTWIRE_DB", help="Store: a SQLite path or a postgresql:// URL.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--token-env",
    default="EVENTWIRE_API_TOKEN",
    show_default=True,
    metavar="NAME",
    help="Environment variable holding the write token; without it the API is read-only.",
)
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", help="Allow cross-origin reads from ORIGIN (repeatable). Off by default.")
@click.option("--max-body", default=1_000_000, show_default=True, type=click.IntRange(1), help="Largest request body in bytes.")
@click.option(
    "--cache-seconds",
    default=300.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Reuse answers of read requests for at most this long; any write to the store "
    "(from any process) makes them stale at once; 0: never reuse.",
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="uvicorn worker processes.")
@model_option
def serve(db, host, port, token_env, cors, max_body, cache_seconds, workers, model):
    """Serve the REST API (OpenAPI docs at /docs) and the dashboard (at /).

    Reads are open; endpoints that write to the store need the token set in the
    environment variable named by --token-env, sent as "Authorization: Bearer TOKEN".
    """
    import uvicorn

    from ..api import ApiSettings, create_app
    from ..errors import EventwireError

    token = os.environ.get(token_env) or None
    settings = ApiSettings(
        db=db, token=token, cors_origins=tuple(cors), max_body_bytes=max_body, model=model,
        token_env=token_env, cache_seconds=cache_seconds,
    )
    try:
        app = create_app(settings)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    mode = "read-write (token set)" if token else f"read-only (set {token_env} to allow writes)"
    options = server_options()
    click.echo(
        f"eventwire: serving {redact(db)} on http://{host}:{port}/ — {mode}; "
        f"{workers} worker(s), {options['http']} on {options['loop']}",
        err=True,
    )
    # Access lines are not logged at this level; access_log=False also skips building them.
    common = dict(host=host, port=port, log_level="warning", access_log=False, **options)
    if workers > 1:
        # Several processes need an import string; the factory reads the settings back.
        # They share their answers through a file of their own, removed at the end.
        folder = tempfile.mkdtemp(prefix="eventwire-answers-") if cache_seconds > 0 else None
        shared = dataclasses.replace(settings, shared_cache=os.path.join(folder, "answers.db") if folder else None)
        os.environ["EVENTWIRE_SERVE_SETTINGS"] = shared.to_json()
        try:
            uvicorn.run("eventwire.api.app:app_from_env", factory=True, workers=workers, **common)
        finally:
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
    else:
        uvicorn.run(app, **common)


def server_options() -> dict[str, str]:
    """uvicorn's event loop and HTTP parser: uvloop and httptools (C, several times
    less CPU per request) when they are installed (``uvicorn[standard]``), else
    asyncio and h11."""
    return {"loop": "uvloop" if _importable("uvloop") else "asyncio",
            "http": "httptools" if _importable("httptools") else "h11"}


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def redact(url: str) -> str:
    """A store URL fit for a log line: ``postgresql://user:***@host/db``."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


COMMANDS = [serve]
