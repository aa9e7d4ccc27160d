"""Near-duplicate articles (MinHash LSH) and cross-article event clusters."""

from __future__ import annotations

import dataclasses

import pytest

from eventwire.models import Article
from eventwire.store import DedupConfig, dedup, queries

from storekit import (  # noqa: F401  (fixtures)
    BEIJING,
    KHARKIV,
    MOSCOW,
    NATO,
    PUTIN,
    TIANJIN,
    XI,
    check_consistency,
    corpus,
    event,
    loaded,
    near_copy,
    plain_analysis,
    store,
    store_url,
)

# --- signatures --------------------------------------------------------------------


def test_signature_is_stable_and_short_texts_are_skipped():
    art = corpus()[0][0]
    a = dedup.signature(art.title + "\n" + art.text)
    b = dedup.signature(art.title + "\n" + art.text)
    assert a is not None and len(a) == dedup.NUM_PERM and (a == b).all()
    assert dedup.from_blob(dedup.to_blob(a)).tolist() == a.tolist()
    assert dedup.signature("Too short to compare.") is None


def test_signature_of_normalised_text_is_the_same():
    from eventwire.models import normalise_text

    art = corpus()[0][0]
    text = art.title + "\n" + art.text
    assert (dedup.signature(normalise_text(text), normalised=True) == dedup.signature(text)).all()


@pytest.mark.parametrize(
    "edit, similar",
    [
        (lambda t: t.replace("Friday", "Friday evening"), True),
        (lambda t: t + "\n\n(Reporting by the Beijing bureau)", True),
        (lambda t: t.replace("three hours", "four hours").replace("Peskov", "Dmitry Peskov"), True),
        (lambda t: corpus()[2][0].text, False),
        (lambda t: t[: len(t) // 3], False),
    ],
)
def test_jaccard_estimate(edit, similar):
    text = corpus()[0][0].text
    sim = dedup.jaccard(dedup.signature(text), dedup.signature(edit(text)))
    assert (sim >= dedup.NEAR_DUP_THRESHOLD) is similar


def test_lsh_parameters_cover_the_signature():
    bands, rows = DedupConfig().lsh_params()
    assert bands * rows <= dedup.NUM_PERM
    sig = dedup.signature(corpus()[0][0].text)
    assert len(dedup.band_buckets(sig, bands, rows)) == bands


# --- near-duplicate articles -------------------------------------------------------


def test_near_copy_is_linked_to_its_original(loaded):
    art, analysis = corpus()[0]
    copy = near_copy(art)
    res = loaded.add(copy, dataclasses.replace(analysis, id=copy.id))
    original = loaded.results[art.id].article_pk
    assert res.status == "near-duplicate" and res.duplicate_of == original
    assert res.similarity >= dedup.NEAR_DUP_THRESHOLD
    row = loaded.db.one("SELECT duplicate_of FROM articles WHERE id = ?", (res.article_pk,))
    assert row["duplicate_of"] == original
    assert queries.get_article(loaded, original)["near_duplicates"] == [res.article_pk]


def test_copy_of_a_copy_points_at_the_root(loaded):
    art, analysis = corpus()[0]
    first = loaded.add(near_copy(art, suffix="1"), analysis)
    second_text = near_copy(art, suffix="1").text.replace("gas", "natural gas")
    second = loaded.add(dataclasses.replace(art, id="c2", text=second_text, url="https://m.example/c2"), analysis)
    assert first.status == second.status == "near-duplicate"
    assert second.duplicate_of == loaded.results[art.id].article_pk


def test_different_stories_are_not_near_duplicates(loaded):
    assert {r.status for r in loaded.results.values()} == {"new"}
    assert loaded.db.scalar("SELECT COUNT(*) AS n FROM articles WHERE duplicate_of IS NOT NULL") == 0


def test_short_articles_are_not_compared(store):
    a = Article(text="Putin met Xi.", title="Talks", id="s1")
    b = Article(text="Putin met Xi today.", title="Talks", id="s2")
    assert store.add(a, plain_analysis(a)).status == "new"
    assert store.add(b, plain_analysis(b)).status == "new"


def test_lsh_index_rebuilds_from_stored_signatures(loaded):
    art, analysis = corpus()[0]
    res = loaded.add(near_copy(art), analysis)
    rows = loaded.db.query("SELECT article, signature FROM article_minhash ORDER BY article")
    lsh = dedup.build_lsh((r["article"], r["signature"]) for r in rows)
    sig = next(r["signature"] for r in rows if r["article"] == res.article_pk)
    found = set(lsh.query(dedup.minhash_from_blob(sig)))
    assert found == {res.article_pk, loaded.results[art.id].article_pk}


def test_threshold_is_configurable(store_url):
    from eventwire.store import open_store

    art, analysis = corpus()[0]
    with open_store(store_url, config=DedupConfig(near_dup_threshold=0.999)) as s:
        s.add(art, analysis)
        assert s.add(near_copy(art), analysis).status == "new"


def test_lsh_buckets_follow_a_changed_threshold(store_url):
    from eventwire.store import open_store

    art, analysis = corpus()[0]
    with open_store(store_url) as s:
        s.add(art, analysis)
        assert s.check_lsh_layout() is False
    strict = DedupConfig(near_dup_threshold=0.9)
    assert strict.lsh_params() != DedupConfig().lsh_params()
    with open_store(store_url, config=strict) as s:  # rebuilt on open
        assert s.db.scalar("SELECT value AS v FROM store_meta WHERE key = 'lsh_layout'") == s.lsh_layout()
        assert s.db.scalar("SELECT COUNT(*) AS n FROM minhash_bands") == strict.lsh_params()[0]
        copy = dataclasses.replace(art, id="c", text=art.text.replace("three hours", "four hours"))
        assert s.add(copy, analysis).status == "near-duplicate"


# --- event clusters ----------------------------------------------------------------


def _add(store, n, *events, source="src", published="2022-02-04"):
    """Add article number ``n`` (distinct text) carrying ``events``."""
    words = " ".join(f"token{n}x{k}" for k in range(30))
    art = Article(text=f"Report {n}. {words}.", title=f"Report {n}", id=f"r{n}", published=published,
                  source=source, url=f"https://e.example/{n}")
    return store.add(art, plain_analysis(art, events))


def _clusters(store):
    return store.db.query("SELECT * FROM event_clusters ORDER BY id")


@pytest.mark.parametrize(
    "second, same",
    [
        (event(PUTIN, XI, "040", "2022-02-04", place=BEIJING), True),  # identical
        (event(PUTIN, XI, "042", "2022-02-05", place=BEIJING), True),  # other 04 code, next day
        (event(XI, PUTIN, "040", "2022-02-04"), True),  # consult: either direction; place unknown
        (event(("Russia", "RUS", "RUS"), ("China", "CHN", "CHN"), "040", "2022-02-06"), True),  # country level, 2 days
        (event(PUTIN, XI, "040", "2022-02-04", place=TIANJIN), False),  # 110 km away
        (event(PUTIN, XI, "040", "2022-02-07", place=BEIJING), False),  # 3 days later
        (event(PUTIN, XI, "057", "2022-02-04", place=BEIJING), False),  # other root
        (event(PUTIN, NATO, "040", "2022-02-04", place=BEIJING), False),  # other dyad
        (event(PUTIN, XI, "040", "2022-02", place=BEIJING), False),  # month precision vs day
        (event(PUTIN, XI, "040", "2022-02-04", place=BEIJING, negated=True), False),
        (event(PUTIN, XI, "040", "2022-02-04", place=BEIJING, modality="hypothetical"), False),
        (event(PUTIN, XI, "040", "2022-02-04", place=BEIJING, modality="future"), True),
    ],
)
def test_events_of_two_articles_cluster(store, second, same):
    _add(store, 1, event(PUTIN, XI, "040", "2022-02-04", place=BEIJING), source="a")
    res = _add(store, 2, second, source="b")
    clusters = _clusters(store)
    assert len(clusters) == (1 if same else 2)
    assert res.new_clusters == (0 if same else 1)
    if same:
        c = clusters[0]
        assert (c["num_mentions"], c["num_articles"], c["num_sources"]) == (2, 2, 2)
    check_consistency(store)


@pytest.mark.parametrize(
    "root, reverse_joins",
    [("04", True), ("19", True), ("11", False), ("13", False)],
)
def test_only_symmetric_roots_ignore_direction(store, root, reverse_joins):
    _add(store, 1, event(PUTIN, XI, root + "0", "2022-02-04"))
    _add(store, 2, event(XI, PUTIN, root + "0", "2022-02-04"))
    assert len(_clusters(store)) == (1 if reverse_joins else 2)


def test_counts_follow_gdelt(store):
    e = event(PUTIN, XI, "040", "2022-02-04", place=BEIJING)
    _add(store, 1, e, e, source="a")  # two mentions in one article
    _add(store, 2, e, source="a")  # same source again
    _add(store, 3, e, source="b")
    (c,) = _clusters(store)
    assert (c["num_mentions"], c["num_articles"], c["num_sources"]) == (4, 3, 2)
    assert c["goldstein"] == pytest.approx(1.0)


def test_cluster_goldstein_is_the_mean_of_its_mentions(store):
    _add(store, 1, event(PUTIN, XI, "040", "2022-02-04"))
    _add(store, 2, dataclasses.replace(event(PUTIN, XI, "040", "2022-02-04"), goldstein=3.0))
    assert _clusters(store)[0]["goldstein"] == pytest.approx(2.0)


def test_window_is_anchored_not_chained(store):
    # Day 0, day 2, day 4: the third is 4 days from the anchor, so it opens a new event.
    for n, day in enumerate(["2022-02-01", "2022-02-03", "2022-02-05"]):
        _add(store, n, event(PUTIN, XI, "040", day))
    assert [c["num_mentions"] for c in _clusters(store)] == [2, 1]


def test_window_is_configurable(store_url):
    from eventwire.store import open_store

    with open_store(store_url, config=DedupConfig(window_days=0)) as s:
        _add(s, 1, event(PUTIN, XI, "040", "2022-02-04"))
        _add(s, 2, event(PUTIN, XI, "040", "2022-02-05"))
        assert len(_clusters(s)) == 2


def test_cluster_takes_a_place_when_the_first_mention_had_none(store):
    _add(store, 1, event(PUTIN, XI, "040", "2022-02-04"))
    _add(store, 2, event(PUTIN, XI, "040", "2022-02-04", place=BEIJING))
    _add(store, 3, event(PUTIN, XI, "040", "2022-02-04", place=MOSCOW))
    clusters = _clusters(store)
    assert clusters[0]["place_name"] == "Beijing" and len(clusters) == 2


def test_undated_events_stay_apart(store):
    _add(store, 1, event(PUTIN, XI, "040", None), published=None)
    _add(store, 2, event(PUTIN, XI, "040", None), published=None)
    assert [c["day"] for c in _clusters(store)] == [None, None]


def test_publication_date_is_the_fallback(store):
    _add(store, 1, event(PUTIN, XI, "040", None), published="2022-02-04")
    _add(store, 2, event(PUTIN, XI, "040", "2022-02-05"))
    (c,) = _clusters(store)
    assert c["day"] == "2022-02-04"


def test_events_of_a_near_duplicate_count_once(loaded):
    art, analysis = corpus()[0]
    before = {c["id"]: c for c in _clusters(loaded)}
    res = loaded.add(near_copy(art), analysis)
    assert res.status == "near-duplicate" and res.new_clusters == 0
    after = {c["id"]: c for c in _clusters(loaded)}
    assert after.keys() == before.keys()
    for cid, c in after.items():
        if c["num_mentions"] != before[cid]["num_mentions"]:
            assert c["num_articles"] == before[cid]["num_articles"]
    assert queries.list_events(loaded).total == len(before) - _negated_or_hypothetical(loaded)
    check_consistency(loaded)


def test_a_copy_republished_days_later_still_counts_once(store):
    text = " ".join(f"word{k}" for k in range(60))
    art = Article(text=text, title="Talks", id="orig", published="2022-02-04", source="a")
    store.add(art, plain_analysis(art, [event(PUTIN, XI, "040", None), event(XI, NATO, "111", "2022-02-03")]))
    copy = dataclasses.replace(art, id="copy", text=text + " word999", published="2022-02-14", source="b")
    res = store.add(copy, plain_analysis(copy, [event(PUTIN, XI, "040", None), event(XI, NATO, "111", "2022-02-13"),
                                                event(XI, NATO, "112", "2022-02-13", negated=True)]))
    assert res.status == "near-duplicate" and res.new_clusters == 1  # only the negated one is new
    clusters = _clusters(store)
    assert [(c["num_mentions"], c["num_articles"], c["num_sources"]) for c in clusters[:2]] == [(2, 1, 2), (2, 1, 2)]
    check_consistency(store)


def _negated_or_hypothetical(store):
    return store.db.scalar("SELECT COUNT(*) AS n FROM event_clusters WHERE negated = 1 OR hypothetical = 1")


def test_corpus_meeting_is_one_event_from_two_articles(loaded):
    rows = loaded.db.query("SELECT * FROM event_clusters WHERE root = '04'")
    assert len(rows) == 1
    assert (rows[0]["source_key"], rows[0]["target_key"]) == ("CHN", "RUS")
    assert (rows[0]["num_mentions"], rows[0]["num_articles"], rows[0]["num_sources"]) == (2, 2, 2)


@pytest.mark.parametrize(
    "date, published, expected",
    [
        ("2022-02-04", None, ("2022-02-04", "day")),
        ("2022-02", None, ("2022-02-01", "month")),
        ("2022", None, ("2022-01-01", "year")),
        (None, "2022-03-01", ("2022-03-01", "day")),
        ("2022-02-30", "2022-03-01", ("2022-03-01", "day")),  # invalid date falls back
        ("soon", None, (None, None)),
        (None, None, (None, None)),
    ],
)
def test_event_day(date, published, expected):
    assert dedup.event_day(date, published) == expected


def test_distance():
    assert dedup.km_between(39.9, 116.4, 39.1, 117.2) == pytest.approx(112, abs=5)
    assert dedup.km_between(KHARKIV.lat, KHARKIV.lon, KHARKIV.lat, KHARKIV.lon) == 0
