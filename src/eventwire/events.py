"""Events: who did what to whom, CAMEO/PLOVER-coded from the dependency parse.

STUB: sets ``doc._.events`` to a list of :class:`~eventwire.models.Event` in doc offsets.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import docext  # noqa: F401


@Language.component(
    "eventwire_events",
    requires=["doc._.actor_index", "doc._.times", "doc._.places", "doc._.quotes"],
    assigns=["doc._.events"],
)
def annotate_events(doc: Doc) -> Doc:
    doc._.events = []
    return doc
