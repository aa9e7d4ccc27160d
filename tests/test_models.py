"""The data model serialises to exactly the contract's record."""

from __future__ import annotations

import dataclasses
import json

import pytest

from eventwire.models import (
    Actor,
    ActorRef,
    Analysis,
    Article,
    Event,
    Place,
    PlaceRef,
    Quote,
    Speaker,
    TimeExpr,
    Tone,
    content_hash,
    text_id,
)

TOP_KEYS = ["id", "title", "published", "language", "actors", "quotes", "events", "places", "times", "tone"]
EVENT_KEYS = {
    "source", "target", "cameo", "root", "plover", "mode", "goldstein", "quad_class", "date",
    "date_source", "place", "negated", "modality", "sentence", "span", "evidence",
}


def sample() -> Analysis:
    putin = Actor("a1", "Vladimir Putin", "RUSGOV", "RUS", "GOV", "person", ((8, 22), (882, 887)))
    xi = Actor("a2", "Xi Jinping", "CHNGOV", "CHN", "GOV", "person", ((60, 70),))
    return Analysis(
        id="seed",
        title="Russia and China hail ties",
        published="2021-12-15",
        actors=(putin, xi),
        quotes=(
            Quote("A new model of cooperation", "direct", (610, 880), "said",
                  Speaker("Vladimir Putin", "RUSGOV", "a1", "Putin", (882, 887))),
            Quote("Russia and China hail ties", "direct", (0, 26), None, None, in_title=True),
        ),
        events=(
            Event(ActorRef("Vladimir Putin", "RUSGOV", "a1", "RUS"), ActorRef("Xi Jinping", "CHNGOV", "a2", "CHN"),
                  "036", "03", "AGREE", "meet", 4.0, 1, "2022-02", "text",
                  PlaceRef("Beijing", "CHN", 39.9, 116.4), False, "future", "Putin also said ...", (1200, 1310),
                  "verb:meet"),
        ),
        places=(Place("Beijing", "CHN", 39.9, 116.4, "city", (1290, 1297)),),
        times=(TimeExpr("in February", "2022-02", (1298, 1309)),),
        tone=Tone(1.2, 3.1, 1.9),
    )


def test_record_has_contract_shape():
    data = sample().to_dict()
    assert list(data) == TOP_KEYS
    assert set(data["events"][0]) == EVENT_KEYS
    assert data["events"][0]["source"] == {"name": "Vladimir Putin", "code": "RUSGOV", "actor": "a1", "country": "RUS"}
    assert data["quotes"][0]["speaker"]["mention_span"] == [882, 887]
    assert data["actors"][0]["mentions"] == [[8, 22], [882, 887]]
    assert data["places"][0] == {"name": "Beijing", "country": "CHN", "lat": 39.9, "lon": 116.4,
                                 "feature": "city", "span": [1290, 1297]}
    assert data["tone"] == {"score": 1.2, "positive": 3.1, "negative": 1.9}
    json.dumps(data)


def test_in_title_written_only_when_true():
    data = sample().to_dict()
    assert "in_title" not in data["quotes"][0]
    assert data["quotes"][1]["in_title"] is True


def test_round_trip():
    record = sample()
    assert Analysis.from_dict(json.loads(json.dumps(record.to_dict()))) == record


@pytest.mark.parametrize("cls", [Actor, Quote, Event, Place, TimeExpr, Tone, Analysis, Article, Speaker])
def test_models_are_frozen(cls):
    assert cls.__dataclass_params__.frozen
    obj = sample() if cls is Analysis else None
    if obj is not None:
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.id = "x"  # type: ignore[misc]


def test_article_id_defaults_to_stable_text_hash():
    a = Article(text="Moscow said   talks were useful.")
    b = Article(text="moscow said talks were useful.")
    assert a.id == text_id(a.text) and a.id.startswith("sha-")
    assert a.id == b.id  # normalised: case and whitespace
    assert Article(text="x", id="given").id == "given"


def test_content_hash_folds_quote_marks():
    assert content_hash("“Yes,” he said") == content_hash('"Yes," he said')
