"""The ``Doc._`` attributes the stages read and write, registered once.

Offsets stored here are offsets into ``doc.text``. The document text is the title,
then ``"\\n\\n"``, then the body (or one chunk of it); ``doc._.body_start`` is where
the body begins and ``doc._.body_offset`` where this chunk starts inside the body.
The pipeline converts doc offsets to body/title offsets when it assembles the record.

| attribute        | set by          | value                                   |
|------------------|-----------------|-----------------------------------------|
| published        | pipeline        | ``datetime.date`` or None                |
| article_id       | pipeline        | str                                     |
| body_start       | pipeline        | int                                     |
| body_offset      | pipeline        | int                                     |
| dateline         | times / places  | :class:`Dateline` or None               |
| times            | times           | list[TimeExpr]                          |
| places           | places          | list[Place]                             |
| actor_index      | actors          | :class:`eventwire.actors.ActorIndex`    |
| quotes           | quotes          | list[Quote]                             |
| events           | events          | list[Event]                             |
| tone             | tone            | Tone                                    |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc

from .models import Place, TimeExpr


@dataclass(frozen=True, slots=True)
class Dateline:
    """'MOSCOW, Dec 15 (AP) —': the span of the whole dateline, its place and date."""

    span: tuple[int, int]
    place: Optional[Place] = None
    time: Optional[TimeExpr] = None
    agency: Optional[str] = None


_ATTRS = {
    "published": None,
    "article_id": "",
    "body_start": 0,
    "body_offset": 0,
    "dateline": None,
    "times": None,
    "places": None,
    "actor_index": None,
    "quotes": None,
    "events": None,
    "tone": None,
}


def register() -> None:
    for name, default in _ATTRS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def in_title(doc: Doc, start_char: int) -> bool:
    return start_char < doc._.body_start


register()
