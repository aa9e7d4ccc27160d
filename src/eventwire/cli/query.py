"""``eventwire events | quotes | ties | report``: reading a store.

Each command is one call into :mod:`eventwire.store.queries`; ``--json`` prints its
result as is, otherwise a readable table.
"""

from __future__ import annotations

import json

import click

from ..errors import StoreError
from ..store import open_store, queries

QUAD_SHORT = {"1": "VCoop", "2": "MCoop", "3": "VConf", "4": "MConf"}


def db_option(f):
    return click.option(
        "--db",
        "db",
        required=True,
        envvar="EVENTWIRE_DB",
        metavar="FILE|URL",
        help="Store: a SQLite file or a postgresql:// URL (env EVENTWIRE_DB).",
    )(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(f)


def _check_date(ctx, param, value):
    if value is None:
        return None
    try:
        queries.period_bounds(value, None)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def date_range_options(f):
    f = click.option("--until", callback=_check_date, metavar="DATE", help="Up to this date (YYYY[-MM[-DD]]), inclusive.")(f)
    return click.option("--since", callback=_check_date, metavar="DATE", help="From this date (YYYY[-MM[-DD]]).")(f)


def flag_options(f):
    f = click.option("--include-hypothetical", is_flag=True, help="Count hypothetical events too.")(f)
    return click.option("--include-negated", is_flag=True, help="Count negated events too.")(f)


def page_options(f):
    f = click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Skip this many results.")(f)
    return click.option(
        "--limit", default=50, show_default=True, type=click.IntRange(0, queries.MAX_LIMIT), help="At most this many results."
    )(f)


def _open(db):
    try:
        try:
            return open_store(db, readonly=True)
        except StoreError as exc:
            if exc.code != "E206":
                raise
            return open_store(db)  # written by an older eventwire: migrate it first
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _console():
    import sys

    from rich.console import Console

    # Piped output gets a wide page rather than rich's default of 80 columns.
    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def _table(title: str, columns: list[tuple[str, dict]]):
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for name, opts in columns:
        table.add_column(name, **opts)
    return table


def _clip(text: str, n: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _fmt_g(value) -> str:
    return "" if value is None else f"{value:+.1f}"


# --- events --------------------------------------------------------------------


@click.command()
@db_option
@click.option("--actor", help="Source or target: a code (RUS, RUSGOV, IGOWSTNAT) or a name (Putin).")
@click.option("--dyad", nargs=2, metavar="SOURCE TARGET", help="Source and target (codes or names).")
@click.option("--either-direction", is_flag=True, help="With --dyad: also TARGET -> SOURCE.")
@click.option("--root", "roots", multiple=True, metavar="NN", help="CAMEO root (repeatable).")
@date_range_options
@flag_options
@click.option("--mentions", is_flag=True, help="Every mention instead of one row per event.")
@page_options
@json_option
def events(db, actor, dyad, either_direction, roots, since, until, include_negated, include_hypothetical,
           mentions, limit, offset, as_json):
    """List events, latest first: one row per real-world event (its mentions in
    several sentences and articles merged), with the sentence behind it.

    Negated and hypothetical events are left out unless asked for.
    """
    filters = queries.EventFilter(
        actor=actor, dyad=tuple(dyad) if dyad else None, either_direction=either_direction, roots=tuple(roots),
        since=since, until=until, include_negated=include_negated, include_hypothetical=include_hypothetical,
    )
    with _open(db) as store:
        page = queries.list_events(store, filters, limit=limit, offset=offset, mentions=mentions)
    if as_json:
        _print_json(page.to_dict())
        return
    table = _table(
        f"{page.total} {'mentions' if mentions else 'events'}"
        + (f" (showing {offset + 1}-{offset + len(page.items)})" if page.items else ""),
        [("date", {"no_wrap": True}), ("source → target", {"no_wrap": True}), ("cameo", {"no_wrap": True}),
         ("gold", {"justify": "right"}), ("place", {}), ("art/ment", {"justify": "right", "no_wrap": True}),
         ("article", {"overflow": "fold"}), ("sentence", {"ratio": 1})],
    )
    for e in page.items:
        flags = ("negated " if e["negated"] else "") + (e["modality"] if e["modality"] != "asserted" else "")
        target = e["target"]["code"] if e["target"] else "-"
        table.add_row(
            e["date"] or e["day"] or "?",
            f"{e['source']['code']} → {target}",
            f"{e['cameo']} {e['plover'] or ''}".strip() + (f" ({flags.strip()})" if flags.strip() else ""),
            _fmt_g(e["goldstein"]),
            (e["place"] or {}).get("name") or "",
            f"{e['num_articles']}/{e['num_mentions']}",
            str(e["article"]["id"]),
            _clip(e["sentence"]),
        )
    _console().print(table)


# --- quotes --------------------------------------------------------------------


@click.command()
@db_option
@click.option("--speaker", help="Speaker name: full name, surname, any case (\"Putin\", \"vladimir putin\").")
@click.option("--search", help="Full-text search in the quoted words.")
@date_range_options
@click.option("--include-duplicates", is_flag=True, help="Keep quotes repeated by near-duplicate articles.")
@page_options
@json_option
def quotes(db, speaker, search, since, until, include_duplicates, limit, offset, as_json):
    """List quotes with their speakers, latest first (best match first with --search)."""
    with _open(db) as store:
        page = queries.list_quotes(
            store, speaker=speaker, search=search, since=since, until=until,
            include_duplicates=include_duplicates, limit=limit, offset=offset,
        )
    if as_json:
        _print_json(page.to_dict())
        return
    table = _table(
        f"{page.total} quotes", [("published", {"no_wrap": True}), ("speaker", {}), ("kind", {}),
                                 ("quote", {"ratio": 1}), ("article", {})],
    )
    for q in page.items:
        who = q["speaker"]["name"] if q["speaker"] else "?"
        table.add_row(q["article"]["published"] or "", who, q["kind"], "“" + _clip(q["text"], 300) + "”", str(q["article"]["id"]))
    _console().print(table)


# --- ties ----------------------------------------------------------------------


@click.command()
@click.argument("a")
@click.argument("b")
@db_option
@click.option("--period", type=click.Choice(["week", "month"]), default="week", show_default=True)
@date_range_options
@flag_options
@click.option("--top", default=3, show_default=True, type=click.IntRange(0), help="Top events per period.")
@json_option
def ties(a, b, db, period, since, until, include_negated, include_hypothetical, top, as_json):
    """The relation between actors A and B (codes or names, either direction) over
    time: events per QuadClass and mean Goldstein per period, and the top events
    behind each figure with their sentences and article ids."""
    with _open(db) as store:
        data = queries.ties(
            store, a, b, period=period, since=since, until=until, include_negated=include_negated,
            include_hypothetical=include_hypothetical, top=top,
        )
    if as_json:
        _print_json(data)
        return
    console = _console()
    table = _table(
        f"{a} ↔ {b}: {data['events']} events, mean Goldstein {_fmt_g(data['goldstein_mean'])}",
        [(period, {"no_wrap": True}), ("events", {"justify": "right"})]
        + [(QUAD_SHORT[q], {"justify": "right"}) for q in QUAD_SHORT]
        + [("mean gold", {"justify": "right"}), (f"{a}→{b}", {"justify": "right"}), (f"{b}→{a}", {"justify": "right"})],
    )
    periods = data["series"] + ([dict(data["undated"], start="undated")] if data["undated"] else [])
    for s in periods:
        table.add_row(s["start"], str(s["events"]), *[str(s["quad_classes"][q]) for q in QUAD_SHORT],
                      _fmt_g(s["goldstein_mean"]), str(s["a_to_b"]), str(s["b_to_a"]))
    console.print(table)
    if top and periods:
        tops = _table("Top events", [(period, {"no_wrap": True}), ("event", {}), ("cameo", {}), ("gold", {"justify": "right"}),
                                     ("articles", {"justify": "right"}), ("sentence (article)", {"ratio": 1})])
        for s in periods:
            for e in s["top"]:
                m = e["mentions"][0]
                tops.add_row(s["start"], f"#{e['cluster']} {e['source']}→{e['target']}", e["cameo"], _fmt_g(e["goldstein"]),
                             str(e["num_articles"]), f"{_clip(m['sentence'])} ({m['article_id']})")
        console.print(tops)


# --- report --------------------------------------------------------------------


@click.command()
@db_option
@click.option("--relations", default=10, show_default=True, type=click.IntRange(0), help="How many relations.")
@click.option("--quotes", "n_quotes", default=10, show_default=True, type=click.IntRange(0), help="How many quotes.")
@date_range_options
@json_option
def report(db, relations, n_quotes, since, until, as_json):
    """Summary of a store: the most active relations (events, mean Goldstein) and the latest quotes."""
    with _open(db) as store:
        data = queries.report(store, relations=relations, quotes=n_quotes, since=since, until=until)
    if as_json:
        _print_json(data)
        return
    console = _console()
    t = data["totals"]
    console.print(
        f"{t['articles']} articles ({t['near_duplicates']} near-duplicates), {t['events']} events "
        f"from {t['event_mentions']} mentions, {t['quotes']} quotes; published {t['first_published'] or '?'} "
        f"to {t['last_published'] or '?'}"
    )
    table = _table("Most active relations", [("relation", {}), ("events", {"justify": "right"}),
                                             ("mean gold", {"justify": "right"})]
                   + [(QUAD_SHORT[q], {"justify": "right"}) for q in QUAD_SHORT])
    for r in data["relations"]:
        table.add_row(f"{r['a']} ↔ {r['b']}", str(r["events"]), _fmt_g(r["goldstein_mean"]),
                      *[str(r["quad_classes"][q]) for q in QUAD_SHORT])
    console.print(table)
    qt = _table("Latest quotes", [("published", {"no_wrap": True}), ("speaker", {}), ("quote", {"ratio": 1})])
    for q in data["quotes"]:
        qt.add_row(q["article"]["published"] or "", q["speaker"]["name"] if q["speaker"] else "?", "“" + _clip(q["text"], 200) + "”")
    console.print(qt)


# --- article -------------------------------------------------------------------


@click.command()
@click.argument("ref")
@db_option
@json_option
def article(ref, db, as_json):
    """Show one stored article with all its records. REF is the article id shown by
    the other commands, its store key (pk) or its content hash."""
    from .analyze import render_table

    with _open(db) as store:
        record = queries.get_article(store, ref)
    if record is None:
        raise click.ClickException(f"no article {ref!r} in {db}")
    if as_json:
        _print_json(record)
        return
    lines = [render_table(record)]
    urls = ", ".join(record["urls"]) or "-"
    lines.append(f"store:   pk {record['pk']}, source {record['source'] or '-'}, urls {urls}")
    if record["duplicate_of"]:
        lines.append(f"         near-duplicate of pk {record['duplicate_of']} (similarity {record['similarity']:.2f})")
    if record["near_duplicates"]:
        lines.append(f"         near-duplicates: pk {', '.join(map(str, record['near_duplicates']))}")
    click.echo("\n".join(lines))


COMMANDS = [events, quotes, ties, report, article]
