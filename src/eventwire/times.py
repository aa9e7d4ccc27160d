"""Times: time expressions normalised against the publication date.

STUB: sets ``doc._.times`` (list of TimeExpr, doc offsets) and the dateline's date.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import docext  # noqa: F401


@Language.component("eventwire_times", assigns=["doc._.times", "doc._.dateline"])
def annotate_times(doc: Doc) -> Doc:
    doc._.times = []
    return doc
