"""Read queries that only the web API and the dashboard need, on top of
:mod:`eventwire.store.queries`.

- :func:`list_articles`: the article list page;
- :func:`record_ids`: the primary keys of an article's events and quotes, so the
  dashboard can point at one sentence;
- :func:`list_events`: :func:`queries.list_events` with the filters the API offers
  beyond :class:`queries.EventFilter` (PLOVER type, QuadClass, CAMEO code prefix, place);
- :func:`ties_daily`: :func:`queries.ties` regrouped per day;
- :func:`network` and :func:`actor_list`: built from :func:`queries.top_relations`.

Every value reaches SQL as a parameter; the only text formatted into SQL is chosen
from fixed strings in this module and in :mod:`queries`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Any, Optional, Sequence

from . import queries
from .queries import MAX_LIMIT, EventFilter, Page

QUAD_ROOTS = {
    1: ("01", "02", "03", "04", "05"),
    2: ("06", "07", "08", "09"),
    3: ("10", "11", "12", "13", "14"),
    4: ("15", "16", "17", "18", "19", "20"),
}


def tune_for_reading(store, *, mmap_bytes: int = 512 * 2**20, cache_kib: int = 16 * 1024) -> None:
    """Let a read-only SQLite connection map the file and keep a larger page cache
    (the server's readers scan large tables); nothing to do on PostgreSQL."""
    if store.dialect == "sqlite":
        store.db.execute(f"PRAGMA mmap_size = {int(mmap_bytes)}")
        store.db.execute(f"PRAGMA cache_size = {-int(cache_kib)}")


def list_articles(store, *, limit: int = 50, offset: int = 0) -> Page:
    """Articles, latest first, with their numbers of events and quotes."""
    db = store.db
    limit = max(0, min(int(limit), MAX_LIMIT))
    rows = db.query(
        "SELECT a.id AS pk, a.article_id AS id, a.title, a.published, a.source, a.url, a.duplicate_of,"
        " (SELECT COUNT(*) FROM events e WHERE e.article = a.id) AS events,"
        " (SELECT COUNT(*) FROM quotes q WHERE q.article = a.id) AS quotes"
        " FROM articles a ORDER BY a.published DESC NULLS LAST, a.id DESC LIMIT ? OFFSET ?",
        (limit, int(offset)),
    )
    total = int(db.scalar("SELECT COUNT(*) AS n FROM articles") or 0)
    return Page(rows, total, limit, int(offset))


def record_ids(store, pk: int) -> dict[str, list[int]]:
    """The primary keys of an article's events and quotes, in record order."""
    db = store.db
    return {
        "events": [r["id"] for r in db.query("SELECT id FROM events WHERE article = ? ORDER BY ordinal", (int(pk),))],
        "quotes": [r["id"] for r in db.query("SELECT id FROM quotes WHERE article = ? ORDER BY ordinal", (int(pk),))],
    }


def list_events(
    store,
    filters: EventFilter = EventFilter(),
    *,
    plover: Optional[str] = None,
    quad_classes: Sequence[int] = (),
    cameo: Optional[str] = None,
    place: Optional[str] = None,
    limit: int = 50,
    offset: int = 0,
    mentions: bool = False,
) -> Page:
    """:func:`queries.list_events` plus PLOVER type, QuadClass, CAMEO prefix and place filters.

    QuadClass is a set of CAMEO roots and joins ``filters.roots``; the others are
    further conditions on the event mention. ``place`` matches the event's place
    name (case-insensitive) or its country code.
    """
    if quad_classes:
        roots = {r for q in quad_classes for r in QUAD_ROOTS[int(q)]}
        if filters.roots:
            roots &= {str(r).zfill(2)[:2] for r in filters.roots}
        if not roots:
            return Page([], 0, max(0, min(int(limit), MAX_LIMIT)), int(offset))
        filters = dataclasses.replace(filters, roots=tuple(sorted(roots)))
    extra, extra_params = [], []
    if plover:
        extra.append("e.plover = ?")
        extra_params.append(plover.strip().upper())
    if cameo:
        extra.append("e.cameo LIKE ? ESCAPE '\\'")
        extra_params.append(queries.like_escape(cameo.strip()) + "%")
    if place:
        extra.append("(LOWER(e.place_name) = ? OR e.place_country = ?)")
        extra_params += [place.strip().lower(), place.strip().upper()]
    if not extra:
        return queries.list_events(store, filters, limit=limit, offset=offset, mentions=mentions)

    db = store.db
    limit = max(0, min(int(limit), MAX_LIMIT))
    if mentions:
        where, params = queries.event_where(filters)
        where = " AND ".join([where, *extra])
        params = params + extra_params
        base = queries.EVENT_FROM
        total = db.scalar(f"SELECT COUNT(*) AS n{base} WHERE {where}", params)
        rows = db.query(
            f"SELECT {queries.EVENT_COLUMNS}{base} WHERE {where}"
            " ORDER BY e.day IS NULL, e.day DESC, e.id DESC LIMIT ? OFFSET ?",
            params + [limit, int(offset)],
        )
    else:
        total, rows = queries.cluster_page(db, queries.event_branches(filters, extra=extra, extra_params=extra_params),
                                           limit, offset)
    return Page([queries.event_item(r) for r in rows], int(total or 0), limit, int(offset))


def ties_daily(store, a: str, b: str, *, top: int = 3, mentions_per_event: int = 3, **kwargs) -> dict[str, Any]:
    """:func:`queries.ties` with one period per day (``period="day"``)."""
    return queries.ties(store, a, b, period="day", top=top, mentions_per_event=mentions_per_event, **kwargs)


def period_end(start: str, period: str) -> str:
    """The last day of the period that begins on ``start``."""
    d = dt.date.fromisoformat(start)
    if period == "day":
        return d.isoformat()
    if period == "week":
        return (d + dt.timedelta(days=6)).isoformat()
    if period == "month":
        nxt = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return (nxt - dt.timedelta(days=1)).isoformat()
    raise ValueError(f"period must be day, week or month, not {period!r}")


def network(
    store, *, limit: int = 40, min_events: int = 1, since: Optional[str] = None, until: Optional[str] = None
) -> dict[str, Any]:
    """The ``limit`` most active actors (country, else code) and the relations among them.

    Edges are :func:`queries.top_relations` pairs: events (asserted, not negated),
    mean Goldstein and QuadClass counts.
    """
    relations = [
        r for r in queries.top_relations(store, limit=MAX_LIMIT, since=since, until=until) if r["events"] >= min_events
    ]
    degree: dict[str, int] = defaultdict(int)
    for r in relations:
        degree[r["a"]] += r["events"]
        degree[r["b"]] += r["events"]
    keep = sorted(degree, key=lambda k: (-degree[k], k))[: max(0, int(limit))]
    kept = set(keep)
    nodes = [{"id": k, "events": degree[k]} for k in keep]
    edges = [
        {"source": r["a"], "target": r["b"], "events": r["events"], "goldstein_mean": r["goldstein_mean"],
         "quad_classes": r["quad_classes"], "a_to_b": r["a_to_b"], "b_to_a": r["b_to_a"]}
        for r in relations
        if r["a"] in kept and r["b"] in kept
    ]
    return {"nodes": nodes, "edges": edges}


def actor_list(store, *, since: Optional[str] = None, until: Optional[str] = None) -> list[dict[str, Any]]:
    """Actors (country, else code) that have relations, by number of events."""
    degree: dict[str, int] = defaultdict(int)
    for r in queries.top_relations(store, limit=MAX_LIMIT, since=since, until=until):
        degree[r["a"]] += r["events"]
        degree[r["b"]] += r["events"]
    return [{"code": k, "events": n} for k, n in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))]
