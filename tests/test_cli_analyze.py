"""``eventwire analyze`` end to end, including every kind of bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main

SEED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "seed-article.txt"
STORY = "Russia and China hold talks\nRussian President Vladimir Putin met Chinese President Xi Jinping in Beijing on Monday.\n"


def run(args, input=None):
    result = CliRunner().invoke(main, ["analyze", *args], input=input, catch_exceptions=False)
    return result


def lines(result):
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture
def files(tmp_path):
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 talks\nLe ministre a parl\xe9.".encode("latin-1"))
    (tmp_path / "one.json").write_text(json.dumps({"id": "j1", "text": "Iran warned Israel.", "published": "2024-01-02"}))
    rows = [
        json.dumps({"id": "r1", "text": "Russia condemned the sanctions.", "published": "2023-05-01"}),
        "{broken json",
        json.dumps({"id": "r3", "title": "no text here"}),
        json.dumps({"id": "r4", "text": "India and Pakistan met.", "published": "yesterday"}),
        json.dumps({"id": "r5", "text": "Germany and France met.", "published": "2023-02-30"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "r7", "text": "Japan praised South Korea."}),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "page.html").write_text(
        "<html><head><title>Summit ends</title><meta property='article:published_time' content='2023-11-03'></head>"
        "<body><nav>menu</nav><article><h1>Summit ends</h1><p>" + "Chinese and Russian officials met in Beijing "
        "on Friday to discuss energy trade and security in the region, officials said. " * 4 + "</p></article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "gz.jsonl.gz").write_bytes(gzip.compress(b"x"))
    return tmp_path


def test_jsonl_one_line_per_article_in_order_with_ids(files):
    result = run([str(files / "batch.jsonl"), str(files / "one.json"), "--format", "jsonl"])
    out = lines(result)
    assert [r["id"] for r in out] == ["r1", "r7", "j1"]
    assert result.exit_code == 0


@pytest.mark.parametrize(
    "line,needle",
    [(2, "invalid JSON"), (3, "no 'text'"), (4, "not an ISO date"), (5, "not an ISO date"), (6, "JSON object")],
)
def test_bad_jsonl_records_reported_with_file_and_line(files, line, needle):
    result = run([str(files / "batch.jsonl")])
    errors = [l for l in result.stderr.splitlines() if f"batch.jsonl:{line}:" in l]
    assert errors and needle in errors[0]


def test_published_option_fills_missing_dates(files):
    out = lines(run([str(files / "batch.jsonl"), "--published", "2023-06-01"]))
    by_id = {r["id"]: r for r in out}
    assert by_id["r7"]["published"] == "2023-06-01"
    assert by_id["r1"]["published"] == "2023-05-01"  # the record's own date wins


def test_bad_published_option_is_a_usage_error(files):
    result = CliRunner().invoke(main, ["analyze", str(files / "story.txt"), "--published", "15/12/2021"])
    assert result.exit_code == 2 and "not an ISO date" in result.output


@pytest.mark.parametrize(
    "name,needle",
    [("empty.txt", "empty file"), ("binary.txt", "binary"), ("latin1.txt", "UTF-8"), ("missing.txt", "no such file")],
)
def test_bad_files_reported_and_others_go_on(files, name, needle):
    result = run([str(files / name), str(files / "story.txt")])
    assert needle in result.stderr and name in result.stderr
    assert [r["id"] for r in lines(result)] == ["story"]
    assert result.exit_code == 0


def test_exit_non_zero_only_when_nothing_analysed(files):
    result = run([str(files / "empty.txt"), str(files / "binary.txt")])
    assert result.exit_code == 1 and lines(result) == []


def test_stdin_is_jsonl():
    data = json.dumps({"id": "s1", "text": "Russia and China signed a deal."}) + "\n\n" + "garbage\n"
    result = run(["-"], input=data)
    assert [r["id"] for r in lines(result)] == ["s1"]
    assert "<stdin>:3" in result.stderr


def test_txt_first_line_is_title(files):
    rec = lines(run([str(files / "story.txt"), "--published", "2023-10-16"]))[0]
    assert rec["title"] == "Russia and China hold talks" and rec["published"] == "2023-10-16"


def test_html_extracts_text_title_date(files):
    rec = lines(run([str(files / "page.html")]))[0]
    assert rec["title"] == "Summit ends"
    assert rec["published"] == "2023-11-03"


def test_json_and_table_formats(files):
    single = json.loads(run([str(files / "one.json"), "--format", "json"]).stdout)
    assert single["id"] == "j1"
    many = json.loads(run([str(files / "one.json"), str(files / "story.txt"), "--format", "json"]).stdout)
    assert [r["id"] for r in many] == ["j1", "story"]
    table = run([str(files / "story.txt"), "--format", "table"]).stdout
    assert "== story: Russia and China hold talks" in table and "tone:" in table


def test_id_is_stable_hash_when_missing():
    data = json.dumps({"text": "Same text."}) + "\n"
    a = lines(run(["-"], input=data))[0]["id"]
    b = lines(run(["-"], input=data))[0]["id"]
    assert a == b and a.startswith("sha-")


@pytest.mark.skipif(not SEED.exists(), reason="shared reference article not present")
def test_seed_article_record_conforms(files):
    rec = json.loads(run([str(SEED), "--published", "2021-12-15", "--format", "json"]).stdout)
    assert rec["published"] == "2021-12-15" and rec["language"] == "en"
    text = SEED.read_text(encoding="utf-8").partition("\n")[2].strip("\n")
    title = SEED.read_text(encoding="utf-8").partition("\n")[0]
    for part in ("quotes", "events", "places", "times"):
        for item in rec[part]:
            s, e = item["span"]
            src = title if item.get("in_title") else text
            assert 0 <= s < e <= len(src)
    for actor in rec["actors"]:
        assert actor["code"] == actor["code"].upper()
        for s, e in actor["mentions"]:
            assert 0 <= s < e <= len(text)


def test_fast_profile_option(files):
    result = run([str(files / "story.txt"), "--profile", "fast", "--format", "jsonl"])
    assert result.exit_code == 0
    (rec,) = lines(result)
    codes = {a["code"][:3] for a in rec["actors"]}
    assert {"RUS", "CHN"} <= codes
    assert "Beijing" in {p["name"] for p in rec["places"]}


def test_profile_from_environment_and_bad_profile(files, monkeypatch):
    monkeypatch.setenv("EVENTWIRE_PROFILE", "fast")
    assert run([str(files / "story.txt"), "--format", "jsonl"]).exit_code == 0
    bad = CliRunner().invoke(main, ["analyze", str(files / "story.txt"), "--profile", "quick"])
    assert bad.exit_code == 2 and "quick" in bad.output


@pytest.mark.parametrize("command", ["analyze", "evaluate"])
def test_profile_option_documented_in_help(command):
    out = CliRunner().invoke(main, [command, "--help"]).output
    assert "--profile [accurate|fast]" in out
