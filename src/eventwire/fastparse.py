"""Greedy decoding of spaCy's transition-based components, driven from Python.

spaCy's parser and entity recogniser decode greedily in a C loop
(``Parser.greedy_parse`` -> ``_parseC``) that runs without the GIL. In the wheels
built with Cython 3, some helpers that loop calls are not declared ``noexcept``, so
the loop takes the GIL back after each call: ``perf`` shows ``PyGILState_Ensure``
under ``Vec.arg_max`` (once per hidden unit, state and step) and under
``ArcEager.set_valid``. Taking and dropping the GIL was about 7% of an ingest
worker's CPU and half the parser's own time.

:class:`GreedyDecoder` runs the same decoding step by step with the GIL held,
through the component's public pieces: its model's step model (``state2vec`` sums
the precomputed features and applies the maxout, ``vec2scores`` the output layer),
``transition_states`` (the same argmax over valid moves and the same transitions as
the C loop) and ``set_annotations``. Unseen classes get the step's lowest score, as
in the C loop. The arithmetic is the same, so the parses are the same;
``tests/test_fastparse.py`` checks heads, labels, sentence starts and entities
against the components' own ``pipe`` on the bundled corpus and the dev articles.

Decoding more documents at once amortises the per-step cost in Python: the decoder
takes ``batch_size`` documents (16 by default) from the stream whatever the
pipeline's batch size is. A component configured for beam search keeps its own
decoding.
"""

from __future__ import annotations

import logging
from typing import Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

log = logging.getLogger(__name__)

TRANSITION_COMPONENTS = ("parser", "ner")
DEFAULT_BATCH = 16


class GreedyDecoder:
    """Stands in for a transition-based component (``parser`` or ``ner``) in the
    pipeline and decodes its documents with the GIL held (see the module docstring).

    The wrapped component keeps its model, labels and configuration; attributes not
    defined here are read from it, so ``nlp.get_pipe("parser").labels`` still works.
    """

    def __init__(self, component, batch_size: int = DEFAULT_BATCH):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.component = component
        self.name = component.name
        self.batch_size = batch_size

    def __getattr__(self, attr):
        # Only called for attributes not found on the decoder itself.
        if attr == "component":
            raise AttributeError(attr)
        return getattr(self.component, attr)

    @property
    def greedy(self) -> bool:
        return self.component.cfg.get("beam_width", 1) == 1

    def __call__(self, doc: Doc) -> Doc:
        try:
            self.decode([doc])
        except Exception as exc:  # the component's error handler decides, as in spaCy
            self.component.get_error_handler()(self.name, self, [doc], exc)
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: Optional[int] = None) -> Iterator[Doc]:
        """Decode ``docs`` ``self.batch_size`` at a time (the pipeline's ``batch_size``
        is not used: the decoder's batch bounds its memory, see the module docstring)."""
        error_handler = self.component.get_error_handler()
        for batch in minibatch(docs, size=self.batch_size):
            batch = list(batch)
            try:
                self.decode(batch)
            except Exception as exc:
                error_handler(self.name, self, batch, exc)
            yield from batch

    def decode(self, docs: list[Doc]) -> None:
        """Annotate ``docs`` in place."""
        component = self.component
        if not docs:
            return
        if not self.greedy:
            component.set_annotations(docs, component.predict(docs))
            return
        if not any(len(doc) for doc in docs):
            component.set_annotations(docs, component.moves.init_batch(docs))
            return
        component._ensure_labels_are_added(docs)
        step_model = component.model.predict(docs)
        try:
            batch = component.moves.init_batch(docs)
            self._run(step_model, [state for state in batch if not state.is_final()])
        finally:
            step_model.clear_memory()
        component.set_annotations(docs, batch)

    def _run(self, step_model, states: list) -> None:
        component = self.component
        state2vec = step_model.state2vec
        upper = step_model.vec2scores
        unseen = step_model._class_mask == 0
        if not unseen.any():
            unseen = None
        while states:
            ids = step_model.get_token_ids(states)
            hidden = state2vec.predict(ids)
            scores = upper.predict(hidden) if upper is not None else hidden
            if unseen is not None:
                scores[:, unseen] = scores.min()
            states = component.transition_states(states, scores)


def use_greedy_decoder(nlp: Language, names: Iterable[str] = TRANSITION_COMPONENTS, batch_size: int = DEFAULT_BATCH) -> list[str]:
    """Put a :class:`GreedyDecoder` in place of each transition-based component of
    ``nlp`` named in ``names`` (same name, same position); returns the names replaced.
    Components that are missing, already wrapped or not transition-based are left
    alone."""
    replaced = []
    for name in names:
        if name not in nlp.component_names:
            continue
        component = nlp.get_pipe(name)
        if isinstance(component, GreedyDecoder) or not all(
            hasattr(component, attr) for attr in ("moves", "transition_states", "set_annotations", "model")
        ):
            continue
        # Swap the pipeline entry in place (spaCy 3.8 keeps it in ``_components``): the
        # name, position, disabled state, meta and config stay those of the model, and
        # ``nlp.to_disk`` still writes the component (the decoder forwards to it).
        entries = nlp._components
        index = nlp.component_names.index(name)
        entries[index] = (name, GreedyDecoder(component, batch_size))
        nlp._link_components()
        replaced.append(name)
    if replaced:
        log.debug("greedy decoding from Python for %s", ", ".join(replaced))
    return replaced


__all__ = ["DEFAULT_BATCH", "GreedyDecoder", "TRANSITION_COMPONENTS", "use_greedy_decoder"]
