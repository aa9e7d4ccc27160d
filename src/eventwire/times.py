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


def time_for(doc: Doc, sent, verb) -> tuple[str | None, str]:
    """The date of the event whose clause is headed by ``verb`` in sentence ``sent``.

    Returns ``(value, date_source)``: the time expression governing the clause
    (``"text"``), else the dateline's date (``"dateline"``), else the publication
    date (``"published"``; value None when the article has no date).
    """
    published = doc._.published
    return (published.isoformat() if published else None), "published"
