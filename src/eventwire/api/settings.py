"""What the operator chose when starting the server."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Optional

DEFAULT_MAX_BODY = 1_000_000


@dataclass(frozen=True)
class ApiSettings:
    """``db`` is a SQLite path or a ``postgresql://`` URL. ``token`` enables writes."""

    db: str
    token: Optional[str] = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY
    model: Optional[str] = None
    token_env: str = "EVENTWIRE_API_TOKEN"
    dashboard: bool = True
    cache_seconds: float = 5.0
    # A file the worker processes share their answers through (``eventwire serve --workers N``).
    shared_cache: Optional[str] = None
    # Answer the dashboard's default views at start-up and again after each write
    # (see ``app.WARM_TARGETS``), so that no client waits for them.
    warm: bool = True
    # Requests computed at once per worker (the thread pool of the synchronous
    # endpoints): more threads only contend for the GIL with the event loop, which
    # serves the cached answers.
    threads: int = 8
    # How long a thread may hold the GIL while another waits for it (``sys.setswitchinterval``;
    # Python's default is 5 ms). The event loop gives the GIL up at every socket write
    # and SQLite call and then waits for it behind the request threads: 1 ms lets it
    # get back to the cached answers sooner.
    switch_interval: float = 0.001

    def to_json(self) -> str:
        """Everything but the token (which stays in its environment variable)."""
        data = dataclasses.asdict(self)
        data.pop("token")
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str, token: Optional[str] = None) -> "ApiSettings":
        data = json.loads(text)
        data["cors_origins"] = tuple(data.get("cors_origins") or ())
        return cls(token=token, **data)
