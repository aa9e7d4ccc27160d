"""Greedy decoding from Python (eventwire.fastparse): the same parses and entities as
spaCy's own decoding loop, for any batch, with spaCy's error handling."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from eventwire.fastparse import GreedyDecoder, use_greedy_decoder
from eventwire.nlp import PROFILES, load_model

# Written for these tests: the shapes that stress a transition parser.
HARD = [
    "",
    "   \n\n  ",
    "Ceasefire.",
    "MOSCOW, March 3 -- Russia said on Tuesday it would \"respond firmly\" if NATO moved troops "
    "closer to its border, while Finland, Sweden and Norway -- all of which have raised defence "
    "spending -- said they would not be intimidated; the Kremlin, asked about the drills, declined "
    "to comment, and a spokesman for the Lithuanian foreign ministry said: \"We have heard this before.\"",
    "Talks: (1) grain; (2) prisoners; (3) the Zaporizhzhia plant.\n\nNo agreement.\n\n",
    "Le ministre a dit « non ». İstanbul'da görüşmeler sürüyor. Kyiv's forces held Bakhmut.",
    "Xi Jinping met Vladimir Putin in Beijing on Monday. " * 40,
    "U.S. Secretary of State Antony Blinken and China's Wang Yi met in Munich, ahead of G-20 talks in "
    "New Delhi, the State Department said in a statement on Saturday, Feb. 18, 2023.",
]


@pytest.fixture(scope="module")
def accurate():
    return load_model(profile="accurate")


@pytest.fixture(scope="module")
def texts():
    from eventwire.corpus import load_corpus

    return [(r.get("title") or "") + "\n\n" + r["text"] for r in load_corpus()] + HARD


def _before(nlp, name, texts):
    """Docs with every component before ``name`` applied (tensors, tags, sentence starts)."""
    names = nlp.pipe_names
    with nlp.select_pipes(enable=names[: names.index(name)]):
        return list(nlp.pipe(texts))


def _copies(nlp, docs):
    return [Doc(nlp.vocab).from_bytes(d.to_bytes()) for d in docs]


def _view(doc, name):
    if name == "parser":
        return [(t.head.i, t.dep_, t.is_sent_start) for t in doc]
    return [(t.ent_iob_, t.ent_type_) for t in doc]


@pytest.mark.parametrize("profile", PROFILES)
def test_profiles_decode_from_python(profile):
    nlp = load_model(profile=profile)
    wrapped = [n for n, c in nlp.pipeline if isinstance(c, GreedyDecoder)]
    assert wrapped == (["parser", "ner"] if profile == "accurate" else ["parser"])
    parser = nlp.get_pipe("parser")
    assert parser.name == "parser" and "nsubj" in parser.labels  # the component's attributes show through
    assert use_greedy_decoder(nlp) == []  # already in place: nothing wrapped twice


@pytest.mark.parametrize("name", ["parser", "ner"])
def test_same_annotations_as_spacys_own_loop(accurate, texts, name):
    docs = _before(accurate, name, texts)
    decoder = accurate.get_pipe(name)
    want = list(decoder.component.pipe(_copies(accurate, docs), batch_size=16))
    got = list(decoder.pipe(_copies(accurate, docs)))
    assert sum(len(d) for d in got) > 5_000
    assert [_view(d, name) for d in got] == [_view(d, name) for d in want]
    if name == "parser":
        assert all(d.has_annotation("DEP") for d in got if len(d.text.strip()))
    else:
        assert sum(len(d.ents) for d in got) > 100


def test_unseen_classes_get_the_lowest_score_as_in_spacy(accurate, texts):
    """Moves marked unseen (as after adding labels in training) are scored lowest at
    each step, in both loops: the parses still agree."""
    docs = _before(accurate, "parser", texts[:12])
    decoder = accurate.get_pipe("parser")
    unseen = decoder.component.model.attrs["unseen_classes"]
    before = set(unseen)
    normal = [_view(d, "parser") for d in decoder.pipe(_copies(accurate, docs))]
    unseen.update(range(2, 40))
    try:
        want = [_view(d, "parser") for d in decoder.component.pipe(_copies(accurate, docs))]
        got = [_view(d, "parser") for d in decoder.pipe(_copies(accurate, docs))]
    finally:
        unseen.clear()
        unseen.update(before)
    assert got == want
    assert got != normal  # the mask changed the parses: the branch was exercised


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_batch_composition_does_not_change_a_parse(accurate, texts, batch_size):
    docs = _before(accurate, "parser", texts)
    decoder = accurate.get_pipe("parser")
    reference = [_view(d, "parser") for d in decoder.pipe(_copies(accurate, docs))]
    other = GreedyDecoder(decoder.component, batch_size=batch_size)
    assert [_view(d, "parser") for d in other.pipe(_copies(accurate, docs))] == reference
    assert [_view(other(d), "parser") for d in _copies(accurate, docs[-4:])] == reference[-4:]


def test_empty_docs_alone_and_mixed(accurate):
    docs = _before(accurate, "parser", ["", "Russia and China signed a pact.", "", " "])
    decoder = accurate.get_pipe("parser")
    out = list(decoder.pipe(docs))
    assert [len(d) for d in out] == [0, 7, 0, 1]
    assert [t.dep_ for t in out[1]].count("ROOT") == 1
    alone = list(decoder.pipe(_before(accurate, "parser", ["", ""])))
    assert [len(d) for d in alone] == [0, 0]


def test_batch_size_must_be_positive(accurate):
    with pytest.raises(ValueError):
        GreedyDecoder(accurate.get_pipe("parser").component, batch_size=0)


class _Moves:
    def init_batch(self, docs):
        return ["state"] * len(docs)


class _Stub:
    """A transition component that records what the decoder asks of it."""

    name = "parser"

    def __init__(self, beam_width=1, fail=False):
        self.cfg = {"beam_width": beam_width}
        self.moves = _Moves()
        self.fail = fail
        self.calls = []
        self.handler = None

    @property
    def model(self):
        outer = self

        class _Model:
            def predict(self, docs):
                outer.calls.append("model.predict")
                raise RuntimeError("boom")

        return _Model()

    def predict(self, docs):
        self.calls.append("predict")
        return ["beam"] * len(docs)

    def set_annotations(self, docs, states):
        self.calls.append(("set_annotations", tuple(states)))

    def transition_states(self, states, scores):  # pragma: no cover - not reached by the stubs
        return []

    def _ensure_labels_are_added(self, docs):
        pass

    def get_error_handler(self):
        if self.handler:
            return self.handler

        def raise_error(name, component, docs, exc):
            raise exc

        return raise_error


def _docs(accurate, n):
    return [accurate.make_doc(f"Talks resumed in round {i}.") for i in range(n)]


def test_beam_search_keeps_the_components_own_decoding(accurate):
    stub = _Stub(beam_width=4)
    docs = list(GreedyDecoder(stub).pipe(_docs(accurate, 3)))
    assert len(docs) == 3
    assert stub.calls == ["predict", ("set_annotations", ("beam", "beam", "beam"))]


def test_a_failing_batch_goes_to_the_error_handler(accurate):
    stub = _Stub()
    with pytest.raises(RuntimeError, match="boom"):
        list(GreedyDecoder(stub).pipe(_docs(accurate, 2)))
    seen = []
    stub.handler = lambda name, component, docs, exc: seen.append((name, len(docs), str(exc)))
    out = list(GreedyDecoder(stub, batch_size=2).pipe(_docs(accurate, 5)))
    assert len(out) == 5  # every doc comes out, the failing batches reported
    assert seen == [("parser", 2, "boom"), ("parser", 2, "boom"), ("parser", 1, "boom")]
    doc = _docs(accurate, 1)[0]
    assert GreedyDecoder(stub)(doc) is doc and seen[-1] == ("parser", 1, "boom")


def test_non_transition_components_are_left_alone():
    from eventwire.nlp import load_base_model

    nlp = load_base_model()
    tagger = nlp.get_pipe("tagger")
    assert use_greedy_decoder(nlp, names=("tagger", "missing")) == []
    assert nlp.get_pipe("tagger") is tagger
