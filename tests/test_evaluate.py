"""The scorer follows the gold format's rules exactly; predictions are built by hand."""

from __future__ import annotations

import json

import pytest

from eventwire.evaluate import (
    Report,
    carries_attribution,
    date_right,
    fold,
    format_report,
    read_gold,
    score_record,
    speaker_right,
)
from eventwire.errors import GoldError

TEXT = "Peskov said the talks were useful. “We will not accept this,” Ivan Petrov told reporters."


def pred(quotes=(), events=(), places=(), times=()):
    return {"quotes": list(quotes), "events": list(events), "places": list(places), "times": list(times)}


def q(text, span=(0, 1), speaker=None, kind="direct", **kw):
    return {"text": text, "span": list(span), "kind": kind,
            "speaker": None if speaker is None else {"name": speaker}, **kw}


def ev(src, tgt, root, date=None, negated=False, modality="asserted", date_source="text"):
    def ref(c):
        return None if c is None else {"code": c, "country": c[:3] if not c.startswith("IGO") else None}
    return {"source": ref(src), "target": ref(tgt), "root": root, "cameo": root + "0", "date": date,
            "date_source": date_source, "negated": negated, "modality": modality}


@pytest.mark.parametrize(
    "a,b",
    [("“We will NOT  accept”", '"we will not accept"'), ("it’s", "it's"), ("``Hello''", '"hello"')],
)
def test_fold(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    "gold,predicted,ok",
    [
        ("Dmitry Peskov", "Dmitry Peskov", True),
        ("Dmitry Peskov", "Peskov", True),
        ("Dmitry Peskov", "Mr Peskov", True),
        ("Dmitry Peskov", "Vladimir Putin", False),
        ("Dmitry Peskov", "he", False),
        ("Dmitry Peskov", "the spokesman", False),
        ("Dmitry Peskov", None, False),
        ("Anna Smith-Jones", "Anna Jones", True),
        ("Russian foreign ministry", "Russian Foreign Ministry", True),
        ("Russian foreign ministry", "ministry", True),
        ("Kremlin", "Kremlin", True),
        ("Kremlin", "the Kremlin", True),
        ("Kremlin", "White House", False),
        (None, None, True),
        (None, "Dmitry Peskov", False),
    ],
)
def test_speaker_rule(gold, predicted, ok):
    assert speaker_right(gold, None if predicted is None else {"name": predicted}) is ok


@pytest.mark.parametrize(
    "text,names,expected",
    [
        ("We will not accept this, Foreign Minister Ivan Petrov told reporters", ["Ivan Petrov"], True),
        ("We will not accept this", ["Ivan Petrov"], False),
        ("said Petrov, we will not accept this", ["Ivan Petrov"], True),
    ],
)
def test_attribution_clause(text, names, expected):
    assert carries_attribution(text, names) is expected


def test_quote_contains_matching_and_false_positive():
    gold = {"id": "g", "text": TEXT, "quotes": [{"contains": "We will not accept this", "speaker": "Ivan Petrov"}]}
    report = Report()
    score_record(gold, pred([q("We will not accept this,", speaker="Petrov"), q("something else")]), report)
    assert (report.quotes.tp, report.quotes.fp, report.quotes.fn) == (1, 1, 0)
    assert report.speakers.right == 1


def test_quote_with_attribution_clause_does_not_match():
    gold = {"id": "g", "text": TEXT, "quotes": [{"contains": "We will not accept this", "speaker": "Ivan Petrov"}]}
    report = Report()
    score_record(gold, pred([q("We will not accept this, Ivan Petrov told reporters")]), report)
    assert report.quotes.tp == 0 and report.quotes.fn == 1 and report.quotes.fp == 1


@pytest.mark.parametrize(
    "pred_span,matches",
    [((10, 50), True), ((10, 18), False), ((0, 100), False), ((30, 60), True), ((60, 90), False)],
)
def test_quote_span_rule(pred_span, matches):
    # gold [10, 50): 30% of gold = 12 chars; half of the prediction must lie inside
    gold = {"id": "g", "text": "x" * 100, "quotes": [{"span": [10, 50]}]}
    report = Report()
    score_record(gold, pred([q("x", span=pred_span)]), report)
    assert report.quotes.tp == int(matches)


def test_each_prediction_matches_one_gold_quote():
    gold = {"id": "g", "text": TEXT, "quotes": [{"contains": "We will not"}, {"contains": "not accept this"}]}
    report = Report()
    score_record(gold, pred([q("We will not accept this")]), report)
    assert (report.quotes.tp, report.quotes.fn) == (1, 1)


@pytest.mark.parametrize(
    "gold_ev,pred_ev,tp",
    [
        ({"source": "RUS", "target": "CHN", "root": "04"}, ev("RUSGOV", "CHNGOV", "04"), 1),
        ({"source": "RUS", "target": "CHN", "root": "04"}, ev("CHN", "RUS", "04"), 1),  # either way
        ({"source": "RUS", "target": "CHN", "root": "19"}, ev("CHNMIL", "RUSMIL", "19"), 1),
        ({"source": "USA", "target": "RUS", "root": "13"}, ev("RUS", "USA", "13"), 0),  # direction
        ({"source": "USA", "target": "RUS", "root": "13"}, ev("USA", "RUS", "16"), 0),
        ({"source": "IGO", "target": "IRN", "root": "10"}, ev("IGOUNO", "IRN", "10"), 1),
        ({"source": "IGOUNO", "target": "IRN", "root": "10"}, ev("IGOWSTNAT", "IRN", "10"), 0),
        ({"source": "USA", "target": "RUS", "cameo": "163"}, ev("USA", "RUS", "16"), 1),
        ({"source": "RUS", "target": None, "root": "15"}, ev("RUSMIL", None, "15"), 1),
        ({"source": "RUS", "target": "UKR", "root": "18"}, ev("RUS", "UKR", "18", negated=True), 0),
        ({"source": "RUS", "target": "UKR", "root": "16"}, ev("RUS", "UKR", "16", modality="hypothetical"), 0),
    ],
)
def test_event_matching(gold_ev, pred_ev, tp):
    report = Report()
    score_record({"id": "g", "text": "", "events": [gold_ev]}, pred(events=[pred_ev]), report)
    assert report.events.tp == tp
    counted = 0 if pred_ev["negated"] or pred_ev["modality"] == "hypothetical" else 1
    assert report.events.fp == counted - tp


def test_duplicate_event_costs_precision():
    report = Report()
    gold = {"id": "g", "text": "", "events": [{"source": "RUS", "target": "CHN", "root": "05"}]}
    score_record(gold, pred(events=[ev("RUS", "CHN", "05"), ev("RUS", "CHN", "05")]), report)
    assert (report.events.tp, report.events.fp) == (1, 1)


@pytest.mark.parametrize(
    "gold_date,pred_date,source,ok",
    [
        ("2022-02", "2022-02-10", "text", True),
        ("2022-02", "2022", "text", False),
        ("2022-02-10", "2022-02-11", "text", False),
        ("2021-12-15", "2021-12-15", "published", True),
        (None, "2021-12-15", "published", True),
        (None, "2021-12-15", "text", False),
        (None, "2021-12-14", "dateline", True),
    ],
)
def test_date_rule(gold_date, pred_date, source, ok):
    assert date_right(gold_date, {"date": pred_date, "date_source": source}) is ok


def test_places_recall_uses_name_or_mention():
    text = "Talks in Kiev and Geneva."
    gold = {"id": "g", "text": text, "places": ["Kiev", "Geneva", "Tbilisi"]}
    places = [
        {"name": "Kyiv", "span": [9, 13]},
        {"name": "Geneva", "span": [18, 24]},
    ]
    report = Report()
    score_record(gold, pred(places=places), report)
    assert (report.places.tp, report.places.fn) == (2, 1)


def test_times_and_values():
    gold = {"id": "g", "text": "", "times": [{"text": "on Wednesday", "value": "2021-12-15"},
                                             {"text": "in February", "value": "2022-02"}]}
    times = [{"text": "Wednesday", "value": "2021-12-15", "span": [0, 1]},
             {"text": "in February", "value": "2021-02", "span": [0, 1]}]
    report = Report()
    score_record(gold, pred(times=times), report)
    assert report.times.tp == 2 and report.time_values.right == 1


def test_parts_scored_only_where_gold_has_them():
    report = Report()
    score_record({"id": "g", "text": ""}, pred(quotes=[q("x")]), report)
    assert report.quotes.fp == 0 and "quotes" not in format_report(report).split("\n", 2)[-1]


def test_read_gold_rejects_broken_lines(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"text": "a"}) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"g.jsonl:2"):
        list(read_gold(path))


@pytest.mark.parametrize(
    "text,names",
    [
        ("we will hold talks with the United States", ["The Kremlin"]),
        ("the United States stated its position", ["Mr Smith"]),
    ],
)
def test_determiners_and_states_are_not_attribution(text, names):
    assert carries_attribution(text, names) is False


def test_partial_event_gold_counts_no_false_positives():
    gold = {"id": "g", "text": "", "events_complete": False,
            "events": [{"source": "RUS", "target": "CHN", "root": "04"}]}
    report = Report()
    score_record(gold, pred(events=[ev("RUS", "CHN", "04"), ev("USA", "IRN", "13")]), report)
    assert (report.events.tp, report.events.fp, report.events.fn) == (1, 0, 0)
