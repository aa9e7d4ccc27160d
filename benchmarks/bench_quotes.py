"""How much the quotes stage costs next to the spaCy parse.

    python benchmarks/bench_quotes.py [GOLD.jsonl ...] [--seed N] [--repeat R]

Parses the articles once with the model's own components (batched, as the pipeline
does), runs the eventwire stages the quotes stage needs (times, places, actors)
untimed, then times ``eventwire_quotes`` alone over the same docs, ``--repeat``
times. ``--seed N`` adds the seed article N times. Prints both times and the ratio.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from eventwire.pipeline import STAGES, TITLE_SEPARATOR, build_nlp
from eventwire.quotes import extract_quotes

SEED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "seed-article.txt"


def texts_of(paths: list[str], seed: int) -> list[tuple[str, int]]:
    out = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    title = rec.get("title") or ""
                    head = title + TITLE_SEPARATOR if title else ""
                    out.append((head + rec["text"], len(head)))
    if seed and SEED.exists():
        title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
        out += [(title + TITLE_SEPARATOR + body.lstrip("\n"), len(title) + 2)] * seed
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="*")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    nlp = build_nlp()
    ours = [name for name in nlp.pipe_names if name in STAGES]
    items = texts_of(args.gold, args.seed)
    docs = []
    for text, body_start in items:
        doc = nlp.make_doc(text)
        doc._.body_start = body_start
        docs.append(doc)
    start = time.perf_counter()
    with nlp.select_pipes(disable=ours):
        docs = list(nlp.pipe(docs, batch_size=16))
    parse = time.perf_counter() - start
    for doc in docs:
        for name in ("eventwire_times", "eventwire_places", "eventwire_actors"):
            nlp.get_pipe(name)(doc)
    best = float("inf")
    count = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        count = sum(len(extract_quotes(doc)) for doc in docs)
        best = min(best, time.perf_counter() - start)
    chars = sum(len(d.text) for d in docs)
    print(f"docs {len(docs)}  chars {chars}  quotes {count}")
    print(f"spaCy parse (batched, model components): {parse:.3f} s")
    print(f"quotes stage (best of {args.repeat}):        {best:.3f} s")
    print(f"quotes / parse: {best / parse:.1%}")


if __name__ == "__main__":
    main()
