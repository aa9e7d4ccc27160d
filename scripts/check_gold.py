#!/usr/bin/env python3
"""Check gold files (``dev/*.gold.jsonl``) and article corpora against the gold format.

Usage::

    python scripts/check_gold.py dev/*.gold.jsonl
    python scripts/check_gold.py --corpus src/eventwire/corpus/articles.jsonl

Checks, per line: valid JSON object; ``id`` (unique) and ``text`` present; ``published``
an ISO date or null; every quote has ``contains`` (an exact substring of ``text``, 15 to
60 characters) or ``span`` (``[start, end)`` inside ``text``), a ``speaker`` (string or
null) and a ``kind`` (direct, indirect, mixed); every event has ``source`` and
``target`` actor codes (target may be null), a two-digit ``root`` (01-20) and/or a
``cameo`` code starting with it, and a ``date`` that is an ISO date at year, month or
day precision, or null; every place is a string found in the title or text; every time
has a ``text`` found in the title or text and a ``value`` that is an ISO date (or ISO
week ``2023-W12``, or a TIMEX3 season, quarter, decade or century: ``2022-SU``, ``200``),
or null. A quote's ``contains`` may come from the title (a quote in a headline).

Exits 1 when any file has a problem (printed one per line as ``FILE:LINE: message``),
0 otherwise. ``check_file`` and ``check_record`` can be imported (tests do).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterator, Optional

QUOTE_KINDS = {"direct", "indirect", "mixed"}
REPORTING = re.compile(
    r"\b(said|says|told|tells|added|adds|stated|declared|noted|warned|wrote|according to|announced)\b", re.I
)
CONTAINS_MIN, CONTAINS_MAX = 15, 60
ROOT_RE = re.compile(r"^(0[1-9]|1[0-9]|20)$")
CAMEO_RE = re.compile(r"^(0[1-9]|1[0-9]|20)\d{0,2}$")
# A country or IGO/NGO code, optionally followed by 3-letter role codes (RUS, RUSGOV,
# UKRMIL, IGOUNO, IGOWSTNAT, IGO); a bare 3-letter code covers country and IGO/NGO.
ACTOR_RE = re.compile(r"^[A-Z]{3}(?:[A-Z]{3})*$")
DATE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
WEEK_RE = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")
# Time values may also use the TIMEX3 forms ISO dates cannot express: season, quarter,
# half year, decade ("201" = the 2010s), century ("19").
TIMEX_RE = re.compile(r"^(?:\d{4}-(?:SP|SU|FA|WI|Q[1-4]|H[12])|\d{3}|\d{2})$")
ANNOTATION_KEYS = ("quotes", "events", "places", "times")
CORPUS_KEYS = ("id", "title", "text", "published", "source", "url")


class Problem(str):
    """One problem, formatted ``FILE:LINE: message``."""


def iso_date(value: Any, *, allow_timex: bool = False) -> bool:
    """True for ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real date."""
    if not isinstance(value, str):
        return False
    if allow_timex and (WEEK_RE.match(value) or TIMEX_RE.match(value)):
        return True
    if not DATE_RE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _in_article(needle: str, rec: dict) -> bool:
    return needle in rec.get("text", "") or needle in (rec.get("title") or "")


def _check_quote(q: Any, text: str, title: str) -> Iterator[str]:
    if not isinstance(q, dict):
        yield "quote is not an object"
        return
    has_contains = "contains" in q
    has_span = "span" in q
    if not has_contains and not has_span:
        yield "quote has neither 'contains' nor 'span'"
    if has_contains:
        c = q["contains"]
        if not isinstance(c, str):
            yield "quote 'contains' is not a string"
        else:
            if not CONTAINS_MIN <= len(c) <= CONTAINS_MAX:
                yield f"quote 'contains' has {len(c)} chars (needs {CONTAINS_MIN}-{CONTAINS_MAX}): {c!r}"
            if c not in text and c not in title:
                yield f"quote 'contains' is not an exact substring of text (or title): {c!r}"
            elif c != c.strip():
                yield f"quote 'contains' starts or ends with whitespace: {c!r}"
    if has_span:
        s = q["span"]
        if not (isinstance(s, list) and len(s) == 2 and all(isinstance(x, int) for x in s)):
            yield f"quote 'span' is not [start, end]: {s!r}"
        elif not 0 <= s[0] < s[1] <= len(text):
            yield f"quote 'span' {s!r} out of range (text has {len(text)} chars)"
    speaker = q.get("speaker")
    if isinstance(q.get("contains"), str) and isinstance(speaker, str) and speaker.split():
        surname = speaker.split()[-1]
        c = q["contains"]
        if re.search(rf"\b{re.escape(surname)}\b", c) and REPORTING.search(c):
            yield f"quote 'contains' holds the attribution (speaker and reporting verb), not only the content: {c!r}"
    if "speaker" not in q:
        yield "quote has no 'speaker' (use null when nobody can be named)"
    elif q["speaker"] is not None and (not isinstance(q["speaker"], str) or not q["speaker"].strip()):
        yield f"quote 'speaker' must be a non-empty string or null: {q['speaker']!r}"
    if q.get("kind") not in QUOTE_KINDS:
        yield f"quote 'kind' must be one of {sorted(QUOTE_KINDS)}: {q.get('kind')!r}"


def _check_event(e: Any, rec: dict) -> Iterator[str]:
    if not isinstance(e, dict):
        yield "event is not an object"
        return
    for key in ("source", "target"):
        if key not in e:
            yield f"event has no '{key}'"
            continue
        val = e[key]
        if val is None and key == "target":
            continue
        if not isinstance(val, str) or not ACTOR_RE.match(val):
            yield f"event '{key}' is not an actor code (ISO alpha-3 + roles, or IGO code): {val!r}"
    root, cameo = e.get("root"), e.get("cameo")
    if root is None and cameo is None:
        yield "event has neither 'root' nor 'cameo'"
    if root is not None and (not isinstance(root, str) or not ROOT_RE.match(root)):
        yield f"event 'root' must be two digits 01-20 (a string): {root!r}"
    if cameo is not None:
        if not isinstance(cameo, str) or not CAMEO_RE.match(cameo):
            yield f"event 'cameo' must be 2-4 digits: {cameo!r}"
        elif isinstance(root, str) and not cameo.startswith(root):
            yield f"event 'cameo' {cameo!r} does not start with root {root!r}"
    if "date" not in e:
        yield "event has no 'date' (use null when the text gives none)"
    elif e["date"] is not None and not iso_date(e["date"]):
        yield f"event 'date' is not an ISO date (YYYY, YYYY-MM, YYYY-MM-DD): {e['date']!r}"
    place = e.get("place")
    if place is not None:
        if not isinstance(place, str):
            yield f"event 'place' must be a string or null: {place!r}"
        elif not _in_article(place, rec):
            yield f"event 'place' not found in text: {place!r}"


def _check_time(t: Any, rec: dict) -> Iterator[str]:
    if not isinstance(t, dict):
        yield "time is not an object"
        return
    tx = t.get("text")
    if not isinstance(tx, str) or not tx:
        yield f"time has no 'text': {t!r}"
    elif not _in_article(tx, rec):
        yield f"time 'text' not found in text: {tx!r}"
    if "value" not in t:
        yield f"time has no 'value' (use null when it cannot be resolved): {tx!r}"
    elif t["value"] is not None and not iso_date(t["value"], allow_timex=True):
        yield f"time 'value' is not an ISO date, ISO week, TIMEX3 season/decade or null: {t['value']!r}"


def check_record(rec: Any, *, corpus: bool = False) -> list[str]:
    """Problems of one parsed line (messages without the file/line prefix)."""
    if not isinstance(rec, dict):
        return ["line is not a JSON object"]
    out: list[str] = []
    if not isinstance(rec.get("id"), str) or not rec.get("id"):
        out.append("missing or empty 'id'")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        out.append("missing or empty 'text'")
        text = ""
    if "title" in rec and rec["title"] is not None and not isinstance(rec["title"], str):
        out.append("'title' must be a string")
    if "published" not in rec:
        out.append("missing 'published' (use null for an article without a date)")
    elif rec["published"] is not None and not (iso_date(rec["published"]) and len(rec["published"]) == 10):
        out.append(f"'published' is not an ISO date YYYY-MM-DD or null: {rec['published']!r}")
    if corpus:
        for key in CORPUS_KEYS:
            if key not in rec:
                out.append(f"corpus record has no '{key}'")
        return out
    if not any(k in rec for k in ANNOTATION_KEYS):
        out.append(f"no annotation list (one of {', '.join(ANNOTATION_KEYS)})")
    for key in ANNOTATION_KEYS:
        if key in rec and not isinstance(rec[key], list):
            out.append(f"'{key}' must be a list")
    for i, q in enumerate(rec.get("quotes") or []):
        out += [f"quotes[{i}]: {m}" for m in _check_quote(q, text, rec.get("title") or "")]
    for i, e in enumerate(rec.get("events") or []):
        out += [f"events[{i}]: {m}" for m in _check_event(e, rec)]
    for i, p in enumerate(rec.get("places") or []):
        if not isinstance(p, str) or not p:
            out.append(f"places[{i}]: not a non-empty string: {p!r}")
        elif not _in_article(p, rec):
            out.append(f"places[{i}]: not found in text: {p!r}")
    for i, t in enumerate(rec.get("times") or []):
        out += [f"times[{i}]: {m}" for m in _check_time(t, rec)]
    return out


def check_file(path: str | Path, *, corpus: bool = False) -> list[Problem]:
    """Every problem of one gold (or corpus) file, as ``FILE:LINE: message``."""
    path = Path(path)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(f"{path}:0: cannot read: {exc}")]
    n_records = 0
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        n_records += 1
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(f"{path}:{n}: invalid JSON: {exc}"))
            continue
        msgs = check_record(rec, corpus=corpus)
        ident = rec.get("id") if isinstance(rec, dict) else None
        if isinstance(ident, str):
            if ident in seen:
                msgs.append(f"duplicate id {ident!r} (first on line {seen[ident]})")
            seen.setdefault(ident, n)
        problems += [Problem(f"{path}:{n}: {m}") for m in msgs]
    if n_records == 0:
        problems.append(Problem(f"{path}:0: no records"))
    return problems


def counts(path: str | Path) -> dict[str, int]:
    """Number of articles and of gold items per part, for reports."""
    out = {"articles": 0, "quotes": 0, "events": 0, "places": 0, "times": 0}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(rec, dict):
            continue
        out["articles"] += 1
        for key in ANNOTATION_KEYS:
            if isinstance(rec.get(key), list):
                out[key] += len(rec[key])
    return out


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="gold JSONL files")
    parser.add_argument("--corpus", action="store_true", help="check article files (no annotations)")
    parser.add_argument("--counts", action="store_true", help="print item counts per file")
    args = parser.parse_args(argv)
    failed = False
    for f in args.files:
        problems = check_file(f, corpus=args.corpus)
        for p in problems:
            print(p)
        failed = failed or bool(problems)
        if args.counts:
            c = counts(f)
            print(f"{f}: " + ", ".join(f"{k}={v}" for k, v in c.items()))
        elif not problems:
            print(f"{f}: OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
