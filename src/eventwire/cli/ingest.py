"""``eventwire ingest``: articles in, analysed, stored once each (resumable)."""

from __future__ import annotations

import logging
import sys

import click

from ..errors import EventwireError
from ._common import model_option, profile_option, published_option, report_bad


def db_option(f):
    return click.option(
        "--db", "db", required=True, envvar="EVENTWIRE_DB", metavar="FILE|URL",
        help="The store: a SQLite file or a postgresql:// URL.",
    )(f)


def scale_options(f):
    f = click.option("--dask", "dask_address", metavar="tcp://HOST:PORT", help="Analyse on an existing Dask cluster.")(f)
    f = click.option("--workers", type=click.IntRange(min=1), help="Analyse on a local Dask cluster of N worker processes.")(f)
    return f


def quiet_option(f):
    return click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")(f)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@published_option
@scale_options
@model_option
@profile_option
@click.option("--batch-size", default=16, show_default=True, help="Articles per analysis batch (spaCy's nlp.pipe).")
@click.option(
    "--task-size", type=click.IntRange(min=1), metavar="N",
    help="Articles per Dask task and per store transaction (default: 64 with --workers/--dask, else the batch size).",
)
@quiet_option
def ingest(paths, db, published, workers, dask_address, model, profile, batch_size, task_size, quiet):
    """Analyse articles and store them, each exactly once.

    PATHS are files or folders: .txt, .html, .json, .jsonl, .warc, each possibly
    .gz; - reads JSONL from standard input. Articles already stored are skipped
    before analysis, so an interrupted run is resumed by running it again. Bad
    records are reported on stderr (file and line) and skipped.
    """
    from .. import ingest as lib
    from ..progress import ProgressBar
    from ..sources import count_items, read_paths
    from ..store import open_store

    if workers and dask_address:
        raise click.UsageError("give --workers or --dask, not both")
    if (workers or dask_address) and logging.getLogger().getEffectiveLevel() >= logging.WARNING:
        import distributed  # noqa: F401  (importing it sets its loggers to INFO; quiet them after)

        logging.getLogger("distributed").setLevel(logging.WARNING)
    scaled = bool(workers or dask_address)
    task_size = task_size or (max(batch_size, lib.DEFAULT_TASK) if scaled else batch_size)
    try:
        with open_store(db) as store, lib.make_runner(
            workers=workers, dask=dask_address, model=model, batch_size=batch_size, profile=profile
        ) as runner, ProgressBar("ingest", quiet=quiet) as bar:
            if bar.enabled:
                bar.set_total(count_items(paths))
            summary = lib.ingest(
                read_paths(paths, published), store, runner,
                batch_size=task_size, on_bad=report_bad, advance=bar.advance,
            )
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    if not quiet:
        click.echo(f"ingested: {summary}", err=True)
    if summary.seen == 0 and (summary.bad or summary.failed):
        click.echo("error: no article could be stored", err=True)
        sys.exit(1)


COMMANDS = [ingest]
