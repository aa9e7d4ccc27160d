"""Places: place mentions resolved against the gazetteer, with coordinates.

STUB: sets ``doc._.places`` (list of Place, doc offsets).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import docext  # noqa: F401


@Language.component("eventwire_places", requires=["doc.ents"], assigns=["doc._.places", "doc._.dateline"])
def annotate_places(doc: Doc) -> Doc:
    doc._.places = []
    return doc


def place_for(doc: Doc, sent, verb):
    """The :class:`~eventwire.models.Place` attached to the clause headed by ``verb``
    ("in Beijing", "near the border with Ukraine"), else the dateline's place, else None.
    """
    return None
