"""Write tokens, request-body limits and response headers.

The API is read-only unless the operator sets a token (``--token-env``, by default
``EVENTWIRE_API_TOKEN``); endpoints that write to the store then need it as
``Authorization: Bearer <token>`` or ``X-API-Token: <token>``. Without a configured
token every write is refused with 403, so a store cannot be written by accident.
"""

from __future__ import annotations

import hmac
import json
import re
from typing import Optional

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, error_body

# The dashboard loads its own scripts and styles only; article text is inserted as
# text, and this policy keeps any script that slipped through from running.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_DOCS_PATHS = ("/docs", "/redoc")


def presented_token(request: Request) -> Optional[str]:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("x-api-token")


async def require_token(request: Request) -> None:
    """Dependency of every endpoint that writes."""
    check_token(request)


def check_token(request: Request) -> None:
    expected: Optional[str] = request.app.state.settings.token
    if not expected:
        raise ApiError(403, "writes_disabled", "this server is read-only: the operator has set no write token")
    given = presented_token(request)
    if not given:
        raise ApiError(401, "auth_required", "a write token is required (Authorization: Bearer <token>)")
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise ApiError(403, "bad_token", "the write token is not valid")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


async def reject_control_characters(request: Request) -> None:
    """Dependency of every endpoint: no NUL or other control characters in parameters.

    SQLite ends a LIKE pattern at a NUL, so ``%\x00`` would match every row.
    """
    for name, value in [*request.query_params.multi_items(), *request.path_params.items()]:
        if isinstance(value, str) and _CONTROL.search(value):
            raise ApiError(422, "invalid_parameter", f"{name}: control characters are not allowed",
                           details=[{"parameter": name}])


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, by header or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    await _send_error(send, 400, "bad_request", "invalid Content-Length")
                    return
                if too_big:
                    await _send_error(send, 413, "body_too_large", f"request body over {self.max_bytes} bytes")
                    return
        seen = 0
        started = False
        refused = False

        async def limited_receive() -> Message:
            # Past the limit, answer 413 ourselves and tell the app the client has gone
            # (an exception here would be turned into a 400 by the body parser).
            nonlocal seen, refused, started
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    if not started:
                        started = True
                        await _send_error(send, 413, "body_too_large", f"request body over {self.max_bytes} bytes")
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; drop whatever the app answers
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)


async def _send_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(code, message)).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    """Add nosniff, a referrer policy and (outside the OpenAPI pages) a strict CSP."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = not scope.get("path", "").startswith(_DOCS_PATHS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                if csp:
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
