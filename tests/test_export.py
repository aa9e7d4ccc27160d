"""Exports: GDELT 2.0 column count and order, per-cluster counts, and round trips
of JSONL, CSV and Parquet against what was stored."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.export import (
    EVENT_COLUMNS, GDELT_COLUMNS, export, iter_records, read_gdelt, split_actor_code,
)
from eventwire.models import (
    Actor, ActorRef, Analysis, Article, Event, Place, PlaceRef, Quote, Speaker, TimeExpr, Tone,
)
from eventwire.store import open_store

from storekit import store_url  # noqa: F401  (fixture: SQLite, and PostgreSQL when EVENTWIRE_TEST_PG is set)

# The GDELT 2.0 Events table, as listed in shared/spec/domain.md, in order.
SPEC_COLUMNS = """GLOBALEVENTID SQLDATE MonthYear Year FractionDate
Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code
Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code
Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode Actor2Religion1Code
Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code
IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale NumMentions NumSources
NumArticles AvgTone
Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code
Actor1Geo_Lat Actor1Geo_Long Actor1Geo_FeatureID
Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code Actor2Geo_ADM2Code
Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID
ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code
ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID DATEADDED SOURCEURL""".split()

PUTIN = ActorRef("Vladimir Putin", "RUSGOV", "a1", "RUS")
XI = ActorRef("Xi Jinping", "CHNGOV", "a2", "CHN")
BIDEN = ActorRef("Joe Biden", "USAGOV", "a3", "USA")
BEIJING = PlaceRef("Beijing", "CHN", 39.9, 116.4)


def event(src, tgt, cameo, goldstein, quad, date, sentence, span, place=None, negated=False, in_title=False):
    return Event(
        source=src, target=tgt, cameo=cameo, root=cameo[:2], plover="CONSULT" if cameo.startswith("04") else "SANCTION",
        mode=None, goldstein=goldstein, quad_class=quad, date=date, date_source="text", place=place,
        negated=negated, modality="future" if cameo.startswith("04") else "asserted",
        sentence=sentence, span=span, evidence="verb:test", in_title=in_title,
    )


def meeting_story(n: int, source: str):
    body = (
        f"Moscow (wire {n}) - Russian President Vladimir Putin plans to meet Xi Jinping in Beijing in February.\n"
        f"Joe Biden warned of sanctions against Russia, report {n} said."
    )
    meet_sentence = body.split("\n")[0]
    i = body.index("Vladimir Putin")
    article = Article(text=body, id=f"m{n}", title=f"Putin to visit Beijing ({n})", published="2021-12-15",
                      url=f"http://{source}/m{n}", source=source)
    analysis = Analysis(
        id=article.id, title=article.title, published="2021-12-15",
        actors=(
            Actor("a1", "Vladimir Putin", "RUSGOV", "RUS", "GOV", "person", ((i, i + 14),)),
            Actor("a2", "Xi Jinping", "CHNGOV", "CHN", "GOV", "person", ((body.index("Xi"), body.index("Xi") + 10),)),
            Actor("a3", "Joe Biden", "USAGOV", "USA", "GOV", "person", ((body.index("Joe"), body.index("Joe") + 9),)),
        ),
        quotes=(Quote("sanctions against Russia", "indirect", (body.index("sanctions"), body.index(", report")),
                      "warned", Speaker("Joe Biden", "USAGOV", "a3", "Joe Biden", (body.index("Joe"), body.index("Joe") + 9))),),
        events=(
            event(PUTIN, XI, "036", 4.0, 1, "2022-02", meet_sentence, (0, len(meet_sentence)), BEIJING),
            event(BIDEN, ActorRef("Russia", "RUS", None, "RUS"), "163", -8.0, 4, "2021-12-15",
                  body.split("\n")[1], (len(meet_sentence) + 1, len(body)), negated=(n == 3)),
        ),
        places=(Place("Beijing", "CHN", 39.9, 116.4, "city", (body.index("Beijing"), body.index("Beijing") + 7)),),
        times=(TimeExpr("in February", "2022-02", (body.index("in February"), body.index("in February") + 11)),),
        tone=Tone(-1.5 * n, 2.0, 2.0 + 1.5 * n),
    )
    return article, analysis


@pytest.fixture
def store_db(store_url):  # noqa: F811
    db = store_url
    stories = [meeting_story(1, "wire-a.example"), meeting_story(2, "wire-b.example")]
    with open_store(db) as store:
        for article, analysis in stories:
            assert store.add(article, analysis, model="test").status in ("new", "near-duplicate")
    return db, stories


def test_gdelt_columns_follow_the_spec():
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS == SPEC_COLUMNS


def test_gdelt_one_row_per_cluster(tmp_path, store_db):
    db, _ = store_db
    out = tmp_path / "events.tsv"
    with open_store(db, readonly=True) as store:
        n = export(store, "gdelt", str(out))
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert n == len(lines)
    assert all(len(line.split("\t")) == 61 for line in lines)
    assert not lines[0].startswith("GLOBALEVENTID")  # no header, like GDELT
    rows = {r["EventCode"]: r for r in read_gdelt(text)}
    assert set(rows) == {"036", "163"}  # two stories, two events each: two clusters
    meet = rows["036"]
    assert (meet["NumMentions"], meet["NumArticles"], meet["NumSources"]) == ("2", "2", "2")
    assert (meet["Actor1Code"], meet["Actor1CountryCode"], meet["Actor1Type1Code"]) == ("RUSGOV", "RUS", "GOV")
    assert (meet["Actor2Code"], meet["Actor2Name"]) == ("CHNGOV", "XI JINPING")
    assert (meet["EventBaseCode"], meet["EventRootCode"], meet["QuadClass"], meet["GoldsteinScale"]) == ("036", "03", "1", "4")
    assert (meet["SQLDATE"], meet["MonthYear"], meet["Year"]) == ("20220201", "202202", "2022")
    assert meet["FractionDate"].startswith("2022.08")
    assert (meet["ActionGeo_FullName"], meet["ActionGeo_Type"], meet["ActionGeo_Lat"]) == ("Beijing", "4", "39.9")
    assert meet["SOURCEURL"] == "http://wire-a.example/m1"
    assert meet["IsRootEvent"] == "1"
    assert float(meet["AvgTone"]) == pytest.approx((-1.5 - 3.0) / 2)
    assert len(meet["DATEADDED"]) == 14 and meet["DATEADDED"].isdigit()
    assert rows["163"]["Actor2Code"] == "RUS" and rows["163"]["Actor2Type1Code"] == ""
    assert rows["163"]["SQLDATE"] == "20211215" and rows["163"]["IsRootEvent"] == "0"


def test_gdelt_leaves_out_negated_clusters(tmp_path, store_db):
    db, _ = store_db
    article, analysis = meeting_story(3, "wire-c.example")  # its sanction event is negated
    with open_store(db) as store:
        store.add(article, analysis)
        out = tmp_path / "g.tsv"
        export(store, "gdelt", str(out))
    rows = read_gdelt(out.read_text())
    assert sorted(r["EventCode"] for r in rows) == ["036", "163"]
    assert {r["EventCode"]: r["NumArticles"] for r in rows}["036"] == "3"


@pytest.mark.parametrize(
    "code, expected",
    [
        ("RUSGOV", {"CountryCode": "RUS", "Type1Code": "GOV"}),
        ("USAMILREB", {"CountryCode": "USA", "Type1Code": "MIL", "Type2Code": "REB"}),
        ("IGOWSTNAT", {"Type1Code": "IGO", "KnownGroupCode": "NAT"}),
        ("IGOUNO", {"Type1Code": "IGO", "KnownGroupCode": "UNO"}),
        ("CHN", {"CountryCode": "CHN"}),
        (None, {}),
    ],
)
def test_split_actor_code(code, expected):
    got = {k: v for k, v in split_actor_code(code).items() if v}
    assert got == expected


def test_jsonl_round_trip(tmp_path, store_db):
    db, stories = store_db
    out = tmp_path / "r.jsonl"
    with open_store(db, readonly=True) as store:
        assert export(store, "jsonl", str(out)) == 2
    records = [json.loads(line) for line in out.read_text().splitlines()]
    for record, (article, analysis) in zip(records, stories):
        assert record["url"] == article.url and record["source"] == article.source
        assert Analysis.from_dict(record) == analysis
        assert record == {**analysis.to_dict(), "url": article.url, "source": article.source}


REAL = [
    ("Japan and South Korea agree to resume talks",
     "Tokyo - Japanese Prime Minister Shigeru Ishiba met South Korean President Lee Jae-myung in Tokyo on Monday.\n\n"
     "\"We agreed to resume regular talks,\" Ishiba told reporters after the meeting. Lee said Seoul would send "
     "a delegation to Japan in March."),
    ("Ghana criticises Burkina Faso over border raid",
     "Accra - Ghana's foreign ministry accused Burkina Faso on Wednesday of allowing gunmen to cross the border.\n\n"
     "The ministry said it had summoned the ambassador and demanded an investigation."),
]


def test_jsonl_round_trip_of_real_analyses(tmp_path, analyzer):
    articles = [Article(text=t, title=h, id=f"r{n}", published="2025-02-03") for n, (h, t) in enumerate(REAL)]
    analyses = [analyzer.analyze(a) for a in articles]
    db = str(tmp_path / "real.db")
    with open_store(db) as store:
        for a, r in zip(articles, analyses):
            store.add(a, r, model=analyzer.model_name)
        records = list(iter_records(store))
    assert records == [r.to_dict() for r in analyses]


def test_csv_events(tmp_path, store_db):
    db, stories = store_db
    out = tmp_path / "e.csv"
    with open_store(db, readonly=True) as store:
        n = export(store, "csv", str(out))
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == sum(len(a.events) for _, a in stories)
    assert tuple(rows[0]) == EVENT_COLUMNS
    assert rows[0]["sentence"] == stories[0][1].events[0].sentence
    assert {r["cameo"] for r in rows} == {"036", "163"}


@pytest.mark.parametrize("table, count", [("events", 4), ("quotes", 2), ("articles", 2)])
def test_parquet(tmp_path, store_db, table, count):
    import pyarrow.parquet as pq

    db, _ = store_db
    out = tmp_path / f"{table}.parquet"
    with open_store(db, readonly=True) as store:
        assert export(store, "parquet", str(out), table=table) == count
    data = pq.read_table(out)
    assert data.num_rows == count
    if table == "events":
        assert data.schema.names == list(EVENT_COLUMNS)
        assert str(data.schema.field("goldstein").type) == "double"
        assert sorted(data.column("cameo").to_pylist()) == ["036", "036", "163", "163"]


def test_empty_store_exports(tmp_path):
    db = str(tmp_path / "empty.db")
    open_store(db).close()
    for fmt in ("jsonl", "csv", "parquet", "gdelt"):
        with open_store(db, readonly=True) as store:
            assert export(store, fmt, str(tmp_path / f"out.{fmt}")) == 0


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "gdelt"])
def test_cli_export(tmp_path, store_db, fmt):
    db, _ = store_db
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(main, ["export", "--db", db, "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and out.stat().st_size > 0
    assert f"to {out}" in result.stderr


def test_cli_export_missing_store(tmp_path):
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "none.db"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code != 0 and "E203" in result.output + result.stderr


def test_iter_records_pages(tmp_path, store_db, monkeypatch):
    import eventwire.export as ex

    monkeypatch.setattr(ex, "PAGE", 1)
    db, stories = store_db
    with open_store(db, readonly=True) as store:
        assert [r["id"] for r in iter_records(store)] == [a.id for a, _ in stories]
