"""The ``eventwire`` command line: a thin layer over the library.

Each module in this package contributes its commands through a ``COMMANDS`` list;
``main`` collects them, so a new command group is one new file.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventwire")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
def main(verbose: int) -> None:
    """eventwire: political event data from news articles.

    Who did what to whom, when and where, and who said what, each record traceable
    to the sentence it came from.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register()
