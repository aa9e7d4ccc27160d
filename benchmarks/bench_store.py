"""Store write throughput and query latency, on SQLite and (optionally) PostgreSQL.

    python benchmarks/bench_store.py --articles 2000
    python benchmarks/bench_store.py --articles 2000 --pg "$EVENTWIRE_TEST_PG"

Writes N synthetic articles (distinct texts, 6 events and 3 quotes each, events on
20 country pairs over 60 days so that they cluster; every 10th article a near-copy
of an earlier one, every 20th an exact re-ingest) through ``Store.add`` and reports
ms per article (mean, median, p95), then times the main read queries. PostgreSQL
runs in a fresh schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from urllib.parse import quote

from eventwire.models import ActorRef, Analysis, Article, Event, PlaceRef, Quote, Speaker, Tone
from eventwire.store import open_store, queries

COUNTRIES = ["RUS", "CHN", "USA", "UKR", "FRA", "DEU", "TUR", "IND", "IRN", "ISR", "GBR", "JPN"]
ROOTS = {"01": (0.0, 1), "04": (1.0, 1), "05": (3.5, 1), "11": (-2.0, 3), "13": (-6.0, 3), "19": (-10.0, 4)}
VOCAB = [f"w{n}" for n in range(5000)]


def synthetic(n: int, rng: random.Random) -> tuple[Article, Analysis]:
    words = " ".join(rng.choice(VOCAB) for _ in range(220))
    day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(60))
    art = Article(text=f"Report {n}. {words}.", id=f"b{n}", title=f"Report {n}", published=day.isoformat(),
                  url=f"https://bench.example/{n}", source=f"wire-{n % 7}")
    events = []
    for k in range(6):
        a, b = rng.sample(COUNTRIES[:8], 2)
        root = rng.choice(list(ROOTS))
        g, q = ROOTS[root]
        events.append(Event(
            ActorRef(f"{a} government", a + "GOV", None, a), ActorRef(f"{b} government", b + "GOV", None, b),
            root + "0", root, None, None, g, q, (day - dt.timedelta(days=rng.randrange(2))).isoformat(), "text",
            PlaceRef("Capital", a, 10.0, 10.0) if k % 2 else None, False, "asserted",
            f"Sentence {k} of report {n}.", (0, 10), "bench"))
    quotes = tuple(
        Quote(f"words number {k} of report {n} " + " ".join(rng.sample(VOCAB, 8)), "direct", (0, 10), "said",
              Speaker(rng.choice(["Maria Zakharova", "Antony Blinken", "Wang Yi"]), None, None, None, None))
        for k in range(3)
    )
    return art, Analysis(art.id, art.title, art.published, "en", (), quotes, tuple(events), (), (), Tone(0, 0, 0))


def workload(n: int, seed: int = 7):
    rng = random.Random(seed)
    made: list[tuple[Article, Analysis]] = []
    for i in range(n):
        if i % 20 == 19 and made:
            yield made[rng.randrange(len(made))]  # exact re-ingest
        elif i % 10 == 9 and made:
            art, an = made[rng.randrange(len(made))]
            yield dataclasses.replace(art, id=art.id + "-copy", text=art.text + " Extra credit line.", url=None), an
        else:
            item = synthetic(i, rng)
            made.append(item)
            yield item


def bench(url: str, n: int) -> dict:
    times, statuses = [], {}
    with open_store(url) as store:
        for art, an in workload(n):
            t0 = time.perf_counter()
            res = store.add(art, an, model="bench")
            times.append((time.perf_counter() - t0) * 1000)
            statuses[res.status] = statuses.get(res.status, 0) + 1
        counts = store.counts()
        reads = {}
        for name, fn in {
            "list_events(limit=50)": lambda: queries.list_events(store),
            "list_events(actor=RUS)": lambda: queries.list_events(store, queries.EventFilter(actor="RUS")),
            "list_quotes(speaker=Blinken)": lambda: queries.list_quotes(store, speaker="Blinken"),
            "list_quotes(search=words number)": lambda: queries.list_quotes(store, search="words number"),
            "ties(RUS, CHN)": lambda: queries.ties(store, "RUS", "CHN"),
            "report()": lambda: queries.report(store),
        }.items():
            fn()
            t0 = time.perf_counter()
            for _ in range(5):
                fn()
            reads[name] = round((time.perf_counter() - t0) / 5 * 1000, 1)
    times.sort()
    return {
        "articles_written": n,
        "statuses": statuses,
        "counts": counts,
        "ms_per_article_mean": round(statistics.mean(times), 2),
        "ms_per_article_median": round(statistics.median(times), 2),
        "ms_per_article_p95": round(times[int(0.95 * (len(times) - 1))], 2),
        "articles_per_second": round(1000 / statistics.mean(times), 1),
        "read_ms": reads,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--pg", help="PostgreSQL base URL (a fresh schema is used and dropped)")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = bench(os.path.join(tmp, "bench.db"), args.articles)
    if args.pg:
        import psycopg

        schema = "bench_" + uuid.uuid4().hex[:8]
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            sep = "&" if "?" in args.pg else "?"
            results["postgresql"] = bench(f"{args.pg}{sep}options={quote('-csearch_path=' + schema)}", args.articles)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
