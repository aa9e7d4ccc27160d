"""Ingest: skip-before-analysis, one transaction per article, resumable after
SIGKILL, failures isolated, Dask results identical to the single process."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.export import iter_records
from eventwire.ingest import DaskRunner, Failure, LocalRunner, Summary, analyze_batch, ingest
from eventwire.models import Article
from eventwire.sources import read_paths
from eventwire.store import open_store

from storekit import store_url  # noqa: F401  (fixture: SQLite, and PostgreSQL when EVENTWIRE_TEST_PG is set)

COUNTRIES = [
    ("Kenya", "Nairobi", "President William Ruto"),
    ("Ghana", "Accra", "President John Mahama"),
    ("Japan", "Tokyo", "Prime Minister Shigeru Ishiba"),
    ("Brazil", "Brasilia", "President Luiz Inacio Lula da Silva"),
    ("Poland", "Warsaw", "Prime Minister Donald Tusk"),
    ("Chile", "Santiago", "President Gabriel Boric"),
]


def make_article(i: int, **kw) -> dict:
    a, capital, leader = COUNTRIES[i % len(COUNTRIES)]
    b, _, other = COUNTRIES[(i * 7 + 1) % len(COUNTRIES)]
    text = (
        f"{capital}, March {1 + i % 28} - {leader} met {other} in {capital} on Tuesday to discuss trade "
        f"and security, officials said in report number {i}.\n\n"
        f"\"We have agreed to deepen our cooperation,\" {leader.split()[-1]} told reporters. "
        f"{b} criticised the plan in statement {i} and warned of sanctions against {a} next month."
    )
    return {"id": f"art{i}", "title": f"{a} and {b} hold talks ({i})", "text": text,
            "published": "2024-03-%02d" % (1 + i % 28), "url": f"http://wire.example/{i}", **kw}


def write_jsonl(path, objs):
    with open(path, "w", encoding="utf-8") as fh:
        for o in objs:
            fh.write((o if isinstance(o, str) else json.dumps(o)) + "\n")
    return str(path)


class SpyRunner(LocalRunner):
    """A local runner that records every article it analyses."""

    def __init__(self, analyzer, fail_ids=()):
        super().__init__(analyzer=analyzer)
        self.analysed: list[str] = []
        self.fail_ids = set(fail_ids)

    def map(self, batches):
        for batch in batches:
            self.analysed += [a.id for a in batch]
            model, results = analyze_batch(batch, analyzer=self.analyzer)
            results = [Failure(a.id, "boom") if a.id in self.fail_ids else r for a, r in zip(batch, results)]
            yield batch, (model, results)


def stored_records(db):
    with open_store(db, readonly=True) as store:
        return {r["id"]: r for r in iter_records(store)}


def table_counts(db):
    with open_store(db, readonly=True) as store:
        return store.counts()


def test_ingest_stores_each_article_once_and_skips_before_analysis(tmp_path, store_url, analyzer):  # noqa: F811
    path = write_jsonl(tmp_path / "in.jsonl", [make_article(i) for i in range(6)])
    db = store_url
    with open_store(db) as store:
        spy = SpyRunner(analyzer)
        first = ingest(read_paths([path]), store, spy, batch_size=4)
        assert (first.new + first.near_duplicates, first.duplicates, first.bad) == (6, 0, 0)
        assert spy.analysed == [f"art{i}" for i in range(6)]
        spy2 = SpyRunner(analyzer)
        again = ingest(read_paths([path]), store, spy2, batch_size=4)
        assert spy2.analysed == []  # nothing analysed a second time
        assert (again.new, again.duplicates) == (0, 6)
        assert store.counts()["articles"] == 6


def test_bad_records_are_reported_and_the_rest_stored(tmp_path, analyzer):
    objs = [make_article(0), "{not json", {"id": "x", "title": "no text"}, make_article(1)]
    path = write_jsonl(tmp_path / "in.jsonl", objs)
    reported = []
    with open_store(str(tmp_path / "s.db")) as store:
        summary = ingest(read_paths([path, str(tmp_path / "missing.txt")]), store, LocalRunner(analyzer=analyzer),
                         on_bad=reported.append)
        assert summary.bad == 3 and summary.stored == 2
        assert [(getattr(e, "line", None), e.code) for e in reported] == [(2, "E107"), (3, "E105"), (None, "E111")]


def test_failed_analysis_loses_no_other_article(tmp_path, analyzer):
    path = write_jsonl(tmp_path / "in.jsonl", [make_article(i) for i in range(5)])
    db = str(tmp_path / "s.db")
    reported = []
    with open_store(db) as store:
        summary = ingest(read_paths([path]), store, SpyRunner(analyzer, fail_ids={"art2"}), batch_size=2,
                         on_bad=reported.append)
    assert summary.failed == 1 and summary.stored == 4
    assert "art2" in str(reported[0]) and reported[0].code == "E602"
    assert sorted(stored_records(db)) == ["art0", "art1", "art3", "art4"]
    # the failed one is retried on the next run
    with open_store(db) as store:
        again = ingest(read_paths([path]), store, SpyRunner(analyzer), batch_size=2)
    assert (again.stored, again.duplicates) == (1, 4)


def test_analyze_batch_isolates_an_article_that_breaks_the_pipeline(analyzer):
    class Breaking:
        model_name = "test"

        def analyze_many(self, articles):
            for a in articles:
                yield self.analyze(a)

        def analyze(self, article):
            if "poison" in article.text:
                raise RuntimeError("stage crashed")
            return analyzer.analyze(article)

    batch = [Article(text=make_article(i)["text"], id=str(i)) for i in range(3)]
    batch.insert(1, Article(text="poison pill", id="bad"))
    model, results = analyze_batch(batch, analyzer=Breaking())
    assert [type(r).__name__ for r in results] == ["Analysis", "Failure", "Analysis", "Analysis"]
    assert "stage crashed" in results[1].message


def test_copies_within_one_run_are_analysed_once_and_urls_kept(tmp_path, analyzer):
    base = make_article(3)
    objs = [base, dict(base, id="copy", url="http://mirror.example/3"), make_article(4)]
    path = write_jsonl(tmp_path / "in.jsonl", objs)
    db = str(tmp_path / "s.db")
    with open_store(db) as store:
        spy = SpyRunner(analyzer)
        summary = ingest(read_paths([path]), store, spy, batch_size=8)
        assert spy.analysed == ["art3", "art4"]
        assert (summary.stored, summary.duplicates) == (2, 1)
        assert store.counts()["article_urls"] == 3


def test_summary_text():
    assert str(Summary(new=3, duplicates=2, near_duplicates=1, bad=4)) == "3 new, 2 duplicates, 1 near-duplicates, 4 bad"


def test_cli_ingest(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [make_article(i) for i in range(3)] + ["oops"])
    db = str(tmp_path / "s.db")
    result = CliRunner().invoke(main, ["ingest", path, "--db", db])
    assert result.exit_code == 0, result.output
    assert "in.jsonl:4" in result.stderr and "E107" in result.stderr
    assert "3 new" in result.stderr or "near-duplicates" in result.stderr
    assert table_counts(db)["articles"] == 3
    again = CliRunner().invoke(main, ["ingest", path, "--db", db, "--quiet"])
    assert again.exit_code == 0 and "ingested" not in again.stderr
    bad = CliRunner().invoke(main, ["ingest", str(tmp_path / "nothing.jsonl"), "--db", db])
    assert bad.exit_code == 1 and "E111" in bad.stderr


def _articles_rows(db):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM articles").fetchone()
    except sqlite3.OperationalError:
        return (0, 0)
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_at_any_moment_then_rerun_stores_everything_once(tmp_path):
    n = 40
    path = write_jsonl(tmp_path / "in.jsonl", [make_article(i) for i in range(n)])
    killed_db, clean_db = str(tmp_path / "killed.db"), str(tmp_path / "clean.db")
    # One article per spaCy batch: a resumed run batches articles differently, and the
    # parser's floating point may differ with batch shape, which would flip rare parses.
    cmd = [sys.executable, "-c", "from eventwire.cli import main; main()", "ingest", path, "--batch-size", "1", "--quiet", "--db"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    kills = 0
    for threshold in (3, 15, 28):  # kill once some articles are stored, three times
        proc = subprocess.Popen(cmd + [killed_db], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 240
        while proc.poll() is None and time.monotonic() < deadline:
            if _articles_rows(killed_db)[0] >= threshold:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.05)
        proc.wait(timeout=60)
        rows, distinct = _articles_rows(killed_db)
        assert rows == distinct  # never twice, even mid-run
    assert kills >= 1
    subprocess.run(cmd + [killed_db], env=env, check=True, timeout=600, stdout=subprocess.DEVNULL)
    subprocess.run(cmd + [clean_db], env=env, check=True, timeout=600, stdout=subprocess.DEVNULL)
    assert _articles_rows(killed_db) == (n, n)
    # every article has all its records: identical to an uninterrupted run
    assert stored_records(killed_db) == stored_records(clean_db)
    assert table_counts(killed_db) == table_counts(clean_db)


@pytest.mark.slow
def test_dask_two_workers_identical_to_single_process(tmp_path):
    objs = [make_article(i) for i in range(10)] + ["broken line"]
    path = write_jsonl(tmp_path / "in.jsonl", objs)
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    with open_store(one) as store, LocalRunner(batch_size=3) as runner:
        s1 = ingest(read_paths([path]), store, runner, batch_size=3, on_bad=lambda e: None)
    with open_store(two) as store, DaskRunner(workers=2, batch_size=3, max_inflight=2) as runner:
        s2 = ingest(read_paths([path]), store, runner, batch_size=3, on_bad=lambda e: None)
    assert s1 == s2 and s1.bad == 1
    assert stored_records(one) == stored_records(two)
    assert table_counts(one) == table_counts(two)


@pytest.mark.slow
@pytest.mark.parametrize("caller_value", [None, "131072"])
def test_dask_workers_keep_glibc_adaptive_trimming(monkeypatch, caller_value):
    """Dask's default MALLOC_TRIM_THRESHOLD_=65536 makes the parse ~20% slower: the
    workers a DaskRunner starts go without it, unless the caller's environment sets it."""
    import os

    if caller_value is None:
        monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    else:
        monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", caller_value)
    with DaskRunner(workers=1) as runner:
        seen = runner.client.submit(os.environ.get, "MALLOC_TRIM_THRESHOLD_", pure=False).result()
    assert seen == caller_value


def test_dask_runner_needs_one_of_address_or_workers():
    with pytest.raises(ValueError):
        DaskRunner()
    with pytest.raises(ValueError):
        DaskRunner("tcp://127.0.0.1:1", workers=2)


def test_progress_bar_is_silent_outside_a_terminal(capsys):
    from eventwire.progress import ProgressBar

    with ProgressBar("ingest", total=3) as bar:  # pytest captures: not a terminal
        bar.advance(2)
    assert not bar.enabled and bar.done == 2
    assert capsys.readouterr().err == ""
    with ProgressBar("ingest", total=3, quiet=True, enabled=None) as bar:
        assert not bar.enabled


def test_progress_bar_draws_when_enabled(monkeypatch):
    import io

    from eventwire import progress

    err = io.StringIO()
    monkeypatch.setattr(progress.sys, "stderr", err)
    with progress.ProgressBar("ingest", total=4, enabled=True) as bar:
        bar.advance(4)
    out = err.getvalue()
    assert "4/4" in out and "art/s" in out and "ingest" in out


def test_cli_workers_and_dask_exclude_each_other(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [make_article(0)])
    result = CliRunner().invoke(main, ["ingest", path, "--db", str(tmp_path / "s.db"), "--workers", "2",
                                       "--dask", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2 and "not both" in result.output + result.stderr


def test_cli_dask_unreachable_scheduler(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [make_article(0)])
    result = CliRunner().invoke(main, ["ingest", path, "--db", str(tmp_path / "s.db"), "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1 and "E601" in result.output + result.stderr


@pytest.mark.slow
def test_cli_ingest_on_an_existing_dask_cluster(tmp_path):
    from dask.distributed import LocalCluster

    path = write_jsonl(tmp_path / "in.jsonl", [make_article(i) for i in range(4)])
    db = str(tmp_path / "s.db")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = CliRunner().invoke(main, ["ingest", path, "--db", db, "--dask", cluster.scheduler_address,
                                           "--batch-size", "2"])
    assert result.exit_code == 0, result.output + result.stderr
    assert table_counts(db)["articles"] == 4


def test_runners_send_prepared_rows(analyzer):
    from eventwire.ingest import prepare_batch
    from eventwire.store.store import Prepared

    batch = [Article(text=make_article(i)["text"], id=f"p{i}", title=f"T{i}") for i in range(2)]
    batch.append(Article(text="poison pill", id="bad"))

    class Breaking:
        model_name = "test"

        def analyze_many(self, articles):
            raise RuntimeError("batch")

        def analyze(self, article):
            if "poison" in article.text:
                raise RuntimeError("stage crashed")
            return analyzer.analyze(article)

    model, results = prepare_batch(batch, analyzer=Breaking())
    assert [type(r).__name__ for r in results] == ["Prepared", "Prepared", "Failure"]
    assert isinstance(results[0], Prepared) and results[0].content_hash == batch[0].content_hash


def test_an_article_the_store_refuses_is_reported_and_the_batch_stored(tmp_path, analyzer, monkeypatch):
    from eventwire.store.store import Store

    path = write_jsonl(tmp_path / "in.jsonl", [make_article(i) for i in range(4)])
    real = Store._insert_article

    def refusing(self, prepared, *args):
        if prepared.id == "art1":
            raise sqlite3.IntegrityError("refused")
        return real(self, prepared, *args)

    monkeypatch.setattr(Store, "_insert_article", refusing)
    reported = []
    with open_store(str(tmp_path / "s.db")) as store:
        summary = ingest(read_paths([path]), store, LocalRunner(analyzer=analyzer), batch_size=4, on_bad=reported.append)
        assert (summary.stored, summary.failed) == (3, 1)
        assert [e.code for e in reported] == ["E603"] and "art1" in str(reported[0])
        monkeypatch.undo()
        again = ingest(read_paths([path]), store, LocalRunner(analyzer=analyzer), batch_size=4)
        assert (again.stored, again.duplicates) == (1, 3)


@pytest.mark.parametrize("args, profile", [([], None), (["--profile", "fast"], "fast")])
def test_cli_profile_reaches_the_analyser(tmp_path, analyzer, monkeypatch, args, profile):
    from eventwire import ingest as lib

    calls = []

    def fake_worker_analyzer(model, batch_size, profile=None):
        calls.append(profile)
        return analyzer

    monkeypatch.delenv("EVENTWIRE_PROFILE", raising=False)
    monkeypatch.setattr(lib, "worker_analyzer", fake_worker_analyzer)
    path = write_jsonl(tmp_path / "in.jsonl", [make_article(i) for i in range(2)])
    result = CliRunner().invoke(main, ["ingest", path, "--db", str(tmp_path / "s.db"), "--quiet", *args])
    assert result.exit_code == 0, result.output + result.stderr
    assert calls and set(calls) == {profile}
    assert table_counts(str(tmp_path / "s.db"))["articles"] == 2


def test_worker_analyzer_passes_the_profile(monkeypatch):
    from eventwire import ingest as lib
    from eventwire import pipeline

    made = []

    class FakeAnalyzer:
        def __init__(self, model=None, *, profile=None, batch_size=16):
            made.append((model, profile, batch_size))

    monkeypatch.setattr(pipeline, "Analyzer", FakeAnalyzer)
    monkeypatch.setenv("EVENTWIRE_PROFILE", "accurate")
    lib.worker_analyzer.cache_clear()
    try:
        lib.worker_analyzer(None, 8, "fast")
        assert made == [(None, "fast", 8)]
        assert os.environ["EVENTWIRE_PROFILE"] == "accurate"  # the parameter, not this process's environment
    finally:
        lib.worker_analyzer.cache_clear()


class _CountingAnalyzer:
    def __init__(self, fail: bool = False):
        self.seen: list[str] = []
        self.fail = fail

    def analyze(self, article):
        self.seen.append(article.id)
        if self.fail:
            raise RuntimeError("model missing a file")
        return None


@pytest.mark.parametrize("fail", [False, True])
def test_settle_warms_up_then_freezes_the_loaded_objects(fail):
    import gc

    from eventwire.ingest import WARM_UP, settle

    before = gc.get_freeze_count()
    keep = [[i] for i in range(1000)]  # long-lived objects made before settling (lists: always GC-tracked)
    fake = _CountingAnalyzer(fail)
    try:
        assert settle(fake) is fake
        assert fake.seen == [WARM_UP.id]  # one warm-up analysis, whether or not it fails
        assert gc.get_freeze_count() >= before + len(keep)
    finally:
        gc.unfreeze()
