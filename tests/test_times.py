"""Times: normalisation rules, datelines, spans, event dates (time_for)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventwire.models import Article
from eventwire.times import contract_value, precision, shift, time_for

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "seed-article.txt"
PUB = "2021-12-15"  # a Wednesday


def times_of(analyze, text, published=PUB):
    record = analyze(text, published=published)
    return {t.text: t.value for t in record.times}, record


@pytest.mark.parametrize(
    "text, expr, value",
    [
        # weekdays: the latest such day not after publication, the next one for future verbs
        ("The leaders met on Monday in Brussels.", "on Monday", "2021-12-13"),
        ("The talks were held on Wednesday.", "on Wednesday", "2021-12-15"),
        ("The leaders will meet on Monday in Brussels.", "on Monday", "2021-12-20"),
        ("Officials said on Friday that they would act.", "on Friday", "2021-12-10"),
        ("Ministers met last Wednesday.", "last Wednesday", "2021-12-08"),
        ("He spoke on Tuesday night.", "on Tuesday night", "2021-12-14"),
        ("Monday's talks ended without a deal.", "Monday's", "2021-12-13"),
        # months and seasons without a year
        ("Putin said he plans to meet Xi in February.", "in February", "2022-02"),
        ("The two sides met in February.", "in February", "2021-02"),
        ("The deal was signed in December.", "in December", "2021-12"),
        ("The ministers will meet again in December.", "in December", "2021-12"),
        ("The treaty was signed last May.", "last May", "2021-05"),
        ("Exercises would continue in the spring.", "in the spring", "2022-SP"),
        ("Fighting has raged since last summer.", "since last summer", "2021-SU"),
        ("The offensive began in mid-March.", "in mid-March", "2021-03"),
        # relative units
        ("The deal was signed last month.", "last month", "2021-11"),
        ("Talks resume next week.", "next week", "2021-W51"),
        ("Trade grew strongly this year.", "this year", "2021"),
        ("He will visit Paris next year.", "next year", "2022"),
        ("The vote is due later this month.", "later this month", "2021-12"),
        ("Envoys will decide by the end of the week.", "by the end of the week", "2021-W50"),
        ("The minister arrived yesterday.", "yesterday", "2021-12-14"),
        ("The rebels seized the town three years ago.", "three years ago", "2018"),
        ("There will be no truce over Christmas.", "Christmas", "2021-12-25"),
        ("The council will meet on Wednesday afternoon.", "on Wednesday afternoon", "2021-12-15"),
        ("The council will meet next Wednesday.", "next Wednesday", "2021-12-22"),
        ("The envoy visited Kyiv in September last year.", "in September last year", "2020-09"),
        ("Drones struck the port overnight.", "overnight", "2021-12-15"),
        ("Troops have been fighting there since October.", "since October", "2021-10"),
        ("The Geneva meeting on Friday is expected to last five hours.", "on Friday", "2021-12-17"),
        ("The alliance agreed to help Kabul after its troops leave by September.", "by September", "2022-09"),
        # explicit dates, years, decades
        ("The summit took place on June 16, 2021.", "on June 16, 2021", "2021-06-16"),
        ("The summit took place on 16 June 2021.", "on 16 June 2021", "2021-06-16"),
        ("The summit took place on 2021-06-16.", "on 2021-06-16", "2021-06-16"),
        ("The coup took place in October 2020.", "in October 2020", "2020-10"),
        ("The bombing happened on Feb. 14.", "on Feb. 14", "2021-02-14"),
        ("The deadline is Monday, Jan. 17.", "Monday, Jan. 17", "2022-01-17"),
        ("Russia annexed Crimea in 2014.", "in 2014", "2014"),
        ("Their 2020 war killed thousands.", "2020", "2020"),
        ("The region was at war in the 1990s.", "in the 1990s", "199"),
        ("It recalled the violence of the early '90s.", "the early '90s", "199"),
    ],
)
def test_normalisation_with_publication_date(analyze, text, expr, value):
    found, _ = times_of(analyze, text)
    assert found.get(expr, "missing") == value, found


@pytest.mark.parametrize(
    "text, expr, value",
    [
        ("Officials met on Dec. 3. Envoys had arrived two days earlier.", "two days earlier", "2021-12-01"),
        ("The strikes began on Tuesday. Militants fired rockets a day later.", "a day later", "2021-12-15"),
        ("Washington quit the deal in 2018, and Iran began breaching it a year later.", "a year later", "2019"),
        ("Leaders met eight days after the Nov. 20 vote.", "eight days after the Nov. 20 vote", "2021-11-28"),
        ("The deal was signed on Nov. 2, 2020, after talks that began in October 2020. Convoys arrived two weeks later.",
         "two weeks later", "2020-11-16"),
        ("Drills will end on Sunday. The ministry said jets entered the zone the previous day.", "the previous day",
         "2021-12-14"),
        ("Zelenskiy signed a pact in Berlin on Friday. He had met Scholz earlier in the day.", "earlier in the day",
         "2021-12-10"),
        ("Their discussion took place eight days after a video call between the leaders.",
         "eight days after a video call between", None),
    ],
)
def test_anchored_offsets(analyze, text, expr, value):
    found, _ = times_of(analyze, text)
    assert expr in found, found
    assert found[expr] == value


@pytest.mark.parametrize(
    "text, expr, value",
    [
        ("The leaders met on Monday.", "on Monday", None),
        ("He plans to meet Xi in February.", "in February", None),
        ("The deal was signed last month.", "last month", None),
        ("Talks resume next week.", "next week", None),
        ("The bombing happened on Feb. 14.", "on Feb. 14", None),
        ("The summit took place on June 16, 2021.", "on June 16, 2021", "2021-06-16"),
        ("Russia annexed Crimea in 2014.", "in 2014", "2014"),
        ("Officials met on Dec. 3, 2021. Envoys had arrived two days earlier.", "two days earlier", "2021-12-01"),
    ],
)
def test_normalisation_without_publication_date(analyze, text, expr, value):
    found, _ = times_of(analyze, text, published=None)
    assert found.get(expr, "missing") == value, found


@pytest.mark.parametrize(
    "text",
    [
        "Russia may respond to the move.",
        "The country sent 2,000 troops and 1500 tanks.",
        "Sanctions have lasted for three years.",
        "They will march on the capital.",
        "Prices rose 2019% in the model, a typo.",
    ],
)
def test_non_times(analyze, text):
    found, _ = times_of(analyze, text)
    assert found == {}


@pytest.mark.parametrize(
    "text, expr",
    [
        ("The leaders met on Monday in Brussels.", "on Monday"),
        ("Putin said he plans to meet Xi in February and attend the Games.", "in February"),
        ("Russia annexed Crimea in 2014, officials said.", "in 2014"),
    ],
)
def test_spans_are_exact(analyze, text, expr):
    record = analyze(text, title="A headline")
    t = next(t for t in record.times if t.text == expr)
    assert text[t.span[0] : t.span[1]] == expr
    assert t.span == (text.index(expr), text.index(expr) + len(expr))
    assert not t.in_title


def test_title_times_index_the_title(analyze):
    record = analyze("Body text about talks.", title="Talks to resume on Monday")
    (t,) = [t for t in record.times if t.in_title]
    assert "Talks to resume on Monday"[t.span[0] : t.span[1]] == "on Monday"


# ---------------------------------------------------------------------------
# Datelines


@pytest.mark.parametrize(
    "text, published, place, date, agency",
    [
        ("MOSCOW, Dec 15 (AP) \u2014 Putin spoke to Xi.", PUB, "Moscow", "2021-12-15", "AP"),
        ("BEIJING (Reuters) - China said on Wednesday it would respond.", PUB, "Beijing", None, "Reuters"),
        ("KYIV, Ukraine (AP) \u2014 Air raid sirens sounded.", PUB, "Kyiv", None, "AP"),
        ("ISLAMABAD/NEW DELHI, March 1 (Reuters) - Pakistan freed the pilot.", "2019-03-01", "Islamabad", "2019-03-01", "Reuters"),
        ("GENEVA, Jan 10 (Reuters) - Talks began.", "2022-01-10", "Geneva", "2022-01-10", "Reuters"),
        ("MOSCOW, Dec. 15, 2021 (AP) \u2014 Putin spoke to Xi.", None, "Moscow", "2021-12-15", "AP"),
        ("MOSCOW, Dec 15 (AP) \u2014 Putin spoke to Xi.", None, "Moscow", None, "AP"),
    ],
)
def test_datelines(analyzer, text, published, place, date, agency):
    (doc,) = list(analyzer.nlp.pipe(analyzer.make_docs(Article(text=text, published=published, id="d"))))
    dl = doc._.dateline
    assert dl is not None
    assert dl.place is not None and dl.place.name == place
    assert (dl.time.value if dl.time else None) == date
    assert dl.agency == agency
    assert doc.text[dl.span[0] : dl.span[1]].startswith(text.split(",")[0].split(" (")[0])


@pytest.mark.parametrize(
    "text",
    ["Russia said on Monday it would respond.", "NATO (the alliance) met.", "A Quiet Day - nothing happened."],
)
def test_no_dateline(analyzer, text):
    (doc,) = list(analyzer.nlp.pipe(analyzer.make_docs(Article(text=text, published=PUB, id="d"))))
    assert doc._.dateline is None


def test_dateline_date_is_reference_without_publication_date(analyze):
    found, _ = times_of(analyze, "MOSCOW, Dec. 15, 2021 (AP) \u2014 Putin spoke to Xi on Monday.", published=None)
    assert found["on Monday"] == "2021-12-13"


# ---------------------------------------------------------------------------
# time_for


def _doc(analyzer, text, published=PUB):
    (doc,) = list(analyzer.nlp.pipe(analyzer.make_docs(Article(text=text, published=published, id="d"))))
    return doc


def _verb(doc, word):
    return next(t for t in doc if t.text == word)


@pytest.mark.parametrize(
    "text, published, verb, expected",
    [
        ("Putin said that he plans to meet Xi in Beijing in February.", PUB, "meet", ("2022-02", "text")),
        ("The leaders met on Monday.", PUB, "met", ("2021-12-13", "text")),
        ("Peskov said on Tuesday that Moscow would not hold talks.", PUB, "hold", ("2021-12-14", "text")),
        ("Russia and China agreed to cooperate.", PUB, "agreed", ("2021-12-15", "published")),
        ("Russia and China agreed to cooperate.", None, "agreed", (None, "published")),
        ("The leaders met on Monday.", None, "met", (None, "text")),
        ("Talks resume next week.", PUB, "resume", ("2021-12", "text")),
        ("MOSCOW, Dec. 15, 2021 (AP) \u2014 Russia and China agreed to cooperate.", None, "agreed", ("2021-12-15", "dateline")),
        ("MOSCOW, Dec 14 (AP) \u2014 Russia and China agreed to cooperate.", PUB, "agreed", ("2021-12-14", "dateline")),
    ],
)
def test_time_for(analyzer, text, published, verb, expected):
    doc = _doc(analyzer, text, published)
    v = _verb(doc, verb)
    assert time_for(doc, v.sent, v) == expected


@pytest.mark.parametrize(
    "text, verb, expected",
    [
        ("Biden warned Putin. The leaders met on Monday.", "warned", (PUB, "published")),
        ("The parliament ratified the deal on Monday, but Ankara still accuses Sweden of delays.", "accuses",
         (PUB, "published")),
        ("Vucic, who put the army on alert on Friday, blamed Kurti for the violence.", "blamed", (PUB, "published")),
        ("Britain has sent tanks to Ukraine since Russia's invasion in February 2022.", "sent", (PUB, "published")),
        ("Modi held talks with Putin on Tuesday, a day after a missile strike hit a hospital in Kyiv.", "hit",
         ("2021-12-13", "text")),
        ("Israel launched the strikes before dawn on Tuesday.", "launched", ("2021-12-14", "text")),
    ],
)
def test_time_for_other_clauses(analyzer, text, verb, expected):
    doc = _doc(analyzer, text)
    v = _verb(doc, verb)
    assert time_for(doc, v.sent, v) == expected


# ---------------------------------------------------------------------------
# Helpers


@pytest.mark.parametrize(
    "value, kind, contract",
    [("2021-12-15", "day", "2021-12-15"), ("2021-12", "month", "2021-12"), ("2021", "year", "2021"),
     ("2021-W50", "week", "2021-12"), ("2021-W48", "week", "2021"), ("2020-W53", "week", None), ("2022-SP", "season", "2022"), ("199", "decade", None), (None, None, None)],
)
def test_precision_and_contract_value(value, kind, contract):
    assert precision(value) == kind
    assert contract_value(value) == contract


@pytest.mark.parametrize(
    "base, n, unit, out",
    [("2021-12-15", -2, "day", "2021-12-13"), ("2021-12-15", 1, "week", "2021-12-22"), ("2021-12", 2, "month", "2022-02"),
     ("2018", 1, "year", "2019"), ("2018", 1, "day", None), (None, 1, "day", None)],
)
def test_shift(base, n, unit, out):
    assert shift(base, n, unit) == out


# ---------------------------------------------------------------------------
# The seed article


@pytest.fixture(scope="module")
def seed(analyze):
    if not SEED.exists():
        pytest.skip("seed article not available")
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    return body.strip("\n"), analyze(body.strip("\n"), title=title, published=PUB)


def test_seed_times(seed):
    body, record = seed
    found = {(t.text, t.value) for t in record.times}
    assert ("in February", "2022-02") in found
    assert ("on Wednesday", "2021-12-15") in found
    assert ("June 16, 2021", "2021-06-16") in found
    assert ("this year", "2021") in found
    for t in record.times:
        assert body[t.span[0] : t.span[1]] == t.text


def test_seed_eight_days_after_stays_unresolved(seed):
    _, record = seed
    (t,) = [t for t in record.times if t.text.startswith("eight days after")]
    assert t.value is None


def test_seed_reference_date_is_a_wednesday():
    assert dt.date.fromisoformat(PUB).strftime("%A") == "Wednesday"


def _scan_without_cues(text: str) -> tuple:
    from eventwire.times import time_rules

    found = []
    for kind, pattern, _cues in time_rules().patterns:
        for m in pattern.finditer(text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), kind, m.groupdict()))
    found.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    return tuple(found)


@pytest.mark.parametrize(
    "text",
    [
        "Talks resumed on Tuesday, two days after the ceasefire collapsed, officials said.",
        "KYIV, March 14 (Reuters) - The strikes came overnight; a week earlier, in the 1990S style, nothing.",
        "YESTERDAY the PREVIOUS WEEK, later that day, THE SAME DAY, in the winter of 2023.",
        "The summit, held during Ramadan and before Christmas, ended last month.",
        "yeſterday's vote and toNİght's session, tonıght: the dotless and long letters an ignore-case pattern matches",
        "Nothing here has a date at all.",
        "",
    ],
)
def test_cue_words_never_skip_a_match(text):
    """The cue-word pre-check only skips patterns that could not match."""
    from eventwire.times import pattern_matches, time_rules

    assert pattern_matches(text, time_rules().patterns) == _scan_without_cues(text)
