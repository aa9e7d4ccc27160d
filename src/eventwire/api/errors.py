"""Stable error bodies: ``{"error": {"code": "...", "message": "..."}}``.

Every error the API returns has this shape, whatever raised it (a bad parameter,
a missing record, a refused write, an oversized body, a store failure), so a client
can branch on ``error.code`` and show ``error.message``.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import EventwireError

log = logging.getLogger(__name__)

# HTTP status -> error code used when nothing more specific is known.
STATUS_CODES = {
    400: "bad_request",
    401: "auth_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An error with an HTTP status and a stable code."""

    def __init__(self, status: int, code: str, message: str, *, details: Optional[Any] = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def error_body(code: str, message: str, details: Optional[Any] = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_response(status: int, code: str, message: str, details: Optional[Any] = None, headers=None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(422, "invalid_parameter", f"{name}: {message}", details=[{"parameter": name}])


def not_found(what: str, key: Any) -> ApiError:
    return ApiError(404, "not_found", f"no {what} {key!r}")


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body", "header")]
        out.append({"parameter": ".".join(loc) or "body", "message": str(err.get("msg", ""))})
    return out


def install_handlers(app: FastAPI) -> None:
    """Route every exception to the stable error body."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(exc.status, exc.code, exc.message, exc.details, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        details = _validation_details(exc)
        first = details[0] if details else {"parameter": "?", "message": "invalid"}
        return error_response(422, "invalid_parameter", f"{first['parameter']}: {first['message']}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(EventwireError)
    async def _eventwire(request: Request, exc: EventwireError):
        log.warning("store error on %s: %s", request.url.path, exc)
        return error_response(500, "store_error", f"{exc.code}: the store could not answer this request")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return error_response(500, "internal_error", "internal error")
