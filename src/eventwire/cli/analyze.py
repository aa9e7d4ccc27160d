"""``eventwire analyze``: articles in, one contract record per article out."""

from __future__ import annotations

import json
import sys

import click

from ..errors import BadRecord, EventwireError
from ..sources import read_paths
from ._common import model_option, profile_option, published_option, report_bad, stdout_is_terminal


def _articles(paths, published, counts):
    for item in read_paths(paths, published):
        if isinstance(item, BadRecord):
            report_bad(item)
            counts["bad"] += 1
            continue
        yield item


def render_table(record: dict) -> str:
    """A human summary of one record."""
    lines = [f"== {record['id']}: {record.get('title') or '(no title)'}  [{record.get('published') or 'no date'}]"]
    actors = record["actors"]
    if actors:
        lines.append("actors:  " + "; ".join(f"{a['name']} ({a['code']})" for a in actors))
    for q in record["quotes"]:
        who = q["speaker"]["name"] if q.get("speaker") else "?"
        text = q["text"] if len(q["text"]) <= 100 else q["text"][:97] + "..."
        lines.append(f"quote:   {who}: “{text}” [{q['kind']}]")
    for e in record["events"]:
        tgt = e["target"]["code"] if e.get("target") else "-"
        flags = [f for f in ("negated",) if e.get("negated")] + ([e["modality"]] if e["modality"] != "asserted" else [])
        where = f" @ {e['place']['name']}" if e.get("place") else ""
        lines.append(
            f"event:   {e['source']['code']} -> {tgt}  {e['cameo']} {e['plover'] or ''}  "
            f"{e['date'] or '?'}{where}" + (f"  ({', '.join(flags)})" if flags else "")
        )
    if record["places"]:
        lines.append("places:  " + ", ".join(sorted({p["name"] for p in record["places"]})))
    if record["times"]:
        lines.append("times:   " + ", ".join(f"{t['text']}={t['value']}" for t in record["times"]))
    tone = record["tone"]
    lines.append(f"tone:    {tone['score']:+.2f} (+{tone['positive']:.2f} / -{tone['negative']:.2f})")
    return "\n".join(lines)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@published_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "table"]),
    help="Output format (default: jsonl when stdout is not a terminal, else table).",
)
@model_option
@profile_option
@click.option("--batch-size", default=16, show_default=True, help="Articles per spaCy batch.")
def analyze(paths, published, fmt, model, profile, batch_size):
    """Analyse articles into contract records.

    PATHS are .txt (first line headline), .html, .json, .jsonl files, folders, or -
    for JSONL on standard input. Bad records are reported on stderr with file and
    line; the rest go on. Exits non-zero only when no record could be analysed.
    """
    from ..pipeline import Analyzer

    fmt = fmt or ("table" if stdout_is_terminal() else "jsonl")
    try:
        analyzer = Analyzer(model, profile=profile, batch_size=batch_size)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    counts = {"bad": 0, "ok": 0}
    collected = []
    out = sys.stdout
    for record in analyzer.analyze_many(_articles(paths, published, counts)):
        counts["ok"] += 1
        data = record.to_dict()
        if fmt == "jsonl":
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
            out.flush()
        elif fmt == "table":
            click.echo(render_table(data) + "\n")
        else:
            collected.append(data)
    if fmt == "json":
        payload = collected[0] if len(collected) == 1 else collected
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    if counts["ok"] == 0:
        click.echo(f"error: no record could be analysed ({counts['bad']} bad)", err=True)
        sys.exit(1)


COMMANDS = [analyze]
