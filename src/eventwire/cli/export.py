"""``eventwire export``: a store out as JSONL, CSV, Parquet or GDELT 2.0 event TSV."""

from __future__ import annotations

import click

from ..errors import EventwireError


@click.command()
@click.option("--db", required=True, envvar="EVENTWIRE_DB", metavar="FILE|URL", help="The store to export.")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "gdelt"]), default="jsonl", show_default=True,
    help="jsonl: contract records; csv/parquet: a flat table; gdelt: GDELT 2.0 events TSV (61 columns, no header).",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="File to write.")
@click.option(
    "--table", type=click.Choice(["events", "quotes", "articles"]), default="events", show_default=True,
    help="Table for csv and parquet.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not print the count.")
def export(db, fmt, output, table, quiet):
    """Export the store (one row per event cluster for --format gdelt)."""
    from .. import export as lib
    from ..store import open_store

    try:
        with open_store(db, readonly=True) as store:
            n = lib.export(store, fmt, output, table=table)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    if not quiet:
        unit = {"jsonl": "articles", "gdelt": "event clusters"}.get(fmt, f"{table} rows")
        click.echo(f"exported {n} {unit} to {output}", err=True)


COMMANDS = [export]
