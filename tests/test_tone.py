"""Tone: GDELT-style percentages of positive and negative words, with negation."""

from __future__ import annotations

import pytest

from eventwire.tone import lexicon, score_doc


def test_lexicon_sides_do_not_overlap():
    positive, negative = lexicon()
    assert positive and negative
    assert not positive & negative


@pytest.mark.parametrize(
    "text, sign",
    [
        ("The two governments signed a peace agreement and praised the cooperation.", 1),
        ("Troops attacked the village and killed civilians in a brutal raid.", -1),
        ("The minister said the talks were not constructive.", -1),
        ("Officials said the truce did not fail.", 1),
        ("The delegation arrived in Geneva on Tuesday.", 0),
    ],
)
def test_sign_of_score(nlp, text, sign):
    tone = score_doc(nlp(text))
    assert (tone.score > 0) - (tone.score < 0) == sign


def test_percentages_are_of_words(nlp):
    doc = nlp("Peace and friendship, war and hostility, nothing else here at all.")
    words = sum(1 for t in doc if t.is_alpha)
    tone = score_doc(doc)
    assert tone.positive == pytest.approx(100 * 2 / words, abs=1e-3)
    assert tone.negative == pytest.approx(100 * 2 / words, abs=1e-3)
    assert tone.score == pytest.approx(tone.positive - tone.negative, abs=1e-3)


def test_negation_does_not_cross_sentences(nlp):
    doc = nlp("They did not come.\nPeace returned to the valley.")
    assert score_doc(doc).positive > 0
    assert score_doc(doc).negative == 0


def test_empty_doc_is_neutral(nlp):
    tone = score_doc(nlp("   "))
    assert (tone.score, tone.positive, tone.negative) == (0.0, 0.0, 0.0)


def test_record_carries_tone(analyze):
    record = analyze("Russia condemned the attack and warned of a dangerous escalation.")
    assert record.tone.negative > 0
    assert record.tone.score < 0


@pytest.mark.parametrize("text", ["Peace talks brought PEACE and peace.", "They praised the deal; critics condemned it."])
def test_lexicon_words_found_whatever_their_case(nlp, text):
    """Words are matched by their lower-case form (and lemma), whatever the case written."""
    positive, negative = lexicon()
    doc = nlp(text)
    words = [t for t in doc if t.is_alpha]
    hits = [t for t in words if t.lower_ in positive | negative or t.lemma_.lower() in positive | negative]
    tone = score_doc(doc)
    assert round(tone.positive + tone.negative, 3) == round(100.0 * len(hits) / len(words), 3)
