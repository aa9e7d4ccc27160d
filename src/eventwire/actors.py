"""Actors: who the article is about, coded CAMEO-style (``RUSGOV``, ``IGOUNO``).

STUB INTERFACE (to be deepened by the actors work): the component sets
``doc._.actor_index`` to an :class:`ActorIndex`.
"""

from __future__ import annotations

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import docext  # noqa: F401
from .models import Actor, ActorRef


class ActorIndex:
    """The actors of one doc and a lookup from text to actor.

    Offsets are doc character offsets.
    """

    def __init__(self, doc: Doc, actors: list[Actor]):
        self.doc = doc
        self.actors = actors
        self._by_id = {a.id: a for a in actors}

    def actor(self, actor_id: str) -> Actor:
        return self._by_id[actor_id]

    def at(self, start_char: int, end_char: int) -> Optional[Actor]:
        """The actor with a mention overlapping ``[start_char, end_char)``."""
        for actor in self.actors:
            for s, e in actor.mentions:
                if s < end_char and start_char < e:
                    return actor
        return None

    def resolve(self, span: Span) -> Optional[Actor]:
        """The actor a noun phrase refers to (name, title, role noun or pronoun)."""
        return self.at(span.start_char, span.end_char)

    def for_token(self, token: Token) -> Optional[Actor]:
        """The actor of the noun phrase headed by ``token``."""
        sub = list(token.subtree)
        return self.resolve(self.doc[sub[0].i : sub[-1].i + 1])

    @staticmethod
    def ref(actor: Actor) -> ActorRef:
        return ActorRef(name=actor.name, code=actor.code, actor=actor.id, country=actor.country)


@Language.component("eventwire_actors", requires=["doc.ents"], assigns=["doc._.actor_index"])
def annotate_actors(doc: Doc) -> Doc:
    doc._.actor_index = ActorIndex(doc, [])
    return doc
