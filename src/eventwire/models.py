"""The frozen data model: the only contract between stages, the store, the API and exports.

Every record serialises (``to_dict``) to exactly the shape of the article-analysis
contract (see README, "Output record"). Offsets are ``[start, end)`` character offsets
into the article body; records found in the title carry ``in_title=True`` and index
the title instead. ``in_title`` is written out only when true.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Optional

Span = tuple[int, int]

QUOTE_KINDS = ("direct", "indirect", "mixed")
MODALITIES = ("asserted", "future", "hypothetical", "reported")
DATE_SOURCES = ("text", "published", "dateline")


def _norm_span(value: Any) -> Span:
    start, end = value
    return (int(start), int(end))


@dataclass(frozen=True, slots=True)
class Article:
    """One input article. ``published`` is an ISO date (``YYYY-MM-DD``) or None."""

    text: str
    id: str = ""
    title: str = ""
    published: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", text_id(self.text))

    @property
    def content_hash(self) -> str:
        """Hash of the normalised title and text: equal for re-ingested copies."""
        return content_hash(self.title + "\n" + self.text)


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2018\u2019\u201a\u201b\u2032]", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]", '"', text)
    return re.sub(r"\s+", " ", text).strip().lower()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def text_id(text: str) -> str:
    """Stable id for an article given without one: a short hash of its normalised text."""
    return "sha-" + content_hash(text)[:16]


@dataclass(frozen=True, slots=True)
class Actor:
    """A resolved actor of one article with every place it is mentioned."""

    id: str
    name: str
    code: str
    country: Optional[str] = None
    sector: Optional[str] = None
    kind: str = "country"  # person | country | igo | ngo | group | institution
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor as it appears in an event's source or target."""

    name: str
    code: str
    actor: Optional[str] = None
    country: Optional[str] = None


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    code: Optional[str] = None
    actor: Optional[str] = None
    mention: Optional[str] = None
    mention_span: Optional[Span] = None


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    kind: str
    span: Span
    cue: Optional[str] = None
    speaker: Optional[Speaker] = None
    in_title: bool = False


@dataclass(frozen=True, slots=True)
class PlaceRef:
    name: str
    country: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    feature: str
    span: Span
    in_title: bool = False

    def ref(self) -> PlaceRef:
        return PlaceRef(self.name, self.country, self.lat, self.lon)


@dataclass(frozen=True, slots=True)
class TimeExpr:
    text: str
    value: Optional[str]
    span: Span
    in_title: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    source: ActorRef
    target: Optional[ActorRef]
    cameo: str
    root: str
    plover: Optional[str]
    mode: Optional[str]
    goldstein: float
    quad_class: int
    date: Optional[str]
    date_source: str
    place: Optional[PlaceRef]
    negated: bool
    modality: str
    sentence: str
    span: Span
    evidence: str
    in_title: bool = False


@dataclass(frozen=True, slots=True)
class Tone:
    score: float
    positive: float
    negative: float


@dataclass(frozen=True, slots=True)
class Analysis:
    """The contract's output record for one article."""

    id: str
    title: str
    published: Optional[str]
    language: str = "en"
    actors: tuple[Actor, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    places: tuple[Place, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    tone: Tone = field(default_factory=lambda: Tone(0.0, 0.0, 0.0))

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Analysis":
        return analysis_from_dict(data)


def to_jsonable(obj: Any) -> Any:
    """Serialise a model object to plain JSON types, dropping ``in_title`` when false."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name == "in_title" and not value:
                continue
            out[f.name] = to_jsonable(value)
        return out
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    return obj


def _opt(cls, data):
    return None if data is None else cls(**data)


def _speaker(data: Optional[dict]) -> Optional[Speaker]:
    if data is None:
        return None
    data = dict(data)
    if data.get("mention_span") is not None:
        data["mention_span"] = _norm_span(data["mention_span"])
    return Speaker(**_known(Speaker, data))


def _known(cls, data: dict) -> dict:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def analysis_from_dict(data: dict[str, Any]) -> Analysis:
    """Rebuild an :class:`Analysis` from its ``to_dict`` form (unknown keys are ignored)."""
    actors = tuple(
        Actor(**{**_known(Actor, a), "mentions": tuple(_norm_span(m) for m in a.get("mentions", ()))})
        for a in data.get("actors", ())
    )
    quotes = tuple(
        Quote(**{**_known(Quote, q), "span": _norm_span(q["span"]), "speaker": _speaker(q.get("speaker"))})
        for q in data.get("quotes", ())
    )
    events = tuple(
        Event(
            **{
                **_known(Event, e),
                "source": ActorRef(**_known(ActorRef, e["source"])),
                "target": None if e.get("target") is None else ActorRef(**_known(ActorRef, e["target"])),
                "place": None if e.get("place") is None else PlaceRef(**_known(PlaceRef, e["place"])),
                "span": _norm_span(e["span"]),
            }
        )
        for e in data.get("events", ())
    )
    places = tuple(Place(**{**_known(Place, p), "span": _norm_span(p["span"])}) for p in data.get("places", ()))
    times = tuple(TimeExpr(**{**_known(TimeExpr, t), "span": _norm_span(t["span"])}) for t in data.get("times", ()))
    tone = data.get("tone") or {"score": 0.0, "positive": 0.0, "negative": 0.0}
    return Analysis(
        id=data["id"],
        title=data.get("title", ""),
        published=data.get("published"),
        language=data.get("language", "en"),
        actors=actors,
        quotes=quotes,
        events=events,
        places=places,
        times=times,
        tone=Tone(**_known(Tone, tone)),
    )
