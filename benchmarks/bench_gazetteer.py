"""Cost of the times and places stages, and the gazetteer's load time.

    python benchmarks/bench_gazetteer.py [--articles dev/timeplace.gold.jsonl] [--repeat 3] [--loads 5]

1. Gazetteer load: ``load_gazetteer()`` in ``--loads`` fresh Python processes (the
   function alone, and import + load), wall and CPU seconds; min and median.
2. Stage cost: the articles (the bundled corpus plus the given JSONL files, ``--repeat``
   times) are parsed with the spaCy model's own components only, then
   ``eventwire_times`` and ``eventwire_places`` run over the parsed docs; their time
   is reported as a share of the parse time (target: at most 10% together).
Single process, single thread; on a shared machine, read the CPU figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time

from eventwire.models import Article

LOAD_SNIPPET = """
import time
t0, c0 = time.perf_counter(), time.process_time()
from eventwire.gazetteer import load_gazetteer
t1, c1 = time.perf_counter(), time.process_time()
g = load_gazetteer()
t2, c2 = time.perf_counter(), time.process_time()
print(t2 - t1, c2 - c1, t2 - t0, c2 - c0, len(g))
"""


def bench_load(runs: int) -> dict:
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LOAD_SNIPPET], capture_output=True, text=True, check=True)
        rows.append([float(x) for x in out.stdout.split()])
    cols = list(zip(*rows))
    names = ["load_wall_s", "load_cpu_s", "import_and_load_wall_s", "import_and_load_cpu_s"]
    result = {}
    for name, values in zip(names, cols):
        result[name] = {"min": round(min(values), 3), "median": round(statistics.median(values), 3)}
    result["entries"] = int(rows[0][4])
    return result


def load_articles(paths: list[str]) -> list[Article]:
    rows = []
    try:
        from eventwire.corpus import load_corpus

        rows += load_corpus()
    except ImportError:  # pragma: no cover - corpus not bundled
        pass
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return [Article(text=r["text"], id=str(r.get("id", "")), title=r.get("title") or "", published=r.get("published"))
            for r in rows]


def bench_stages(articles: list[Article], repeat: int) -> dict:
    from eventwire.gazetteer import load_gazetteer
    from eventwire.pipeline import STAGES, Analyzer

    analyzer = Analyzer()
    nlp = analyzer.nlp
    base = [n for n in nlp.pipe_names if n not in STAGES]
    load_gazetteer()  # loaded once per process; measured above
    batch = articles * repeat
    source = [d for a in batch for d in analyzer.make_docs(a)]

    t0, c0 = time.perf_counter(), time.process_time()
    with nlp.select_pipes(enable=base):
        docs = list(nlp.pipe(source, batch_size=analyzer.batch_size))
    parse_wall, parse_cpu = time.perf_counter() - t0, time.process_time() - c0

    out = {"articles": len(batch), "chars": sum(len(d.text) for d in docs),
           "parse_wall_s": round(parse_wall, 3), "parse_cpu_s": round(parse_cpu, 3)}
    total_cpu = 0.0
    for name in ("eventwire_times", "eventwire_places"):
        component = nlp.get_pipe(name)
        t, c = time.perf_counter(), time.process_time()
        for doc in docs:
            component(doc)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        total_cpu += cpu
        out[name] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                     "share_of_parse_cpu": round(cpu / parse_cpu, 4)}
    out["times_plus_places_share_of_parse_cpu"] = round(total_cpu / parse_cpu, 4)
    out["places_found"] = sum(len(d._.places) for d in docs)
    out["times_found"] = sum(len(d._.times) for d in docs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", nargs="*", default=["dev/timeplace.gold.jsonl"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    report = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "gazetteer_load": bench_load(args.loads),
        "stages": bench_stages(load_articles(args.articles), args.repeat),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
