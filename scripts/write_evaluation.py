"""Score every dev gold set (and optionally PolNeAR) and write the figures to EVALUATION.md.

    python scripts/write_evaluation.py [--polnear ../shared/data/polnear-train.gold.jsonl] [--out EVALUATION.md]

Each figure is what `eventwire evaluate FILE` prints for that file; this script only
runs them in one process (one model load) and lays them out as tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from pathlib import Path

from eventwire.evaluate import evaluate, read_gold
from eventwire.pipeline import Analyzer

ROOT = Path(__file__).resolve().parents[1]
MARK_START = "<!-- figures:start -->"
MARK_END = "<!-- figures:end -->"


def f(x):
    return "–" if x is None else f"{x:.3f}"


def row_prf(name, s):
    if not (s.tp + s.fp + s.fn):
        return None
    return f"| {name} | {f(s.precision)} | {f(s.recall)} | {f(s.f1)} | {s.tp}/{s.fp}/{s.fn} |"


def row_acc(name, a):
    if not a.total:
        return None
    return f"| {name} | | | {f(a.value)} | {a.right}/{a.total} |"


def table(report) -> str:
    rows = [
        row_prf("quotes", report.quotes),
        *[row_prf(f"quotes ({k})", v) for k, v in sorted(report.quotes_by_kind.items())],
        row_acc("speakers (accuracy)", report.speakers),
        row_acc("speaker mentions (accuracy)", report.speaker_mentions),
        row_prf("events", report.events),
        row_acc("event dates (accuracy)", report.event_dates),
        row_acc("event actor codes (accuracy)", report.actor_codes),
        row_prf("places", report.places),
        row_prf("times", report.times),
        row_acc("time values (accuracy)", report.time_values),
    ]
    head = "| part | P | R | F1 / accuracy | tp/fp/fn or right/total |\n|---|---:|---:|---:|---:|"
    return head + "\n" + "\n".join(r for r in rows if r)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--polnear", help="path of the PolNeAR gold file (not in the repo)")
    ap.add_argument("--out", default=str(ROOT / "EVALUATION.md"))
    ap.add_argument("--json", help="also write the raw scores here")
    args = ap.parse_args()

    analyzer = Analyzer()
    files = sorted((ROOT / "dev").glob("*.gold.jsonl"))
    if args.polnear:
        files.append(Path(args.polnear))
    sections, raw = [], {}
    for path in files:
        records = list(read_gold(path))
        report = evaluate(records, analyzer.analyze_many)
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else Path("../shared/data") / path.name
        raw[str(rel)] = report.as_dict()
        sections.append(f"### `{rel}` ({len(records)} articles)\n\nCommand: `eventwire evaluate {rel}`\n\n{table(report)}\n")
    stamp = dt.date.today().isoformat()
    figures = (
        f"{MARK_START}\nMeasured {stamp} with {analyzer.model_name} "
        f"(`python scripts/write_evaluation.py{' --polnear ' + str(args.polnear) if args.polnear else ''}`).\n\n"
        + "\n".join(sections)
        + MARK_END
    )
    out = Path(args.out)
    text = out.read_text(encoding="utf-8") if out.exists() else "# Evaluation\n\n" + MARK_START + MARK_END + "\n"
    if MARK_START in text:
        text = re.sub(re.escape(MARK_START) + ".*?" + re.escape(MARK_END), lambda m: figures, text, flags=re.S)
    else:
        text += "\n" + figures + "\n"
    out.write_text(text, encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(raw, indent=2), encoding="utf-8")
    print(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
