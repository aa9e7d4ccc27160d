"""Throughput of the full pipeline against the bare spaCy parse, on the bundled corpus.

    python benchmarks/bench_pipeline.py [--repeat 5] [--write BENCHMARKS.md]

Runs, in one process and on the same articles: (1) the spaCy model's own components
only ("bare parse"), (2) the full eventwire pipeline through ``Analyzer.analyze_many``
(parse + every stage + record assembly). Then times each eventwire stage on the parsed
docs, so each stage's cost can be read as a share of the parse. Reports articles/s,
words/s and the ratios. Single process, single thread.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from pathlib import Path

from eventwire.models import Article
from eventwire.pipeline import STAGES, Analyzer


def load_articles(path: str | None) -> list[Article]:
    if path:
        rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    else:
        from eventwire.corpus import load_corpus

        rows = load_corpus()
    return [Article(text=r["text"], id=str(r.get("id", "")), title=r.get("title") or "", published=r.get("published"))
            for r in rows]


def words(articles) -> int:
    return sum(len(re.findall(r"\S+", a.title + " " + a.text)) for a in articles)


def run(articles: list[Article], repeat: int) -> dict:
    analyzer = Analyzer()
    nlp = analyzer.nlp
    batch = articles * repeat
    n_words = words(batch)
    base = [n for n in nlp.pipe_names if n not in STAGES]

    # warm-up: loads lexicons, gazetteer, matchers
    list(analyzer.analyze_many(articles[:3]))

    t0 = time.perf_counter()
    with nlp.select_pipes(enable=base):
        docs = list(nlp.pipe((d for a in batch for d in analyzer.make_docs(a)), batch_size=analyzer.batch_size))
    parse_s = time.perf_counter() - t0

    stage_s = {}
    for name in STAGES:
        component = nlp.get_pipe(name)
        t = time.perf_counter()
        for doc in docs:
            component(doc)
        stage_s[name] = time.perf_counter() - t

    t0 = time.perf_counter()
    n = sum(1 for _ in analyzer.analyze_many(iter(batch)))
    full_s = time.perf_counter() - t0
    assert n == len(batch)

    return {
        "model": analyzer.model_name,
        "articles": len(batch),
        "words": n_words,
        "parse_s": parse_s,
        "full_s": full_s,
        "stage_s": stage_s,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
    }


def render(r: dict, command: str) -> str:
    a, w = r["articles"], r["words"]
    lines = [
        "## Pipeline throughput",
        "",
        f"Command: `{command}`  ",
        f"Model {r['model']}, Python {r['python']}, one process, one thread; "
        f"{a} articles ({w} words: the bundled corpus repeated).",
        "",
        "| run | seconds | articles/s | words/s |",
        "|---|---:|---:|---:|",
        f"| bare spaCy parse | {r['parse_s']:.2f} | {a / r['parse_s']:.1f} | {w / r['parse_s']:.0f} |",
        f"| full pipeline | {r['full_s']:.2f} | {a / r['full_s']:.1f} | {w / r['full_s']:.0f} |",
        "",
        f"Full pipeline / bare parse time: **{r['full_s'] / r['parse_s']:.2f}x**.",
        "",
        "Cost of each stage as a share of the parse time (timed separately on the parsed docs):",
        "",
        "| stage | seconds | share of parse |",
        "|---|---:|---:|",
    ]
    for name, s in r["stage_s"].items():
        lines.append(f"| {name.removeprefix('eventwire_')} | {s:.3f} | {100 * s / r['parse_s']:.1f}% |")
    st = r["stage_s"]
    groups = {
        "quotes": ["eventwire_quotes"],
        "actors + events": ["eventwire_actors", "eventwire_events"],
        "times + places": ["eventwire_times", "eventwire_places"],
    }
    lines.append("")
    lines.append("Budgets (issues): quotes ≤ 10%, actors + events ≤ 15%, times + places ≤ 10% of the parse.")
    lines.append("")
    for g, names in groups.items():
        share = 100 * sum(st[n] for n in names) / r["parse_s"]
        lines.append(f"- {g}: {share:.1f}%")
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    head = section.splitlines()[0]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(head)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="times the corpus is repeated")
    ap.add_argument("--input", help="JSONL articles instead of the bundled corpus")
    ap.add_argument("--write", help="update this markdown file's 'Pipeline throughput' section")
    args = ap.parse_args(argv)
    result = run(load_articles(args.input), args.repeat)
    command = "python benchmarks/bench_pipeline.py " + " ".join(argv if argv is not None else sys.argv[1:])
    section = render(result, command.strip())
    sys.stdout.write(section)
    if args.write:
        write_section(Path(args.write), section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
