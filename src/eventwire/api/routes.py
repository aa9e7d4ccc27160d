"""The API endpoints. Each parses its parameters and calls the store's query
functions (:mod:`eventwire.store.queries`, :mod:`eventwire.store.queries_web`);
no SQL here."""

from __future__ import annotations

import functools
import logging
import re
from typing import Any, Literal, Optional

import pycountry
from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from .. import __version__
from ..dates import check_date
from ..models import Article
from ..store import Store, queries, queries_web
from ..store.queries import EventFilter
from .deps import read_store
from .errors import ApiError, bad_parameter, not_found
from .formats import FastJSONResponse, Format, Page, format_param, object_response, page_params, page_response
from .security import check_token, reject_control_characters, require_token

log = logging.getLogger(__name__)

router = APIRouter(dependencies=[Depends(reject_control_characters)])


def actor_query():  # a fresh Query per parameter: FastAPI must not share one between two
    return Query(None, min_length=1, max_length=100, description="Actor code (RUS, RUSGOV, IGOWSTNAT) or name.")


def date_query():
    return Query(None, max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY, YYYY-MM or YYYY-MM-DD.")


MAX_INGEST = 100
MAX_TEXT = 500_000

EVENT_COLUMNS = [
    "id", "cluster", "article_pk", "article_id", "article_title", "article_published", "article_url",
    "source_name", "source_code", "source_country", "source_actor",
    "target_name", "target_code", "target_country", "target_actor",
    "cameo", "root", "plover", "mode", "goldstein", "quad_class", "date", "date_source", "day",
    "place_name", "place_country", "place_lat", "place_lon", "negated", "modality",
    "sentence", "span", "in_title", "evidence", "num_mentions", "num_articles", "num_sources",
]
QUOTE_COLUMNS = [
    "id", "article_pk", "article_id", "article_title", "article_published", "article_url",
    "text", "kind", "span", "in_title", "cue",
    "speaker_name", "speaker_code", "speaker_actor", "speaker_mention", "speaker_mention_span",
]
TIES_COLUMNS = [
    "start", "end", "events", "quad_classes_1", "quad_classes_2", "quad_classes_3", "quad_classes_4",
    "goldstein_mean", "a_to_b", "b_to_a", "event_ids",
]


def _value_error(name: str):
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except ValueError as exc:
                raise bad_parameter(name, str(exc)) from None

        return inner

    return wrap


def _csv_list(name: str, value: Optional[str], pattern: str, maximum: int = 20) -> tuple[str, ...]:
    if not value:
        return ()
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    if len(items) > maximum:
        raise bad_parameter(name, f"at most {maximum} values")
    for item in items:
        if not re.fullmatch(pattern, item):
            raise bad_parameter(name, f"not a valid value: {item[:40]!r}")
    return items


def _dyad(value: Optional[str]) -> Optional[tuple[str, str]]:
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise bad_parameter("dyad", "two actors separated by a comma, e.g. RUS,CHN")
    return parts[0], parts[1]


# --------------------------------------------------------------------------- meta


@router.get("/health", tags=["analysis"], summary="Liveness and store reachability")
def health(request: Request, store: Store = Depends(read_store)) -> dict[str, Any]:
    version = store.schema_version()
    return {
        "status": "ok",
        "version": __version__,
        "schema_version": version,
        "writes": bool(request.app.state.settings.token),
        "analyzer_loaded": request.app.state.analyzer.loaded,
    }


@router.get("/summary", tags=["ties"], summary="Totals, most active relations, latest quotes")
def summary(
    since: Optional[str] = date_query(),
    until: Optional[str] = date_query(),
    relations: int = Query(10, ge=1, le=100),
    quotes: int = Query(10, ge=0, le=100),
    store: Store = Depends(read_store),
) -> JSONResponse:
    report = _value_error("since/until")(queries.report)(store, relations=relations, quotes=quotes, since=since, until=until)
    return FastJSONResponse(report)


# --------------------------------------------------------------------------- articles


@router.get("/articles", tags=["articles"], summary="List stored articles, latest first")
def list_articles(
    request: Request,
    page: Page = Depends(page_params),
    fmt: Format = Depends(format_param),
    store: Store = Depends(read_store),
):
    result = queries_web.list_articles(store, limit=page.limit, offset=page.offset)
    return page_response(request, result.items, result.total, page, fmt, "articles")


@router.get("/articles/{ref}", tags=["articles"], summary="One article: its text and every annotated span")
def get_article(
    ref: str = Path(..., min_length=1, max_length=200, description="Store key, input id or content hash."),
    fmt: Format = Depends(format_param),
    store: Store = Depends(read_store),
):
    record = queries.get_article(store, ref)
    if record is None:
        raise not_found("article", ref)
    ids = queries_web.record_ids(store, record["pk"])
    for event, pk in zip(record["events"], ids["events"]):
        event["id"] = pk
    for quote, pk in zip(record["quotes"], ids["quotes"]):
        quote["id"] = pk
    return object_response(record, fmt, f"article-{record['pk']}", rows_key="events")


class ArticleIn(BaseModel):
    """An article to analyse: the contract's input object."""

    text: str = Field(..., min_length=1, max_length=MAX_TEXT)
    id: Optional[str] = Field(None, max_length=200)
    title: str = Field("", max_length=2_000)
    published: Optional[str] = Field(None, max_length=40, description="ISO date or datetime.")
    url: Optional[str] = Field(None, max_length=2_000)
    source: Optional[str] = Field(None, max_length=200)

    @field_validator("published")
    @classmethod
    def _published(cls, value: Optional[str]) -> Optional[str]:
        return check_date(value) if value else None

    def article(self) -> Article:
        return Article(text=self.text, id=self.id or "", title=self.title, published=self.published,
                       url=self.url, source=self.source)


class IngestIn(BaseModel):
    articles: list[ArticleIn] = Field(..., min_length=1, max_length=MAX_INGEST)


def _analyze(request: Request, article: Article):
    try:
        return request.app.state.analyzer.analyze(article)
    except Exception as exc:  # the pipeline failed on this text
        log.exception("analysis failed for %s", article.id)
        raise ApiError(500, "analysis_failed", f"analysis failed: {type(exc).__name__}") from None


def _store_one(request: Request, article: Article, analysis) -> dict[str, Any]:
    writer = request.app.state.writer
    model = request.app.state.analyzer.model_name()
    with writer.lock:
        result = writer.store().add(article, analysis, model=model)
    request.app.state.cache.clear()
    request.app.state.generation.invalidate()
    return {"id": article.id, "pk": result.article_pk, "status": result.status, "events": result.events}


@router.post("/articles", tags=["articles"], status_code=201, dependencies=[Depends(require_token)],
             summary="Analyse articles and store them (needs the write token)")
def ingest(request: Request, body: IngestIn) -> dict[str, Any]:
    stored = []
    for item in body.articles:
        article = item.article()
        stored.append(_store_one(request, article, _analyze(request, article)))
    return {"stored": stored}


@router.post("/analyze", tags=["analysis"], summary="Analyse one article; store it with ?store=true (needs the token)")
def analyze(
    request: Request,
    body: ArticleIn = Body(...),
    store: bool = Query(False, description="Also store the article (needs the write token)."),
) -> dict[str, Any]:
    if store:
        check_token(request)
    article = body.article()
    analysis = _analyze(request, article)
    record = analysis.to_dict()
    if store:
        record["stored"] = _store_one(request, article, analysis)
    return record


# --------------------------------------------------------------------------- events


@router.get("/events", tags=["events"], summary="Events with filters (one per real-world event unless mentions=true)")
def list_events(
    request: Request,
    actor: Optional[str] = actor_query(),
    dyad: Optional[str] = Query(None, max_length=201, description="Two actors, e.g. RUS,CHN."),
    directed: bool = Query(False, description="With dyad: only events from the first actor to the second."),
    root: Optional[str] = Query(None, max_length=80, description="CAMEO roots, comma-separated (e.g. 03,04)."),
    cameo: Optional[str] = Query(None, pattern=r"^\d{2,4}$", description="CAMEO code or prefix."),
    plover: Optional[str] = Query(None, pattern=r"^[A-Za-z]{3,12}$", description="PLOVER event type (e.g. CONSULT)."),
    quad_class: Optional[str] = Query(None, max_length=10, description="QuadClass 1-4, comma-separated."),
    since: Optional[str] = date_query(),
    until: Optional[str] = date_query(),
    place: Optional[str] = Query(None, max_length=100, description="Place name or country code."),
    include_negated: bool = False,
    include_hypothetical: bool = False,
    article: Optional[int] = Query(None, ge=1, description="Store key of one article."),
    mentions: bool = Query(False, description="Every mention instead of one row per event."),
    page: Page = Depends(page_params),
    fmt: Format = Depends(format_param),
    store: Store = Depends(read_store),
):
    roots = _csv_list("root", root, r"\d{2}")
    quads = tuple(int(q) for q in _csv_list("quad_class", quad_class, r"[1-4]", 4))
    filters = EventFilter(
        actor=actor, dyad=_dyad(dyad), either_direction=not directed, roots=roots, since=since, until=until,
        include_negated=include_negated, include_hypothetical=include_hypothetical, article=article,
    )
    result = _value_error("since/until")(queries_web.list_events)(
        store, filters, plover=plover, quad_classes=quads, cameo=cameo, place=place,
        limit=page.limit, offset=page.offset, mentions=mentions,
    )
    return page_response(request, result.items, result.total, page, fmt, "events", EVENT_COLUMNS)


@router.get("/events/{cluster}/mentions", tags=["events"], summary="Every mention (sentence, article) of one event")
def event_mentions(
    cluster: int = Path(..., ge=1),
    fmt: Format = Depends(format_param),
    store: Store = Depends(read_store),
):
    items = queries.event_mentions(store, cluster)
    if not items:
        raise not_found("event", cluster)
    return object_response({"cluster": cluster, "mentions": items}, fmt, f"event-{cluster}", rows_key="mentions")


# --------------------------------------------------------------------------- quotes


@router.get("/quotes", tags=["quotes"], summary="Quotes: full-text search and speaker filter")
def list_quotes(
    request: Request,
    q: Optional[str] = Query(None, max_length=500, description="Words that must all occur in the quote (stemmed)."),
    speaker: Optional[str] = Query(None, max_length=100, description="Speaker name, any form (Putin, Vladimir Putin)."),
    speaker_code: Optional[str] = Query(None, max_length=20, pattern=r"^[A-Za-z0-9]{3,20}$"),
    article: Optional[int] = Query(None, ge=1),
    since: Optional[str] = date_query(),
    until: Optional[str] = date_query(),
    page: Page = Depends(page_params),
    fmt: Format = Depends(format_param),
    store: Store = Depends(read_store),
):
    result = _value_error("since/until")(queries.list_quotes)(
        store, search=q if q and q.strip() else None, speaker=speaker or None, speaker_code=speaker_code,
        article=article, since=since, until=until, limit=page.limit, offset=page.offset,
    )
    return page_response(request, result.items, result.total, page, fmt, "quotes", QUOTE_COLUMNS)


# --------------------------------------------------------------------------- actors


@functools.lru_cache(maxsize=512)
def country_name(code: str) -> Optional[str]:
    if len(code) != 3:
        return None
    country = pycountry.countries.get(alpha_3=code)
    return None if country is None else getattr(country, "common_name", None) or country.name


@router.get("/actors", tags=["actors"], summary="Actors (country, else code) by number of events")
def list_actors(
    request: Request,
    since: Optional[str] = date_query(),
    until: Optional[str] = date_query(),
    page: Page = Depends(page_params),
    fmt: Format = Depends(format_param),
    store: Store = Depends(read_store),
):
    actors = _value_error("since/until")(queries_web.actor_list)(store, since=since, until=until)
    items = [{**a, "name": country_name(a["code"]) or ""} for a in actors[page.offset: page.offset + page.limit]]
    return page_response(request, items, len(actors), page, fmt, "actors")


@router.get("/actors/{actor}", tags=["actors"], summary="Actor profile: names, events, partners, quotes")
def actor_profile(
    actor: str = Path(..., min_length=1, max_length=100, description="Code (RUS, RUSGOV) or name (Putin)."),
    limit: int = Query(10, ge=1, le=100, description="Names, partners and quotes to list."),
    fmt: Format = Depends(format_param),
    store: Store = Depends(read_store),
):
    profile = queries.actor_profile(store, actor, limit=limit)
    if not profile["names"] and not profile["as_source"]["events"] and not profile["as_target"]["events"] and not profile["quotes"]:
        raise not_found("actor", actor)
    profile["label"] = country_name(actor.strip().upper()) if queries.is_code(actor) else None
    for partner in profile["partners"]:
        partner["name"] = country_name(partner["partner"]) or ""
    return object_response(profile, fmt, "actor", rows_key="partners")


@router.get("/network", tags=["actors"], summary="Actors and the relations between them (for the network view)")
def network(
    limit: int = Query(40, ge=1, le=300, description="Most active actors to include."),
    min_events: int = Query(1, ge=1),
    since: Optional[str] = date_query(),
    until: Optional[str] = date_query(),
    fmt: Format = Depends(format_param),
    store: Store = Depends(read_store),
):
    graph = _value_error("since/until")(queries_web.network)(store, limit=limit, min_events=min_events, since=since, until=until)
    for node in graph["nodes"]:
        node["label"] = country_name(node["id"]) or ""
    return object_response(graph, fmt, "network", rows_key="edges")


# --------------------------------------------------------------------------- ties


def _default_pair(store) -> tuple[Optional[str], Optional[str]]:
    pair = queries.most_active_pair(store)
    return pair if pair is not None else (None, None)


@router.get("/ties", tags=["ties"], summary="Cooperation and conflict between two actors, per week or day")
def ties(
    a: Optional[str] = actor_query(),
    b: Optional[str] = actor_query(),
    interval: Literal["week", "day", "month"] = Query("week", description="Length of each period."),
    since: Optional[str] = date_query(),
    until: Optional[str] = date_query(),
    include_negated: bool = False,
    include_hypothetical: bool = False,
    top: int = Query(5, ge=0, le=100, description="Events listed per period (the most reported)."),
    fmt: Format = Depends(format_param),
    store: Store = Depends(read_store),
):
    if (a is None) != (b is None):
        raise bad_parameter("a" if a is None else "b", "give both actors, or neither for the most active pair")
    return _ties(store, a, b, interval, fmt, since=since, until=until, top=top,
                 include_negated=include_negated, include_hypothetical=include_hypothetical)


def _ties(store, a, b, interval, fmt, **kwargs):
    if a is None:
        a, b = _default_pair(store)
        if a is None:
            empty = {"a": None, "b": None, "period": interval, "events": 0, "quad_classes": {}, "goldstein_mean": None,
                     "series": [], "undated": None}
            return object_response(empty, fmt, "ties", rows_key="series")
    if interval == "day":
        result = _value_error("since/until")(queries_web.ties_daily)(store, a, b, **kwargs)
    else:
        result = _value_error("since/until")(queries.ties)(store, a, b, period=interval, **kwargs)
    for period in result["series"]:
        period["end"] = queries_web.period_end(period["start"], interval)
    if fmt == "csv":
        return object_response(result, fmt, f"ties-{a}-{b}", rows_key="series", columns=TIES_COLUMNS)
    return FastJSONResponse(result)


def _speaks_for(quote: dict, actors: tuple[str, ...]) -> bool:
    speaker = quote.get("speaker") or {}
    code = (speaker.get("code") or "").upper()
    name = (speaker.get("name") or "").lower()
    for actor in actors:
        if queries.is_code(actor):
            if code and code.startswith(actor.strip().upper()):
                return True
        elif actor.strip().lower() in name:
            return True
    return False


@router.get("/ties/period", tags=["ties"], summary="The events and quotes behind one period of a ties series")
def ties_period(
    a: str = Query(..., min_length=1, max_length=100),
    b: str = Query(..., min_length=1, max_length=100),
    start: str = Query(..., pattern=r"^\d{4}-\d{2}-\d{2}$", description="First day of the period."),
    interval: Literal["week", "day", "month"] = "week",
    include_negated: bool = False,
    include_hypothetical: bool = False,
    limit: int = Query(100, ge=1, le=500),
    store: Store = Depends(read_store),
) -> JSONResponse:
    end = _value_error("start")(queries_web.period_end)(start, interval)
    filters = EventFilter(dyad=(a, b), either_direction=True, since=start, until=end,
                          include_negated=include_negated, include_hypothetical=include_hypothetical)
    events = _value_error("start")(queries.list_events)(store, filters, limit=limit)
    # The quotes of the first 20 articles of these events, read in one query.
    articles: list[int] = []
    for event in events.items:
        pk = event["article"]["pk"]
        if pk not in articles and len(articles) < 20:
            articles.append(pk)
    by_article = queries.article_quotes(store, articles, limit=100)
    quotes = [q for pk in articles for q in by_article[pk] if _speaks_for(q, (a, b))]
    return FastJSONResponse({"a": a, "b": b, "interval": interval, "start": start, "end": end,
                         "events": events.items, "total": events.total, "quotes": quotes})
