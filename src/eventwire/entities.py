"""Rule-based named entities: the ``fast`` profile's stand-in for spaCy's NER.

The ``eventwire_entities`` component sets ``doc.ents`` (and so ``token.ent_type_`` and
``token.ent_iob_``, every other token ``O``) with the spaCy labels the stages read:
PERSON, ORG, GPE, LOC, NORP, FAC, DATE, TIME, CARDINAL, ORDINAL, MONEY, PERCENT.
In order of precedence (an earlier source wins an overlap):

1. **Dictionary phrases** (``data/actors``: countries, demonyms, capitals, IGOs,
   institutions, known people), longest match, with the dictionaries' case rules.
   The label comes from the entry's kind and form (``phrase_labels`` in
   ``data/entities/entities.yaml``).
2. **Time expressions**: the times stage's patterns (``times.yaml``) give DATE (TIME
   for ``time_words``); a bare year before a plural noun is a CARDINAL.
3. **Numbers**: runs of number tokens, MONEY after a currency symbol or before a
   currency word, PERCENT before "percent", else CARDINAL; ordinal words are ORDINAL.
4. **Proper-noun runs** (``NNP``/``NNPS``, capitalised; "of", "for" ... may join two
   parts of an organisation's name): ORG when a word is an organisation head
   ("Ministry", "Party", "Forces"), FAC/LOC for facility and landform heads, PERSON
   after a person title or role noun ("President", "Gen.", "spokesman"), for a known
   given name, a surname of a person already found in the doc, or next to a speech verb
   ("X said"); GPE/LOC for a gazetteer name; else PERSON for a run of two to four words,
   ORG for a single word.

Limits: no statistical context, so an unknown single name without cues is guessed
ORG; nicknames, lower-case entities ("the kremlin") and entities the dictionaries do
not list are missed where the NER would catch them from context.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.attrs import IDX, IS_SPACE, LEMMA, LOWER, ORTH, SPACY, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span

from .dictionaries import Dictionaries, case_ok, load_dictionaries, norm_key
from .gazetteer import load_gazetteer, name_key
from .lexicon import load_yaml
from .nlp import doc_text
from .times import pattern_matches, time_rules

log = logging.getLogger(__name__)

FACTORY = "eventwire_entities"
MAX_PHRASE_TOKENS = 8
MAX_RUN = 8
PROPER_TAGS = frozenset({"NNP", "NNPS"})


@dataclass(frozen=True)
class EntityRules:
    phrase_labels: dict
    place_labels: dict
    org_heads: frozenset
    fac_heads: frozenset
    loc_heads: frozenset
    loc_words: frozenset
    person_titles: frozenset
    speech_verbs: frozenset
    connectors: frozenset
    name_particles: frozenset
    ordinals: frozenset
    percent_words: frozenset
    currency_words: frozenset
    currency_symbols: frozenset
    time_words: frozenset

    @property
    def name_heads(self) -> frozenset:
        return self.org_heads | self.fac_heads | self.loc_heads


def _words(values) -> frozenset:
    return frozenset(str(v).lower() for v in values or ())


@lru_cache(maxsize=1)
def entity_rules() -> EntityRules:
    data = load_yaml("entities/entities.yaml")
    return EntityRules(
        phrase_labels=dict(data["phrase_labels"]),
        place_labels=dict(data["place_labels"]),
        org_heads=_words(data["org_heads"]),
        fac_heads=_words(data["fac_heads"]),
        loc_heads=_words(data["loc_heads"]),
        loc_words=_words(data["loc_words"]),
        person_titles=_words(data["person_titles"]),
        speech_verbs=_words(data["speech_verbs"]),
        connectors=_words(data["connectors"]),
        name_particles=_words(data["name_particles"]),
        ordinals=_words(data["ordinals"]),
        percent_words=_words(data["percent_words"]),
        currency_words=_words(data["currency_words"]),
        currency_symbols=frozenset(str(v) for v in data["currency_symbols"]),
        time_words=_words(data["time_words"]),
    )


class EntityRecognizer:
    """Sets ``doc.ents`` by rules; see the module docstring."""

    def __init__(self, nlp: Language, name: str = FACTORY):
        self.name = name
        self.vocab = nlp.vocab

    @property
    def rules(self) -> EntityRules:
        return entity_rules()

    def __call__(self, doc: Doc) -> Doc:
        spans = find_entities(doc, load_dictionaries(), self.rules)
        doc.set_ents([Span(doc, s, e, label=label) for s, e, label in spans], default="outside")
        return doc


@Language.factory(FACTORY, assigns=["doc.ents", "token.ent_type", "token.ent_iob"], requires=["token.tag"])
def make_entity_recognizer(nlp: Language, name: str) -> EntityRecognizer:
    return EntityRecognizer(nlp, name)


def person_roles(dic: Dictionaries) -> frozenset:
    """Keys of the role nouns that name a person ("president", "foreignminister")."""
    return frozenset(k for k, role in dic.roles.items() if role.kind == "person")


def person_words(dic: Dictionaries) -> frozenset:
    """Lower-case words of the names of the dictionaries' people ("putin", "xi", "jinping")."""
    words = set()
    for person in dic.people:
        for name in (person.name, *person.aliases):
            parts = name.split()
            if len(parts) > 1:
                words.update(w.lower() for w in parts if len(w) > 1 and w[:1].isupper())
    return frozenset(words)


class _Finder:
    def __init__(self, doc: Doc, dic: Dictionaries, rules: EntityRules, people: frozenset = frozenset(),
                 roles: frozenset = frozenset()):
        self.doc = doc
        self.dic = dic
        self.people = people
        self.roles = roles
        self.rules = rules
        self.heads = rules.name_heads
        self.joiners = rules.connectors | rules.name_particles
        self.n = len(doc)
        strings = doc.vocab.strings
        rows = doc.to_array([ORTH, LOWER, TAG, LEMMA, IS_SPACE, IDX, SPACY]).reshape((self.n, 7)).tolist() if self.n else []
        self.starts = [r[5] for r in rows]
        self.trailing = [r[6] for r in rows]
        self.text = [strings[r[0]] for r in rows]
        self.lower = [strings[r[1]] for r in rows]
        self.tag = [strings[r[2]] if r[2] else "" for r in rows]
        self.lemma = [strings[r[3]] if r[3] else "" for r in rows]
        self.space = [bool(r[4]) for r in rows]
        self.label: list[Optional[str]] = [None] * self.n
        self.spans: list[tuple[int, int, str]] = []

    def free(self, start: int, end: int) -> bool:
        return all(self.label[i] is None for i in range(start, end))

    def add(self, start: int, end: int, label: str) -> None:
        while start < end and self.space[start]:
            start += 1
        while end > start and self.space[end - 1]:
            end -= 1
        if start < end and self.free(start, end):
            for i in range(start, end):
                self.label[i] = label
            self.spans.append((start, end, label))

    # -- 1. dictionary phrases ----------------------------------------------------

    def phrases(self) -> None:
        dic, labels = self.dic, self.rules.phrase_labels
        keys = ["" if self.space[i] else self.lower[i].replace("\u2019", "'").replace("\u2018", "'")
                for i in range(self.n)]
        i = 0
        while i < self.n:
            if not keys[i] or keys[i] not in dic.prefixes:
                i += 1
                continue
            s, best = "", None
            for j in range(i, min(self.n, i + MAX_PHRASE_TOKENS)):
                if not keys[j]:
                    break
                s += keys[j]
                if s not in dic.prefixes:
                    break
                hit = dic.phrases.get(s)
                if hit is not None and case_ok(self.text[i : j + 1], hit.case):
                    best = (j + 1, hit)
            if best is None:
                i += 1
                continue
            end, entry = best
            label = labels.get(f"{entry.kind}/{entry.form}") or labels.get(entry.kind)
            if label in ("GPE", "PERSON") and end == i + 1 and (
                    self.name_follows(end) or (label == "PERSON" and i > 0 and self.name_follows(i - 1))):
                i += 1  # "Jordan Bardella", "Jalil Abbas Jilani": part of another name
                continue
            if label:
                self.add(i, end, label)
            i = end

    def name_follows(self, j: int) -> bool:
        """Is token ``j`` an unknown capitalised name word (no title, head or phrase)?"""
        if j >= self.n or self.tag[j] not in PROPER_TAGS or not self.text[j][:1].isupper() or self.text[j].isupper():
            return False
        low = self.lower[j]
        return not (low in self.heads or self.titled(j) or low in self.dic.prefixes
                    or low in self.rules.loc_words)

    # -- 2. times -----------------------------------------------------------------

    def times(self) -> None:
        last = -1
        for start, end, kind, _ in pattern_matches(doc_text(self.doc), time_rules().patterns):
            if start < last:
                continue
            last = end
            first = bisect_right(self.starts, start) - 1  # the token holding the first character
            stop = bisect_left(self.starts, end)  # tokens starting before the end
            if first < 0 or stop <= first:
                continue
            if kind == "month" and stop - first == 1 and (len(self.text[first]) <= 3 or (
                    first > 0 and self.tag[first - 1] in PROPER_TAGS and self.text[first - 1][:1].isupper())):
                continue  # "Jun" in "Zhang Jun", "May" in "Theresa May"
            label = "DATE"
            if kind == "year" and stop < self.n and self.tag[stop] == "NNS":
                label = "CARDINAL"  # "2000 troops"
            elif kind != "weekday" and any(self.lower[k] in self.rules.time_words for k in range(first, stop)):
                label = "TIME"
            self.add(first, stop, label)

    # -- 3. numbers ---------------------------------------------------------------

    def numbers(self) -> None:
        r = self.rules
        i = 0
        while i < self.n:
            if self.label[i] is not None:
                i += 1
                continue
            if self.lower[i] in r.ordinals or (self.tag[i] == "JJ" and self.lower[i][:1].isdigit()):
                self.add(i, i + 1, "ORDINAL")
                i += 1
                continue
            if self.tag[i] != "CD":
                i += 1
                continue
            j = i
            while j < self.n and self.tag[j] == "CD" and self.label[j] is None:
                j += 1
            start, end, label = i, j, "CARDINAL"
            if i > 0 and self.text[i - 1] in r.currency_symbols and self.label[i - 1] is None:
                start, label = i - 1, "MONEY"
            elif j < self.n and self.lower[j] in r.currency_words:
                end, label = j + 1, "MONEY"
            elif j < self.n and self.lower[j] in r.percent_words:
                end, label = j + 1, "PERCENT"
            elif j + 1 < self.n and f"{self.lower[j]} {self.lower[j + 1]}" in r.percent_words:
                end, label = j + 2, "PERCENT"
            self.add(start, end, label)
            i = max(end, i + 1)

    # -- 4. proper-noun runs ------------------------------------------------------

    def is_proper(self, i: int) -> bool:
        return (self.label[i] is None and self.tag[i] in PROPER_TAGS and not self.space[i]
                and self.text[i][:1].isupper())

    def runs(self) -> list[tuple[int, int]]:
        out = []
        i = 0
        while i < self.n:
            if not self.is_proper(i):
                i += 1
                continue
            j = i + 1
            while j < self.n and j - i < MAX_RUN:
                if self.is_proper(j):
                    j += 1
                elif self.text[j] == "-" and not self.trailing[j - 1] and not self.trailing[j] and j + 1 < self.n \
                        and self.is_proper(j + 1):
                    j += 2  # "Thomas-Greenfield", "Yamalo-Nenets"
                elif (self.lower[j] in self.joiners and j + 1 < self.n
                      and self.is_proper(j + 1)
                      and self.text[j][:1].islower() or self.text[j] == "&" and j + 1 < self.n and self.is_proper(j + 1)):
                    j += 2
                else:
                    break
            out.append((i, j))
            i = j
        return out

    def split_connectors(self, start: int, end: int, keep_heads: bool = True) -> list[tuple[int, int]]:
        """A run joined by "of"/"and" is kept whole only for an organisation or place head."""
        if keep_heads and any(self.lower[k] in self.heads for k in range(start, end)):
            return [(start, end)]
        parts, s = [], start
        particles = self.rules.name_particles
        for k in range(start, end):
            if not self.is_proper(k) and self.text[k] != "-" and not (
                    self.text[k] in particles and start < k < end - 1 and not self.heads_in(start, end)):
                if s < k:
                    parts.append((s, k))
                s = k + 1
        if s < end:
            parts.append((s, end))
        return parts

    def titled(self, i: int) -> bool:
        """Is the token a person title or role noun ("President", "Mr", "spokesman")?"""
        low = self.lower[i]
        return low in self.rules.person_titles or norm_key(low) in self.roles or low in self.dic.gendered_titles

    def after_titles(self, start: int, end: int) -> int:
        """The first token after the titles and role nouns that open a run."""
        s = start
        while s < end:
            if self.titled(s):
                s += 1
                continue
            key, nxt = "", s
            for k in range(s, end):
                key += norm_key(self.lower[k])
                if key not in self.dic.role_prefixes:
                    break
                if key in self.roles:
                    nxt = k + 1
            if nxt == s:
                break
            s = nxt
        return s

    def label_run(self, start: int, end: int, surnames: set) -> Optional[tuple[int, int, str]]:
        r = self.rules
        words = [self.lower[k] for k in range(start, end)]
        last = words[-1]
        if any(w in r.org_heads for w in words):
            return start, end, "ORG"
        if last in r.fac_heads and end - start > 1:
            return start, end, "FAC"
        if last in r.loc_heads and end - start > 1:
            return start, end, "LOC"
        # Leading titles ("President", "Foreign Minister", "Gen.") make the rest a person.
        s = self.after_titles(start, end)
        if s >= end:
            return None  # only a title: "Prime Minister" before a name found otherwise
        cue = s > start or (start > 0 and self.titled(start - 1))
        first = self.lower[s]
        if end - s == 1 and first in self.people:
            return s, end, "PERSON"
        if cue or first in self.dic.first_names:
            return s, end, "PERSON"
        label = self.place_name(s, end)
        if label:
            return s, end, label
        if any(w in surnames for w in words):
            return s, end, "PERSON"
        if end - start == 1 and self.text[start].isupper() and len(self.text[start]) > 1:
            return start, end, "ORG"  # an acronym
        if end - start == 1 and words[0] in r.loc_words:
            return start, end, "LOC"
        if self.speech_next(start, end):
            return s, end, "PERSON"
        return s, end, "PERSON" if end - s >= 2 else "ORG"

    def speech_next(self, start: int, end: int) -> bool:
        verbs = self.rules.speech_verbs
        if end < self.n and self.lemma[end] in verbs:
            return True
        return start > 0 and self.lemma[start - 1] in verbs and self.tag[start - 1] in ("VBD", "VBZ")

    def proper_nouns(self) -> None:
        pieces = [p for s, e in self.runs() for p in self.split_connectors(s, e)]
        surnames = {self.lower[e - 1] for s, e, label in self.spans if label == "PERSON" and e - s > 1}
        pending = []
        for s, e in pieces:
            found = self.label_run(s, e, surnames)
            if found is None:
                continue
            if found[2] == "PERSON" and found[1] - found[0] > 1:
                surnames.add(self.lower[found[1] - 1])
            pending.append(found)
        # A single word taken as ORG before its full name appeared ("Ruto" ... "William Ruto")
        for s, e, label in pending:
            if label == "ORG" and e - s == 1 and self.lower[s] in surnames and not self.text[s].isupper():
                label = "PERSON"
            self.add(s, e, label)

    def place_name(self, start: int, end: int) -> Optional[str]:
        name = "".join(self.text[k] + (" " if self.trailing[k] else "") for k in range(start, end)).strip()
        cands = load_gazetteer().lookup_key(name_key(name))
        if not cands:
            return None
        best = max(cands, key=lambda c: c.entry.prior())
        return self.rules.place_labels.get(best.entry.feature)

    def named_heads(self) -> None:
        """Runs with an organisation, facility or landform head ("United Nations Security
        Council", "South China Sea") and multi-word gazetteer names ("British Columbia",
        "Port Sudan", "Line of Control") before the dictionary can split them."""
        pieces = []
        for start, end in self.runs():
            parts = self.split_connectors(start, end, keep_heads=False)
            pieces += [(start, end)] if len(parts) == 1 else [(start, end, True), *parts]
        done = -1
        for piece in pieces:
            start, end = piece[0], piece[1]
            if start < done:
                continue
            if len(piece) == 3:  # a run joined by "of", "and": whole as a place or with a head, else in parts
                if self.phrase_key(start, end):
                    continue
                label = self.place_name(start, end)
                if label:
                    self.add(start, end, label)
                    done = end
                elif any(self.lower[k] in self.heads for k in range(start, end)):
                    found = self.label_run(start, end, set())
                    if found is not None and found[2] in ("ORG", "FAC", "LOC"):
                        self.add(*found)
                        done = end
                continue
            # "British Columbia": a capitalised adjective may open a place name
            if start > 0 and self.tag[start - 1] == "JJ" and self.text[start - 1][:1].isupper():
                label = self.place_name(start - 1, end)
                if label and not self.phrase_key(start - 1, end):
                    self.add(start - 1, end, label)
                    continue
            if end - start >= 2 and not self.phrase_key(start, end):
                label = self.place_name(start, end)
                if label:
                    self.add(start, end, label)
                    continue
            heads = [k for k in range(start, end) if self.lower[k] in self.heads]
            if not heads:
                continue
            # "European Commission President Ursula von der Leyen": the name ends before a title
            end = next((k for k in range(heads[0] + 1, end) if self.titled(k)), end)
            if end - start < 2 or self.phrase_key(start, end):
                continue
            found = self.label_run(start, end, set())
            if found is not None and found[2] in ("ORG", "FAC", "LOC"):
                self.add(*found)

    def heads_in(self, start: int, end: int) -> bool:
        return any(self.lower[k] in self.heads for k in range(start, end))

    def phrase_key(self, start: int, end: int) -> bool:
        return "".join(norm_key(self.lower[k]) for k in range(start, end)) in self.dic.phrases

    def articles(self) -> None:
        """"the" opens a multi-word name of a place or organisation, as in spaCy's NER."""
        for n, (s, e, label) in enumerate(self.spans):
            if label in ("GPE", "LOC", "ORG", "FAC") and e - s > 1 and s > 0 and self.lower[s - 1] == "the" \
                    and self.label[s - 1] is None:
                self.label[s - 1] = label
                self.spans[n] = (s - 1, e, label)

    def run(self) -> list[tuple[int, int, str]]:
        self.named_heads()
        self.phrases()
        self.times()
        self.numbers()
        self.proper_nouns()
        self.articles()
        return sorted(self.spans)


def find_entities(doc: Doc, dic: Optional[Dictionaries] = None,
                  rules: Optional[EntityRules] = None) -> list[tuple[int, int, str]]:
    """``(start token, end token, label)`` of the entities of a tagged doc, in order."""
    dic = dic or load_dictionaries()
    people, roles = _derived(dic)
    return _Finder(doc, dic, rules or entity_rules(), people, roles).run()


def _derived(dic: Dictionaries) -> tuple[frozenset, frozenset]:
    # Dictionaries is not hashable: the derived sets are kept on it, built once per loaded set.
    cached = getattr(dic, "_eventwire_entity_sets", None)
    if cached is None or cached[0] is not dic.people or cached[1] is not dic.roles:
        cached = (dic.people, dic.roles, person_words(dic), person_roles(dic))
        try:
            object.__setattr__(dic, "_eventwire_entity_sets", cached)
        except AttributeError:  # a slotted Dictionaries: recompute each time
            pass
    return cached[2], cached[3]


__all__ = ["EntityRecognizer", "FACTORY", "entity_rules", "find_entities"]
