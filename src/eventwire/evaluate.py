"""Scoring analyses against a gold file, with exactly the rules of the gold format.

A gold file has one JSON object per line: the article (``id``, ``title``, ``text``,
``published``) and what should be found in it: ``quotes`` (``contains`` or ``span``,
``speaker``, ``kind``), ``events`` (``source``, ``target``, ``root`` or ``cameo``,
``date``), ``places`` (names) and, as an eventwire extension, ``times`` (``text``,
``value``). A part is scored only on the articles whose gold record has its key.

Matching (see README, "Evaluation"):

- Quote: the predicted ``text`` contains the gold ``contains`` string after folding
  case, whitespace and curly/straight quotation marks, and does not carry its own
  attribution clause; or, for a gold ``span``, the predicted span covers at least 30%
  of the gold span and at least half of the predicted span lies inside it. Each gold
  quote takes the best matching prediction, each prediction matches at most one gold
  quote; unmatched predictions are false positives.
- Speaker: right when ``speaker.name`` names the gold speaker (a person by surname, an
  institution or place by its head word or the name it carries); a pronoun or bare
  role noun is wrong; a null gold speaker is right only for a null prediction.
- Event: equal CAMEO root, source and target equal on country (or IGO); 04 and 19
  match in either direction. Predicted events flagged ``negated`` or
  ``hypothetical`` are left out (counts leave them out; the gold has none of them).
- Date: a matched event's date agrees with the gold date at the gold's precision.
- Place: recall of the gold place names among the predicted places.

A gold record with ``"events_complete": false`` (an eventwire extension) lists only
some of its events: they count for recall and dates, unmatched predictions are not
false positives.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .errors import GoldError
from .models import Analysis, Article

_QUOTE_CHARS = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2039": "'", "\u203a": "'",
    "``": '"', "''": '"',
}
REPORTING_VERBS = (
    "said|says|say|told|tells|added|adds|stated|declared|insisted|noted|warned|explained|"
    "asked|replied|continued|wrote|argued|announced|according to|claimed|stressed|urged|remarked"
)
PRONOUNS = frozenset(
    "i me we us you he him she her they them it his hers their its one someone somebody who".split()
)
ROLE_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson minister president leader official officials diplomat
    diplomats source sources aide aides chief head envoy ambassador
    secretary premier chancellor king queen prince general commander officer analyst analysts
    reporter correspondent the a an""".split()
)
NAME_STOPWORDS = frozenset("the a an of and for mr mrs ms dr".split())
INSTITUTION_HEADS = frozenset(
    """ministry office government kremlin council commission agency army police court parliament
    department embassy party committee service house palace union assembly organisation
    organization forces military navy secretariat cabinet administration presidency bureau
    authority authorities mission nations nato un eu court campaign company group""".split()
)


def fold(text: str) -> str:
    """Fold case, whitespace and quotation marks for comparing quote texts."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in _QUOTE_CHARS.items():
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().lower()


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", fold(text).replace("-", " "))


# ---------------------------------------------------------------------------
# Scores


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> Optional[float]:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> Optional[float]:
        return self.right / self.total if self.total else None

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(bool(ok))

    def as_dict(self) -> dict:
        return {"right": self.right, "total": self.total, "accuracy": self.value}


@dataclass
class Report:
    articles: int = 0
    quotes: PRF = field(default_factory=PRF)
    quotes_by_kind: dict[str, PRF] = field(default_factory=dict)
    speakers: Accuracy = field(default_factory=Accuracy)
    speaker_mentions: Accuracy = field(default_factory=Accuracy)
    events: PRF = field(default_factory=PRF)
    event_dates: Accuracy = field(default_factory=Accuracy)
    actor_codes: Accuracy = field(default_factory=Accuracy)
    places: PRF = field(default_factory=PRF)
    times: PRF = field(default_factory=PRF)
    time_values: Accuracy = field(default_factory=Accuracy)
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "articles": self.articles,
            "quotes": self.quotes.as_dict(),
            "quotes_by_kind": {k: v.as_dict() for k, v in sorted(self.quotes_by_kind.items())},
            "speakers": self.speakers.as_dict(),
            "speaker_mentions": self.speaker_mentions.as_dict(),
            "events": self.events.as_dict(),
            "event_dates": self.event_dates.as_dict(),
            "actor_codes": self.actor_codes.as_dict(),
            "places": self.places.as_dict(),
            "times": self.times.as_dict(),
            "time_values": self.time_values.as_dict(),
        }


# ---------------------------------------------------------------------------
# Reading gold


def read_gold(path: str | Path) -> Iterator[dict]:
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise GoldError(f"{path}:{n}: not a JSON line ({exc})") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise GoldError(f"{path}:{n}: a gold record needs 'text'")
            record.setdefault("id", f"{Path(path).stem}-{n}")
            yield record


def gold_article(record: dict) -> Article:
    return Article(
        text=record["text"],
        id=str(record["id"]),
        title=record.get("title") or "",
        published=record.get("published"),
        url=record.get("url"),
        source=record.get("source"),
    )


# ---------------------------------------------------------------------------
# Quotes


def carries_attribution(pred_text: str, names: Iterable[str]) -> bool:
    """True when a predicted quote text contains a speaker's name next to a reporting verb."""
    text = fold(pred_text)
    for name in names:
        for word in set(_words(name)):
            if len(word) < 3 or word in PRONOUNS or word in NAME_STOPWORDS:
                continue
            w = re.escape(word)
            if re.search(rf"\b{w}\b(?:\W+\w+){{0,3}}?\W+(?:{REPORTING_VERBS})\b", text) or re.search(
                rf"\b(?:{REPORTING_VERBS})\b(?:\W+\w+){{0,3}}?\W+{w}\b", text
            ):
                return True
    return False


def _quote_score(gold: dict, pred: dict) -> float:
    """How well a prediction matches a gold quote (0 = no match)."""
    if "span" in gold and gold["span"] is not None:
        if pred.get("in_title"):
            return 0.0
        gs, ge = gold["span"]
        ps, pe = pred["span"]
        inter = max(0, min(ge, pe) - max(gs, ps))
        if ge <= gs or pe <= ps or inter == 0:
            return 0.0
        if inter / (ge - gs) < 0.3 or inter / (pe - ps) < 0.5:
            return 0.0
        return inter / (max(ge, pe) - min(gs, ps))
    contains = gold.get("contains")
    if not contains:
        return 0.0
    needle = fold(contains)
    hay = fold(pred["text"])
    if needle not in hay:
        return 0.0
    names = [n for n in (gold.get("speaker"), (pred.get("speaker") or {}).get("name"),
                         (pred.get("speaker") or {}).get("mention")) if n]
    if carries_attribution(pred["text"], names):
        return 0.0
    return len(needle) / max(len(hay), 1)


def _is_institution(name: str) -> bool:
    words = _words(name)
    return bool(words) and (words[-1] in INSTITUTION_HEADS or len(words) == 1)


def speaker_right(gold_speaker: Optional[str], pred_speaker: Optional[dict]) -> bool:
    """The gold format's speaker rule."""
    pred_name = (pred_speaker or {}).get("name") if pred_speaker else None
    if gold_speaker is None:
        return pred_name is None
    if not pred_name:
        return False
    pred_words = _words(pred_name)
    if not pred_words or all(w in PRONOUNS or w in ROLE_NOUNS for w in pred_words):
        return False
    gold_words = _words(gold_speaker)
    if not gold_words:
        return False
    if _is_institution(gold_speaker):
        keys = {gold_words[-1]} | {w for w in _words(gold_speaker) if w not in ROLE_NOUNS and w not in INSTITUTION_HEADS}
        keys |= {
            fold(w) for w in re.findall(r"[A-Z][\w']+", gold_speaker)
        }
        return bool(keys & set(pred_words))
    surname = gold_speaker.replace("\u2010", "-").split()[-1]
    parts = {fold(p) for p in re.split(r"-", surname) if p}
    return bool(parts & set(pred_words))


def _assign(golds: list, preds: list, score) -> list[tuple[int, int]]:
    """Greedy one-to-one assignment by descending score."""
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            s = score(g, p)
            if s > 0:
                pairs.append((s, gi, pi))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def score_quotes(gold: dict, pred: dict, report: Report) -> None:
    golds = gold["quotes"]
    preds = pred["quotes"]
    pairs = _assign(golds, preds, _quote_score)
    matched_g = {g for g, _ in pairs}
    matched_p = {p for _, p in pairs}
    report.quotes.tp += len(pairs)
    report.quotes.fn += len(golds) - len(pairs)
    report.quotes.fp += len(preds) - len(pairs)
    for gi, g in enumerate(golds):
        kind = g.get("kind") or "?"
        prf = report.quotes_by_kind.setdefault(kind, PRF())
        if gi in matched_g:
            prf.tp += 1
        else:
            prf.fn += 1
            report.errors.append({"id": gold["id"], "part": "quote", "type": "missed", "gold": g})
    for pi, p in enumerate(preds):
        if pi not in matched_p:
            report.quotes_by_kind.setdefault(p.get("kind") or "?", PRF()).fp += 1
            report.errors.append({"id": gold["id"], "part": "quote", "type": "spurious",
                                  "pred": {"text": p["text"][:200], "kind": p.get("kind"),
                                           "speaker": (p.get("speaker") or {}).get("name")}})
    for gi, pi in pairs:
        g, p = golds[gi], preds[pi]
        if "speaker" in g:
            ok = speaker_right(g["speaker"], p.get("speaker"))
            report.speakers.add(ok)
            if not ok:
                report.errors.append({"id": gold["id"], "part": "speaker", "type": "wrong",
                                      "gold": g.get("speaker"),
                                      "pred": (p.get("speaker") or {}).get("name"),
                                      "quote": p["text"][:120]})
        if "speaker_mention" in g:
            mention = (p.get("speaker") or {}).get("mention")
            report.speaker_mentions.add(bool(mention) and fold(mention) == fold(g["speaker_mention"] or ""))


# ---------------------------------------------------------------------------
# Events


def _country(code: Optional[str]) -> Optional[str]:
    if not code:
        return None
    code = code.upper()
    if code.startswith(("IGO", "NGO")):
        return code
    return code[:3]


def _actor_matches(gold_code: Optional[str], pred_actor: Optional[dict]) -> bool:
    if gold_code is None:
        return pred_actor is None
    if pred_actor is None:
        return False
    gold_code = gold_code.upper()
    pred_code = (pred_actor.get("code") or "").upper()
    if gold_code.startswith(("IGO", "NGO")):
        if not pred_code.startswith(gold_code[:3]):
            return False
        return pred_code.startswith(gold_code[:6]) or gold_code == gold_code[:3]
    pred_country = (pred_actor.get("country") or _country(pred_code) or "").upper()
    return pred_country == gold_code[:3]


def _gold_root(g: dict) -> str:
    root = g.get("root") or (g.get("cameo") or "")[:2]
    return str(root).zfill(2)


def _event_score(g: dict, p: dict) -> float:
    if _gold_root(g) != p.get("root"):
        return 0.0
    src, tgt = g.get("source"), g.get("target")
    if _actor_matches(src, p.get("source")) and _actor_matches(tgt, p.get("target")):
        return 2.0 + (0.5 if g.get("date") and p.get("date", "") and str(p["date"]).startswith(str(g["date"])) else 0)
    if _gold_root(g) in ("04", "19") and _actor_matches(tgt, p.get("source")) and _actor_matches(src, p.get("target")):
        return 1.5
    return 0.0


def date_right(gold_date: Optional[str], pred: dict) -> bool:
    if gold_date is None:
        return pred.get("date") is None or pred.get("date_source") in ("published", "dateline")
    pd = pred.get("date")
    if not pd or len(pd) < len(gold_date):
        return False
    return pd[: len(gold_date)] == gold_date


def counted_events(pred: dict) -> list[dict]:
    return [e for e in pred["events"] if not e.get("negated") and e.get("modality") != "hypothetical"]


def score_events(gold: dict, pred: dict, report: Report) -> None:
    golds = gold["events"]
    preds = counted_events(pred)
    pairs = _assign(golds, preds, _event_score)
    matched_g = {g for g, _ in pairs}
    matched_p = {p for _, p in pairs}
    report.events.tp += len(pairs)
    report.events.fn += len(golds) - len(pairs)
    complete = gold.get("events_complete", True)
    if complete:  # a gold record listing only some events (an eventwire extension) scores no false positives
        report.events.fp += len(preds) - len(pairs)
    for gi, pi in pairs:
        g, p = golds[gi], preds[pi]
        if "date" in g:
            ok = date_right(g["date"], p)
            report.event_dates.add(ok)
            if not ok:
                report.errors.append({"id": gold["id"], "part": "event_date", "type": "wrong",
                                      "gold": g, "pred": p.get("date"), "sentence": p.get("sentence", "")[:160]})
        for side in ("source", "target"):
            gc = g.get(side)
            pa = p.get(side) if _event_score(g, p) >= 2.0 else p.get("target" if side == "source" else "source")
            if gc and len(gc) > 3 and not gc.upper().startswith(("IGO", "NGO")):
                report.actor_codes.add(bool(pa) and (pa.get("code") or "").upper().startswith(gc.upper()))
            elif gc:
                report.actor_codes.add(_actor_matches(gc, pa))
    for gi, g in enumerate(golds):
        if gi not in matched_g:
            report.errors.append({"id": gold["id"], "part": "event", "type": "missed", "gold": g})
    for pi, p in enumerate(preds):
        if pi not in matched_p and complete:
            report.errors.append({"id": gold["id"], "part": "event", "type": "spurious",
                                  "pred": {"source": p["source"].get("code"),
                                           "target": (p.get("target") or {}).get("code"),
                                           "cameo": p.get("cameo"), "sentence": p.get("sentence", "")[:160]}})


# ---------------------------------------------------------------------------
# Places and times


def _place_names(pred: dict, text: str, title: str) -> set[str]:
    names = set()
    for p in pred["places"]:
        names.add(fold(p["name"]))
        s, e = p["span"]
        source = title if p.get("in_title") else text
        names.add(fold(source[s:e]))
    return names


def score_places(gold: dict, pred: dict, report: Report) -> None:
    got = _place_names(pred, gold["text"], gold.get("title") or "")
    wanted = {fold(n) for n in gold["places"]}
    for name in wanted:
        if name in got:
            report.places.tp += 1
        else:
            report.places.fn += 1
            report.errors.append({"id": gold["id"], "part": "place", "type": "missed", "gold": name})
    mention_texts = set()
    for p in pred["places"]:
        s, e = p["span"]
        source = (gold.get("title") or "") if p.get("in_title") else gold["text"]
        if fold(source[s:e]) not in wanted and fold(p["name"]) not in wanted:
            mention_texts.add(fold(source[s:e]))
    report.places.fp += len(mention_texts)
    for m in sorted(mention_texts):
        report.errors.append({"id": gold["id"], "part": "place", "type": "spurious", "pred": m})


def _time_score(g: dict, p: dict) -> float:
    gt, pt = fold(g.get("text") or ""), fold(p.get("text") or "")
    if not gt or not pt:
        return 0.0
    if gt in pt or pt in gt:
        return min(len(gt), len(pt)) / max(len(gt), len(pt))
    return 0.0


def score_times(gold: dict, pred: dict, report: Report) -> None:
    golds = gold["times"]
    preds = pred["times"]
    pairs = _assign(golds, preds, _time_score)
    report.times.tp += len(pairs)
    report.times.fn += len(golds) - len(pairs)
    report.times.fp += len(preds) - len(pairs)
    matched_g = {g for g, _ in pairs}
    for gi, pi in pairs:
        ok = golds[gi].get("value") == preds[pi].get("value")
        report.time_values.add(ok)
        if not ok:
            report.errors.append({"id": gold["id"], "part": "time_value", "type": "wrong",
                                  "gold": golds[gi], "pred": preds[pi].get("value")})
    for gi, g in enumerate(golds):
        if gi not in matched_g:
            report.errors.append({"id": gold["id"], "part": "time", "type": "missed", "gold": g})


# ---------------------------------------------------------------------------


def score_record(gold: dict, pred: dict, report: Report) -> None:
    report.articles += 1
    if "quotes" in gold:
        score_quotes(gold, pred, report)
    if "events" in gold:
        score_events(gold, pred, report)
    if "places" in gold:
        score_places(gold, pred, report)
    if "times" in gold:
        score_times(gold, pred, report)


def evaluate(gold_records: Iterable[dict], analyze_many) -> Report:
    """Score ``analyze_many(articles) -> Iterator[Analysis]`` against gold records."""
    golds = list(gold_records)
    report = Report()
    for gold, analysis in zip(golds, analyze_many(gold_article(g) for g in golds)):
        pred = analysis.to_dict() if isinstance(analysis, Analysis) else analysis
        score_record(gold, pred, report)
    return report


def _fmt(x: Optional[float]) -> str:
    return "   -  " if x is None else f"{x:6.3f}"


def format_report(report: Report, title: str = "") -> str:
    lines = []
    if title:
        lines.append(title)
    lines.append(f"articles: {report.articles}")
    lines.append(f"{'part':<22}{'P':>7}{'R':>7}{'F1':>7}   tp/fp/fn  or right/total")

    def prf(name, s: PRF):
        if s.tp + s.fp + s.fn:
            lines.append(f"{name:<22}{_fmt(s.precision)} {_fmt(s.recall)} {_fmt(s.f1)}   {s.tp}/{s.fp}/{s.fn}")

    def acc(name, a: Accuracy):
        if a.total:
            lines.append(f"{name:<22}{'':>14} {_fmt(a.value)}   {a.right}/{a.total}  (accuracy)")

    prf("quotes", report.quotes)
    for kind, s in sorted(report.quotes_by_kind.items()):
        prf(f"  quotes[{kind}]", s)
    acc("speakers", report.speakers)
    acc("speaker mentions", report.speaker_mentions)
    prf("events", report.events)
    acc("event dates", report.event_dates)
    acc("event actor codes", report.actor_codes)
    prf("places", report.places)
    prf("times", report.times)
    acc("time values", report.time_values)
    return "\n".join(lines)


__all__ = ["evaluate", "format_report", "read_gold", "score_record", "speaker_right", "Report", "PRF", "Accuracy"]

