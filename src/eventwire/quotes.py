"""Quotes: who said what (direct, indirect and mixed speech, with resolved speakers).

STUB: sets ``doc._.quotes`` to a list of :class:`~eventwire.models.Quote` in doc offsets.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import docext  # noqa: F401


@Language.component("eventwire_quotes", requires=["doc._.actor_index"], assigns=["doc._.quotes"])
def annotate_quotes(doc: Doc) -> Doc:
    doc._.quotes = []
    return doc
