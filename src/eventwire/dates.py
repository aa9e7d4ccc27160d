"""Publication dates: parsing and checking the ``published`` field of an article."""

from __future__ import annotations

import datetime as dt
from typing import Optional, Union

DateLike = Union[str, dt.date, dt.datetime, None]


def parse_date(value: DateLike) -> Optional[dt.date]:
    """Parse an ISO date or datetime (``2021-12-15``, ``2021-12-15T08:00:00Z``)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) == 10 or text[10:11] in "T " else _fail(value)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return _fail(value)


def _fail(value) -> dt.date:
    raise ValueError(f"'published' is not an ISO date: {value!r}")


def check_date(value: DateLike) -> Optional[str]:
    """Return ``YYYY-MM-DD`` for a valid date, None for none; raise ValueError otherwise."""
    date = parse_date(value)
    return date.isoformat() if date else None
