"""Times: time expressions normalised against the publication date.

Sets ``doc._.times`` (list of :class:`~eventwire.models.TimeExpr`, doc offsets, in text
order) and ``doc._.dateline`` ("MOSCOW, Dec 15 (AP) —": its span, date and agency; the
places stage fills its place).

Expressions are found by patterns over the text (explicit dates in the common forms,
months, weekdays, seasons, years, decades, holidays, "last month", "next week",
"overnight", "two days earlier", "the previous day", "earlier in the day", "eight days
after <event>") and normalised against the reference date:
the publication date, else a dateline date that carries a year. Values are ISO at the
precision the text gives: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``; beyond the contract,
weeks are ``YYYY-Www`` (ISO week), seasons ``YYYY-SP|SU|FA|WI`` and decades ``199``
(TimeML conventions; :func:`time_for` maps them back to contract precision).

Which occurrence a weekday, a month or a year-less date means follows the tense of the
verb that governs it: "met on Wednesday" is the latest Wednesday not after
publication, "will meet on Wednesday" the first one from publication on (a report
published on a Wednesday means that day), "plans to meet in February" (in a December
article) next February; a present-tense schedule ("troops leave by September", "the
meeting on Friday is expected to last") counts as future. Without a reference date relative
expressions keep ``value=None`` rather than a guess; so does "eight days after <event>"
when the event carries no date in the text.

Limits: times of day are not normalised; durations ("for three years") are not
time points and are left out; English month and weekday names only; "on the 7th" is
not read. dateparser is not used: these patterns cover the forms wire copy uses, and
it guesses on free text.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import logging
import re
from functools import lru_cache
from typing import Callable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Token

from . import docext
from .lexicon import load_yaml
from .models import TimeExpr

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# Word lists and patterns


@dataclasses.dataclass(frozen=True)
class TimeRules:
    months: dict
    weekdays: tuple
    seasons: dict
    holidays: dict
    numbers: dict
    month_cues: frozenset
    year_cues: frozenset
    span_prepositions: frozenset
    future_aux: frozenset
    future_adj: frozenset
    patterns: tuple


def _cue_words(words) -> Optional[tuple]:
    """Lower-case cue words, or None (always run the pattern) when there are none or
    one is not plain ASCII (the folding in :func:`pattern_matches` covers ASCII only)."""
    if not words:
        return None
    folded = tuple(sorted({str(w).lower() for w in words}))
    return folded if all(w.isascii() for w in folded) else None


@lru_cache(maxsize=1)
def time_rules() -> TimeRules:
    data = load_yaml("times.yaml")
    months = dict(data["months"])
    weekdays = tuple(data["weekdays"])
    numbers = dict(data["numbers"])
    full = [m for m in months if len(m) > 3 or m == "May"]
    abbrev = [m for m in months if m not in full]
    mon = ("(?P<mon>" + "|".join(sorted(full, key=len, reverse=True)) + r"\b|(?:"
           + "|".join(sorted(abbrev, key=len, reverse=True)) + r")\b\.?)")
    wd = "(?P<wd>" + "|".join(weekdays) + ")"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
    year = r"(?P<year>1[89]\d\d|20\d\d)(?![\d%])"
    num = r"(?P<num>\d{1,3}|" + "|".join(sorted(numbers, key=len, reverse=True)) + ")"
    unit = r"(?P<unit>day|week|month|year|decade)s?"
    seasons = "|".join(data["seasons"])
    holidays = "|".join(re.escape(h) for h in sorted(data["holidays"], key=len, reverse=True))
    i = "(?i:"
    patterns = (
        ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<m>\d\d)-(?P<day>\d\d)\b")),
        ("numeric", re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})\b")),
        ("mdy", re.compile(r"\b(?:" + wd + r",?\s+)?" + mon + r"\s+" + day + r"(?:,?\s+" + year + ")?")),
        ("dmy", re.compile(r"\b(?:" + wd + r",?\s+)?(?:the\s+)?" + day + r"\s+(?:of\s+)?" + mon + r"(?:,?\s+" + year + ")?")),
        ("month", re.compile(r"\b(?:" + i + r"(?P<mod>early|mid|late|the end of|end of|the beginning of|the start of)[\s-]+))?"
                             r"(?:" + i + r"(?P<rel>last|next|this)\s+))?" + mon + r"(?:,?\s+(?:of\s+)?" + year
                             + "|" + r"\s+(?:of\s+)?" + i + r"(?P<relyear>last|next|this)\s+year))?")),
        ("weekday", re.compile(r"\b(?:" + i + r"(?P<rel>last|next|this|coming)\s+))?" + wd
                               + r"(?:'s)?(?:\s+(?P<part>morning|afternoon|evening|night))?\b")),
        ("relunit", re.compile(r"\b" + i + r"(?:(?P<mod>earlier|later|early|late|mid|the end of|end of|the beginning of"
                               r"|the start of|the middle of)[\s-]+)?(?P<rel>last|next|this|the)\s+"
                               r"(?P<unit>week|weekend|month|year))\b")),
        ("deictic", re.compile(r"\b" + i + r"(?P<word>yesterday|today|tonight|tomorrow|overnight))\b")),
        ("offset", re.compile(r"\b" + i + num + r"\s+" + unit + r"\s+(?P<dir>ago|earlier|later|before|after|previously))\b")),
        ("dayrel", re.compile(r"\b" + i + r"the\s+(?P<which>previous|following|next)\s+(?P<unit>day|week|month|year))\b")),
        ("sameday", re.compile(r"\b" + i + r"(?:(?:earlier|later)\s+(?:in|on|during)\s+the\s+day|later\s+that\s+day"
                               r"|the\s+same\s+day))\b")),
        ("decade", re.compile(r"\b" + i + r"(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]+)?)"
                              r"(?:(?P<dec>1[89]\d0|20\d0)s|'(?P<short>\d0)s)\b")),
        ("season", re.compile(r"\b" + i + r"(?:(?P<mod>early|late)\s+)?(?P<rel>last|next|this|the)\s+)?"
                              r"(?P<season>" + seasons + r")\b(?:\s+(?:of\s+)?" + year + ")?")),
        ("holiday", re.compile(r"\b(?P<holiday>" + holidays + r")\b")),
        ("year", re.compile(r"(?<![\d$£€.,/-])\b(?:" + i + r"(?P<mod>early|mid|late)[\s-]+))?" + year + r"(?!-\d|,\d|\.\d)\b")),
    )
    # Words one of which every match of a pattern contains (see pattern_matches).
    cues = {
        "mdy": months, "dmy": months, "month": months, "weekday": weekdays,
        "relunit": ("week", "month", "year"),
        "deictic": ("yesterday", "today", "tonight", "tomorrow", "overnight"),
        "offset": ("ago", "earlier", "later", "before", "after", "previously"),
        "dayrel": ("previous", "following", "next"),
        "sameday": ("day",),
        "decade": ("0s",),
        "season": data["seasons"],
        "holiday": data["holidays"],
    }
    patterns = tuple((kind, pattern, _cue_words(cues.get(kind))) for kind, pattern in patterns)
    return TimeRules(
        months=months,
        weekdays=weekdays,
        seasons=dict(data["seasons"]),
        holidays=dict(data["holidays"]),
        numbers=numbers,
        month_cues=frozenset(data["month_cues"]),
        year_cues=frozenset(data["year_cues"]),
        span_prepositions=frozenset(data["span_prepositions"]),
        future_aux=frozenset(data["future_auxiliaries"]),
        future_adj=frozenset(data["future_adjectives"]),
        patterns=patterns,
    )


# ---------------------------------------------------------------------------
# Datelines

_DATELINE = re.compile(
    r"""^[ \t]*
    (?P<place>[A-Z][A-Z.'\-]*(?:[ /][A-Z][A-Z.'\-]*)*)          # MOSCOW, NEW DELHI, BEIJING/TAIPEI
    (?:,[ \t]*(?P<where>[A-Z][a-z]+\.?(?:[ \t][A-Z][a-z]+\.?)?(?=[ \t]*[,(\-\u2013\u2014])))?   # AP: ", Ukraine"
    (?:,[ \t]*(?P<date>[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}(?:,[ \t]*\d{4})?))?
    [ \t]*(?:\((?P<agency>[A-Za-z][\w .&'\-]{0,30})\))?
    [ \t]*(?P<dash>-{1,2}|\u2013|\u2014)[ \t]*""",
    re.VERBOSE,
)


@dataclasses.dataclass(frozen=True)
class DatelineMatch:
    span: tuple[int, int]
    places: tuple[tuple[str, int, int], ...]
    date: Optional[tuple[str, int, int]]
    agency: Optional[str]


def find_dateline(doc: Doc, text: Optional[str] = None) -> Optional[DatelineMatch]:
    """The dateline at the start of the body ("KYIV, March 14 (Reuters) - "), doc offsets.

    ``text``: ``doc.text`` if the caller has it (spaCy rebuilds it on each access).
    """
    if doc._.body_offset:
        return None
    start = doc._.body_start
    head = (text if text is not None else doc.text)[start : start + 160]
    m = _DATELINE.match(head)
    if m is None or len(m.group("place")) < 2:
        return None
    if not (m.group("agency") or m.group("date") or m.group("where")) and len(m.group("place")) < 4:
        return None
    places = []
    pos = m.start("place")
    for piece in m.group("place").split("/"):
        off = head.index(piece, pos)
        text = piece.strip()
        if text:
            places.append((text, start + off, start + off + len(piece.rstrip())))
        pos = off + len(piece)
    date = None
    if m.group("date"):
        date = (m.group("date"), start + m.start("date"), start + m.end("date"))
    return DatelineMatch((start + m.start("place"), start + m.end("dash")), tuple(places), date, m.group("agency"))


# ---------------------------------------------------------------------------
# Dates and precision


def _week(d: dt.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _month_add(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _safe_date(y: int, m: int, d: int) -> Optional[dt.date]:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def precision(value: Optional[str]) -> Optional[str]:
    """'day', 'week', 'month', 'season', 'year' or 'decade' of a normalised value."""
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return "day"
    if re.fullmatch(r"\d{4}-W\d\d(-WE)?", value):
        return "week"
    if re.fullmatch(r"\d{4}-\d\d", value):
        return "month"
    if re.fullmatch(r"\d{4}-(SP|SU|FA|WI)", value):
        return "season"
    if re.fullmatch(r"\d{4}", value):
        return "year"
    if re.fullmatch(r"\d{3}", value):
        return "decade"
    return None


def contract_value(value: Optional[str]) -> Optional[str]:
    """A value at contract precision (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) or None."""
    kind = precision(value)
    if kind in ("day", "month", "year"):
        return value
    if kind == "week":  # the month (or year) the whole week lies in
        year, week = int(value[:4]), int(value[6:8])
        monday, sunday = dt.date.fromisocalendar(year, week, 1), dt.date.fromisocalendar(year, week, 7)
        if (monday.year, monday.month) == (sunday.year, sunday.month):
            return f"{monday.year}-{monday.month:02d}"
        return str(monday.year) if monday.year == sunday.year else None
    if kind == "season":
        return value[:4]
    return None


# ---------------------------------------------------------------------------
# Tense of the governing verb


# A verb in these roles is an auxiliary or a noun mis-tagged as a verb ("at the crossing").
_NOT_CLAUSE_HEADS = frozenset({"aux", "auxpass", "pobj", "dobj", "nsubj", "nsubjpass", "compound", "amod", "attr",
                               "appos", "npadvmod", "poss"})


def governing_verb(token: Token) -> Optional[Token]:
    """The nearest verb (or auxiliary heading a clause) above ``token``."""
    t = token
    for _ in range(20):
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in _NOT_CLAUSE_HEADS:
            return t
        if t.head.i == t.i:
            return t if t.pos_ in ("VERB", "AUX") else None
        t = t.head
    return None


def tense(token: Token, rules: TimeRules) -> Optional[str]:
    """'future', 'past', 'present' or None for the clause ``token`` belongs to."""
    verb = governing_verb(token)
    if verb is None:
        return None
    for _ in range(4):
        children = list(verb.children)
        auxes = [c for c in children if c.dep_ in ("aux", "auxpass")]
        if any(a.lower_ in rules.future_aux for a in auxes):
            return "future"
        if any(c.lower_ in rules.future_adj and c.dep_ in ("acomp", "xcomp", "attr") for c in children):
            return "future"
        if verb.tag_ == "VB" and any(a.lower_ == "to" for a in auxes):
            return "future"
        if verb.lower_ in rules.future_adj and any(c.dep_ == "xcomp" for c in children):
            return "future"  # "is expected to last", "is due to meet"
        if verb.tag_ == "VB" and verb.dep_ in ("xcomp", "ccomp", "conj") and verb.head.i != verb.i:
            verb = verb.head  # "will meet and sign": the first verb carries the auxiliary
            continue
        break
    aux_words = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux_words & {"has", "have", "had", "'ve", "was", "were"}:
        return "past"  # perfect ("have been fighting since October") or past passive
    if verb.tag_ == "VBN" and aux_words & {"is", "are", "am", "'s", "'re"}:
        return "present"
    if verb.tag_ in ("VBD", "VBN"):
        return "past"
    if verb.tag_ in ("VBZ", "VBP", "VBG"):
        return "present"
    return None


# ---------------------------------------------------------------------------
# Normalisation


@dataclasses.dataclass
class _Cand:
    start: int
    end: int
    kind: str
    groups: dict
    value: Optional[str] = None
    keep: bool = True
    anchor: Optional["_Cand"] = None


class _Normaliser:
    def __init__(self, doc: Doc, ref: Optional[dt.date], rules: TimeRules, text: Optional[str] = None):
        self.doc = doc
        self.text = text if text is not None else doc.text
        self.ref = ref
        self.rules = rules

    def tense_at(self, c: _Cand) -> Optional[str]:
        span = self.doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        # "said on Thursday it would ...": a verb right before the expression governs it,
        # whatever the parser attached it to.
        i = span.start - 1
        if i >= 0 and self.doc[i].lower_ in self.rules.span_prepositions:
            i -= 1
        if i >= 0 and self.doc[i].pos_ == "VERB" and self.doc[i].tag_ in ("VBD", "VBZ", "VBP", "VBN"):
            when = tense(self.doc[i], self.rules)
        else:
            when = tense(span.root, self.rules)
        if when == "present" and self.doc.has_annotation("SENT_START") and self._future_cue(span.sent):
            return "future"  # "The Geneva meeting on Wednesday is expected to last five hours"
        return when

    def _future_cue(self, sent) -> bool:
        words = [t.lower_ for t in sent]
        for n, w in enumerate(words):
            if w in ("will", "shall", "'ll"):
                return True
            if w in self.rules.future_adj and n + 1 < len(words) and words[n + 1] == "to":
                return True
        return False

    # -- helpers --------------------------------------------------------------
    def month_no(self, name: str) -> int:
        return self.rules.months[name.rstrip(".")]

    def pick_year(self, month: int, day: Optional[int], when: Optional[str], wd: Optional[str] = None) -> Optional[int]:
        """The year of a year-less date: by weekday if given, else by tense around the reference."""
        ref = self.ref
        if ref is None:
            return None
        if day is None:
            if when in ("future", "present"):  # "troops leave by September": a schedule
                return ref.year if month >= ref.month else ref.year + 1
            return ref.year if month <= ref.month else ref.year - 1
        options = [d for d in (_safe_date(y, month, day) for y in (ref.year - 1, ref.year, ref.year + 1)) if d]
        if wd:
            named = [d for d in options if calendar.day_name[d.weekday()] == wd]
            if len(named) == 1:
                return named[0].year
        if when == "past":
            past = [d for d in options if d <= ref]
            if past:
                return max(past).year
        if when == "future":
            fut = [d for d in options if d >= ref]
            if fut:
                return min(fut).year
        return min(options, key=lambda d: abs((d - ref).days)).year if options else None

    # -- handlers -------------------------------------------------------------
    def iso(self, c: _Cand) -> None:
        d = _safe_date(int(c.groups["year"]), int(c.groups["m"]), int(c.groups["day"]))
        c.value = d.isoformat() if d else None
        c.keep = d is not None

    def numeric(self, c: _Cand) -> None:
        a, b, y = int(c.groups["a"]), int(c.groups["b"]), int(c.groups["year"])
        d = _safe_date(y, a, b) if a <= 12 else _safe_date(y, b, a)  # US order unless impossible
        c.value = d.isoformat() if d else None
        c.keep = d is not None

    def mdy(self, c: _Cand) -> None:
        month = self.month_no(c.groups["mon"])
        day = int(c.groups["day"])
        if not 1 <= day <= 31:
            c.keep = False
            return
        if c.groups.get("year"):
            year = int(c.groups["year"])
        else:
            year = self.pick_year(month, day, self.tense_at(c), c.groups.get("wd"))
        d = _safe_date(year, month, day) if year else None
        c.value = d.isoformat() if d else None
        if year and d is None:
            c.keep = False

    dmy = mdy

    def month(self, c: _Cand) -> None:
        g = c.groups
        name = g["mon"]
        month = self.month_no(name)
        if g.get("year"):
            c.value = f"{int(g['year'])}-{month:02d}"
            return
        if g.get("relyear"):  # "September last year"
            if self.ref is not None:
                step = {"last": -1, "next": 1}.get(g["relyear"].lower(), 0)
                c.value = f"{self.ref.year + step}-{month:02d}"
            return
        if not g.get("mod") and not g.get("rel"):
            before = self.text[max(0, c.start - 20) : c.start].split()
            prev = before[-1].lower().rstrip(",") if before else ""
            after = self.text[c.end : c.end + 2]
            if prev not in self.rules.month_cues and after != "'s":
                c.keep = False
                return
        rel = (g.get("rel") or "").lower()
        ref = self.ref
        if ref is None:
            return
        if rel == "last":
            year = ref.year if month < ref.month else ref.year - 1
        elif rel == "next":
            year = ref.year if month > ref.month else ref.year + 1
        elif rel == "this":
            year = ref.year
        else:
            year = self.pick_year(month, None, self.tense_at(c))
        c.value = f"{year}-{month:02d}"

    def weekday(self, c: _Cand) -> None:
        ref = self.ref
        if ref is None:
            return
        target = self.rules.weekdays.index(c.groups["wd"])
        rel = (c.groups.get("rel") or "").lower()
        back = (ref.weekday() - target) % 7
        # "will meet on Sunday" in a Sunday report is that day; "next Sunday" is not.
        ahead = (target - ref.weekday()) % 7
        strictly_ahead = ahead or 7
        if rel == "last":
            d = ref - dt.timedelta(days=back or 7)
        elif rel in ("next", "coming"):
            d = ref + dt.timedelta(days=strictly_ahead)
        elif rel == "this":
            d = ref + dt.timedelta(days=ahead) if self.tense_at(c) == "future" else ref - dt.timedelta(days=back)
        elif self.tense_at(c) == "future":
            d = ref + dt.timedelta(days=ahead)
        else:
            d = ref - dt.timedelta(days=back)
        c.value = d.isoformat()

    def relunit(self, c: _Cand) -> None:
        g = {k: (v or "").lower() for k, v in c.groups.items()}
        bounds = ("the end", "end", "the beginning", "the start", "the middle")
        if g["rel"] == "the" and not g["mod"].startswith(bounds):
            c.keep = False
            return
        ref = self.ref
        if ref is None:
            return
        step = {"last": -1, "next": 1}.get(g["rel"], 0)
        unit = g["unit"]
        if unit in ("week", "weekend"):
            value = _week(ref + dt.timedelta(weeks=step))
            c.value = value + ("-WE" if unit == "weekend" else "")
        elif unit == "month":
            y, m = _month_add(ref.year, ref.month, step)
            c.value = f"{y}-{m:02d}"
        else:
            c.value = str(ref.year + step)

    def deictic(self, c: _Cand) -> None:
        if self.ref is None:
            return
        shift = {"yesterday": -1, "today": 0, "tonight": 0, "overnight": 0, "tomorrow": 1}[c.groups["word"].lower()]
        c.value = (self.ref + dt.timedelta(days=shift)).isoformat()

    def _count(self, c: _Cand) -> Optional[int]:
        num = c.groups["num"].lower()
        return int(num) if num.isdigit() else self.rules.numbers.get(num)

    def offset(self, c: _Cand, previous: Callable[[str], Optional[str]]) -> None:
        g = c.groups
        n = self._count(c)
        unit = g["unit"].lower()
        direction = g["dir"].lower()
        if n is None or unit == "decade":
            c.keep = False
            return
        if direction in ("before", "after"):
            base = c.anchor.value if c.anchor is not None else None
            sign = 1 if direction == "after" else -1
        elif direction == "ago":
            base = self.ref.isoformat() if self.ref else None
            sign = -1
        else:  # earlier / later / previously: from the last date the text gave
            base = previous(unit)
            sign = 1 if direction == "later" else -1
        c.value = shift(base, n * sign, unit)

    def dayrel(self, c: _Cand, previous: Callable[[str], Optional[str]]) -> None:
        sign = -1 if c.groups["which"].lower() == "previous" else 1
        unit = c.groups["unit"].lower()
        c.value = shift(previous(unit), sign, unit)

    def sameday(self, c: _Cand, previous: Callable[[str], Optional[str]]) -> None:
        c.value = previous("day", or_reference=True)

    def decade(self, c: _Cand) -> None:
        g = c.groups
        if g.get("dec"):
            c.value = g["dec"][:3]
        else:
            short = int(g["short"])
            c.value = ("19" if short >= 30 else "20") + g["short"][0]

    def season(self, c: _Cand) -> None:
        g = c.groups
        name = g["season"].lower()
        rel = (g.get("rel") or "").lower()
        if not rel and not g.get("year"):
            before = self.text[max(0, c.start - 12) : c.start].split()
            if not before or before[-1].lower() not in ("in", "since", "by", "until", "during", "through", "of"):
                c.keep = False
                return
        if name == "fall" and not rel and not g.get("year"):
            c.keep = False
            return
        info = self.rules.seasons[name]
        if g.get("year"):
            c.value = f"{int(g['year'])}-{info['code']}"
            return
        ref = self.ref
        if ref is None:
            return
        # The season the reference date is in, and its year (winter: the year of its December).
        months = info["months"]
        cur_year = ref.year - 1 if (info["code"] == "WI" and ref.month <= 2) else ref.year
        start_month = months[0]
        season_start = dt.date(cur_year, start_month, 1)
        in_season = ref.month in months
        when = self.tense_at(c) if rel in ("", "the") else None
        if rel == "last" or (rel in ("", "the") and when == "past" and not in_season):
            year = cur_year if (season_start < ref and not in_season) else cur_year - 1
        elif rel == "next" or (rel in ("", "the") and when == "future" and not in_season):
            year = cur_year if season_start > ref else cur_year + 1
        elif in_season or rel == "this":
            year = cur_year
        else:
            year = cur_year if season_start <= ref else cur_year - 1
        c.value = f"{year}-{info['code']}"

    def holiday(self, c: _Cand) -> None:
        if self.ref is None:
            return
        mmdd = self.rules.holidays[c.groups["holiday"]]
        month, day = int(mmdd[:2]), int(mmdd[3:])
        year = self.pick_year(month, day, None)
        c.value = f"{year}-{mmdd}"

    def year(self, c: _Cand) -> None:
        doc = self.doc
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        label = None
        if span is not None:
            for tok in span:
                if tok.ent_type_:
                    label = tok.ent_type_
        if label in ("CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL"):
            c.keep = False
            return
        if label != "DATE" and not c.groups.get("mod"):
            before = self.text[max(0, c.start - 15) : c.start].split()
            prev = before[-1].lower() if before else ""
            if prev not in self.rules.year_cues:
                c.keep = False
                return
        c.value = c.groups["year"]


def shift(base: Optional[str], n: int, unit: str) -> Optional[str]:
    """``base`` moved by ``n`` units; None when ``base`` is too coarse for the unit."""
    kind = precision(base)
    if kind is None:
        return None
    if unit in ("day", "week"):
        if kind != "day":
            return None
        d = dt.date.fromisoformat(base) + dt.timedelta(days=n * (7 if unit == "week" else 1))
        return d.isoformat()
    if unit == "month":
        if kind not in ("day", "month"):
            return None
        y, m = _month_add(int(base[:4]), int(base[5:7]), n)
        return f"{y}-{m:02d}"
    if unit == "year":
        if kind not in ("day", "month", "year"):
            return None
        return str(int(base[:4]) + n)
    return None


_ANCHOR_STOP = re.compile(r"[,;:!?\n(]|\.(?!\s*\d)")  # "Nov. 20" does not end the clause


# Characters other than ASCII letters that an ignore-case pattern matches to one
# (dotless i, long s; "İ" lower-cases to "i" + U+0307).
_CASE_TWINS = str.maketrans({"\u0131": "i", "\u017f": "s", "\u0307": None})


@lru_cache(maxsize=64)
def pattern_matches(text: str, patterns: tuple) -> tuple:
    """``(start, end, kind, groups)`` of every non-empty match of the time patterns
    (``(kind, compiled pattern, cue words or None)``), sorted by start, longest first.

    A pattern runs only if the lower-cased text contains one of its cue words (a
    substring search, some fifty times cheaper than the pattern), which every match
    contains: the matches are the same, found in half the time. Cached for the last
    texts: the fast profile's entity recogniser and this stage scan the same doc text.
    """
    folded = text.lower()
    if not folded.isascii():
        folded = folded.translate(_CASE_TWINS)
    found = []
    for kind, pattern, cues in patterns:
        if cues is not None and not any(cue in folded for cue in cues):
            continue
        for m in pattern.finditer(text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), kind, m.groupdict()))
    found.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    return tuple(found)


def _candidates(text: str, rules: TimeRules) -> list[_Cand]:
    # Longest first at each position; no overlaps (fresh candidates: the normaliser edits them).
    return [_Cand(s, e, kind, dict(groups)) for s, e, kind, groups in pattern_matches(text, rules.patterns)]


def _select(cands: list[_Cand]) -> list[_Cand]:
    chosen: list[_Cand] = []
    last_end = -1
    for c in cands:
        if c.start >= last_end:
            chosen.append(c)
            last_end = c.end
    return chosen


def extract_times(doc: Doc, ref: Optional[dt.date], rules: Optional[TimeRules] = None,
                  skip: Optional[tuple[int, int]] = None, text: Optional[str] = None) -> list[TimeExpr]:
    """All time expressions of ``doc`` normalised against ``ref`` (doc offsets, text order)."""
    rules = rules or time_rules()
    text = text if text is not None else doc.text
    norm = _Normaliser(doc, ref, rules, text)
    cands = [c for c in _candidates(text, rules) if skip is None or c.end <= skip[0] or c.start >= skip[1]]
    # Validate candidates that may not be dates before choosing among overlaps.
    handlers: dict[str, Callable] = {
        "iso": norm.iso, "numeric": norm.numeric, "mdy": norm.mdy, "dmy": norm.dmy, "month": norm.month,
        "weekday": norm.weekday, "relunit": norm.relunit, "deictic": norm.deictic, "decade": norm.decade,
        "season": norm.season, "holiday": norm.holiday, "year": norm.year,
    }
    chosen = []
    for c in cands:
        if c.kind in handlers:
            handlers[c.kind](c)
        if c.keep:
            chosen.append(c)
    chosen = _select(chosen)
    # Anchored offsets ("four days after the July 26 coup") take the first date of their clause.
    out: list[TimeExpr] = []
    seen: list[str] = []  # resolved values so far, in text order

    def previous(unit: str, or_reference: bool = False) -> Optional[str]:
        """The narrative's current date for "two days later": the last date precise enough
        for the unit; a date after publication (a plan) is not a narrative point."""
        wanted = {"day": ("day",), "week": ("day",), "month": ("day", "month")}.get(unit, ("day", "month", "year"))
        for value in reversed(seen):
            if precision(value) in wanted:
                if ref is not None and value[:10] > ref.isoformat()[: len(value)]:
                    return ref.isoformat()
                return value
        return ref.isoformat() if (or_reference and ref is not None) else None

    for n, c in enumerate(chosen):
        if c.kind == "offset" and (c.groups.get("dir") or "").lower() in ("before", "after"):
            stop = _ANCHOR_STOP.search(text, c.end)
            limit = stop.start() if stop else len(text)
            nxt = chosen[n + 1] if n + 1 < len(chosen) else None
            if nxt is not None and nxt.start < limit and nxt.kind not in ("offset", "dayrel"):
                c.anchor = nxt
                if nxt.value is None and nxt.kind in handlers:
                    handlers[nxt.kind](nxt)
                stop = _ANCHOR_STOP.search(text, nxt.end)
                c.end = _extend_noun(doc, nxt.end, stop.start() if stop else len(text))
            else:
                c.end = _extend_words(text, c.end, limit, 5)
        if c.kind == "offset":
            norm.offset(c, previous)
            if not c.keep:
                continue
        elif c.kind == "dayrel":
            norm.dayrel(c, previous)
        elif c.kind == "sameday":
            norm.sameday(c, previous)
        start = _with_preposition(text, c.start, rules)
        out.append(TimeExpr(text[start : c.end], c.value, (start, c.end)))
        if c.value and precision(c.value) in ("day", "month", "year"):
            seen.append(c.value)
    out.sort(key=lambda t: t.span)
    return out


def _with_preposition(text: str, start: int, rules: TimeRules) -> int:
    m = re.search(r"(\b[A-Za-z]+) $", text[max(0, start - 8) : start])
    if m and m.group(1).lower() in rules.span_prepositions:
        return start - len(m.group(1)) - 1
    return start


def _extend_noun(doc: Doc, end: int, limit: int) -> int:
    """Take the noun an anchor date modifies ("the July 26 *coup*")."""
    for tok in doc:
        if tok.idx >= end:
            if tok.idx + len(tok.text) <= limit and tok.pos_ in ("NOUN", "PROPN"):
                return tok.idx + len(tok.text)
            break
    return end


_TRAILING = frozenset("a an the in on at of to with and or which that who whom where for by from".split())


def _extend_words(text: str, end: int, limit: int, words: int) -> int:
    """The event an unanchored offset refers to: a few words, up to the clause's end."""
    ends = [end]
    for m in re.finditer(r"\S+", text[end:limit]):
        ends.append(end + m.end())
        if len(ends) > words:
            break
    while len(ends) > 1 and text[ends[-2] : ends[-1]].strip().lower() in _TRAILING:
        ends.pop()
    return ends[-1]


def reference_date(doc: Doc, dateline_value: Optional[str]) -> Optional[dt.date]:
    if doc._.published is not None:
        return doc._.published
    if precision(dateline_value) == "day":
        return dt.date.fromisoformat(dateline_value)
    return None


@Language.component("eventwire_times", assigns=["doc._.times", "doc._.dateline"])
def annotate_times(doc: Doc) -> Doc:
    from .nlp import doc_text

    rules = time_rules()
    text = doc_text(doc)
    dl = find_dateline(doc, text)
    dl_time = None
    if dl is not None and dl.date is not None:
        dl_text, start, end = dl.date
        dl_time = _dateline_time(doc, dl_text, start, end, rules)
    ref = reference_date(doc, dl_time.value if dl_time else None)
    times = extract_times(doc, ref, rules, skip=dl.span if dl else None, text=text)
    if dl_time is not None:
        times = sorted([dl_time, *times], key=lambda t: t.span)
    doc._.times = times
    doc._.dateline = (
        docext.Dateline(span=dl.span, place=None, time=dl_time, agency=dl.agency) if dl is not None else None
    )
    return doc


def _dateline_time(doc: Doc, text: str, start: int, end: int, rules: TimeRules) -> TimeExpr:
    """The dateline's date: the nearest such day to the publication date, or its own year."""
    m = re.match(r"(?P<mon>[A-Z][a-z]+)\.?\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?", text)
    value = None
    if m and m.group("mon") in rules.months:
        month, day = rules.months[m.group("mon")], int(m.group("day"))
        norm = _Normaliser(doc, doc._.published, rules, "")
        year = int(m.group("year")) if m.group("year") else norm.pick_year(month, day, None)
        d = _safe_date(year, month, day) if year else None
        value = d.isoformat() if d else None
    return TimeExpr(text, value, (start, end))


# ---------------------------------------------------------------------------
# Event dates


_RELATIVE_BOUNDS = frozenset({"since", "until", "till", "after", "before", "following"})
_TIME_NOUNS = frozenset({"dawn", "noon", "midnight", "daybreak", "dusk", "sunrise", "sunset", "morning",
                         "evening", "night", "afternoon", "midday"})
_OFFSET_HEAD = re.compile(r"(?i)^(?:\w+)\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>after|before)\b")


def _clause_chain(verb: Token) -> list[Token]:
    """``verb`` and the verbs whose clause it is part of, up to a relative clause."""
    chain = [verb]
    t = verb
    for _ in range(10):
        if t.dep_ in ("relcl", "acl") or t.head.i == t.i:
            break
        if t.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            break  # "X ratified it on March 30, but Ankara still accuses Sweden": a clause of its own
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            chain.append(t)
    return chain


def _dates_something_else(span, gov: Token) -> bool:
    """'since Russia's invasion in February 2022', 'after the vote on Monday': the
    expression dates the bound of a period or another event, not the clause's own."""
    doc = span.doc
    # In the text: a "since"/"after" ... before the expression, with no verb or comma between.
    for k in range(span.start - 1, max(-1, span.start - 9), -1):
        tok = doc[k]
        if tok.text in (",", ";", ":") or tok.pos_ in ("VERB", "AUX"):
            break
        if tok.lower_ in _RELATIVE_BOUNDS and tok.pos_ in ("ADP", "SCONJ"):
            nxt = doc[k + 1] if k + 1 < len(doc) else None
            if nxt is None or nxt.lower_ not in _TIME_NOUNS:
                return True
    # In the parse: such a preposition between the expression and its verb.
    root = span.root
    t = root
    for _ in range(12):
        if t.i == gov.i or t.head.i == t.i:
            return False
        t = t.head
        if t.lower_ in _RELATIVE_BOUNDS and t.pos_ in ("ADP", "SCONJ"):
            objects = [c for c in t.children if c.dep_ in ("pobj", "pcomp")]
            if not objects or objects[0].lower_ not in _TIME_NOUNS:
                return True
    return False


def _anchored_date(doc: Doc, text: str, times: list[TimeExpr], sent, verb: Token) -> Optional[str]:
    """The date of an event named after "N days after": "met on Tuesday, a day after a
    strike hit Kyiv" dates the strike to Monday."""
    for t in times:
        if not (sent.start_char <= t.span[0] < sent.end_char):
            continue
        m = _OFFSET_HEAD.match(t.text)
        if m is None:
            continue
        stop = _ANCHOR_STOP.search(text, t.span[0] + m.end())
        region_end = min(stop.start() if stop else sent.end_char, sent.end_char)
        if not (t.span[0] <= verb.idx < region_end):
            continue
        n = re.match(r"\w+", t.text).group(0).lower()
        count = int(n) if n.isdigit() else time_rules().numbers.get(n)
        main = [o for o in times if sent.start_char <= o.span[0] < sent.end_char and o is not t
                and not (t.span[0] <= o.span[0] < region_end) and precision(o.value) == "day"]
        if count is None or not main:
            return None
        sign = -1 if m.group("dir").lower() == "after" else 1
        return shift(main[0].value, sign * count, m.group("unit").lower())
    return None


def time_for(doc: Doc, sent, verb) -> tuple[str | None, str]:
    """The date of the event whose clause is headed by ``verb`` in sentence ``sent``.

    Returns ``(value, date_source)``: the time expression governing the clause
    (``"text"``; value None when that expression cannot be resolved), else the
    dateline's date when it differs from the publication date (``"dateline"``), else
    the publication date (``"published"``; value None when the article has no date).
    Values are at contract precision. An expression that dates the bound of a period
    ("since February 2022") or another event ("after the vote on Monday") is not the
    clause's date; an event named after "N days after" is dated from the main clause.
    """
    dl = doc._.dateline
    dl_span = dl.time.span if (dl is not None and dl.time is not None) else None
    times = [t for t in doc._.times or () if t.span != dl_span]
    if verb is not None and sent is not None:
        from .nlp import doc_text

        text = doc_text(doc)  # spaCy rebuilds doc.text on every access: read it once per doc
        anchored = _anchored_date(doc, text, times, sent, verb)
        if anchored is not None:
            return contract_value(anchored), "text"
        chain = _clause_chain(verb)
        best, best_key = None, None
        for t in times:
            if not (sent.start_char <= t.span[0] < sent.end_char) or t.text.lower().startswith(("since", "until")):
                continue
            span = doc.char_span(t.span[0], t.span[1], alignment_mode="expand")
            if span is None:
                continue
            gov = governing_verb(span.root)
            if gov is None or _dates_something_else(span, gov):
                continue
            if span.root.dep_ in ("compound", "nummod", "amod") and precision(t.value) in ("year", "decade"):
                continue  # "the 2015 nuclear deal" dates the deal, not the event
            if gov == verb:
                rank = 2
            elif gov in chain:
                rank = 1
            else:
                continue
            key = (rank, t.value is not None, -abs(span.root.i - verb.i))
            if best_key is None or key > best_key:
                best, best_key = t, key
        if best is not None:
            return contract_value(best.value), "text"
    published = doc._.published
    if dl is not None and dl.time is not None and dl.time.value:
        if published is None or dl.time.value != published.isoformat():
            return dl.time.value, "dateline"
    return (published.isoformat() if published else None), "published"


__all__ = ["annotate_times", "contract_value", "extract_times", "find_dateline", "precision", "time_for", "time_rules"]
