"""Pages and formats: every list endpoint answers JSON or CSV.

JSON lists are ``{"items": [...], "total": N, "limit": L, "offset": O, "next": ...}``.
CSV is asked for with ``?format=csv`` or ``Accept: text/csv``; nested objects are
flattened with ``_`` (``source.code`` -> ``source_code``), lists are written as JSON.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Iterable, Literal, Optional

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response

from .errors import ApiError

try:  # optional: several times faster than json for the large answers (lists, ties)
    import orjson
except ImportError:  # pragma: no cover - depends on the environment
    orjson = None


class FastJSONResponse(JSONResponse):
    """A JSON answer serialised with orjson when it is installed, else like JSONResponse."""

    def render(self, content: Any) -> bytes:
        if orjson is None:
            return super().render(content)
        try:
            return orjson.dumps(content)
        except TypeError:  # something orjson does not take (an int over 64 bits ...)
            return super().render(content)

Format = Literal["json", "csv"]
MAX_LIMIT = 1000
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


async def page_params(
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page."),
    offset: int = Query(0, ge=0, le=10_000_000, description="Items to skip."),
) -> Page:
    return Page(limit, offset)


async def format_param(
    request: Request,
    format: Optional[Format] = Query(None, description="json (default) or csv; or send Accept: text/csv."),
) -> Format:
    if format:
        return format
    accept = request.headers.get("accept", "")
    if "text/csv" in accept and "application/json" not in accept:
        return "csv"
    return "json"


def flatten(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "_"))
        elif isinstance(value, (list, tuple)):
            out[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = value
    return out


def _csv_cell(value: Any) -> Any:
    # Cells that a spreadsheet would run as a formula are written with a leading quote.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(value):
        return "'" + value
    return "" if value is None else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(rows: Iterable[dict[str, Any]], columns: Optional[list[str]] = None) -> str:
    flat = [flatten(r) for r in rows]
    if columns is None:
        columns = []
        seen = set()
        for row in flat:
            for key in row:
                if key not in seen:
                    seen.add(key)
                    columns.append(key)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in flat:
        writer.writerow({k: _csv_cell(row.get(k)) for k in columns})
    return buf.getvalue()


def csv_response(rows: Iterable[dict[str, Any]], name: str, columns: Optional[list[str]] = None) -> Response:
    return Response(
        to_csv(rows, columns),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def page_response(
    request: Request,
    items: list[dict[str, Any]],
    total: Optional[int],
    page: Page,
    fmt: Format,
    name: str,
    columns: Optional[list[str]] = None,
) -> Response:
    """A list as a JSON page (with ``next`` when more follow) or as CSV."""
    if fmt == "csv":
        return csv_response(items, name, columns)
    more = (page.offset + len(items) < total) if total is not None else len(items) == page.limit
    nxt = str(request.url.include_query_params(offset=page.offset + page.limit)) if more else None
    return FastJSONResponse({"items": items, "total": total, "limit": page.limit, "offset": page.offset, "next": nxt})


def object_response(
    obj: dict[str, Any], fmt: Format, name: str, rows_key: Optional[str] = None, columns: Optional[list[str]] = None
) -> Response:
    """One object as JSON, or its list ``rows_key`` as CSV."""
    if fmt == "csv":
        if rows_key is None:
            return csv_response([obj], name, columns)
        return csv_response(obj.get(rows_key) or [], name, columns)
    return FastJSONResponse(obj)


def check_choice(name: str, value: Optional[str], choices: Iterable[str]) -> Optional[str]:
    if value is None:
        return None
    allowed = tuple(choices)
    if value not in allowed:
        raise ApiError(422, "invalid_parameter", f"{name}: must be one of {', '.join(allowed)}")
    return value
