"""Throughput of the full pipeline against the bare spaCy parse.

    python benchmarks/bench_pipeline.py [--profile accurate|fast] [--repeat 5] [--write BENCHMARKS.md]
    python benchmarks/bench_pipeline.py --profile fast --synthetic 200   # ~500-word articles
    python benchmarks/bench_pipeline.py --compare --synthetic 60 --rounds 3   # both profiles, interleaved

Runs, in one process and on the same articles: (1) the spaCy components of the
profile only ("bare parse"; in the ``fast`` profile this includes the rule-based
entities), (2) the full eventwire pipeline through ``Analyzer.analyze_many`` (parse +
every stage + record assembly). Then times each eventwire stage and each spaCy
component on the parsed docs, so each cost can be read as a share. Articles are the
bundled corpus repeated, or ``--synthetic N`` articles of about 500 words from
``make_corpus.py`` (issue #6's unit: articles/s per core on ~500-word articles).

Times are CPU seconds of this process (``time.process_time``), not wall time, so
other load on the machine does not count; single process, single thread (spaCy's
matrix code is limited to one thread).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

# One thread for numpy's BLAS, so that CPU time is one core's time (set before numpy loads).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from eventwire.models import Article  # noqa: E402
from eventwire.pipeline import STAGES, Analyzer  # noqa: E402


def load_articles(path: str | None) -> list[Article]:
    if path:
        rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    else:
        from eventwire.corpus import load_corpus

        rows = load_corpus()
    return [Article(text=r["text"], id=str(r.get("id", "")), title=r.get("title") or "", published=r.get("published"))
            for r in rows]


def synthetic_articles(n: int) -> list[Article]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_corpus import make_article

    rows = [make_article(i) for i in range(n)]
    return [Article(text=r["text"], id=r["id"], title=r["title"], published=r["published"]) for r in rows]


def words(articles) -> int:
    return sum(len(re.findall(r"\S+", a.title + " " + a.text)) for a in articles)


def run(articles: list[Article], repeat: int, profile: str | None = None) -> dict:
    analyzer = Analyzer(profile=profile)
    nlp = analyzer.nlp
    batch = articles * repeat
    n_words = words(batch)
    base = [n for n in nlp.pipe_names if n not in STAGES]

    # warm-up: loads lexicons, gazetteer, matchers
    list(analyzer.analyze_many(articles[:3]))

    t0 = time.process_time()
    with nlp.select_pipes(enable=base):
        docs = list(nlp.pipe((d for a in batch for d in analyzer.make_docs(a)), batch_size=analyzer.batch_size))
    parse_s = time.process_time() - t0

    # Each spaCy component on its own (on copies of fresh docs, so each sees its inputs)
    component_s = {}
    with nlp.select_pipes(enable=base):
        fresh = [nlp.make_doc(d.text) for d in docs]
        for name, component in nlp.pipeline:
            if name not in base:
                continue
            t = time.process_time()
            fresh = list(component.pipe(fresh, batch_size=analyzer.batch_size)) if hasattr(component, "pipe") \
                else [component(doc) for doc in fresh]
            component_s[name] = time.process_time() - t

    stage_s = {}
    for name in STAGES:
        component = nlp.get_pipe(name)
        t = time.process_time()
        for doc in docs:
            component(doc)
        stage_s[name] = time.process_time() - t

    t0 = time.process_time()
    n = sum(1 for _ in analyzer.analyze_many(iter(batch)))
    full_s = time.process_time() - t0
    assert n == len(batch)

    return {
        "model": analyzer.model_name,
        "profile": analyzer.profile,
        "component_s": component_s,
        "articles": len(batch),
        "words": n_words,
        "parse_s": parse_s,
        "full_s": full_s,
        "stage_s": stage_s,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
    }


def compare(articles: list[Article], rounds: int) -> dict:
    """Full pipeline of both profiles on the same articles, rounds interleaved (A B A B
    ...) so that both see the same machine load; the best round of each is reported."""
    analyzers = {p: Analyzer(profile=p) for p in ("accurate", "fast")}
    for analyzer in analyzers.values():
        list(analyzer.analyze_many(articles[:3]))
    times: dict[str, list[float]] = {p: [] for p in analyzers}
    for _ in range(rounds):
        for p, analyzer in analyzers.items():
            t0 = time.process_time()
            n = sum(1 for _ in analyzer.analyze_many(iter(articles)))
            times[p].append(time.process_time() - t0)
            assert n == len(articles)
    return {"articles": len(articles), "words": words(articles), "times": times,
            "model": analyzers["accurate"].model_name, "python": platform.python_version()}


def render_compare(r: dict, command: str) -> str:
    a, w = r["articles"], r["words"]
    lines = [
        "## Pipeline profiles compared",
        "",
        f"Command: `{command}`  ",
        f"Model {r['model']}, Python {r['python']}, one process, one thread; {a} articles ({w} words, "
        f"{w / a:.0f} per article: {r['source']}). Full pipeline (parse, every stage, records), CPU seconds "
        f"(process time), rounds interleaved; best and median round.",
        "",
        "| profile | best CPU s | median CPU s | articles/CPU-s (best) | words/CPU-s (best) | 500-word articles/CPU-s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for p, ts in r["times"].items():
        best, med = min(ts), sorted(ts)[len(ts) // 2]
        lines.append(f"| {p} | {best:.2f} | {med:.2f} | {a / best:.1f} | {w / best:.0f} | {w / best / 500:.1f} |")
    acc, fast = min(r["times"]["accurate"]), min(r["times"]["fast"])
    lines += ["", f"fast / accurate speed: **{acc / fast:.2f}x** (issue #6 target: 15 articles/CPU-s of ~500 words)."]
    return "\n".join(lines) + "\n"


def render(r: dict, command: str) -> str:
    a, w = r["articles"], r["words"]
    title = "## Pipeline throughput" if r["profile"] == "accurate" else f"## Pipeline throughput ({r['profile']} profile)"
    lines = [
        title,
        "",
        f"Command: `{command}`  ",
        f"Model {r['model']}, profile {r['profile']}, Python {r['python']}, one process, one thread; "
        f"{a} articles ({w} words, {w / a:.0f} words per article: {r['source']}). CPU seconds (process time).",
        "",
        "| run | CPU seconds | articles/CPU-s | words/CPU-s |",
        "|---|---:|---:|---:|",
        f"| bare spaCy parse | {r['parse_s']:.2f} | {a / r['parse_s']:.1f} | {w / r['parse_s']:.0f} |",
        f"| full pipeline | {r['full_s']:.2f} | {a / r['full_s']:.1f} | {w / r['full_s']:.0f} |",
        "",
        f"Full pipeline / bare parse time: **{r['full_s'] / r['parse_s']:.2f}x**. "
        f"At {w / a:.0f} words per article the full pipeline runs **{a / r['full_s']:.1f} articles/CPU-s**; "
        f"on ~500-word articles that is {w / r['full_s'] / 500:.1f} articles/CPU-s (issue #6 target: 15).",
        "",
        "spaCy components (each timed alone on the same texts):",
        "",
        "| component | CPU seconds | share of parse |",
        "|---|---:|---:|",
    ]
    for name, s in r["component_s"].items():
        lines.append(f"| {name} | {s:.3f} | {100 * s / r['parse_s']:.1f}% |")
    lines += [
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
    ap.add_argument("--repeat", type=int, default=5, help="times the articles are repeated (default 5)")
    ap.add_argument("--input", help="JSONL articles instead of the bundled corpus")
    ap.add_argument("--synthetic", type=int, metavar="N",
                    help="N generated ~500-word articles (benchmarks/make_corpus.py) instead of the bundled corpus")
    ap.add_argument("--profile", choices=["accurate", "fast"], help="pipeline profile (default: EVENTWIRE_PROFILE, else accurate)")
    ap.add_argument("--compare", action="store_true", help="time the full pipeline of both profiles, interleaved")
    ap.add_argument("--rounds", type=int, default=3, help="rounds per profile with --compare (default 3)")
    ap.add_argument("--write", help="update this markdown file's 'Pipeline throughput' section")
    args = ap.parse_args(argv)
    if args.synthetic:
        articles = synthetic_articles(args.synthetic)
        source = f"{args.synthetic} articles from make_corpus.py, repeated {args.repeat}x"
    else:
        articles = load_articles(args.input)
        source = f"{args.input or 'the bundled corpus'}, repeated {args.repeat}x"
    command = "python benchmarks/bench_pipeline.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.compare:
        result = compare(articles * args.repeat, args.rounds)
        result["source"] = source
        section = render_compare(result, command.strip())
        sys.stdout.write(section)
        if args.write:
            write_section(Path(args.write), section)
        return 0
    result = run(articles, args.repeat, args.profile)
    result["source"] = source
    section = render(result, command.strip())
    sys.stdout.write(section)
    if args.write:
        write_section(Path(args.write), section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
