"""Tone: the share of positive and negative words, GDELT-style.

``positive`` and ``negative`` are the percentages of the article's words found in the
tone lexicon (``data/tone.yaml``), ``score`` their difference (-100 .. +100; news is
usually within -10 .. +10). A negated word ("not helpful") counts for the other side.
"""

from __future__ import annotations

from functools import lru_cache

import numpy

from spacy.attrs import IS_ALPHA, LEMMA, LOWER, SENT_START
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

from . import docext  # noqa: F401
from .lexicon import load_yaml
from .models import Tone

NEGATORS = frozenset({"not", "no", "never", "n't", "without", "nor"})


@lru_cache(maxsize=1)
def lexicon() -> tuple[frozenset[str], frozenset[str]]:
    data = load_yaml("tone.yaml")
    return frozenset(w.lower() for w in data["positive"]), frozenset(w.lower() for w in data["negative"])


@lru_cache(maxsize=1)
def _lexicon_ids() -> frozenset[int]:
    """The string-store ids (hashes) of the lexicon's words: a LOWER id is tested against
    them without looking up its string."""
    positive_words, negative_words = lexicon()
    return frozenset(get_string_id(w) for w in positive_words | negative_words)


def score_doc(doc: Doc) -> Tone:
    positive_words, negative_words = lexicon()
    if not len(doc):
        return Tone(0.0, 0.0, 0.0)
    # Token arrays, not a spaCy Token per word (which costs more than the scoring): only
    # the words whose form or lemma could be in the lexicon are looked at one by one.
    strings = doc.vocab.strings
    rows = doc.to_array([IS_ALPHA, LOWER, LEMMA, SENT_START])
    alpha = rows[:, 0] != 0
    words = int(alpha.sum())
    if not words:
        return Tone(0.0, 0.0, 0.0)
    lowers = rows[:, 1]
    lemmas = rows[:, 2]
    lexicon_words = positive_words | negative_words
    lexicon_ids = _lexicon_ids()
    keep_low = [h for h in numpy.unique(lowers[alpha]).tolist() if h in lexicon_ids]
    keep_lemma = [h for h in numpy.unique(lemmas[alpha]).tolist() if strings[h].lower() in lexicon_words]
    hits = numpy.flatnonzero(alpha & (numpy.isin(lowers, keep_low) | numpy.isin(lemmas, keep_lemma)))
    pos = neg = 0
    starts = rows[:, 3].tolist() if len(hits) and doc.has_annotation("SENT_START") else None
    for i in hits.tolist():
        low = strings[int(lowers[i])]
        lemma = strings[int(lemmas[i])].lower()
        side = 1 if (low in positive_words or lemma in positive_words) else -1 if (low in negative_words or lemma in negative_words) else 0
        if not side:
            continue
        start = max(i - 3, _sent_start(starts, i) if starts is not None else doc[i].sent.start)
        if any(strings[h] in NEGATORS for h in lowers[start:i].tolist()):
            side = -side
        if side > 0:
            pos += 1
        else:
            neg += 1
    p = 100.0 * pos / words
    n = 100.0 * neg / words
    return Tone(round(p - n, 3), round(p, 3), round(n, 3))


def _sent_start(starts: list, i: int) -> int:
    """``doc[i].sent.start`` from the SENT_START column (as spaCy finds it)."""
    while starts[i] != 1 and i > 0:
        i -= 1
    return i


@Language.component("eventwire_tone", assigns=["doc._.tone"])
def annotate_tone(doc: Doc) -> Doc:
    doc._.tone = score_doc(doc)
    return doc
