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

Cost: the component runs on every article of the fast profile, so it reads the doc
once as token columns (``doc.to_array``, no Token or Span objects), visits only the
tokens that can open each kind of entity (``_where`` scans a column at C speed), caches
the per-string checks that recur across docs (``_norm_key``, ``_case_ok``) and writes
the entities back with one ``doc.from_array`` (:func:`set_entities`). The time
patterns' scan of the text is shared with the times stage (``pattern_matches`` is
cached per text) and is most of what remains.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count
from typing import Iterable, Optional

import numpy
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, IDX, ORTH, SPACY, TAG
from spacy.language import Language
from spacy.tokens import Doc

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
NUMBER_TAGS = frozenset({"CD", "JJ"})  # "JJ" for "21st"

def _where(flags: Iterable) -> list[int]:
    """The indices of the true values of ``flags`` (a C-speed scan of a token column)."""
    return list(compress(count(), flags))


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
        set_entities(doc, find_entities(doc, load_dictionaries(), self.rules))
        return doc


@Language.factory(FACTORY, assigns=["doc.ents", "token.ent_type", "token.ent_iob"], requires=["token.tag"])
def make_entity_recognizer(nlp: Language, name: str) -> EntityRecognizer:
    return EntityRecognizer(nlp, name)


def set_entities(doc: Doc, spans: list[tuple[int, int, str]]) -> None:
    """Write non-overlapping ``(start, end, label)`` spans as the doc's entities, every
    other token ``O``: what ``doc.set_ents(Spans, default="outside")`` does, written as
    token columns in one ``doc.from_array`` call instead of one Span object per entity."""
    n = len(doc)
    if not n:
        return
    strings = doc.vocab.strings
    iob, types = [2] * n, [0] * n  # ENT_IOB 2 = O, 3 = B, 1 = I; ENT_TYPE 0 = none
    for start, end, label in spans:
        if start < end:
            iob[start:end] = [3] + [1] * (end - start - 1)
            types[start:end] = [strings.add(label)] * (end - start)
    kb_ids = doc.to_array(ENT_KB_ID)
    if kb_ids.any():  # like set_ents: KB ids kept outside the entities, cleared inside
        kb_ids = kb_ids.tolist()
        for start, end, _ in spans:
            kb_ids[start:end] = [0] * (end - start)
        doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], numpy.array([iob, types, kb_ids], dtype=numpy.uint64).T)
    else:
        doc.from_array([ENT_IOB, ENT_TYPE], numpy.array([iob, types], dtype=numpy.uint64).T)


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
    """One doc's token table and the entities found so far.

    The table is read in one ``doc.to_array`` call (no Token objects): per token the
    text, lower-case form, tag, whether it is a space token, its character offset and
    trailing space. ``proper`` marks the capitalised ``NNP``/``NNPS`` tokens that may
    open or continue a name (``proper_at`` lists them), ``label`` the tokens already
    inside an entity (an earlier step wins an overlap).
    """

    def __init__(self, doc: Doc, dic: Dictionaries, rules: EntityRules, people: frozenset = frozenset(),
                 roles: frozenset = frozenset()):
        self.doc = doc
        self.dic = dic
        self.people = people
        self.roles = roles
        self.rules = rules
        self.heads = rules.name_heads
        self.joiners = rules.connectors | rules.name_particles
        self.n = n = len(doc)
        strings = doc.vocab.strings
        # Lexeme attributes (LOWER, IS_SPACE) are derived from the text: spaCy's English
        # getters are str.lower and str.isspace, and this is cheaper than reading them.
        orth, tags, self.starts, self.trailing = doc.to_array([ORTH, TAG, IDX, SPACY]).T.tolist() if n else ([],) * 4
        self.text = text = list(map(strings.__getitem__, orth))
        self.lower = list(map(str.lower, text))
        self.space = space = list(map(str.isspace, text))
        tag_names = {h: strings[h] if h else "" for h in set(tags)}
        self.tag = list(map(tag_names.__getitem__, tags))
        proper_tags = {h for h, name in tag_names.items() if name in PROPER_TAGS}
        self.proper = [False] * n
        self.proper_at = []  # the indices of the proper tokens, in order
        for i in _where(map(proper_tags.__contains__, tags)):
            if not space[i] and text[i][:1].isupper():
                self.proper[i] = True
                self.proper_at.append(i)
        self.label: list[Optional[str]] = [None] * n
        self.spans: list[tuple[int, int, str]] = []

    def lemma(self, i: int) -> str:
        """The lemma of token ``i``, read on demand: few are."""
        return self.doc[i].lemma_

    def free(self, start: int, end: int) -> bool:
        """No token of ``start:end`` is in an entity yet (labels are non-empty strings)."""
        return not any(self.label[start:end])

    def add(self, start: int, end: int, label: str) -> None:
        """Take tokens ``start:end`` (space tokens trimmed) as an entity unless one is taken."""
        while start < end and self.space[start]:
            start += 1
        while end > start and self.space[end - 1]:
            end -= 1
        if start < end and self.free(start, end):
            self.label[start:end] = [label] * (end - start)
            self.spans.append((start, end, label))

    # -- 1. dictionary phrases ----------------------------------------------------

    def phrase_keys(self) -> list[str]:
        """Each token's phrase key: lower case with straight apostrophes. A space token keeps
        its whitespace, which no phrase key has, so it neither opens nor continues a phrase."""
        text = doc_text(self.doc)
        if "\u2019" in text or "\u2018" in text:
            return [k.replace("\u2019", "'").replace("\u2018", "'") for k in self.lower]
        return self.lower

    def phrases(self) -> None:
        """Longest dictionary phrase at each token that opens one (see the module docstring)."""
        dic, labels, n, text = self.dic, self.rules.phrase_labels, self.n, self.text
        prefixes, phrases = dic.prefixes, dic.phrases
        keys = self.phrase_keys()
        # A phrase opens at a token whose key is a phrase or, with the next key, a prefix of one.
        opens = [i for i in _where(map(prefixes.__contains__, keys))
                 if keys[i] in phrases or i + 1 < n and keys[i] + keys[i + 1] in prefixes]
        done = 0  # tokens before it are inside a phrase already taken
        for i in opens:
            if i < done:
                continue
            # Extend the key token by token while it is a prefix of some phrase key.
            s, best, j, stop = keys[i], None, i, min(n, i + MAX_PHRASE_TOKENS)
            while True:
                hit = phrases.get(s)
                if hit is not None and case_ok(text[i : j + 1], hit.case):
                    best = (j + 1, hit)
                j += 1
                if j >= stop:
                    break
                s += keys[j]
                if s not in prefixes:
                    break
            if best is None:
                continue
            end, entry = best
            label = labels.get(f"{entry.kind}/{entry.form}") or labels.get(entry.kind)
            if label in ("GPE", "PERSON") and end == i + 1 and (
                    self.name_follows(end) or (label == "PERSON" and i > 0 and self.name_follows(i - 1))):
                continue  # "Jordan Bardella", "Jalil Abbas Jilani": part of another name
            if label:
                self.add(i, end, label)
            done = end

    def name_follows(self, j: int) -> bool:
        """Is token ``j`` an unknown capitalised name word (no title, head or phrase)?"""
        if j >= self.n or self.tag[j] not in PROPER_TAGS or not self.text[j][:1].isupper() or self.text[j].isupper():
            return False
        low = self.lower[j]
        return not (low in self.heads or self.titled(j) or low in self.dic.prefixes
                    or low in self.rules.loc_words)

    # -- 2. times -----------------------------------------------------------------

    def times(self) -> None:
        """The times stage's pattern matches (shared, cached) mapped to tokens."""
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
        """Ordinals, and runs of ``CD`` tokens as MONEY, PERCENT or CARDINAL. Only the
        tokens that can open one (``CD``, ``JJ``, an ordinal word) are visited."""
        r, n, lower, tag, label = self.rules, self.n, self.lower, self.tag, self.label
        ordinals = r.ordinals
        done = 0
        opens = _where(map(NUMBER_TAGS.__contains__, tag))
        words = _where(map(ordinals.__contains__, lower))
        for i in sorted({*opens, *words}) if words else opens:
            if i < done or label[i] is not None:
                continue
            if lower[i] in ordinals or (tag[i] == "JJ" and lower[i][:1].isdigit()):
                self.add(i, i + 1, "ORDINAL")
                continue
            if tag[i] != "CD":
                continue
            j = i
            while j < n and tag[j] == "CD" and label[j] is None:
                j += 1
            start, end, kind = i, j, "CARDINAL"
            if i > 0 and self.text[i - 1] in r.currency_symbols and label[i - 1] is None:
                start, kind = i - 1, "MONEY"
            elif j < n and lower[j] in r.currency_words:
                end, kind = j + 1, "MONEY"
            elif j < n and lower[j] in r.percent_words:
                end, kind = j + 1, "PERCENT"
            elif j + 1 < n and f"{lower[j]} {lower[j + 1]}" in r.percent_words:
                end, kind = j + 2, "PERCENT"
            self.add(start, end, kind)
            done = max(end, i + 1)

    # -- 4. proper-noun runs ------------------------------------------------------

    def is_proper(self, i: int) -> bool:
        return self.proper[i] and self.label[i] is None

    def runs(self) -> list[tuple[int, int]]:
        """Maximal runs of free proper tokens, joined by "-", "&" or a lower-case connector."""
        out = []
        n, text, lower, trailing, proper, label = self.n, self.text, self.lower, self.trailing, self.proper, self.label
        joiners = self.joiners

        def is_proper(k: int) -> bool:
            return proper[k] and label[k] is None

        done = 0
        for i in self.proper_at:
            if i < done or label[i] is not None:
                continue
            j = i + 1
            while j < n and j - i < MAX_RUN:
                if is_proper(j):
                    j += 1
                elif text[j] == "-" and not trailing[j - 1] and not trailing[j] and j + 1 < n and is_proper(j + 1):
                    j += 2  # "Thomas-Greenfield", "Yamalo-Nenets"
                elif (lower[j] in joiners and j + 1 < n and is_proper(j + 1)
                      and text[j][:1].islower() or text[j] == "&" and j + 1 < n and is_proper(j + 1)):
                    j += 2
                else:
                    break
            out.append((i, j))
            done = j
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
        if end < self.n and self.lemma(end) in verbs:
            return True
        return start > 0 and self.lemma(start - 1) in verbs and self.tag[start - 1] in ("VBD", "VBZ")

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
            if end - start == 1:  # one proper token: only "British Columbia" below applies
                pieces.append((start, end))
                continue
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
            if end - start == 1:
                continue
            if not self.phrase_key(start, end):
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
