"""Tone: the share of positive and negative words, GDELT-style.

``positive`` and ``negative`` are the percentages of the article's words found in the
tone lexicon (``data/tone.yaml``), ``score`` their difference (-100 .. +100; news is
usually within -10 .. +10). A negated word ("not helpful") counts for the other side.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from . import docext  # noqa: F401
from .lexicon import load_yaml
from .models import Tone

NEGATORS = frozenset({"not", "no", "never", "n't", "without", "nor"})


@lru_cache(maxsize=1)
def lexicon() -> tuple[frozenset[str], frozenset[str]]:
    data = load_yaml("tone.yaml")
    return frozenset(w.lower() for w in data["positive"]), frozenset(w.lower() for w in data["negative"])


def score_doc(doc: Doc) -> Tone:
    positive_words, negative_words = lexicon()
    words = pos = neg = 0
    for token in doc:
        if not token.is_alpha:
            continue
        words += 1
        lemma = token.lemma_.lower()
        low = token.lower_
        side = 1 if (low in positive_words or lemma in positive_words) else -1 if (low in negative_words or lemma in negative_words) else 0
        if not side:
            continue
        window = doc[max(token.i - 3, token.sent.start) : token.i]
        if any(t.lower_ in NEGATORS for t in window):
            side = -side
        if side > 0:
            pos += 1
        else:
            neg += 1
    if not words:
        return Tone(0.0, 0.0, 0.0)
    p = 100.0 * pos / words
    n = 100.0 * neg / words
    return Tone(round(p - n, 3), round(p, 3), round(n, 3))


@Language.component("eventwire_tone", assigns=["doc._.tone"])
def annotate_tone(doc: Doc) -> Doc:
    doc._.tone = score_doc(doc)
    return doc
