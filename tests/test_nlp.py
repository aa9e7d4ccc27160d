"""Pipeline profiles and the attribute-ruler replacement (eventwire.nlp, eventwire.fastattrs)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from eventwire.errors import EventwireError
from eventwire.fastattrs import FACTORY as LOOKUP, LEMMA_FACTORY, AttributeLookup, LemmaCache
from eventwire.nlp import PROFILES, UnknownProfile, load_base_model, load_model, resolve_profile

TRICKY = (
    "I ain't gonna sign it, y'all. Let's go, c'mon! We gotta leave. There is a deal. There's none.\n\n"
    "  The U.S. envoy didn't say  \t whether Kyiv's forces had withdrawn."
)


@pytest.fixture(scope="module")
def base():
    """The model as published, with its own attribute ruler."""
    return load_base_model()


def _parsed(nlp, texts):
    before = [n for n in ("tok2vec", "tagger", "parser") if n in nlp.pipe_names]
    with nlp.select_pipes(enable=before):
        return list(nlp.pipe(texts))


def _copy(nlp, docs):
    return [Doc(nlp.vocab).from_bytes(d.to_bytes()) for d in docs]


def _view(doc):
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_lookup_equals_ruler_on_the_bundled_corpus(base):
    from eventwire.corpus import load_corpus

    texts = [(r.get("title") or "") + "\n\n" + r["text"] for r in load_corpus()] + [TRICKY]
    docs = _parsed(base, texts)
    ruler, lemmatizer = base.get_pipe("attribute_ruler"), base.get_pipe("lemmatizer")
    lookup = AttributeLookup(base).load_ruler(ruler)
    lemmas = LemmaCache(base).load_lemmatizer(lemmatizer)
    assert lookup.fallback is None  # every rule of en_core_web_sm is read by the lookup itself
    want = [lemmatizer(ruler(d)) for d in _copy(base, docs)]
    got = [lemmas(lookup(d)) for d in _copy(base, docs)]
    again = [lemmas(lookup(d)) for d in _copy(base, docs)]  # now from the caches
    assert sum(len(d) for d in got) > 10_000
    for a, b, c in zip(want, got, again):
        assert _view(a) == _view(b) == _view(c)


@pytest.mark.parametrize(
    "words, tags, index, lemma",
    [
        (["I", "ai", "n't", "going"], ["PRP", "VBP", "RB", "VBG"], 1, "be"),
        (["gon", "na", "win"], ["VBG", "TO", "VB"], 0, "go"),
        (["gon", "na", "win"], ["VBG", "TO", "VB"], 1, "to"),
        (["Let", "'s", "go"], ["VB", "PRP", "VB"], 1, "us"),
        (["y'", "all", "know"], ["PRP", "DT", "VBP"], 0, "you"),
    ],
)
def test_two_token_rules_match_the_ruler(base, words, tags, index, lemma):
    ruler = base.get_pipe("attribute_ruler")
    lookup = AttributeLookup(base).load_ruler(ruler)
    a = ruler(Doc(base.vocab, words=words, tags=tags))
    b = lookup(Doc(base.vocab, words=words, tags=tags))
    assert _view(a) == _view(b)
    assert b[index].lemma_ == lemma


def test_unreadable_patterns_fall_back_to_a_matcher(base):
    """A quantifier is not evaluated by lookups; such rules still apply, in rule order."""
    from spacy.pipeline import AttributeRuler

    ruler = AttributeRuler(base.vocab)
    ruler.add([[{"TAG": "NNP", "OP": "+"}, {"LOWER": "said"}]], {"LEMMA": "SAY-AFTER-NAME"}, index=-1)
    ruler.add([[{"LOWER": "said"}]], {"POS": "VERB"})
    ruler.add([[{"LOWER": {"IN": ["talks", "met"]}}]], {"LEMMA": "meeting"})
    lookup = AttributeLookup(base).load_ruler(ruler)
    assert lookup.fallback is not None
    words = ["Vladimir", "Putin", "said", "talks", "said", "."]
    tags = ["NNP", "NNP", "VBD", "NNS", "VBD", "."]
    a = ruler(Doc(base.vocab, words=words, tags=tags))
    b = lookup(Doc(base.vocab, words=words, tags=tags))
    assert _view(a) == _view(b)
    assert b[2].lemma_ == "SAY-AFTER-NAME" and b[2].pos_ == "VERB" and b[3].lemma_ == "meeting"


def test_later_rules_win(base):
    from spacy.pipeline import AttributeRuler

    ruler = AttributeRuler(base.vocab)
    ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN", "LEMMA": "first"})
    ruler.add([[{"LOWER": "deal"}]], {"LEMMA": "second"})
    lookup = AttributeLookup(base).load_ruler(ruler)
    doc = lookup(Doc(base.vocab, words=["a", "deal", "plan"], tags=["DT", "NN", "NN"]))
    assert [t.lemma_ for t in doc] == ["", "second", "first"]
    assert doc[1].pos_ == "NOUN"


@pytest.mark.parametrize("profile", PROFILES)
def test_profiles_replace_the_ruler(profile):
    nlp = load_model(profile=profile)
    names = nlp.pipe_names
    assert "attribute_ruler" not in names and "lemmatizer" not in names
    assert names.index("parser") < names.index(LOOKUP) < names.index(LEMMA_FACTORY)
    assert ("ner" in names) == (profile == "accurate")
    assert ("eventwire_entities" in names) == (profile == "fast")
    assert nlp.meta["eventwire_profile"] == profile
    # matrix products go through numpy's BLAS, not thinc's blis kernels
    from thinc.api import NumpyOps

    layers = [n for _, c in nlp.pipeline if hasattr(getattr(c, "model", None), "walk") for n in c.model.walk()]
    numpy_layers = [n for n in layers if type(n.ops) is NumpyOps]
    assert numpy_layers and not any(n.ops.use_blis for n in numpy_layers)


@pytest.mark.parametrize(
    "arg, env, expected",
    [(None, None, "accurate"), ("fast", None, "fast"), (None, "fast", "fast"), ("accurate", "fast", "accurate"),
     (None, " FAST ", "fast")],
)
def test_profile_resolution(monkeypatch, arg, env, expected):
    if env is None:
        monkeypatch.delenv("EVENTWIRE_PROFILE", raising=False)
    else:
        monkeypatch.setenv("EVENTWIRE_PROFILE", env)
    assert resolve_profile(arg) == expected


@pytest.mark.parametrize("bad", ["quick", "ner"])
def test_unknown_profile_is_a_coded_error(monkeypatch, bad):
    monkeypatch.delenv("EVENTWIRE_PROFILE", raising=False)
    with pytest.raises(UnknownProfile, match=r"E002.*accurate, fast") as info:
        resolve_profile(bad)
    assert isinstance(info.value, EventwireError)


def test_lemma_cache_leaves_given_lemmas(base):
    lemmas = LemmaCache(base).load_lemmatizer(base.get_pipe("lemmatizer"))
    doc = Doc(base.vocab, words=["talks", "collapsed"], pos=["NOUN", "VERB"], lemmas=["TALK-GIVEN", ""],
              morphs=["Number=Plur", "Tense=Past|VerbForm=Fin"])
    lemmas(doc)
    assert [t.lemma_ for t in doc] == ["TALK-GIVEN", "collapse"]
