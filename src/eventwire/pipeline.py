"""From articles to contract records: the spaCy parse, then each stage over the Doc.

The stages are spaCy components, each in its own module (times, places, actors,
quotes, events, tone), added after the model's own components. Articles stream
through ``nlp.pipe`` in batches, so memory stays flat however many come in; a body
longer than ``max_chars`` is split at paragraph boundaries into chunks that are
parsed separately and merged back into one record.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc

from . import docext  # noqa: F401  (registers the Doc._ attributes)
from .models import Actor, ActorRef, Analysis, Article, Tone
from .dates import parse_date
from .nlp import load_model

# Importing the stage modules registers their components.
from . import times as _times  # noqa: F401
from . import places as _places  # noqa: F401
from . import actors as _actors  # noqa: F401
from . import quotes as _quotes  # noqa: F401
from . import events as _events  # noqa: F401
from . import tone as _tone  # noqa: F401

log = logging.getLogger(__name__)

STAGES = (
    "eventwire_times",
    "eventwire_places",
    "eventwire_actors",
    "eventwire_quotes",
    "eventwire_events",
    "eventwire_tone",
)
TITLE_SEPARATOR = "\n\n"
DEFAULT_MAX_CHARS = 50_000


def build_nlp(model: Optional[str] = None, stages: Iterable[str] = STAGES, *, profile: Optional[str] = None) -> Language:
    """The base spaCy model, set up for ``profile`` (``accurate`` or ``fast``, see
    :mod:`eventwire.nlp`), with eventwire's paragraph marker and stages added."""
    nlp = load_model(model, profile=profile)
    if "eventwire_paragraphs" not in nlp.pipe_names:
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("eventwire_paragraphs", before="parser")
        else:
            nlp.add_pipe("eventwire_paragraphs", first=True)
    for name in stages:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def split_body(text: str, max_chars: int) -> list[tuple[int, str]]:
    """Split a body into ``(offset, chunk)`` pieces of at most ``max_chars``.

    Cuts at the last paragraph break, else line break, else sentence end, else space,
    before the limit; a text with none of those is cut hard.
    """
    if len(text) <= max_chars:
        return [(0, text)]
    chunks = []
    start = 0
    while start < len(text):
        end = min(start + max_chars, len(text))
        if end < len(text):
            window = text[start:end]
            cut = -1
            for pattern in ("\n\n", "\n", ". ", " "):
                pos = window.rfind(pattern)
                if pos > max_chars // 4:
                    cut = pos + len(pattern)
                    break
            if cut > 0:
                end = start + cut
        chunks.append((start, text[start:end]))
        start = end
    return chunks


class Analyzer:
    """Analyse articles into :class:`~eventwire.models.Analysis` records.

    >>> analyzer = Analyzer()
    >>> record = analyzer.analyze(Article(text="...", published="2021-12-15"))
    """

    def __init__(
        self,
        model: Optional[str] = None,
        *,
        profile: Optional[str] = None,
        batch_size: int = 16,
        max_chars: int = DEFAULT_MAX_CHARS,
        nlp: Optional[Language] = None,
    ):
        self.nlp = nlp if nlp is not None else build_nlp(model, profile=profile)
        self.profile = self.nlp.meta.get("eventwire_profile", "accurate")
        self.batch_size = batch_size
        self.max_chars = max_chars

    @property
    def model_name(self) -> str:
        meta = self.nlp.meta
        name = f"{meta.get('lang', 'xx')}_{meta.get('name', '?')}-{meta.get('version', '?')}"
        return name if self.profile == "accurate" else f"{name}+{self.profile}"

    def analyze(self, article: Article) -> Analysis:
        return next(iter(self.analyze_many([article])))

    def make_docs(self, article: Article) -> list[Doc]:
        published = parse_date(article.published)
        title = (article.title or "").strip("\n")
        docs = []
        for n, (offset, chunk) in enumerate(split_body(article.text, self.max_chars)):
            head = title + TITLE_SEPARATOR if (title and n == 0) else ""
            doc = self.nlp.make_doc(head + chunk)
            doc._.published = published
            doc._.article_id = article.id
            doc._.body_start = len(head)
            doc._.body_offset = offset
            docs.append(doc)
        return docs

    def analyze_many(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        """Stream records in input order; memory is bounded by ``batch_size`` articles."""
        pending: list[tuple[Article, int]] = []

        def docs() -> Iterator[Doc]:
            for article in articles:
                made = self.make_docs(article)
                pending.append((article, len(made)))
                yield from made

        group: list[Doc] = []
        for doc in self.nlp.pipe(docs(), batch_size=self.batch_size):
            group.append(doc)
            article, count = pending[0]
            if len(group) == count:
                pending.pop(0)
                yield assemble(article, group)
                group = []


# ---------------------------------------------------------------------------
# Assembly: doc offsets -> body/title offsets, chunks -> one record


class _Offsets:
    def __init__(self, doc: Doc):
        self.body_start = doc._.body_start
        self.body_offset = doc._.body_offset

    def span(self, span) -> tuple[tuple[int, int], bool]:
        start, end = span
        if start < self.body_start:
            return (start, min(end, self.body_start - len(TITLE_SEPARATOR))), True
        shift = self.body_offset - self.body_start
        return (start + shift, end + shift), False


def _assemble_doc(doc: Doc, prefix: str) -> tuple[list, list, list, list, list]:
    off = _Offsets(doc)
    index = doc._.actor_index
    ids: dict[str, str] = {}
    actors = []
    for actor in index.actors if index is not None else ():
        mentions = []
        for m in actor.mentions:
            span, title = off.span(m)
            if not title:
                mentions.append(span)
        new_id = prefix + actor.id
        ids[actor.id] = new_id
        actors.append(dataclasses.replace(actor, id=new_id, mentions=tuple(mentions)))

    def ref(r: Optional[ActorRef]) -> Optional[ActorRef]:
        if r is None or r.actor is None:
            return r
        return dataclasses.replace(r, actor=ids.get(r.actor, r.actor))

    quotes = []
    for q in doc._.quotes or ():
        span, title = off.span(q.span)
        speaker = q.speaker
        if speaker is not None:
            ms = None
            if speaker.mention_span is not None:
                ms, mtitle = off.span(speaker.mention_span)
                ms = ms if mtitle == title else None
            speaker = dataclasses.replace(speaker, actor=ids.get(speaker.actor, speaker.actor), mention_span=ms)
        quotes.append(dataclasses.replace(q, span=span, in_title=title, speaker=speaker))
    events = []
    for e in doc._.events or ():
        span, title = off.span(e.span)
        events.append(dataclasses.replace(e, span=span, in_title=title, source=ref(e.source), target=ref(e.target)))
    places = []
    for p in doc._.places or ():
        span, title = off.span(p.span)
        places.append(dataclasses.replace(p, span=span, in_title=title))
    times = []
    for t in doc._.times or ():
        span, title = off.span(t.span)
        times.append(dataclasses.replace(t, span=span, in_title=title))
    return actors, quotes, events, places, times


def _merge_actors(actors: list[Actor]) -> tuple[list[Actor], dict[str, str]]:
    """Merge actors of several chunks by (name, code); renumber a1, a2 ...

    Returns the merged actors and a map from each chunk-level id to its new id.
    """
    merged: dict[tuple[str, str], Actor] = {}
    key_of: dict[str, tuple[str, str]] = {}
    for actor in actors:
        key = (actor.name, actor.code)
        kept = merged.get(key)
        merged[key] = actor if kept is None else dataclasses.replace(kept, mentions=kept.mentions + actor.mentions)
        key_of[actor.id] = key
    new_id = {key: f"a{n}" for n, key in enumerate(merged, start=1)}
    out = [
        dataclasses.replace(actor, id=new_id[key], mentions=tuple(sorted(set(actor.mentions))))
        for key, actor in merged.items()
    ]
    return out, {old: new_id[key] for old, key in key_of.items()}


def _remap_ref(r, remap):
    if r is None or getattr(r, "actor", None) is None:
        return r
    return dataclasses.replace(r, actor=remap.get(r.actor, r.actor))


def _merged_tone(docs: list[Doc]) -> Tone:
    tones = [(d._.tone, len(d)) for d in docs if d._.tone is not None]
    if not tones:
        return Tone(0.0, 0.0, 0.0)
    if len(tones) == 1:
        return tones[0][0]
    total = sum(n for _, n in tones) or 1
    pos = sum(t.positive * n for t, n in tones) / total
    neg = sum(t.negative * n for t, n in tones) / total
    return Tone(round(pos - neg, 3), round(pos, 3), round(neg, 3))


def assemble(article: Article, docs: list[Doc]) -> Analysis:
    """Turn the processed chunk docs of one article into its record."""
    all_actors, quotes, events, places, times = [], [], [], [], []
    multi = len(docs) > 1
    for n, doc in enumerate(docs):
        a, q, e, p, t = _assemble_doc(doc, f"c{n}." if multi else "")
        all_actors += a
        quotes += q
        events += e
        places += p
        times += t
    if multi:
        all_actors, remap = _merge_actors(all_actors)
        quotes = [
            dataclasses.replace(q, speaker=_remap_ref(q.speaker, remap)) for q in quotes
        ]
        events = [
            dataclasses.replace(e, source=_remap_ref(e.source, remap), target=_remap_ref(e.target, remap))
            for e in events
        ]
    published = parse_date(article.published)
    return Analysis(
        id=article.id,
        title=article.title or "",
        published=published.isoformat() if published else None,
        language="en",
        actors=tuple(all_actors),
        quotes=tuple(quotes),
        events=tuple(events),
        places=tuple(places),
        times=tuple(times),
        tone=_merged_tone(docs),
    )


__all__ = ["Analyzer", "assemble", "build_nlp", "parse_date", "split_body", "STAGES"]
