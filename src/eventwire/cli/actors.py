"""``eventwire dictionary``: check, look up and import actor dictionaries."""

from __future__ import annotations

import datetime as dt
import sys

import click
import yaml

from ..dictionaries import (
    DictionaryError,
    import_petrarch_actors,
    import_petrarch_agents,
    import_petrarch_verbs,
    load_dictionaries,
    norm_key,
)


@click.group()
def dictionary() -> None:
    """Actor dictionaries: check user files, look phrases up, import PETRARCH files."""


@dictionary.command("import-petrarch")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--kind", type=click.Choice(["actors", "agents", "verbs"]), required=True,
              help="actors -> actor YAML; agents -> role-noun YAML; verbs -> verb-lexicon YAML.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default="-",
              show_default=True, help="Where to write the YAML.")
def import_petrarch(path: str, kind: str, output: str) -> None:
    """Convert a PETRARCH dictionary file to eventwire YAML (see docs/dictionaries.md)."""
    with click.open_file(path, encoding="utf-8", errors="replace") as fh:
        lines = fh.readlines()
    skipped: list[str] = []
    if kind == "actors":
        data = import_petrarch_actors(lines)
        count = len(data["actors"])
    elif kind == "agents":
        data = import_petrarch_agents(lines)
        count = len(data["roles"])
    else:
        data, skipped = import_petrarch_verbs(lines)
        count = sum(len(v) for v in data["codes"].values())
    header = f"# Imported from PETRARCH {kind} dictionary {path} by `eventwire dictionary import-petrarch`.\n"
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    with click.open_file(output, "w", encoding="utf-8") as fh:
        fh.write(text)
    click.echo(f"{count} {kind} entries written to {output}", err=True)
    if skipped:
        click.echo(f"{len(skipped)} patterns not expressible in eventwire's verb lexicon were skipped", err=True)


@dictionary.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def check(paths: tuple[str, ...]) -> None:
    """Load the shipped dictionaries plus PATHS and report their size (or the error)."""
    try:
        d = load_dictionaries(paths)
    except DictionaryError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{len(d.phrases)} phrases, {len(d.roles)} role nouns, {len(d.people)} people")
    for source in d.sources:
        click.echo(f"  from {source}")


@dictionary.command("lookup")
@click.argument("phrase")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Date for office-holders' terms (default: today).")
@click.option("-d", "--dictionary", "paths", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra user dictionary (repeatable).")
def lookup(phrase: str, day: str | None, paths: tuple[str, ...]) -> None:
    """What a phrase names: "Kremlin", "Russian", "Putin", "foreign minister"."""
    d = load_dictionaries(paths)
    on = dt.date.fromisoformat(day) if day else None
    key = norm_key(phrase)
    key = key[3:] if key.startswith("the") and key[3:] in d.phrases else key
    found = False
    if key in d.phrases:
        e = d.phrases[key]
        found = True
        if e.person is not None:
            t = e.person.term(on)
            code = t.code if t else (e.person.code or "")
            office = f", {t.office}" if t else ""
            click.echo(f"person: {e.person.name} -> {code}{office}")
        else:
            click.echo(f"{e.kind} ({e.form}): {e.name} -> {e.code}")
    if key in d.roles:
        r = d.roles[key]
        found = True
        click.echo(f"role noun: {r.phrase} -> sector {r.sector}, {r.kind}" + (f", office {r.office}" if r.office else ""))
    if not found:
        click.echo(f"not in the dictionaries: {phrase}", err=True)
        sys.exit(1)


COMMANDS = [dictionary]
