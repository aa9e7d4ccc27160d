"""Read functions over a store: the one query module the CLI, API and exports use.

Every function takes a :class:`~eventwire.store.Store` (or its backend) and returns
plain JSON-ready dicts, or a :class:`Page` of them. Events are listed one per
real-world event (an event cluster) unless ``mentions=True``; relation figures
(:func:`ties`, :func:`report`, :func:`actor_profile`) count events, never mentions,
and leave out negated and hypothetical events unless asked. Each event carries its
sentence and article so that every number leads back to the text.

Actor arguments are codes or names: ``RUS`` matches an actor whose country is RUS or
whose code starts with RUS (RUSGOV, RUSMIL ...); ``RUSGOV`` that code and its
sub-codes; anything else (``Putin``) the actor's name, case-insensitively.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from typing import Any, Optional, Sequence, Union

from ..models import Actor, ActorRef, Analysis, Event, Place, PlaceRef, Quote, Speaker, TimeExpr, Tone
from .names import fold_words

QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
MAX_LIMIT = 1000


@dataclass
class Page:
    """One page of results: ``items`` and the ``total`` number matching."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EventFilter:
    """Filters of :func:`list_events` (all optional; dates are inclusive)."""

    actor: Optional[str] = None
    dyad: Optional[tuple[str, str]] = None
    either_direction: bool = False
    roots: tuple[str, ...] = ()
    since: Optional[str] = None
    until: Optional[str] = None
    include_negated: bool = False
    include_hypothetical: bool = False
    article: Optional[int] = None


def _db(store):
    return getattr(store, "db", store)


def _limit(limit: int) -> int:
    return max(0, min(int(limit), MAX_LIMIT))


# --- filters -------------------------------------------------------------------


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_CODE = re.compile(r"[A-Z]{3}[A-Z0-9]*")


def is_code(value: str) -> bool:
    """``RUS``, ``rus``, ``RUSGOV``, ``IGOWSTNAT`` are codes; ``Putin`` is a name."""
    value = value.strip()
    return bool(_CODE.fullmatch(value.upper())) and (value.isupper() or len(value) == 3)


def prefix_end(code: str) -> str:
    """The first string after every string starting with ``code`` (an upper-case code):
    ``code >= X AND code < prefix_end(X)`` is a prefix match that can use an index."""
    return code[:-1] + chr(ord(code[-1]) + 1)


def actor_clause(side: str, value: str, alias: str = "e") -> tuple[str, list[Any]]:
    """SQL matching one side (``source``/``target``) of an event row to an actor."""
    value = value.strip()
    col = f"{alias}.{side}"
    if is_code(value):
        code = value.upper()
        return f"({col}_country = ? OR ({col}_code >= ? AND {col}_code < ?))", [code, code, prefix_end(code)]
    return f"(LOWER({col}_name) LIKE ? ESCAPE '\\')", ["%" + like_escape(value.lower()) + "%"]


def period_bounds(since: Optional[str], until: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """Inclusive day bounds from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (ValueError if neither)."""
    return (_bound(since, first=True) if since else None, _bound(until, first=False) if until else None)


def _bound(value: str, first: bool) -> str:
    value = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value).isoformat()
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = int(value[:4]), int(value[5:])
        day = 1 if first else calendar.monthrange(year, month)[1]
        return dt.date(year, month, day).isoformat()
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-01-01" if first else f"{value}-12-31"
    raise ValueError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")


def actor_branches(value: str, alias: str = "e", sides: Sequence[str] = ("source", "target")) -> list[tuple[str, list[Any]]]:
    """:func:`actor_clause` on ``sides`` as alternatives (OR) that each can use one
    index: a code gives ``country = X`` and ``code`` in a range per side."""
    value = value.strip()
    out = []
    for side in sides:
        col = f"{alias}.{side}"
        if is_code(value):
            code = value.upper()
            out += [(f"{col}_country = ?", [code]), (f"({col}_code >= ? AND {col}_code < ?)", [code, prefix_end(code)])]
        else:
            out.append(actor_clause(side, value, alias))
    return out


def event_where(f: EventFilter, alias: str = "e") -> tuple[str, list[Any]]:
    """The SQL condition (and its parameters) of an :class:`EventFilter` on events ``alias``."""
    branches = event_branches(f, alias)
    if len(branches) == 1:
        return branches[0]
    common, common_params = _event_where_common(f, alias, by_actor=True)
    ors = " OR ".join(f"({sql})" for sql, _ in _actor_alternatives(f, alias))
    return f"({ors}) AND {common}", [p for _, ps in _actor_alternatives(f, alias) for p in ps] + common_params


def event_branches(f: EventFilter, alias: str = "e", extra: Sequence[str] = (),
                   extra_params: Sequence[Any] = ()) -> list[tuple[str, list[Any]]]:
    """Conditions whose union (OR) is the filter: one per index an actor filter can
    use (see :func:`actor_branches`), each with the other filters and ``extra``."""
    alternatives = _actor_alternatives(f, alias)
    common, common_params = _event_where_common(f, alias, by_actor=bool(alternatives))
    if extra:
        common = " AND ".join([common, *extra])
        common_params = common_params + list(extra_params)
    if not alternatives:
        return [(common, common_params)]
    return [(f"{sql} AND {common}", params + common_params) for sql, params in alternatives]


def event_ids_sql(f: EventFilter, extra: Sequence[str] = (), extra_params: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    """A subquery selecting the ids of the mentions matching ``f`` (for ``e.id IN (...)``),
    one index range per alternative of :func:`event_branches`."""
    branches = event_branches(f, "e", extra, extra_params)
    sql = " UNION ALL ".join(f"SELECT e.id FROM events e WHERE {where}" for where, _ in branches)
    return sql, [p for _, ps in branches for p in ps]


def _actor_alternatives(f: EventFilter, alias: str) -> list[tuple[str, list[Any]]]:
    """The actor and dyad filters as alternatives (OR), each a conjunction of index
    lookups; empty when the filter has neither."""
    out: list[tuple[str, list[Any]]] = [("", [])]
    if f.actor:
        out = actor_branches(f.actor, alias)
    if f.dyad:
        a, b = f.dyad
        pairs = [(a, b), (b, a)] if f.either_direction else [(a, b)]
        dyads = [
            (f"{s_sql} AND {t_sql}", s_params + t_params)
            for x, y in pairs
            for s_sql, s_params in actor_branches(x, alias, ("source",))
            for t_sql, t_params in actor_branches(y, alias, ("target",))
        ]
        out = [(" AND ".join(filter(None, (o_sql, d_sql))), o_params + d_params)
               for o_sql, o_params in out for d_sql, d_params in dyads]
    return [] if out == [("", [])] else out


def _event_where_common(f: EventFilter, alias: str = "e", by_actor: bool = False) -> tuple[str, list[Any]]:
    """Every condition of the filter but the actor and the dyad. ``by_actor``: the
    rows are found through an actor index, so root and day are written as expressions
    (``col || ''``, the same values) that SQLite's planner will not pick an index for
    instead of the actor's."""
    clauses: list[str] = []
    params: list[Any] = []
    root_col, day_col = (f"({alias}.root || '')", f"({alias}.day || '')") if by_actor else (f"{alias}.root", f"{alias}.day")
    if f.since or f.until:
        root_col = f"({alias}.root || '')"  # a period is read from the day index, roots filtered in it
    if f.roots:
        roots = [str(r).zfill(2)[:2] for r in f.roots]
        clauses.append(f"{root_col} IN ({', '.join('?' * len(roots))})")
        params += roots
    since, until = period_bounds(f.since, f.until)
    if since:
        clauses.append(f"{day_col} >= ?")
        params.append(since)
    if until:
        clauses.append(f"{day_col} <= ?")
        params.append(until)
    if not f.include_negated:
        clauses.append(f"{alias}.negated = 0")
    if not f.include_hypothetical:
        clauses.append(f"{alias}.modality <> 'hypothetical'")
    if f.article is not None:
        clauses.append(f"{alias}.article = ?")
        params.append(int(f.article))
    return (" AND ".join(clauses) or "1 = 1"), params


_event_where = event_where  # the former private name


def _pair_clause(a: str, b: str, alias: str = "e") -> tuple[str, list[Any]]:
    src, p1 = actor_clause("source", a, alias)
    tgt, p2 = actor_clause("target", b, alias)
    return f"({src} AND {tgt})", p1 + p2


# --- events --------------------------------------------------------------------

EVENT_COLUMNS = (
    "e.id, e.article, e.ordinal, e.source_name, e.source_code, e.source_country, e.source_actor, e.target_name,"
    " e.target_code, e.target_country, e.target_actor, e.cameo, e.root, e.plover, e.mode, e.goldstein,"
    " e.quad_class, e.date, e.date_source, e.day, e.place_name, e.place_country, e.place_lat, e.place_lon,"
    " e.negated, e.modality, e.sentence, e.start_char, e.end_char, e.in_title, e.evidence, e.cluster_id,"
    " a.article_id, a.title AS article_title, a.published AS article_published, a.url AS article_url,"
    " a.duplicate_of AS article_duplicate_of,"
    " c.num_mentions, c.num_articles, c.num_sources, c.goldstein AS cluster_goldstein, c.day AS cluster_day"
)
EVENT_FROM = " FROM events e JOIN articles a ON a.id = e.article JOIN event_clusters c ON c.id = e.cluster_id"


# The former private names.
_EVENT_COLUMNS, _EVENT_FROM = EVENT_COLUMNS, EVENT_FROM


def list_events(
    store, filters: EventFilter = EventFilter(), *, limit: int = 50, offset: int = 0, mentions: bool = False
) -> Page:
    """Events matching ``filters``, latest first: one per event cluster (its first
    matching mention, with the cluster's counts), or every mention if ``mentions``."""
    db = _db(store)
    where, params = event_where(filters)
    limit = _limit(limit)
    if mentions:
        total = db.scalar(f"SELECT COUNT(*) AS n FROM events e WHERE {where}", params)
        rows = db.query(
            f"SELECT {EVENT_COLUMNS}{EVENT_FROM} WHERE {where}"
            " ORDER BY e.day DESC NULLS LAST, e.id DESC LIMIT ? OFFSET ?",
            params + [limit, int(offset)],
        )
    elif _flags_only(filters):
        # Negation and hypothetical are the same for every mention of a cluster, so
        # the clusters can be read in date order directly (index) without grouping.
        flags = (["c.negated = 0"] if not filters.include_negated else []) + (
            ["c.hypothetical = 0"] if not filters.include_hypothetical else []
        )
        cwhere = " AND ".join(flags) or "1 = 1"
        total = db.scalar(f"SELECT COUNT(*) AS n FROM event_clusters c WHERE {cwhere}")
        reps = db.query(
            "SELECT (SELECT MIN(e.id) FROM events e WHERE e.cluster_id = c.id) AS rep FROM event_clusters c"
            f" WHERE {cwhere} ORDER BY c.day DESC NULLS LAST, c.id DESC LIMIT ? OFFSET ?",
            [limit, int(offset)],
        )
        rows = events_by_id(db, [r["rep"] for r in reps if r["rep"] is not None])
    else:
        total, rows = cluster_page(db, event_branches(filters), limit, offset)
    return Page([event_item(r) for r in rows], int(total or 0), limit, int(offset))


def cluster_page(db, branches: list[tuple[str, list[Any]]], limit: int, offset: int) -> tuple[int, list[dict]]:
    """The number of event clusters with a mention matching any of ``branches``
    (conditions on events ``e``), and one page of them, latest first, each as its
    first matching mention (an :data:`EVENT_COLUMNS` row)."""
    union = " UNION ALL ".join(f"SELECT e.id, e.cluster_id FROM events e WHERE {sql}" for sql, _ in branches)
    params = [p for _, ps in branches for p in ps]
    # Each branch reads a covering index; the clusters are grouped before the join, and
    # the total comes with the page (a window count), so the mentions are read once.
    grouped = f"SELECT u.cluster_id, MIN(u.id) AS rep FROM ({union}) u GROUP BY u.cluster_id"
    reps = db.query(
        f"SELECT g.rep, COUNT(*) OVER () AS total FROM ({grouped}) g JOIN event_clusters c ON c.id = g.cluster_id"
        " ORDER BY c.day DESC NULLS LAST, g.cluster_id DESC LIMIT ? OFFSET ?",
        params + [int(limit), int(offset)],
    )
    if reps:
        total = reps[0]["total"]
    else:  # an empty page (limit 0, or past the end): count alone
        total = db.scalar(f"SELECT COUNT(*) AS n FROM ({grouped}) g", params)
    return int(total or 0), events_by_id(db, [r["rep"] for r in reps])


def _flags_only(f: EventFilter) -> bool:
    return not (f.actor or f.dyad or f.roots or f.since or f.until or f.article is not None)


def events_by_id(db, ids: Sequence[int]) -> list[dict]:
    """:data:`EVENT_COLUMNS` rows of these event ids, in this order."""
    if not ids:
        return []
    rows = db.query(f"SELECT {EVENT_COLUMNS}{EVENT_FROM} WHERE e.id IN ({', '.join('?' * len(ids))})", list(ids))
    order = {pk: n for n, pk in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r["id"]])


_events_by_id = events_by_id  # the former private name


def event_item(r: dict) -> dict[str, Any]:
    """An events row as a contract-shaped event plus its ids, article and cluster counts."""
    place = None
    if r["place_name"] is not None:
        place = {"name": r["place_name"], "country": r["place_country"], "lat": r["place_lat"], "lon": r["place_lon"]}
    target = None
    if r["target_code"] is not None:
        target = {"name": r["target_name"], "actor": r["target_actor"], "code": r["target_code"], "country": r["target_country"]}
    return {
        "id": r["id"],
        "cluster": r["cluster_id"],
        "article": _article_ref(r),
        "source": {"name": r["source_name"], "actor": r["source_actor"], "code": r["source_code"], "country": r["source_country"]},
        "target": target,
        "cameo": r["cameo"],
        "root": r["root"],
        "plover": r["plover"],
        "mode": r["mode"],
        "goldstein": r["goldstein"],
        "quad_class": r["quad_class"],
        "date": r["date"],
        "date_source": r["date_source"],
        "day": r["day"],
        "place": place,
        "negated": bool(r["negated"]),
        "modality": r["modality"],
        "sentence": r["sentence"],
        "span": [r["start_char"], r["end_char"]],
        "in_title": bool(r["in_title"]),
        "evidence": r["evidence"],
        "num_mentions": r.get("num_mentions"),
        "num_articles": r.get("num_articles"),
        "num_sources": r.get("num_sources"),
    }


def _article_ref(r: dict) -> dict[str, Any]:
    return {
        "pk": r["article"],
        "id": r["article_id"],
        "title": r["article_title"],
        "published": r["article_published"],
        "url": r["article_url"],
        "duplicate_of": r.get("article_duplicate_of"),
    }


def event_mentions(store, cluster_id: int) -> list[dict[str, Any]]:
    """Every mention (sentence, article) of one event cluster."""
    rows = _db(store).query(f"SELECT {EVENT_COLUMNS}{EVENT_FROM} WHERE e.cluster_id = ? ORDER BY e.id", [int(cluster_id)])
    return [event_item(r) for r in rows]


# --- quotes --------------------------------------------------------------------

_QUOTE_COLUMNS = (
    "q.id, q.article, q.ordinal, q.text, q.kind, q.start_char, q.end_char, q.in_title, q.cue, q.speaker_name,"
    " q.speaker_code, q.speaker_actor, q.speaker_mention, q.speaker_mention_start, q.speaker_mention_end,"
    " a.article_id, a.title AS article_title, a.published AS article_published, a.url AS article_url,"
    " a.duplicate_of AS article_duplicate_of"
)


def speaker_clause(name: str, alias: str = "q") -> tuple[str, list[Any]]:
    """SQL finding a speaker's quotes whichever way the articles named them.

    A quote matches when its folded speaker name (case, accents and courtesy titles
    dropped) contains every word of ``name`` ("Putin" finds "Vladimir Putin"), or is
    the name itself, its surname or its first word ("Vladimir Putin" finds quotes
    whose speaker came out as "Putin").
    """
    words = fold_words(name)
    if not words:
        return "1 = 0", []
    phrases = {" ".join(words[i:]) for i in range(len(words))} | {words[0]}
    contains = " AND ".join([f"(' ' || {alias}.speaker_norm || ' ') LIKE ? ESCAPE '\\'"] * len(words))
    params: list[Any] = sorted(phrases) + ["% " + like_escape(w) + " %" for w in words]
    return f"({alias}.speaker_norm IN ({', '.join('?' * len(phrases))}) OR ({contains}))", params


def fts_terms(text: str) -> list[str]:
    return re.findall(r"\w+", text, flags=re.UNICODE)


def list_quotes(
    store,
    *,
    speaker: Optional[str] = None,
    search: Optional[str] = None,
    speaker_code: Optional[str] = None,
    article: Optional[int] = None,
    since: Optional[str] = None,
    until: Optional[str] = None,
    include_duplicates: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Quotes, latest article first (best match first when searching).

    ``search`` is full text over the quote (every word must occur, stemmed: SQLite
    FTS5, PostgreSQL ``plainto_tsquery``); ``speaker`` see :func:`speaker_clause`;
    ``speaker_code`` matches the speaker's actor code like an actor argument. A quote
    of a near-duplicate article that its original article already has (same text)
    is left out unless ``include_duplicates`` (or ``article`` is given).
    """
    db = _db(store)
    limit = _limit(limit)
    clauses: list[str] = []
    params: list[Any] = []
    joins = ""
    order = "a.published DESC NULLS LAST, q.article DESC, q.ordinal"
    if search is not None:
        terms = fts_terms(search)
        if not terms:
            return Page([], 0, limit, int(offset))
        if db.dialect == "postgresql":
            clauses.append("q.tsv @@ plainto_tsquery('english', ?)")
            params.append(" ".join(terms))
            order = "ts_rank(q.tsv, plainto_tsquery('english', ?)) DESC, q.id DESC"
        else:
            match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
            joins = " JOIN (SELECT rowid AS qid, rank FROM quotes_fts WHERE quotes_fts MATCH ?) f ON f.qid = q.id"
            params.append(match)
            order = "f.rank, q.id DESC"
    if speaker:
        sql, p = speaker_clause(speaker)
        clauses.append(sql)
        params += p
    if speaker_code:
        code = speaker_code.strip().upper()
        clauses.append("(q.speaker_code >= ? AND q.speaker_code < ?)")
        params += [code, prefix_end(code)]
    if article is not None:
        clauses.append("q.article = ?")
        params.append(int(article))
    if not include_duplicates and article is None:
        clauses.append(
            "(a.duplicate_of IS NULL OR NOT EXISTS"
            " (SELECT 1 FROM quotes q2 WHERE q2.article = a.duplicate_of AND q2.text = q.text))"
        )
    lo, hi = period_bounds(since, until)
    if search is not None and db.dialect != "postgresql" and not (speaker or speaker_code or lo or hi) and article is None:
        return _search_quotes_sqlite(db, params[0], include_duplicates, limit, int(offset))
    if lo:
        clauses.append("a.published >= ?")
        params.append(lo)
    if hi:
        clauses.append("a.published <= ?")
        params.append(hi)
    where = " AND ".join(clauses) or "1 = 1"
    if search is None and not speaker and not speaker_code and article is None:
        # Articles first (CROSS JOIN fixes the order in SQLite): the latest quotes
        # then come from the published index instead of a sort of every quote.
        # Selective filters (speaker, article) are better served from quotes first.
        base = f" FROM articles a CROSS JOIN quotes q WHERE q.article = a.id AND {where}"
    else:
        base = f" FROM quotes q JOIN articles a ON a.id = q.article{joins} WHERE {where}"
    # The search term sits first in params (in the join for SQLite, the WHERE for PostgreSQL).
    order_params = [params[0]] if search is not None and db.dialect == "postgresql" else []
    # The total comes with the page (a window count): the matches are found once.
    rows = db.query(
        f"SELECT {_QUOTE_COLUMNS}, COUNT(*) OVER () AS total_matches{base} ORDER BY {order} LIMIT ? OFFSET ?",
        params + order_params + [limit, int(offset)],
    )
    if rows:
        total = rows[0]["total_matches"]
    else:  # an empty page (limit 0, or past the end): count alone
        total = db.scalar(f"SELECT COUNT(*) AS n{base}", params)
    return Page([quote_item(r) for r in rows], int(total or 0), limit, int(offset))


# Full-text search ranks (bm25) at most this many matches: the most recently stored
# ones. Ranking costs about 3 us per match, so a common word over a large store would
# otherwise cost every search the ranking of thousands of quotes.
RANK_WINDOW = 500


def _search_quotes_sqlite(db, match: str, include_duplicates: bool, limit: int, offset: int,
                          rank_window: Optional[int] = None) -> Page:
    """:func:`list_quotes` for a full-text search alone, on SQLite: the same page, found cheaper.

    The ranking is done on the FTS5 index alone (row ids and ``rank``); only the
    quotes of the page are read with their articles. The quotes that the duplicate
    rule leaves out (a near-duplicate article's quote that its original has too) are
    found first, from the near-duplicate articles, and left out of the ranking.

    When more than ``rank_window`` (default :data:`RANK_WINDOW`) quotes match, the
    ``rank_window`` most recently stored matches (highest ids) come first, best
    match first, then the older matches, newest first: the same order as before
    for a search with fewer matches, a bounded cost for a common word.
    """
    window = RANK_WINDOW if rank_window is None else max(1, int(rank_window))
    hidden: list[int] = []
    if not include_duplicates:
        hidden = [r["id"] for r in db.query(
            "SELECT q.id FROM articles a CROSS JOIN quotes q WHERE a.duplicate_of IS NOT NULL AND q.article = a.id"
            " AND EXISTS (SELECT 1 FROM quotes q2 WHERE q2.article = a.duplicate_of AND q2.text = q.text)"
            " AND q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)",
            [match],
        )]
    keep = ""
    params: list[Any] = [match]
    if hidden:
        keep = " AND rowid NOT IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(hidden))
    total = int(db.scalar("SELECT COUNT(*) AS n FROM quotes_fts WHERE quotes_fts MATCH ?", [match]) or 0) - len(hidden)
    base = f"SELECT rowid AS qid FROM quotes_fts WHERE quotes_fts MATCH ?{keep}"
    if total <= window:
        ranked = db.query(f"{base} ORDER BY rank, rowid DESC LIMIT ? OFFSET ?", params + [limit, offset])
    else:
        # The lowest id of the window (a walk of the match list in id order, no ranking).
        floor = db.scalar(f"{base} ORDER BY rowid DESC LIMIT 1 OFFSET ?", params + [window - 1])
        ranked = []
        if offset < window:
            ranked = db.query(f"{base} AND rowid >= ? ORDER BY rank, rowid DESC LIMIT ? OFFSET ?",
                              params + [floor, min(limit, window - offset), offset])
        rest = limit - len(ranked)
        if rest > 0:
            ranked += db.query(f"{base} AND rowid < ? ORDER BY rowid DESC LIMIT ? OFFSET ?",
                               params + [floor, rest, max(0, offset - window)])
    ids = [r["qid"] for r in ranked]
    if not ids:
        return Page([], total, limit, offset)
    rows = {r["id"]: r for r in db.query(
        f"SELECT {_QUOTE_COLUMNS} FROM quotes q JOIN articles a ON a.id = q.article"
        f" WHERE q.id IN ({', '.join('?' * len(ids))})",
        ids,
    )}
    return Page([quote_item(rows[i]) for i in ids if i in rows], total, limit, offset)


def article_quotes(store, articles: Sequence[int], *, limit: int = 100) -> dict[int, list[dict[str, Any]]]:
    """The quotes of each of ``articles`` in one query: for each, what
    ``list_quotes(store, article=pk, limit=limit).items`` gives (text order)."""
    db = _db(store)
    pks = sorted({int(pk) for pk in articles})
    out: dict[int, list[dict[str, Any]]] = {pk: [] for pk in pks}
    for chunk in range(0, len(pks), 500):
        part = pks[chunk:chunk + 500]
        for r in db.query(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes q JOIN articles a ON a.id = q.article"
            f" WHERE q.article IN ({', '.join('?' * len(part))}) ORDER BY q.article, q.ordinal",
            part,
        ):
            items = out[r["article"]]
            if len(items) < _limit(limit):
                items.append(quote_item(r))
    return out


def quote_item(r: dict) -> dict[str, Any]:
    speaker = None
    if r["speaker_name"] is not None:
        mspan = None if r["speaker_mention_start"] is None else [r["speaker_mention_start"], r["speaker_mention_end"]]
        speaker = {
            "name": r["speaker_name"],
            "actor": r["speaker_actor"],
            "code": r["speaker_code"],
            "mention": r["speaker_mention"],
            "mention_span": mspan,
        }
    return {
        "id": r["id"],
        "article": _article_ref(r),
        "text": r["text"],
        "kind": r["kind"],
        "span": [r["start_char"], r["end_char"]],
        "in_title": bool(r["in_title"]),
        "cue": r["cue"],
        "speaker": speaker,
    }


# --- relations -----------------------------------------------------------------


PERIODS = ("day", "week", "month")


def period_start(day: str, period: str) -> str:
    """The first day of the ``day``, ``week`` (ISO, Monday) or ``month`` holding ``day``."""
    d = dt.date.fromisoformat(day)
    if period == "day":
        return d.isoformat()
    if period == "week":
        return (d - dt.timedelta(days=d.weekday())).isoformat()
    if period == "month":
        return d.replace(day=1).isoformat()
    raise ValueError(f"period must be 'day', 'week' or 'month', not {period!r}")


def ties(
    store,
    a: str,
    b: str,
    *,
    period: str = "week",
    since: Optional[str] = None,
    until: Optional[str] = None,
    include_negated: bool = False,
    include_hypothetical: bool = False,
    top: int = 3,
    mentions_per_event: int = 3,
) -> dict[str, Any]:
    """The relation between actors ``a`` and ``b`` (either direction) over time.

    Per period (day, ISO week starting Monday, or month): events (not mentions) per
    QuadClass, mean Goldstein, counts per direction, the ids of all its events and
    the ``top`` events (most articles, then most extreme Goldstein) with their
    sentences and article ids.
    """
    period_start("2000-01-01", period)  # validates period
    db = _db(store)
    f = EventFilter(
        dyad=(a, b), either_direction=True, since=since, until=until,
        include_negated=include_negated, include_hypothetical=include_hypothetical,
    )
    ids, params = event_ids_sql(f)
    fwd, fwd_params = _pair_clause(a, b)
    # The figures need one light row per mention; sentences are read afterwards, only
    # for the events a period shows (``top``).
    rows = db.query(
        "SELECT e.id, e.cluster_id, e.source_code, e.target_code, e.cameo, e.root, e.quad_class, e.negated,"
        " e.modality, c.goldstein AS cluster_goldstein, c.day AS cluster_day, c.num_mentions, c.num_articles,"
        f" c.num_sources, CASE WHEN {fwd} THEN 1 ELSE 0 END AS forward"
        f" FROM events e JOIN event_clusters c ON c.id = e.cluster_id WHERE e.id IN ({ids}) ORDER BY e.cluster_id, e.id",
        fwd_params + params,
    )
    clusters: dict[int, dict[str, Any]] = {}
    for r in rows:
        c = clusters.get(r["cluster_id"])
        if c is None:
            c = clusters[r["cluster_id"]] = {
                "cluster": r["cluster_id"],
                "direction": "a->b" if r["forward"] else "b->a",
                "source": r["source_code"],
                "target": r["target_code"],
                "cameo": r["cameo"],
                "root": r["root"],
                "quad_class": r["quad_class"],
                "goldstein": r["cluster_goldstein"],
                "day": r["cluster_day"],
                "negated": bool(r["negated"]),
                "modality": r["modality"],
                "num_mentions": r["num_mentions"],
                "num_articles": r["num_articles"],
                "num_sources": r["num_sources"],
                "mentions": [],
            }
        c["mentions"].append(r["id"])
    buckets: dict[str, list[dict]] = defaultdict(list)
    undated = []
    starts: dict[str, str] = {}  # day -> first day of its period (many events share a day)
    for c in clusters.values():
        day = c["day"]
        if not day:
            undated.append(c)
            continue
        start = starts.get(day)
        if start is None:
            start = starts[day] = period_start(day, period)
        buckets[start].append(c)
    shown = [c for evs in [*buckets.values(), undated] for c in top_events(evs, top)]
    _load_mentions(db, shown, mentions_per_event)
    series = [period_summary(start, evs, top, mentions_per_event) for start, evs in sorted(buckets.items())]
    all_events = list(clusters.values())
    return {
        "a": a,
        "b": b,
        "period": period,
        "events": len(all_events),
        "quad_classes": _quad_counts(all_events),
        "goldstein_mean": _mean(c["goldstein"] for c in all_events),
        "series": series,
        "undated": period_summary(None, undated, top, mentions_per_event) if undated else None,
    }


def _quad_counts(events) -> dict[str, int]:
    counts = Counter(c["quad_class"] for c in events)
    return {str(q): counts.get(q, 0) for q in QUAD_CLASSES}


def _mean(values) -> Optional[float]:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 3) if values else None


def top_events(events: list[dict], top: int) -> list[dict]:
    """The ``top`` events of a period: most articles, then most extreme Goldstein."""
    if top <= 0:
        return []
    return sorted(events, key=lambda c: (-c["num_articles"], -abs(c["goldstein"]), c["cluster"]))[: max(0, top)]


def _load_mentions(db, events: list[dict], mentions_per_event: int) -> None:
    """Replace the mention ids of these events by their first ``mentions_per_event``
    mentions (event id, article, sentence, span)."""
    wanted = sorted({m for c in events for m in c["mentions"][:mentions_per_event] if isinstance(m, int)})
    found: dict[int, dict] = {}
    for chunk in range(0, len(wanted), 500):
        ids = wanted[chunk:chunk + 500]
        for r in db.query(
            "SELECT e.id, e.article, a.article_id, e.sentence, e.start_char, e.end_char FROM events e"
            f" JOIN articles a ON a.id = e.article WHERE e.id IN ({', '.join('?' * len(ids))})",
            ids,
        ):
            found[r["id"]] = {"event": r["id"], "article": r["article"], "article_id": r["article_id"],
                              "sentence": r["sentence"], "span": [r["start_char"], r["end_char"]]}
    for c in events:
        c["mentions"] = [found.get(m, m) if isinstance(m, int) else m for m in c["mentions"][:mentions_per_event]]


def period_summary(start, events, top, mentions_per_event) -> dict[str, Any]:
    """One period of :func:`ties`: counts, mean Goldstein, direction counts, event ids
    and the ``top`` events (with their first ``mentions_per_event`` mentions)."""
    top_list = []
    for c in top_events(events, top):
        item = dict(c)
        item["mentions"] = c["mentions"][:mentions_per_event]
        top_list.append(item)
    return {
        "start": start,
        "events": len(events),
        "quad_classes": _quad_counts(events),
        "goldstein_mean": _mean(c["goldstein"] for c in events),
        "a_to_b": sum(1 for c in events if c["direction"] == "a->b"),
        "b_to_a": sum(1 for c in events if c["direction"] == "b->a"),
        "event_ids": sorted(c["cluster"] for c in events),
        "top": top_list,
    }


_period_summary = period_summary  # the former private name


def top_relations(
    store, *, limit: int = 10, since: Optional[str] = None, until: Optional[str] = None
) -> list[dict[str, Any]]:
    """The most active relations: undirected pairs of actors (country, else code) by
    number of events (asserted, not negated; an actor with itself left out), with mean
    Goldstein and QuadClass counts."""
    clauses = ["target_key <> ''", "negated = 0", "hypothetical = 0", "source_key <> target_key"]
    params: list[Any] = []
    lo, hi = period_bounds(since, until)
    if lo:
        clauses.append("day >= ?")
        params.append(lo)
    if hi:
        clauses.append("day <= ?")
        params.append(hi)
    quads = ", ".join(f"SUM(CASE WHEN quad_class = {q} THEN {{n}} ELSE 0 END) AS q{q}" for q in QUAD_CLASSES)
    if lo or hi:
        rows = _db(store).query(
            f"SELECT source_key, target_key, COUNT(*) AS n, SUM(goldstein) AS g, {quads.format(n=1)}"
            f" FROM event_clusters WHERE {' AND '.join(clauses)} GROUP BY source_key, target_key",
            params,
        )
    else:
        # Over all time: the summary Store.add keeps (the same figures, no scan).
        rows = _db(store).query(
            f"SELECT source_key, target_key, SUM(events) AS n, SUM(goldstein_sum) AS g, {quads.format(n='events')}"
            " FROM relation_totals WHERE target_key <> '' AND source_key <> target_key"
            " GROUP BY source_key, target_key HAVING SUM(events) > 0"
        )
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        pair = tuple(sorted((r["source_key"], r["target_key"])))
        p = pairs.setdefault(pair, {"a": pair[0], "b": pair[1], "events": 0, "a_to_b": 0, "b_to_a": 0,
                                    "_g": 0.0, "quad_classes": {str(q): 0 for q in QUAD_CLASSES}})
        p["events"] += r["n"]
        p["_g"] += r["g"] or 0.0
        p["a_to_b" if r["source_key"] == pair[0] else "b_to_a"] += r["n"]
        for q in QUAD_CLASSES:
            p["quad_classes"][str(q)] += r[f"q{q}"]
    out = []
    for p in pairs.values():
        p["goldstein_mean"] = round(p.pop("_g") / p["events"], 3)
        out.append(p)
    out.sort(key=lambda p: (-p["events"], p["a"], p["b"]))
    return out[: _limit(limit)]


def most_active_pair(store) -> Optional[tuple[str, str]]:
    """The first pair of :func:`top_relations` (``(a, b)``, ``a < b``), or None: the
    pairs are summed in SQL from ``relation_totals`` and only the busiest come back
    (the dashboard's default ties pair, without reading every pair)."""
    db = _db(store)
    lo = "CASE WHEN source_key < target_key THEN source_key ELSE target_key END"
    hi = "CASE WHEN source_key < target_key THEN target_key ELSE source_key END"
    grouped = (
        f"SELECT {lo} AS x, {hi} AS y, SUM(events) AS n FROM relation_totals"
        " WHERE target_key <> '' AND source_key <> target_key GROUP BY x, y HAVING SUM(events) > 0"
    )
    # Every pair with the highest count (ties are broken in Python, as top_relations
    # does: the database's collation need not be Python's order).
    for limit in (16, None):
        rows = db.query(f"{grouped} ORDER BY n DESC" + (f" LIMIT {limit}" if limit else ""))
        if not rows:
            return None
        best = [r for r in rows if r["n"] == rows[0]["n"]]
        if limit is None or len(best) < len(rows):
            return min(tuple(sorted((r["x"], r["y"]))) for r in best)
    return None


def report(
    store, *, relations: int = 10, quotes: int = 10, since: Optional[str] = None, until: Optional[str] = None
) -> dict[str, Any]:
    """The summary of a store: totals, the most active relations, the latest quotes."""
    db = _db(store)
    totals = db.one(
        "SELECT (SELECT COUNT(*) FROM articles) AS articles,"
        " (SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL) AS near_duplicates,"
        " (SELECT COUNT(*) FROM article_urls) AS urls,"
        " (SELECT COUNT(*) FROM event_clusters) AS events,"
        " (SELECT COUNT(*) FROM events) AS event_mentions,"
        " (SELECT COUNT(*) FROM quotes) AS quotes,"
        " (SELECT MIN(published) FROM articles) AS first_published,"
        " (SELECT MAX(published) FROM articles) AS last_published"
    )
    return {
        "totals": totals,
        "relations": top_relations(store, limit=relations, since=since, until=until),
        "quotes": list_quotes(store, since=since, until=until, limit=quotes).items,
    }


def actor_names(store, actor: str, limit: int = 10, *, direct: bool = False) -> list[dict[str, Any]]:
    """The names and codes an actor (code or name) was stored under, most frequent
    first, with their numbers of actor rows. Read from ``actor_names`` (the counts
    ``Store.add`` keeps, migration 0010); ``direct`` groups the actors rows instead
    (the same answer, for tests)."""
    db = _db(store)
    table, count = ("actors", "COUNT(*)") if direct else ("actor_names", "SUM(n)")
    if is_code(actor):
        code = actor.strip().upper()
        where, params = "country = ? OR (code >= ? AND code < ?)", [code, code, prefix_end(code)]
    else:
        where, params = "LOWER(name) LIKE ? ESCAPE '\\'", ["%" + like_escape(actor.strip().lower()) + "%"]
    rows = db.query(
        f"SELECT name, code, {count} AS n FROM {table} WHERE {where} GROUP BY name, code ORDER BY n DESC, name, code LIMIT ?",
        params + [_limit(limit)],
    )
    return [{"name": r["name"], "code": r["code"], "n": int(r["n"])} for r in rows]


def actor_profile(store, actor: str, *, limit: int = 10) -> dict[str, Any]:
    """One actor (code or name): its names, events as source and target per CAMEO
    root, main partners with mean Goldstein, and latest quotes."""
    db = _db(store)
    name_rows = actor_names(db, actor, limit)
    roles = {}
    partners: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    days = []
    for role, side, other in (("as_source", "source", "target"), ("as_target", "target", "source")):
        # The actor's events (clusters with a matching asserted mention), counted per
        # root and partner in SQL: one row per (root, partner), not one per event.
        branches = actor_branches(actor, "e", (side,))
        union = " UNION ALL ".join(
            f"SELECT e.cluster_id FROM events e WHERE {sql} AND e.negated = 0 AND e.modality <> 'hypothetical'"
            for sql, _ in branches
        )
        rows = db.query(
            f"SELECT c.root, c.{other}_key AS partner, COUNT(*) AS n, SUM(c.goldstein) AS g, MIN(c.day) AS first_day,"
            f" MAX(c.day) AS last_day FROM (SELECT DISTINCT u.cluster_id FROM ({union}) u) m"
            f" JOIN event_clusters c ON c.id = m.cluster_id GROUP BY c.root, c.{other}_key",
            [p for _, ps in branches for p in ps],
        )
        by_root: Counter = Counter()
        for r in rows:
            by_root[r["root"]] += r["n"]
            if r["partner"]:
                partners[r["partner"]][0] += r["n"]
                partners[r["partner"]][1] += r["g"] or 0.0
            days += [d for d in (r["first_day"], r["last_day"]) if d]
        roles[role] = {"events": sum(by_root.values()), "roots": dict(sorted(by_root.items()))}
    partner_list = sorted(
        ({"partner": k, "events": n, "goldstein_mean": round(g / n, 3)} for k, (n, g) in partners.items() if n),
        key=lambda p: (-p["events"], p["partner"]),
    )[: _limit(limit)]
    if is_code(actor):
        quotes = list_quotes(store, speaker_code=actor, limit=limit).items
    else:
        quotes = list_quotes(store, speaker=actor, limit=limit).items
    return {
        "actor": actor,
        "names": name_rows,
        **roles,
        "partners": partner_list,
        "first_day": min(days) if days else None,
        "last_day": max(days) if days else None,
        "quotes": quotes,
    }


# --- articles ------------------------------------------------------------------


def find_article(store, ref: Union[int, str]) -> Optional[dict[str, Any]]:
    """The articles row for a primary key (int or digits), an input id or a content hash."""
    db = _db(store)
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        row = db.one("SELECT * FROM articles WHERE id = ?", [int(ref)])
        if row is not None or isinstance(ref, int):
            return row
    return db.one("SELECT * FROM articles WHERE article_id = ? OR content_hash = ? ORDER BY id LIMIT 1", [ref, ref])


def load_analysis(store, pk: int) -> Optional[Analysis]:
    """Rebuild the stored :class:`~eventwire.models.Analysis` of one article."""
    db = _db(store)
    art = db.one("SELECT * FROM articles WHERE id = ?", [int(pk)])
    if art is None:
        return None
    import json

    actors = tuple(
        Actor(r["local_id"], r["name"], r["code"], r["country"], r["sector"], r["kind"],
              tuple(tuple(m) for m in json.loads(r["mentions"])))
        for r in db.query("SELECT * FROM actors WHERE article = ? ORDER BY id", [pk])
    )
    quotes = []
    for r in db.query("SELECT * FROM quotes WHERE article = ? ORDER BY ordinal", [pk]):
        speaker = None
        if r["speaker_name"] is not None:
            mspan = None if r["speaker_mention_start"] is None else (r["speaker_mention_start"], r["speaker_mention_end"])
            speaker = Speaker(r["speaker_name"], r["speaker_code"], r["speaker_actor"], r["speaker_mention"], mspan)
        quotes.append(Quote(r["text"], r["kind"], (r["start_char"], r["end_char"]), r["cue"], speaker, bool(r["in_title"])))
    events = []
    for r in db.query("SELECT * FROM events WHERE article = ? ORDER BY ordinal", [pk]):
        target = None
        if r["target_code"] is not None:
            target = ActorRef(r["target_name"], r["target_code"], r["target_actor"], r["target_country"])
        place = None
        if r["place_name"] is not None:
            place = PlaceRef(r["place_name"], r["place_country"], r["place_lat"], r["place_lon"])
        events.append(Event(
            ActorRef(r["source_name"], r["source_code"], r["source_actor"], r["source_country"]), target,
            r["cameo"], r["root"], r["plover"], r["mode"], r["goldstein"], r["quad_class"], r["date"],
            r["date_source"], place, bool(r["negated"]), r["modality"], r["sentence"],
            (r["start_char"], r["end_char"]), r["evidence"], bool(r["in_title"]),
        ))
    places = tuple(
        Place(r["name"], r["country"], r["lat"], r["lon"], r["feature"], (r["start_char"], r["end_char"]), bool(r["in_title"]))
        for r in db.query("SELECT * FROM places WHERE article = ? ORDER BY id", [pk])
    )
    times = tuple(
        TimeExpr(r["text"], r["value"], (r["start_char"], r["end_char"]), bool(r["in_title"]))
        for r in db.query("SELECT * FROM times WHERE article = ? ORDER BY id", [pk])
    )
    return Analysis(
        id=art["article_id"], title=art["title"], published=art["published"], language=art["language"],
        actors=actors, quotes=tuple(quotes), events=tuple(events), places=places, times=times,
        tone=Tone(art["tone_score"] or 0.0, art["tone_positive"] or 0.0, art["tone_negative"] or 0.0),
    )


@functools.lru_cache(maxsize=64)
def _field_names(cls: type) -> Optional[tuple[str, ...]]:
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def record_dict(obj: Any) -> Any:
    """``Analysis.to_dict()`` (:func:`eventwire.models.to_jsonable`), the same output,
    with each model class's field names looked up once: the article endpoint spends
    most of its time here."""
    names = _field_names(type(obj))
    if names is not None:
        out: dict[str, Any] = {}
        for name in names:
            value = getattr(obj, name)
            if name == "in_title" and not value:
                continue
            out[name] = record_dict(value)
        return out
    if isinstance(obj, (list, tuple)):
        return [record_dict(v) for v in obj]
    return obj


def get_article(store, ref: Union[int, str]) -> Optional[dict[str, Any]]:
    """One article with all its records: the contract record (events carry their
    cluster and its counts) plus ``pk``, ``text``, ``urls``, ``source``, ``model``,
    ``duplicate_of``/``similarity`` and the pks of its own near-duplicates."""
    db = _db(store)
    art = find_article(store, ref)
    if art is None:
        return None
    pk = art["id"]
    record = record_dict(load_analysis(store, pk))
    clusters = db.query(
        "SELECT e.ordinal, e.cluster_id, c.num_mentions, c.num_articles, c.num_sources FROM events e"
        " JOIN event_clusters c ON c.id = e.cluster_id WHERE e.article = ? ORDER BY e.ordinal",
        [pk],
    )
    for event, c in zip(record["events"], clusters):
        event.update(cluster=c["cluster_id"], num_mentions=c["num_mentions"],
                     num_articles=c["num_articles"], num_sources=c["num_sources"])
    record.update(
        pk=pk,
        text=art["text"],
        url=art["url"],
        urls=[r["url"] for r in db.query("SELECT url FROM article_urls WHERE article = ? ORDER BY url", [pk])],
        source=art["source"],
        model=art["model"],
        analysed_at=art["analysed_at"],
        content_hash=art["content_hash"],
        duplicate_of=art["duplicate_of"],
        similarity=art["similarity"],
        near_duplicates=[r["id"] for r in db.query("SELECT id FROM articles WHERE duplicate_of = ? ORDER BY id", [pk])],
    )
    return record
