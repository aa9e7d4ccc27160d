"""Read functions (store/queries.py) and the query commands (cli/query.py).

The store holds the four articles of storekit.corpus(): 8 events (6 asserted, one
negated, one hypothetical) from 10 mentions, and 5 quotes.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.models import Article
from eventwire.store import open_store, queries
from eventwire.store.queries import EventFilter

from storekit import (  # noqa: F401  (fixtures)
    TEXTS,
    corpus,
    corpus_store,
    near_copy,
    plain_analysis,
    quote_of,
    store,
    store_url,
)

INJECTIONS = [
    "'; DROP TABLE events; --",
    "\" OR 1=1 --",
    "RUS' OR '1'='1",
    "%",
    "_",
    "\\",
    "NEAR(a b)",
    "\"unbalanced",
    "a OR b",
    "*",
    "text:foo",
    "?",
    "%s",
    "Robert'); DELETE FROM quotes;--",
]


@pytest.fixture
def loaded(corpus_store):
    """The corpus store, shared by this module's tests: they must not write."""
    before = corpus_store.counts()
    yield corpus_store
    assert corpus_store.counts() == before, "a read-only test wrote to the shared store"


def _events(store, **kw):
    return queries.list_events(store, EventFilter(**kw), limit=100)


# --- events --------------------------------------------------------------------


def test_events_default_excludes_negated_and_hypothetical(loaded):
    page = _events(loaded)
    assert page.total == 6 == len(page.items)
    assert not any(e["negated"] or e["modality"] == "hypothetical" for e in page.items)
    assert _events(loaded, include_negated=True).total == 7
    assert _events(loaded, include_hypothetical=True).total == 7
    assert _events(loaded, include_negated=True, include_hypothetical=True).total == 8


def test_events_are_one_row_per_cluster_or_every_mention(loaded):
    assert queries.list_events(loaded, mentions=True, limit=100).total == 8
    (meeting,) = _events(loaded, roots=("04",)).items
    assert (meeting["num_mentions"], meeting["num_articles"], meeting["num_sources"]) == (2, 2, 2)
    mentions = queries.event_mentions(loaded, meeting["cluster"])
    assert {m["article"]["id"] for m in mentions} == {"beijing-1", "beijing-2"}


@pytest.mark.parametrize(
    "actor, expected",
    [("RUS", 6), ("rus", 6), ("CHN", 3), ("USA", 1), ("UKR", 2), ("RUSMIL", 1), ("RUSGOV", 4),
     ("Putin", 4), ("putin", 4), ("Xi Jinping", 3), ("IGOWSTNAT", 0), ("Lavrov", 0)],
)
def test_actor_filter(loaded, actor, expected):
    assert _events(loaded, actor=actor).total == expected


@pytest.mark.parametrize(
    "dyad, either, expected",
    [(("RUS", "CHN"), False, 3), (("CHN", "RUS"), False, 1), (("CHN", "RUS"), True, 3),
     (("USA", "RUS"), False, 1), (("RUS", "USA"), False, 0), (("Kuleba", "RUS"), False, 1)],
)
def test_dyad_filter(loaded, dyad, either, expected):
    assert _events(loaded, dyad=dyad, either_direction=either).total == expected


@pytest.mark.parametrize(
    "roots, flags, expected",
    [(("04",), {}, 1), (("4",), {}, 1), (("19", "11"), {}, 2), (("13",), {}, 1), (("16",), {}, 0),
     (("16",), {"include_negated": True}, 1), (("16",), {"include_negated": True, "include_hypothetical": True}, 2)],
)
def test_root_filter(loaded, roots, flags, expected):
    assert _events(loaded, roots=roots, **flags).total == expected


@pytest.mark.parametrize(
    "since, until, expected",
    [("2022-02", "2022-02", 3), ("2022-03", None, 2), (None, "2022-01-31", 1), ("2022", "2022", 6),
     ("2022-02-04", "2022-02-04", 3), ("2022-03-02", None, 1), ("2023", None, 0)],
)
def test_date_filters(loaded, since, until, expected):
    assert _events(loaded, since=since, until=until).total == expected


@pytest.mark.parametrize("bad", ["2022-13", "yesterday", "2022-02-30", "'; --"])
def test_bad_dates_raise_value_error(loaded, bad):
    with pytest.raises(ValueError):
        _events(loaded, since=bad)


def test_pagination(loaded):
    pages = [queries.list_events(loaded, limit=4, offset=o) for o in (0, 4, 8)]
    assert [p.total for p in pages] == [6, 6, 6]
    ids = [e["cluster"] for p in pages for e in p.items]
    assert len(ids) == 6 == len(set(ids))
    days = [e["day"] for p in pages for e in p.items]
    assert days == sorted(days, reverse=True)
    assert queries.list_events(loaded, limit=0).items == []


@pytest.mark.parametrize("negated, hypothetical", [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("limit, offset", [(100, 0), (3, 0), (3, 3), (2, 5)])
def test_unfiltered_listing_agrees_with_the_filtered_path(loaded, negated, hypothetical, limit, offset):
    # No filter but the flags reads clusters directly; any other filter groups mentions.
    flags = {"include_negated": negated, "include_hypothetical": hypothetical}
    direct = queries.list_events(loaded, EventFilter(**flags), limit=limit, offset=offset)
    grouped = queries.list_events(loaded, EventFilter(since="1900", **flags), limit=limit, offset=offset)
    assert direct.to_dict() == grouped.to_dict()


def test_event_items_lead_back_to_their_sentence(loaded):
    texts = {key: text for key, (title, text) in TEXTS.items()}
    for e in queries.list_events(loaded, mentions=True, limit=100, filters=EventFilter(include_negated=True)).items:
        start, end = e["span"]
        assert texts[e["article"]["id"]][start:end] == e["sentence"]


# --- quotes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "speaker, expected",
    [("Peskov", 2), ("PESKOV", 2), ("dmitry peskov", 2), ("Mr Peskov", 2), ("Peskov Dmitry", 2),
     ("Xi", 1), ("Xi Jinping", 1), ("jinping", 1), ("Kulèba", 1), ("Dmytro Kuleba", 1), ("Biden", 1),
     ("Lavrov", 0), ("Peskova", 0), ("Pes", 0), ("Sergei Peskov", 0)],
)
def test_speaker_filter(loaded, speaker, expected):
    page = queries.list_quotes(loaded, speaker=speaker)
    assert page.total == expected == len(page.items)


def test_speaker_recorded_by_surname_only_is_found_by_full_name(store):
    text = "The Russian leader spoke briefly. \"We are ready to talk,\" Putin said on Monday in Moscow, twice."
    art = Article(text=text, title="Putin says ready", id="p1", published="2022-02-07")
    store.add(art, plain_analysis(art, quotes=[quote_of(text, "We are ready to talk,", "Putin")]))
    assert queries.list_quotes(store, speaker="Vladimir Putin").total == 1
    assert queries.list_quotes(store, speaker="President Vladimir Putin").total == 1
    assert queries.list_quotes(store, speaker="Vladimir Zelensky").total == 0


@pytest.mark.parametrize(
    "search, expected",
    [("friendship", 1), ("limit", 1), ("Friendship LIMITS", 1), ("NATO expansion", 1), ("war crime", 1),
     ("crimes", 1), ("friendship crime", 0), ("Peskov", 0), ("", 0), ("!!!", 0)],
)
def test_full_text_search(loaded, search, expected):
    assert queries.list_quotes(loaded, search=search).total == expected


@pytest.mark.parametrize("code, expected", [("RUSGOV", 2), ("rus", 2), ("CHN", 1), ("UKRGOV", 1), ("IGOWSTNAT", 0)])
def test_speaker_code_filter(loaded, code, expected):
    assert queries.list_quotes(loaded, speaker_code=code).total == expected


def test_article_filters(loaded):
    pk = loaded.results["sanctions"].article_pk
    assert _events(loaded, article=pk, include_negated=True, include_hypothetical=True).total == 3
    assert queries.list_quotes(loaded, article=pk).total == 1


def test_search_and_speaker_combine(loaded):
    assert queries.list_quotes(loaded, search="NATO", speaker="Peskov").total == 1
    assert queries.list_quotes(loaded, search="NATO", speaker="Biden").total == 0


def test_quotes_date_filter_and_order(loaded):
    page = queries.list_quotes(loaded)
    dates = [q["article"]["published"] for q in page.items]
    assert page.total == 5 and dates == sorted(dates, reverse=True)
    assert queries.list_quotes(loaded, since="2022-02", until="2022-02").total == 3


def test_quotes_repeated_by_a_near_duplicate_are_shown_once(store):
    for art, analysis in corpus():
        store.add(art, analysis)
    art, analysis = corpus()[0]
    copy = near_copy(art)
    assert store.add(copy, dataclasses.replace(analysis, id=copy.id)).status == "near-duplicate"
    assert queries.list_quotes(store).total == 5
    assert queries.list_quotes(store, include_duplicates=True).total == 7
    pk = store.db.scalar("SELECT id FROM articles WHERE article_id = ?", (copy.id,))
    assert queries.list_quotes(store, article=pk).total == 2


@pytest.mark.parametrize("search", ["friendship", "the", "limits contract", "our", "war", "nothing"])
@pytest.mark.parametrize("include_duplicates", [False, True])
def test_search_alone_pages_like_the_general_query(store, search, include_duplicates):
    """A search alone takes a shorter path on SQLite; a no-op date filter takes the
    general one: both must give the same totals, pages and order, duplicates or not."""
    for art, analysis in corpus():
        store.add(art, analysis)
    art, analysis = corpus()[0]
    copy = near_copy(art)
    assert store.add(copy, dataclasses.replace(analysis, id=copy.id)).status == "near-duplicate"
    for limit, offset in [(50, 0), (1, 0), (1, 1), (2, 1), (5, 50)]:
        fast = queries.list_quotes(store, search=search, include_duplicates=include_duplicates, limit=limit, offset=offset)
        general = queries.list_quotes(store, search=search, include_duplicates=include_duplicates, since="1900",
                                      limit=limit, offset=offset)
        assert (fast.total, fast.items) == (general.total, general.items)


def test_search_leaves_out_a_near_duplicates_repeated_quote(store):
    for art, analysis in corpus():
        store.add(art, analysis)
    art, analysis = corpus()[0]
    copy = near_copy(art)
    store.add(copy, dataclasses.replace(analysis, id=copy.id))
    shown = queries.list_quotes(store, search="friendship")
    assert shown.total == 1 and [q["article"]["id"] for q in shown.items] == [art.id]
    assert queries.list_quotes(store, search="friendship", include_duplicates=True).total == 2


@pytest.mark.parametrize("index", range(4))
def test_record_dict_is_to_dict(loaded, index):
    art, analysis = corpus()[index]
    stored = queries.load_analysis(loaded, loaded.results[art.id].article_pk)
    titled = dataclasses.replace(stored, events=tuple(dataclasses.replace(e, in_title=True) for e in stored.events[:1]))
    for record in (analysis, stored, titled):
        assert json.dumps(queries.record_dict(record)) == json.dumps(record.to_dict())


# --- injection-like input ------------------------------------------------------


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_like_filters_are_harmless(loaded, value):
    before = loaded.counts()
    assert _events(loaded, actor=value).total == 0
    assert _events(loaded, dyad=(value, "RUS"), either_direction=True).total == 0
    assert _events(loaded, roots=(value,)).total == 0
    assert queries.list_quotes(loaded, speaker=value).total == 0
    queries.list_quotes(loaded, search=value)  # FTS syntax is never passed through
    assert queries.ties(loaded, value, "RUS")["events"] == 0
    assert queries.actor_profile(loaded, value)["as_source"]["events"] == 0
    assert queries.get_article(loaded, value) is None
    assert loaded.counts() == before


# --- relations -----------------------------------------------------------------


def test_ties_counts_events_per_week(loaded):
    t = queries.ties(loaded, "RUS", "CHN")
    assert t["events"] == 3
    assert t["quad_classes"] == {"1": 3, "2": 0, "3": 0, "4": 0}
    assert t["goldstein_mean"] == pytest.approx((1.0 + 3.5 + 0.0) / 3, abs=1e-3)
    (week,) = t["series"]
    assert week["start"] == "2022-01-31"  # the Monday of 2022-02-04
    assert week["events"] == 3 and week["a_to_b"] + week["b_to_a"] == 3
    assert len(week["event_ids"]) == 3 and len(week["top"]) == 3


def test_ties_numbers_lead_back_to_sentences(loaded):
    texts = {key: text for key, (title, text) in TEXTS.items()}
    t = queries.ties(loaded, "CHN", "RUS", top=10, mentions_per_event=10)
    for week in t["series"]:
        assert week["events"] == len(week["event_ids"]) == len(week["top"])
        assert sum(week["quad_classes"].values()) == week["events"]
        for e in week["top"]:
            assert e["cluster"] in week["event_ids"]
            assert len(e["mentions"]) == e["num_mentions"]
            for m in e["mentions"]:
                start, end = m["span"]
                assert texts[m["article_id"]][start:end] == m["sentence"]


def test_ties_is_the_same_relation_either_way(loaded):
    ab, ba = queries.ties(loaded, "RUS", "CHN"), queries.ties(loaded, "CHN", "RUS")
    assert ab["events"] == ba["events"]
    assert ab["series"][0]["a_to_b"] == ba["series"][0]["b_to_a"]


@pytest.mark.parametrize(
    "flags, expected",
    [({}, 1), ({"include_negated": True}, 2), ({"include_hypothetical": True}, 2),
     ({"include_negated": True, "include_hypothetical": True}, 3)],
)
def test_ties_flags(loaded, flags, expected):
    assert queries.ties(loaded, "USA", "RUS", **flags)["events"] == expected


def test_ties_by_month_and_dates(loaded):
    t = queries.ties(loaded, "RUS", "UKR", period="month")
    assert [s["start"] for s in t["series"]] == ["2022-03-01"]
    assert t["quad_classes"] == {"1": 0, "2": 0, "3": 1, "4": 1}
    assert queries.ties(loaded, "RUS", "UKR", until="2022-02")["events"] == 0
    with pytest.raises(ValueError):
        queries.ties(loaded, "RUS", "UKR", period="fortnight")


def test_ties_per_day_regroups_the_weekly_events(loaded):
    weekly = queries.ties(loaded, "CHN", "RUS", top=100)
    daily = queries.ties(loaded, "CHN", "RUS", period="day", top=100)
    assert daily["period"] == "day" and daily["events"] == weekly["events"]
    days = {}
    for week in weekly["series"]:
        for e in week["top"]:
            days.setdefault(e["day"], []).append(e["cluster"])
    assert {s["start"]: s["event_ids"] for s in daily["series"]} == {d: sorted(ids) for d, ids in days.items()}
    assert [s["top"] for s in daily["series"]] == [
        sorted((e for w in weekly["series"] for e in w["top"] if e["day"] == s["start"]),
               key=lambda e: (-e["num_articles"], -abs(e["goldstein"]), e["cluster"]))
        for s in daily["series"]
    ]


@pytest.mark.parametrize("top", [0, 1, 3])
def test_ties_top_events_carry_their_first_mentions(loaded, top):
    t = queries.ties(loaded, "CHN", "RUS", top=top, mentions_per_event=1)
    for week in t["series"]:
        assert len(week["top"]) == min(top, week["events"])
        for e in week["top"]:
            assert len(e["mentions"]) == 1 and isinstance(e["mentions"][0]["sentence"], str)


def test_top_relations_summary_agrees_with_the_scan(loaded):
    # Without dates the summary table answers; with dates covering everything, the scan.
    assert queries.top_relations(loaded, limit=100) == queries.top_relations(loaded, limit=100, since="1900", until="2999")


def test_top_relations_and_report(loaded):
    rels = queries.top_relations(loaded)
    assert (rels[0]["a"], rels[0]["b"], rels[0]["events"]) == ("CHN", "RUS", 3)
    assert {(r["a"], r["b"]): r["events"] for r in rels} == {("CHN", "RUS"): 3, ("RUS", "UKR"): 2, ("RUS", "USA"): 1}
    assert rels[0]["a_to_b"] + rels[0]["b_to_a"] == 3
    rep = queries.report(loaded, relations=2, quotes=2)
    assert len(rep["relations"]) == 2 and len(rep["quotes"]) == 2
    assert rep["totals"]["articles"] == 4 and rep["totals"]["events"] == 8 and rep["totals"]["event_mentions"] == 10
    assert rep["quotes"][0]["article"]["published"] == "2022-03-02"
    assert queries.top_relations(loaded, since="2022-03")[0]["events"] == 2


def test_actor_profile(loaded):
    p = queries.actor_profile(loaded, "CHN")
    assert p["as_source"]["events"] + p["as_target"]["events"] >= 3
    assert p["partners"][0]["partner"] == "RUS"
    assert {n["name"] for n in p["names"]} == {"Xi Jinping"}
    assert [q["speaker"]["name"] for q in p["quotes"]] == ["Xi Jinping"]
    by_name = queries.actor_profile(loaded, "Peskov")
    assert len(by_name["quotes"]) == 2


@pytest.mark.parametrize("ref_kind", ["pk", "pk-text", "id", "hash"])
def test_get_article(loaded, ref_kind):
    art, analysis = corpus()[0]
    pk = loaded.results[art.id].article_pk
    ref = {"pk": pk, "pk-text": str(pk), "id": art.id, "hash": art.content_hash}[ref_kind]
    record = queries.get_article(loaded, ref)
    assert record["pk"] == pk and record["id"] == art.id and record["text"] == art.text
    assert len(record["events"]) == len(analysis.events) and len(record["quotes"]) == len(analysis.quotes)
    assert all(e["cluster"] and e["num_articles"] >= 1 for e in record["events"])
    assert record["urls"] == [art.url]


@pytest.mark.parametrize("ref", [999999, "nope", "999999"])
def test_get_article_unknown(loaded, ref):
    assert queries.get_article(loaded, ref) is None


# --- commands ------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path):
    path = str(tmp_path / "cli.db")
    with open_store(path) as s:
        for art, analysis in corpus():
            s.add(art, analysis)
    return path


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


@pytest.mark.parametrize(
    "args, total",
    [([], 6), (["--actor", "CHN"], 3), (["--dyad", "RUS", "CHN"], 3), (["--dyad", "CHN", "RUS", "--either-direction"], 3),
     (["--root", "19", "--root", "11"], 2), (["--since", "2022-03"], 2), (["--until", "2022-01"], 1),
     (["--include-negated", "--include-hypothetical"], 8), (["--mentions"], 8), (["--actor", INJECTIONS[0]], 0)],
)
def test_events_command(db_path, args, total):
    result = run("events", "--db", db_path, "--json", *args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == total


@pytest.mark.parametrize(
    "args, total",
    [([], 5), (["--speaker", "peskov"], 2), (["--search", "war crimes"], 1), (["--since", "2022-03"], 1),
     (["--speaker", INJECTIONS[1], "--search", INJECTIONS[6]], 0)],
)
def test_quotes_command(db_path, args, total):
    result = run("quotes", "--db", db_path, "--json", *args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == total


def test_ties_and_report_commands(db_path):
    data = json.loads(run("ties", "RUS", "CHN", "--db", db_path, "--json").output)
    assert data["events"] == 3 and data["series"][0]["start"] == "2022-01-31"
    data = json.loads(run("report", "--db", db_path, "--json").output)
    assert data["relations"][0]["events"] == 3


@pytest.mark.parametrize(
    "args, expect",
    [(["events"], "RUSGOV → CHNGOV"), (["quotes", "--speaker", "Xi"], "Our friendship has no limits"),
     (["ties", "RUS", "CHN"], "2022-01-31"), (["report"], "CHN ↔ RUS")],
)
def test_tables_by_default(db_path, args, expect):
    result = run(*args, "--db", db_path)
    assert result.exit_code == 0 and expect in result.output


@pytest.mark.parametrize(
    "args, code, message",
    [(["events", "--since", "2022-13"], 2, "--since"), (["ties", "RUS"], 2, "Missing argument"),
     (["events", "--limit", "-1"], 2, "--limit")],
)
def test_bad_arguments(db_path, args, code, message):
    result = CliRunner().invoke(main, [*args, "--db", db_path])
    assert result.exit_code == code and message in result.output


@pytest.mark.parametrize("ref", ["beijing-2", "2"])
def test_article_command(db_path, ref):
    data = json.loads(run("article", ref, "--db", db_path, "--json").output)
    assert data["id"] == "beijing-2" and data["pk"] == 2 and len(data["events"]) == 2
    table = run("article", ref, "--db", db_path).output
    assert "Kremlin says Putin-Xi meeting" in table and "pk 2" in table
    missing = CliRunner().invoke(main, ["article", "nope", "--db", db_path])
    assert missing.exit_code == 1 and "no article" in missing.output


def test_commands_migrate_an_older_store(tmp_path):
    from eventwire.store.backend import connect, migrations_for

    path = str(tmp_path / "old.db")
    latest = max(m.version for m in migrations_for("sqlite"))
    db = connect(path)
    assert db.migrate(target=latest - 1)[-1] == latest - 1
    db.close()
    result = run("report", "--db", path, "--json")
    assert result.exit_code == 0 and json.loads(result.output)["totals"]["articles"] == 0
    with open_store(path, readonly=True) as s:
        assert s.schema_version() == latest


def test_missing_store(tmp_path):
    result = CliRunner().invoke(main, ["events", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "E203" in result.output


def test_db_from_environment(db_path):
    result = CliRunner().invoke(main, ["report", "--json"], env={"EVENTWIRE_DB": db_path})
    assert result.exit_code == 0 and json.loads(result.output)["totals"]["articles"] == 4
