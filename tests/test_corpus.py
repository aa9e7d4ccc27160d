"""The bundled demo corpus and every dev gold file pass the gold-format checks."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from pathlib import Path

import pytest

from eventwire.corpus import corpus_path, load_corpus

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "dev"
GOLD_FILES = sorted(DEV.glob("*.gold.jsonl"))
PERIOD = (dt.date(2023, 9, 1), dt.date(2024, 1, 31))
CORPUS_KEYS = {"id", "title", "text", "published", "source", "url"}
RUSSIA = re.compile(r"\b(Russia|Russian|Moscow|Kremlin|Putin|Lavrov|Mishustin)\b")
CHINA = re.compile(r"\b(China|Chinese|Beijing|Xi Jinping|Wang Yi)\b")
DATELINE = re.compile(r"^[A-Z][A-Z .,'-]+(?:, [A-Za-z .]+)?, [A-Z][a-z]{2,4} \d{1,2} \(eventwire\) - ")


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_gold", ROOT / "scripts" / "check_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_gold = _load_checker()
CORPUS = load_corpus()


def test_corpus_path_exists():
    assert corpus_path().is_file()
    assert corpus_path().name == "articles.jsonl"


def test_load_corpus_returns_fresh_list():
    first = load_corpus()
    first.clear()
    assert len(load_corpus()) == len(CORPUS)


def test_corpus_size_and_unique_ids():
    assert len(CORPUS) >= 30
    ids = [a["id"] for a in CORPUS]
    assert len(set(ids)) == len(ids)


def test_corpus_passes_checker():
    assert check_gold.check_file(corpus_path(), corpus=True) == []


@pytest.mark.parametrize("article", CORPUS, ids=lambda a: a["id"])
def test_corpus_article_shape(article):
    assert set(article) == CORPUS_KEYS
    assert re.fullmatch(r"ew-\d{4}", article["id"])
    assert article["source"] == "eventwire demo"
    assert article["url"] is None
    assert article["title"].strip() and "\n" not in article["title"]
    published = dt.date.fromisoformat(article["published"])
    assert PERIOD[0] <= published <= PERIOD[1]
    words = len(article["text"].split())
    assert 200 <= words <= 500, words
    text = article["text"]
    assert not text.startswith(article["title"])
    # Paragraphs are separated by exactly one blank line, no stray single newlines.
    paragraphs = text.split("\n\n")
    assert len(paragraphs) >= 4
    assert all(p and p == p.strip() and "\n" not in p for p in paragraphs)


def test_corpus_has_datelines():
    with_dateline = [a for a in CORPUS if DATELINE.match(a["text"])]
    assert len(with_dateline) >= 10


def test_russia_china_dyad_recurs_over_weeks():
    hits = [
        a for a in CORPUS
        if RUSSIA.search(a["title"] + " " + a["text"].split("\n\n")[0])
        and CHINA.search(a["title"] + " " + a["text"].split("\n\n")[0])
    ]
    weeks = {dt.date.fromisoformat(a["published"]).isocalendar()[:2] for a in hits}
    assert len(hits) >= 8
    assert len(weeks) >= 6


@pytest.mark.parametrize(
    "marker",
    ["\u201c", '"', "\u2019", "said that", "according to", "told reporters", "said in a statement"],
)
def test_corpus_has_quote_forms(marker):
    assert sum(marker in a["text"] for a in CORPUS) >= 2


def test_corpus_has_multi_paragraph_quotes():
    # A paragraph that opens a quotation and never closes it, followed by one that opens again.
    def open_ended(p):
        return p.count("\u201c") > p.count("\u201d") or p.count('"') % 2 == 1

    found = 0
    for a in CORPUS:
        paras = a["text"].split("\n\n")
        found += sum(
            open_ended(p) and nxt[:1] in ("\u201c", '"') for p, nxt in zip(paras, paras[1:])
        )
    assert found >= 3


def test_corpus_titles_unique():
    titles = [a["title"] for a in CORPUS]
    assert len(set(titles)) == len(titles)


# --- dev gold files -------------------------------------------------------------

def test_general_dev_gold_exists():
    assert (DEV / "dev.gold.jsonl").is_file()


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_gold_file_passes_checker(path):
    problems = check_gold.check_file(path)
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_gold_articles_are_not_corpus_articles(path):
    corpus_texts = {a["text"] for a in CORPUS}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            assert json.loads(line)["text"] not in corpus_texts


def test_gold_ids_unique_across_files():
    seen = {}
    for path in GOLD_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                ident = json.loads(line)["id"]
                assert ident not in seen, f"{ident} in {path.name} and {seen[ident]}"
                seen[ident] = path.name


def test_general_dev_gold_coverage():
    lines = (DEV / "dev.gold.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(line) for line in lines if line.strip()]
    assert len(recs) >= 15
    kinds = {q["kind"] for r in recs for q in r["quotes"]}
    assert kinds == {"direct", "indirect", "mixed"}
    roots = {e["root"] for r in recs for e in r["events"]}
    assert len(roots) >= 12
    assert any(r["published"] is None for r in recs)
    assert all({"quotes", "events", "places", "times"} <= set(r) for r in recs)


# --- the checker itself ------------------------------------------------------------

GOOD = {
    "id": "x", "title": "T", "text": "Lavrov said: \u201cWe will not accept this at all.\u201d He spoke in Geneva on Monday.",
    "published": "2023-10-02",
    "quotes": [{"contains": "We will not accept this", "speaker": "Sergei Lavrov", "kind": "direct"}],
    "events": [{"source": "RUS", "target": "USA", "root": "12", "date": "2023-10-02"}],
    "places": ["Geneva"],
    "times": [{"text": "on Monday", "value": "2023-10-02"}],
}


def test_checker_accepts_good_record():
    assert check_gold.check_record(GOOD) == []


@pytest.mark.parametrize(
    "patch, fragment",
    [
        ({"quotes": [{"contains": "not accept", "speaker": None, "kind": "direct"}]}, "chars"),
        ({"quotes": [{"contains": "We will never accept this", "speaker": None, "kind": "direct"}]}, "substring"),
        ({"quotes": [{"contains": "We will not accept this", "kind": "direct"}]}, "speaker"),
        ({"quotes": [{"contains": "Lavrov said: \u201cWe will not", "speaker": "Sergei Lavrov", "kind": "direct"}]}, "attribution"),
        ({"quotes": [{"contains": "We will not accept this", "speaker": None, "kind": "quoted"}]}, "kind"),
        ({"quotes": [{"span": [10, 9999], "speaker": None, "kind": "direct"}]}, "out of range"),
        ({"events": [{"source": "RUS", "target": "USA", "root": "1", "date": None}]}, "root"),
        ({"events": [{"source": "RUS", "target": "USA", "root": "21", "date": None}]}, "root"),
        ({"events": [{"source": "Russia", "target": "USA", "root": "12", "date": None}]}, "actor code"),
        ({"events": [{"source": "RUS", "target": "USA", "root": "12", "date": "2023-02-30"}]}, "ISO date"),
        ({"events": [{"source": "RUS", "target": "USA", "root": "12", "cameo": "112", "date": None}]}, "does not start"),
        ({"events": [{"source": "RUS", "target": "USA", "root": "12"}]}, "date"),
        ({"places": ["Tbilisi"]}, "not found"),
        ({"times": [{"text": "on Monday", "value": "next week"}]}, "ISO date"),
        ({"published": "02/10/2023"}, "published"),
    ],
)
def test_checker_rejects(patch, fragment):
    problems = check_gold.check_record({**GOOD, **patch})
    assert problems and any(fragment in p for p in problems), problems


def test_checker_flags_bad_json_and_duplicates(tmp_path):
    path = tmp_path / "bad.gold.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{not json\n" + json.dumps(GOOD) + "\n", encoding="utf-8")
    problems = check_gold.check_file(path)
    assert any(":2: invalid JSON" in p for p in problems)
    assert any(":3: duplicate id" in p for p in problems)
    assert check_gold.main([str(path)]) == 1


def test_checker_main_ok(tmp_path, capsys):
    path = tmp_path / "ok.gold.jsonl"
    path.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    assert check_gold.main([str(path)]) == 0
    assert "OK" in capsys.readouterr().out
