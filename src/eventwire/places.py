"""Places: place mentions resolved against the gazetteer, with coordinates.

Sets ``doc._.places`` (list of :class:`~eventwire.models.Place`, doc offsets, in text
order) and fills the place of ``doc._.dateline``.

A mention is a gazetteer name that spaCy labels GPE, LOC or FAC, or, unlabelled, a
country, region, sea or large city; a smaller city, or a whole ORG/PERSON/NORP entity
that is exactly a place name (the small model mislabels places), is taken when a cue
says it is a place: a locative preposition ("in Rehovot"), a list of places
("Zaporizhzhia and Kherson"), "the town of X", "the X crossing". Names inside people's
and organisations' names are not places, nor are seats of power ("White House").
Each mention is then resolved: "X, Y" pairs ("Atlanta, Georgia", "Geneva,
Switzerland") fix both; otherwise the candidates are ranked by prior (feature type,
population, main name over variant) plus the share of the article's other mentions
(and demonyms) that fall in the candidate's country. A small town (under 100,000) in
a country the article does not otherwise mention, with no cue, is dropped ("Obama",
Japan). The mention's span is the name: "Kharkiv" in "the Kharkiv region", which
resolves to the region.

Limits: a place absent from the gazetteer is dropped (no coordinates to give);
"near the border with Ukraine" yields Ukraine, not the border; the cues and priors are
English-news heuristics.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from functools import lru_cache
from typing import Optional

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import docext  # noqa: F401
from .gazetteer import Candidate, Entry, Gazetteer, load_gazetteer, name_key
from .lexicon import load_yaml
from .models import Place
from .nlp import doc_text
from .times import find_dateline

log = logging.getLogger(__name__)

MAX_WINDOW = 6


@dataclasses.dataclass(frozen=True)
class PlaceRules:
    place_labels: frozenset
    blocking_labels: frozenset
    unlabelled_min_population: int
    relabel_features: frozenset
    relabel_min_population: int
    stoplist: frozenset
    suffixes: frozenset
    locative: frozenset
    never: frozenset
    place_nouns: frozenset
    following_cues: frozenset


@lru_cache(maxsize=1)
def place_rules() -> PlaceRules:
    data = load_yaml("gazetteer/places.yaml")
    return PlaceRules(
        place_labels=frozenset(data["place_labels"]),
        blocking_labels=frozenset(data["blocking_labels"]),
        unlabelled_min_population=int(data["unlabelled_min_population"]),
        relabel_features=frozenset(data["relabel_features"]),
        relabel_min_population=int(data["relabel_min_population"]),
        stoplist=frozenset(name_key(s) for s in data["unlabelled_stoplist"]),
        suffixes=frozenset(data["suffixes"]),
        locative=frozenset(data["locative_prepositions"]),
        never=frozenset(name_key(s) for s in data.get("never_places", ())),
        place_nouns=frozenset(data["place_nouns"]),
        following_cues=frozenset(data["following_cues"]),
    )


@dataclasses.dataclass
class _Mention:
    start: int
    end: int
    cands: list[Candidate]
    key: str
    cued: bool = False
    fixed: Optional[Entry] = None
    best: Optional[Entry] = None


class _Tokens:
    """Plain lists of the token attributes the scans read: a spaCy ``Token`` object is
    built on every ``doc[i]``, which made that indexing the stage's main cost."""

    __slots__ = ("text", "words", "starts", "ends", "lowers", "skip", "n")

    def __init__(self, doc: Doc, text: str):
        self.text = text  # doc.text, which spaCy rebuilds on each access
        if len(doc):
            # the words are slices of the doc text (cheaper than a string-store lookup each)
            self.starts, lengths = doc.to_array([IDX, LENGTH]).T.tolist()
            self.ends = [s + n for s, n in zip(self.starts, lengths)]
            self.words = [text[s:e] for s, e in zip(self.starts, self.ends)]
        else:
            self.words, self.starts, self.ends = [], [], []
        self.lowers = [w.lower() for w in self.words]
        self.skip = [not w or not w[0].isalnum() or w.isspace() for w in self.words]
        self.n = len(self.words)

    def capitalised(self, i: int) -> bool:
        w = self.words[i]
        return bool(w) and w[0].isupper()

    def key(self, i: int, j: int) -> str:
        """Folded name of tokens ``i..j-1``."""
        return name_key(self.text[self.starts[i] : self.ends[j - 1]])


@lru_cache(maxsize=65536)
def _lookup(gaz: Gazetteer, key: str) -> tuple[Candidate, ...]:
    """``gaz.lookup_key(key)``, memoised (a tuple: callers get their own lists)."""
    return tuple(gaz.lookup_key(key))


ALIAS_MIN_POPULATION = 100_000
SMALL_CITY = 100_000
NUMERIC_LABELS = frozenset({"DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "CARDINAL", "ORDINAL"})


def _usable(cands: list[Candidate], surface: str) -> list[Candidate]:
    """Drop candidates a surface form cannot mean: a small city by a variant name, or
    anything but a country by a short all-capital form ("EU" is not Eu, France)."""
    letters = [ch for ch in surface if ch.isalpha()]
    if len(letters) <= 5 and surface.isupper():
        return [c for c in cands if c.entry.feature == "country"]
    return [c for c in cands if not (c.alias and c.entry.feature == "city" and c.entry.population < ALIAS_MIN_POPULATION)]


def _match_at(toks: _Tokens, gaz: Gazetteer, i: int, limit: int,
              rules: PlaceRules) -> tuple[int, list[Candidate], str]:
    """Longest gazetteer name starting at token ``i`` and ending before ``limit``."""
    if toks.lowers[i] == "the":
        return i, [], ""
    stop = min(limit, i + MAX_WINDOW, i + gaz.max_tokens, toks.n)
    for k in range(i, stop):  # a name does not run over a line break
        if "\n" in toks.words[k]:
            stop = k
            break
    for j in range(stop, i, -1):
        if toks.skip[j - 1]:
            continue
        key = toks.key(i, j)
        if key in rules.never:
            return j, [], ""
        cands = _lookup(gaz, key)
        if cands:
            cands = _usable(cands, toks.text[toks.starts[i] : toks.ends[j - 1]])
        if cands:
            return j, cands, key
    return i, [], ""


def _best(gaz: Gazetteer, cands: list[Candidate], context=None) -> Entry:
    if context is None:
        return _best_by_prior(gaz, tuple(cands))
    return gaz.rank(cands, context)[0].entry


@lru_cache(maxsize=16384)
def _best_by_prior(gaz: Gazetteer, cands: tuple[Candidate, ...]) -> Entry:
    """The best candidate without context, memoised (most names recur across articles)."""
    return gaz.rank(cands)[0].entry


def _with_suffix(toks: _Tokens, gaz: Gazetteer, i: int, j: int, rules: PlaceRules):
    """'Leningrad' + 'region' -> the 'Leningrad region' entry, when there is one."""
    if j < toks.n and toks.lowers[j] in rules.suffixes:
        key = toks.key(i, j + 1)
        cands = _lookup(gaz, key)
        if cands:
            return j + 1, list(cands), key
    return None


def _collect(doc: Doc, text: str, gaz: Gazetteer, rules: PlaceRules, ents=None) -> list[_Mention]:
    mentions: list[_Mention] = []
    toks = _Tokens(doc, text)
    taken = [False] * toks.n

    def add(i: int, j: int, cands: list[Candidate], key: str, span_end: Optional[int] = None) -> None:
        # span_end: the mention's text stops before a suffix word that only chose the
        # entry ("Kharkiv" in "the Kharkiv region" names the region).
        if span_end in (None, j) and j - 1 > i and toks.words[j - 1] in rules.suffixes:
            span_end = j - 1  # a lower-case "region", "corridor": a common noun, not the name
        mentions.append(_Mention(toks.starts[i], toks.ends[(span_end or j) - 1], cands, key, cued(i)))
        for k in range(i, j):
            taken[k] = True

    def cued(i: int) -> bool:
        """A locative preposition before the name ("in the Kargil district"), or a list
        of places ("Zaporizhzhia and Kherson")."""
        lowers = toks.lowers
        end = i
        while end < toks.n and toks.capitalised(end) and end - i < 4:
            end += 1
        if end < toks.n and lowers[end] in rules.following_cues:
            return True  # "the Rafah crossing", "the Kargil district"
        k = i - 1
        if k >= 0 and lowers[k] == "the":
            k -= 1
        if k < 0:
            return False
        word = lowers[k]
        if word in rules.locative:
            return True
        if word == "of" and k >= 1 and (lowers[k - 1] in rules.suffixes or lowers[k - 1] in rules.place_nouns):
            return True  # "the border region of Belgorod", "the town of Vovchansk"
        return word in ("and", "or", ",") and k >= 1 and taken[k - 1]

    # The dateline's places ("BEIJING/TAIPEI, April 10 (Reuters) -").
    dl = find_dateline(doc, text)
    if dl is not None:
        for name, start, end in dl.places:
            cands = gaz.lookup(name)
            span = doc.char_span(start, end, alignment_mode="expand")
            if cands and span is not None:
                add(span.start, span.end, cands, name_key(name))
        span = doc.char_span(dl.span[0], dl.span[1], alignment_mode="expand")
        if span is not None:
            for k in range(span.start, span.end):
                taken[k] = True

    if ents is None:
        ents = doc.ents  # spaCy builds the Spans anew on each access
    label_of: list[Optional[Span]] = [None] * len(doc)
    for ent in ents:
        for k in range(ent.start, ent.end):
            label_of[k] = ent
    # Words of people's full names ("Marco Rubio"): a lone "Rubio" is then the person.
    person_words = {t.lower_ for ent in ents if ent.label_ == "PERSON" and len(ent) > 1 for t in ent}

    # Entities spaCy labels as places: the longest gazetteer names inside them.
    for ent in ents:
        if ent.label_ not in rules.place_labels:
            continue
        found = []
        i = ent.start
        while i < ent.end:
            if taken[i] or toks.lowers[i] == "the":
                i += 1
                continue
            # The name may run past spaCy's entity ("Jammu" + "and Kashmir").
            j, cands, key = _match_at(toks, gaz, i, min(toks.n, ent.end + 3), rules)
            if cands:
                name_end = j
                suffixed = _with_suffix(toks, gaz, i, j, rules)
                if suffixed:
                    j, cands, key = suffixed
                found.append((i, j, cands, key, name_end))
                i = j
            else:
                i += 1
        covered = {k for a, b, *_ in found for k in range(a, b)}
        # "the Soviet Union" is not Union, New Jersey: a city that leaves part of the
        # entity's name unexplained is dropped.
        loose = any(toks.capitalised(k) and toks.lowers[k] not in rules.suffixes and k not in covered
                    for k in range(ent.start, ent.end) if toks.lowers[k] != "the")
        for a, b, cands, key, name_end in found:
            best = _best(gaz, cands)
            if loose and best.feature == "city":
                continue
            if key in person_words and best.feature == "city" and not _is_capital(gaz, best):
                continue  # "Rubio" after "Marco Rubio" is the senator, not Rubio, Venezuela
            add(a, b, cands, key, name_end)

    # Unlabelled (or mislabelled) names.
    i = 0
    n = toks.n
    while i < n:
        if taken[i] or not toks.capitalised(i):
            i += 1
            continue
        ent = label_of[i]
        limit = ent.end if ent is not None else n
        j, cands, key = _match_at(toks, gaz, i, limit, rules)
        # Without spaCy's GPE/LOC label, a city must be named by its main name: GeoNames'
        # variants include translations ("White House" is a name of Casablanca).
        if cands and not cued(i):
            cands = [c for c in cands if not (c.alias and c.entry.feature == "city")]
        if not cands:
            i += 1
            continue
        best = _best(gaz, cands)
        city = best.feature == "city"
        ok = False
        if ent is None:
            big = best.population >= rules.unlabelled_min_population or _is_capital(gaz, best)
            ok = key not in rules.stoplist and (not city or big or (cued(i) and best.population >= 20000))
        elif ent.label_ in rules.blocking_labels and ent.label_ not in NUMERIC_LABELS:
            start = ent.start + (1 if toks.lowers[ent.start] == "the" else 0)
            whole = i == start and j == ent.end
            relabel = (best.feature in rules.relabel_features or best.population >= rules.relabel_min_population
                       or cued(i))
            ok = whole and relabel and key not in person_words
        if ok:
            name_end = j
            suffixed = _with_suffix(toks, gaz, i, j, rules)
            if suffixed:
                j, cands, key = suffixed
            add(i, j, cands, key, name_end)
            i = j
        else:
            i += 1
    mentions.sort(key=lambda m: m.start)
    return mentions


def _is_capital(gaz: Gazetteer, entry: Entry) -> bool:
    country = gaz.country(entry.country) if entry.country else None
    return country is not None and entry.feature == "city" and _capital_name(gaz, country) == name_key(entry.name)


def _capital_name(gaz: Gazetteer, country: Entry) -> str:
    return gaz.capitals.get(country.country, "")


def _pair(text: str, gaz: Gazetteer, a: _Mention, b: _Mention) -> None:
    """'Atlanta, Georgia' / 'Geneva, Switzerland': the second names the first's country or state."""
    if text[a.end : b.start] not in (", ", ","):
        return
    for cb in gaz.rank(b.cands):
        eb = cb.entry
        if eb.feature not in ("country", "region") or not eb.country:
            continue
        for ca in gaz.rank(a.cands):
            ea = ca.entry
            if ea.country != eb.country or ea is eb:
                continue
            if eb.feature == "region" and eb.admin1 and ea.admin1 != eb.admin1:
                continue
            a.fixed, b.fixed = ea, eb
            return


def _context(doc: Doc, gaz: Gazetteer, mentions: list[_Mention], ents=None) -> tuple[Counter, dict[str, Counter]]:
    votes: Counter = Counter()
    by_key: dict[str, Counter] = {}
    for m in mentions:
        entry = m.fixed or m.best
        if entry is not None and entry.country:
            votes[entry.country] += 1
            by_key.setdefault(m.key, Counter())[entry.country] += 1
    for ent in doc.ents if ents is None else ents:
        if ent.label_ == "NORP":
            code = gaz.demonym(ent.text)
            if code:
                votes[code] += 1
    return votes, by_key


def resolve_mentions(doc: Doc, text: str, gaz: Gazetteer, mentions: list[_Mention], ents=None) -> list[Place]:
    """The places of the collected mentions (``ents``: ``doc.ents``, when the caller has them)."""
    for a, b in zip(mentions, mentions[1:]):
        _pair(text, gaz, a, b)
    for m in mentions:
        m.best = m.fixed or _best(gaz, m.cands)
    votes, by_key = _context(doc, gaz, mentions, ents)
    places = []
    for m in mentions:
        entry = m.fixed
        if entry is None:
            own = by_key.get(m.key, Counter())
            total = sum(votes.values()) - sum(own.values())
            context = {c: (v - own.get(c, 0)) / total for c, v in votes.items()} if total > 0 else None
            entry = _best(gaz, m.cands, context)
            if (entry.feature == "city" and entry.population < SMALL_CITY and not m.cued
                    and not (context or {}).get(entry.country)):
                continue  # a small town in a country the article never mentions: a name, not a place
        places.append(Place(entry.name, entry.country, entry.lat, entry.lon, entry.feature, (m.start, m.end)))
    return places


@Language.component("eventwire_places", requires=["doc.ents"], assigns=["doc._.places", "doc._.dateline"])
def annotate_places(doc: Doc) -> Doc:
    gaz = load_gazetteer()
    rules = place_rules()
    text = doc_text(doc)
    ents = doc.ents  # spaCy builds the Spans anew on each access
    mentions = _collect(doc, text, gaz, rules, ents)
    places = resolve_mentions(doc, text, gaz, mentions, ents)
    doc._.places = places
    dl = doc._.dateline
    if dl is not None and dl.place is None:
        inside = [p for p in places if dl.span[0] <= p.span[0] < dl.span[1]]
        if inside:
            doc._.dateline = dataclasses.replace(dl, place=inside[0])
    return doc


def _attachment(token: Token, locative: frozenset) -> Optional[Token]:
    """The word a place is attached to by a locative preposition ("met *in* Geneva" -> met)."""
    t = token
    prep = None
    for _ in range(12):
        if t.dep_ == "prep" or t.pos_ == "ADP":
            if t.lower_ in locative and prep is None:
                prep = t
        if t.head.i == t.i:
            break
        if t.i != token.i and t.pos_ in ("VERB", "AUX"):
            break
        t = t.head
    return prep.head if prep is not None else None


def place_for(doc: Doc, sent, verb) -> Optional[Place]:
    """The :class:`~eventwire.models.Place` attached to the clause headed by ``verb``
    ("in Beijing", "near the border with Ukraine"), else the dateline's place, else None.
    """
    places = doc._.places or []
    rules = place_rules()
    best, best_key = None, None
    if verb is not None and sent is not None:
        for p in places:
            if not (sent.start_char <= p.span[0] < sent.end_char):
                continue
            span = doc.char_span(p.span[0], p.span[1], alignment_mode="expand")
            if span is None:
                continue
            head = _attachment(span.root, rules.locative)
            if head is None:
                continue
            if head == verb:
                rank = 3
            elif verb.is_ancestor(head):
                rank = 2
            elif head.is_ancestor(verb):
                rank = 1
            else:
                continue
            key = (rank, -abs(span.root.i - verb.i))
            if best_key is None or key > best_key:
                best, best_key = p, key
    if best is not None:
        return best
    dl = doc._.dateline
    return dl.place if dl is not None else None


__all__ = ["annotate_places", "place_for", "place_rules", "resolve_mentions"]
