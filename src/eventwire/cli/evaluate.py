"""``eventwire evaluate``: score the analysis against a gold file."""

from __future__ import annotations

import itertools
import json

import click

from ..errors import EventwireError
from ._common import model_option, profile_option


@click.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@model_option
@profile_option
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--limit", type=int, help="Score only the first N articles.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, writable=True),
              help="Write every miss and false positive to this JSONL file.")
@click.option("--show-errors", type=int, default=0, help="Print the first N errors.")
def evaluate(gold, model, profile, as_json, limit, errors_path, show_errors):
    """Score quotes and speakers, events and dates, places and times against GOLD.jsonl.

    The matching rules are those of the gold format (see README, "Evaluation").
    """
    from ..evaluate import evaluate as run, format_report, read_gold
    from ..pipeline import Analyzer

    try:
        records = list(itertools.islice(read_gold(gold), limit))
        analyzer = Analyzer(model, profile=profile)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    report = run(records, analyzer.analyze_many)
    if errors_path:
        with open(errors_path, "w", encoding="utf-8") as fh:
            for err in report.errors:
                fh.write(json.dumps(err, ensure_ascii=False) + "\n")
    if as_json:
        click.echo(json.dumps({"gold": gold, "model": analyzer.model_name, **report.as_dict()}, indent=2))
    else:
        click.echo(format_report(report, f"gold: {gold}  model: {analyzer.model_name}"))
        for err in report.errors[:show_errors]:
            click.echo(json.dumps(err, ensure_ascii=False))


COMMANDS = [evaluate]
