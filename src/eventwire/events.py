"""Events: who did what to whom, CAMEO/PLOVER-coded from the dependency parse.

The component sets ``doc._.events`` to a list of :class:`~eventwire.models.Event` in
doc offsets. It works in four passes over the parse, all keyed by lemma:

1. **Triggers.** Every verb is looked up in the verb lexicon (``data/cameo/verbs.yaml``):
   the most specific pattern whose particle, object and preposition are present wins
   ("impose sanctions on T" over "impose"). A noun of the noun lexicon that is the
   object of a light verb ("held talks", "launched airstrikes") codes that verb.
2. **Frames.** Complement-taking verbs fold their complement into one event ("plans
   to meet" -> 036, "threatened to cut gas supplies" -> 1312, "urged X to withdraw"
   -> 025, "refused to attend" -> 125, "accused X of shelling" -> 1123), or only flag it
   ("denies it plans to invade" -> negated; "said that ..." -> reported).
3. **Nominal events** with a source in their own phrase: "Moscow's annexation of
   Crimea", "Russian airstrikes on Kharkiv", "talks between X and Y".
4. **Actors, flags, dedup.** Source and target come from the subject/agent and the
   object/preposition slots through ``doc._.actor_index``; a country modifier the
   actor stage does not index ("a Russian assault") is looked up in the actor
   dictionaries. Coordinated actors give one event each (a mutual event of "X and Y"
   gives both directions); "the two leaders" / "both sides" take the parties of the
   latest two-party event; "condemned the move/offensive/accusation" takes the source
   of the latest matching act in this or the two sentences before. Negation, future,
   hypothetical ("would ... if", "could") and reported speech are read from the clause
   and the clauses above it. Same source, target (by country), CAMEO code (or a
   refinement of it) and date is one event; a headline restating the body is merged.

Recall forms: a call or talks named by a noun ("told X in a phone call", "appealed
... during a video call with X"); a participle with a by-agent ("a deal brokered by
Qatar": the mediator acts, with no recipient; "a ceasefire proposed by X", "a
U.S.-backed plan": X is the author responded to); group anaphora ("the three
ministers", "both sides" after any two-party act); a vow to retaliate aimed at the
latest aggressor; "the report", "the findings" pointing to whoever said or found them;
a crowd of a country's people ("thousands of Armenians", "Khan's supporters") as a
group actor, not the country or the person it follows.

Limits: an event needs a source actor, and (except protests and force postures,
roots 14 and 15) a resolved target actor: "Russia criticised the plan" is not coded.
Appeals, intents and threats (``slotless_roots`` in ``nouns.yaml``) are coded without a
target only when the clause has no recipient slot at all ("Riyadh called on all sides
to avoid escalation", "Egypt offered to host talks", "vowed to retaliate"); an offer to
mediate between two parties has no recipient; force postures never take one
(``recipientless_roots``: "deployed troops near its border with Guyana" is VEN -> None).
A plain "X said" with no addressee is not a statement event. Sentence-level reading
with the short-range anaphora above; no event coreference across a whole article.
Dates and places come from ``times.time_for`` / ``places.place_for``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

import numpy as np
from spacy.attrs import DEP, HEAD, LEMMA, LOWER, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import ADJ, AUX, NOUN, PROPN, VERB
from spacy.strings import hash_string
from spacy.tokens import Doc, Span, Token

from . import cameo, docext  # noqa: F401
from . import dictionaries as _dictionaries
from . import places as _places
from . import times as _times
from .models import Actor, ActorRef, Event
from .nlp import doc_text

log = logging.getLogger(__name__)

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "going"})
WOULD_AUX = frozenset({"would", "'d"})
HYPOTHETICAL_AUX = frozenset({"could", "might", "may", "should", "must"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
NEGATING_DETS = frozenset({"no", "neither"})
REFLEXIVES = frozenset({"itself", "themselves", "himself", "herself", "ourselves", "myself", "yourself", "oneself"})
TRAVEL_VERBS = frozenset({"be", "arrive", "travel", "head", "fly", "go", "come", "return"})
COMMISSIVE = frozenset({"agree", "pledge", "promise", "offer", "propose", "commit", "volunteer", "undertake"})
FIRST_PERSON = frozenset({"i", "we", "me", "us", "our", "my", "ours"})
SUBJECT_DEPS = ("nsubj", "csubj")
INHERIT_SUBJECT = ("xcomp", "conj", "acomp", "advcl", "pcomp")
NP_LEFT_DEPS = frozenset({"compound", "amod", "poss", "det", "nmod", "nummod", "quantmod", "case", "punct"})
ACTOR_MODIFIER_DEPS = ("poss", "compound", "amod", "nmod")
DATELINE = re.compile(r"\s*[A-Z][A-Z .,'\u2019-]*[A-Z](?:\s*\([^)]{1,40}\))?\s*[-\u2014\u2013]+\s")
MEASURE_NOUNS = frozenset({"hour", "day", "week", "round", "series", "wave", "spate", "barrage", "string", "volley", "salvo", "number", "dozen", "hundred", "thousand",
                           "tonne", "ton", "shipment", "consignment", "batch", "truckload"})
INSTIGATION_NOUNS = frozenset({"request", "invitation", "behest", "initiative", "urging", "suggestion", "insistence"})
CONTENT_PREPS = frozenset({"against", "of", "about", "over"})
GROUP_SIZES = {"three": 3, "four": 4, "five": 5}
GROUP_SECTORS = frozenset({"CVL", "OPP", "LAB", "EDU", "REF"})
AGENT_SUFFIXES = frozenset({"backed", "led", "brokered", "drafted", "sponsored", "proposed", "mediated", "funded", "run"})
LOCATIVE_PREPS = frozenset({"in", "inside", "across", "near"})
REPORT_NOUNS = frozenset({"report", "findings", "finding", "conclusion", "conclusions", "assessment"})
REPORTING_LEMMAS = frozenset({"say", "find", "report", "conclude", "publish", "release", "issue", "blame"})
ADJECTIVE_TRIGGERS = frozenset({"concerned", "worried", "alarmed"})
MEETING_PREPS = frozenset({"during", "at", "in", "after"})
CARRY_VERBS = frozenset({"carry", "contain", "transport", "bring", "load"})  # "sent a plane carrying aid to X"
GATHERING_NOUNS = frozenset({"meeting", "session", "summit", "sitting", "conference"})  # "asked for a meeting of the UN"
FROM_NOUNS = frozenset({"withdrawal", "pullout", "retreat", "departure", "evacuation"})  # "withdrawal from Kherson"
CONVERSATION_NOUNS = frozenset({"call", "conversation", "talk", "talks", "meeting", "discussion", "videoconference"})
TEMPORAL_MARKS = frozenset({"after", "before", "since", "when", "while", "as", "because", "although", "though"})
REACTION_ROOTS = frozenset({"01", "02", "03", "05", "10", "11", "12", "13", "14"})  # "condemned/rejected/welcomed the X"
ANAPHORA_WINDOW = 4
RESTATEMENT_CHARS = 400  # how close a generic and a specific code of one root must be to merge  # sentences back that "the move", "the two leaders" may point to
MODALITY_RANK = {"asserted": 0, "reported": 1, "future": 2, "hypothetical": 3}


@dataclass
class _Cand:
    """A coded trigger before actors are resolved."""

    head: Token  # the token whose clause expresses the event (verb, or noun)
    anchor: Token  # the token to date and place the event by
    code: str
    evidence: str
    source: Optional[Token] = None
    target: Optional[Token] = None
    sources: Optional[list] = None  # explicit source tokens (nominal "between")
    pair: Optional[list] = None  # "between X and Y": the two sides
    passive: bool = False
    strict: bool = False  # a target slot that is not an actor blocks the event
    generic: bool = False  # a verb pattern without an object constraint
    future: bool = False  # an intent frame: the act itself lies ahead
    context_from: Optional[Token] = None  # where to read negation/modality, if not ``head``
    threat_if: bool = False  # a statement whose content is a conditional consequence


@lru_cache(maxsize=1)
def _lexicon_hashes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashes of the verb, noun and frame lemmas, to find triggers without a token scan."""
    lex = cameo.lexicon()

    def arr(keys: Iterable[str]) -> np.ndarray:
        return np.array(sorted({hash_string(k) for k in keys}), dtype=np.uint64)

    return arr(lex.verbs), arr(lex.nouns), arr(lex.frames)


def _member(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``np.isin(values, table)`` for a sorted ``table``: a binary search per value (np.isin
    sorts both arrays on every call, which costs more than the search)."""
    if not len(table):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(table, values)
    return table[np.minimum(at, len(table) - 1)] == values


@lru_cache(maxsize=1)
def _adjective_hashes() -> np.ndarray:
    """Adjectives that head an event like a verb ("was deeply concerned about X")."""
    return np.array(sorted(hash_string(w) for w in ADJECTIVE_TRIGGERS), dtype=np.uint64)


# ---------------------------------------------------------------------------
# Parse helpers


class _Names(dict):
    """Token index -> the string of a hash column of ``doc.to_array``, looked up on first use."""

    def __init__(self, strings, hashes: np.ndarray):
        super().__init__()
        self.strings = strings
        self.hashes = hashes

    def __missing__(self, i: int) -> str:
        name = self[i] = self.strings[int(self.hashes[i])]
        return name


class _Tree:
    """Dependency-tree helpers over per-doc tables.

    Reading ``tok.dep_`` or ``tok.lemma_`` looks a string up on every access, and
    ``tok.children`` builds new Token objects on every walk; here the dependency label,
    lower-cased lemma, lower form and POS of every token are read once per doc from
    ``doc.to_array`` into lists indexed by ``tok.i`` (the tag, rarely read, on first
    use), and each token's children (``kids_[i]``, in index order as ``tok.children``
    gives them) are built once. Results that depend only on the parse and the actor
    index (a verb's object, its prepositions, a token's actor) are computed once per token.
    """

    def __init__(self, doc: Doc):
        self.doc = doc
        n = len(doc)
        self.arr = doc.to_array([HEAD, DEP, LEMMA, LOWER, POS, TAG]) if n else np.zeros((0, 6), dtype=np.uint64)
        strings = doc.vocab.strings

        self.dep = [strings[h] for h in self.arr[:, 1].tolist()]
        self.lemma = [strings[h].lower() for h in self.arr[:, 2].tolist()]
        self.lower = [strings[h] for h in self.arr[:, 3].tolist()]
        self.pos = [strings[h] for h in self.arr[:, 4].tolist()]
        self.tag = _Names(strings, self.arr[:, 5])  # rarely read: looked up on first use
        # HEAD is an offset from the token (a negative offset wraps in uint64)
        self.head_i = (self.arr[:, 0].astype(np.int64) + np.arange(n, dtype=np.int64)).tolist()
        kid_idx: dict[int, list[int]] = {}
        for j, h in enumerate(self.head_i):
            if h != j:
                kid_idx.setdefault(h, []).append(j)
        toks = list(doc)
        # every token is the child of one head, so each Token object here is built once
        self.kids_: dict[int, tuple] = {i: tuple(map(toks.__getitem__, ks)) for i, ks in kid_idx.items()}
        self.kids_.update((i, ()) for i in range(n) if i not in kid_idx)
        self._memo_object: dict[int, Optional[Token]] = {}
        self._memo_passive: dict[int, bool] = {}
        self._memo_preps: dict[int, list[Token]] = {}
        self._memo_reach: dict[int, list[Token]] = {}
        self._memo_actor: dict[tuple[int, int], Optional[Actor]] = {}

    def depth(self, i: int) -> int:
        """The number of ancestors of token ``i`` (``len(list(tok.ancestors))``)."""
        n = 0
        while self.head_i[i] != i:
            i = self.head_i[i]
            n += 1
        return n

    def kids(self, tok: Token) -> tuple:
        """The children of ``tok`` (as ``tok.children``, built once per doc)."""
        return self.kids_[tok.i]

    def forms(self, tok: Token) -> set[str]:
        """The lower-cased lemma and form of ``tok``."""
        return {self.lemma[tok.i], self.lower[tok.i]}

    def _children(self, tok: Token, *deps: str) -> list[Token]:
        return [c for c in self.kids_[tok.i] if self.dep[c.i] in deps]


    def _is_passive(self, verb: Token) -> bool:
        got = self._memo_passive.get(verb.i)
        if got is None:
            dep = self.dep
            got = self._memo_passive[verb.i] = any(dep[c.i] in ("nsubjpass", "auxpass", "csubjpass") for c in self.kids_[verb.i])
        return got


    def _subject(self, verb: Token, depth: int = 0) -> Optional[Token]:
        """The subject (or passive agent) token of a verb, inherited through xcomp/conj."""
        if depth > 6:
            return None
        subjects = [c for c in self.kids_[verb.i] if self.dep[c.i] in SUBJECT_DEPS]
        if subjects:
            # a dateline ("BEIJING (Reuters) -") is often parsed as a second subject
            left = [c for c in subjects if c.i < verb.i]
            subj = left[-1] if left else subjects[0]
            if self.lower[subj.i] in ("who", "which", "that"):
                # "Scholz, who he said had agreed to ...": the relative clause's head
                cur = verb
                for _ in range(6):
                    if self.dep[cur.i] == "relcl":
                        return cur.head
                    if self.head_i[cur.i] == cur.i:
                        break
                    cur = cur.head
            return subj
        if self._is_passive(verb):
            for agent in self._children(verb, "agent"):
                for p in self._children(agent, "pobj"):
                    return p
            return None
        if self.dep[verb.i] == "acl" and self.tag[verb.i] == "VBN":
            # "a deal brokered by Qatar", "a ceasefire proposed by Russia": the agent acts
            for agent in self._children(verb, "agent"):
                for p in self._children(agent, "pobj"):
                    return p
        if self.dep[verb.i] in ("relcl", "acl") and self.pos[self.head_i[verb.i]] in ("NOUN", "PROPN", "PRON"):
            return verb.head
        if self.dep[verb.i] in INHERIT_SUBJECT and self.head_i[verb.i] != verb.i:
            if self.dep[verb.i] == "advcl" and any(self.dep[c.i] == "mark" for c in self.kids_[verb.i]):
                return None
            if self.dep[verb.i] == "pcomp":
                head = verb.head.head if self.dep[self.head_i[verb.i]] == "prep" else verb.head
                if self.pos[head.i] not in ("VERB", "AUX"):
                    return None
                if self.dep[self.head_i[verb.i]] == "prep" and self.lemma[self.head_i[verb.i]] in ("against", "of", "from"):
                    # "warned X against invading": the object of warn does the invading
                    for c in self.kids_[head.i]:
                        if self.dep[c.i] == "dobj":
                            return c
                return self._subject(head, depth + 1)
            if self.dep[verb.i] == "xcomp":
                # "urged X to withdraw": the object of the governing verb is the subject
                for c in self.kids_[self.head_i[verb.i]]:
                    if self.dep[c.i] in ("dobj",):
                        return c
            return self._subject(verb.head, depth + 1)
        return None


    def _object(self, verb: Token) -> Optional[Token]:
        """The object slot of ``verb`` (the subject of a passive), computed once per token."""
        i = verb.i
        if i not in self._memo_object:
            self._memo_object[i] = self._find_object(verb)
        return self._memo_object[i]

    def _find_object(self, verb: Token) -> Optional[Token]:
        if self._is_passive(verb):
            for c in self.kids_[verb.i]:
                if self.dep[c.i] in ("nsubjpass", "csubjpass"):
                    return c
        kids = self.kids_[verb.i]
        for c in sorted(kids, key=lambda k: self.dep[k.i] != "dobj"):
            if self.dep[c.i] in ("dobj", "dative", "oprd"):
                if self.lemma[c.i] in MEASURE_NOUNS:
                    # "held eight hours of talks", "launched a wave of strikes"
                    for pr in self.kids_[c.i]:
                        if self.dep[pr.i] == "prep" and self.lemma[pr.i] == "of":
                            for po in self.kids_[pr.i]:
                                if self.dep[po.i] == "pobj":
                                    return po
                return c
        return None


    def _preps(self, tok: Token) -> list[Token]:
        """The prepositions on ``tok`` (a new list: callers may extend it)."""
        got = self._memo_preps.get(tok.i)
        if got is None:
            dep, pos = self.dep, self.pos
            got = self._memo_preps[tok.i] = [c for c in self.kids_[tok.i] if dep[c.i] in ("prep", "agent", "dative") and pos[c.i] == "ADP"]
        return list(got)


    def _reachable_preps(self, head: Token) -> list[Token]:
        """Prepositions on ``head``, on its object (and the object's conjuncts), and one
        level down ("spoke by phone with X", "launched drones and missiles at X").
        Computed once per token; a new list each call."""
        got = self._memo_reach.get(head.i)
        if got is None:
            got = self._memo_reach[head.i] = self._find_reachable_preps(head)
        return list(got)

    def _find_reachable_preps(self, head: Token) -> list[Token]:
        out = self._preps(head)
        # "pulled its troops out of Ukraine": the phrase hangs on the particle
        out += [p for c in self.kids_[head.i] if self.dep[c.i] == "prt" or (self.dep[c.i] == "prep" and self._pobj(c) is None)
                for p in self._preps(c)]
        obj = self._object(head) if self.pos[head.i] in ("VERB", "AUX") else None
        if obj is not None:
            for t in (obj, *obj.conjuncts):
                out += self._preps(t)
            if self.dep[obj.i] == "pobj" and self.dep[self.head_i[self.head_i[obj.i]]] in ("dobj", "dative"):
                # "struck hundreds of targets in Gaza": the measure noun's own phrases
                out += [p for p in self._preps(obj.head.head) if p.i != self.head_i[obj.i]]
        for pr in list(out):
            po = self._pobj(pr)
            if po is not None and self.pos[po.i] in ("NOUN", "PROPN"):
                out += [p for p in self._preps(po) if p not in out]
        return out


    def _pobj(self, prep: Token) -> Optional[Token]:
        for c in self.kids_[prep.i]:
            if self.dep[c.i] in ("pobj", "pcomp"):
                return c
        return None


    # ---------------------------------------------------------------------------
    # The coder


class _Coder(_Tree):
    def __init__(self, doc: Doc, index, lex: cameo.Lexicon):
        super().__init__(doc)
        self.text = doc_text(doc)  # Doc.text joins every token on each access; this is built once per doc
        self.index = index
        self.lex = lex
        self.tok_actor: list[Optional[Actor]] = [None] * len(doc)
        for actor in getattr(index, "actors", ()) or ():
            for start, end in actor.mentions:
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for i in range(span.start, span.end):
                    if self.tok_actor[i] is None and _usable(actor):
                        self.tok_actor[i] = actor
        self.quotes = list(doc._.quotes or ())
        self.consumed: set[int] = set()
        self.places = sorted(doc._.places or (), key=lambda p: p.span)
        dateline = doc._.dateline
        self.dateline_span = tuple(dateline.span) if dateline is not None else None
        self.dateline_place = getattr(dateline, "place", None) if dateline is not None else None
        if self.dateline_span is not None:
            span = doc.char_span(*self.dateline_span, alignment_mode="expand")
            for i in (range(span.start, span.end) if span is not None else ()):
                self.tok_actor[i] = None
        self.history: list[tuple[int, str, Actor, str, str, int]] = []  # (sentence, root, source, object, trigger, head)
        self.groups: list[tuple[int, tuple]] = []  # (sentence, parties) of events of three or more coordinated parties
        self.acts: list[tuple[int, str, Actor, Actor, int]] = []  # (sentence, root, source, target, head) of coded events
        self.intent = lex.frame("intent")
        self._datelines: dict[int, int] = {}
        self._find_triggers()
        self.sents = list(doc.sents)
        self._sent_index = [0] * len(doc)
        for n, sent in enumerate(self.sents):
            self._sent_index[sent.start : sent.end] = [n] * (sent.end - sent.start)
        self._phrases = _dictionaries.load_dictionaries().phrases
        self.sentence_targets: dict[int, Actor] = {}  # sentence start -> last named target
        self.emitted: dict[int, str] = {}  # head token -> root of the event coded there
        self.pairs: list[tuple[int, Actor, Actor]] = []  # (sentence start, source, target) of two-party events
        self.cand_roots: dict[int, str] = {}

    def _find_triggers(self) -> None:
        """Token indices whose lemma is in a lexicon (vectorised; no Python token scan)."""
        verbs, nouns, frames = _lexicon_hashes()
        if len(self.arr) == 0:
            self.verb_idx = self.noun_idx = self.frame_idx = []
            return
        lemma, lower, pos = self.arr[:, 2], self.arr[:, 3], self.arr[:, 4]
        verbish = (pos == VERB) | (pos == AUX)
        known = _member(lemma, verbs)
        hits = set(np.nonzero(known & (verbish | _member(lemma, _adjective_hashes())))[0].tolist())
        for i in np.nonzero(verbish & ~known)[0].tolist():
            # the tagger's lemma is occasionally wrong ("staged" -> "stag"): try the form
            low = self.lower[i]
            if low.endswith(("d", "s", "ing")) and any(
                f in self.lex.verbs for f in (low[:-1], low[:-2], low[:-3] + "e", low[:-3])
            ):
                hits.add(i)
        for i in np.nonzero(pos == ADJ)[0].tolist():
            # "relaxed restrictions on X" tagged as an adjective that still takes an object
            low = self.lower[i]
            if low.endswith("ed") and any(self.dep[c.i] == "dobj" for c in self.kids_[i]) and any(
                f in self.lex.verbs for f in (low[:-1], low[:-2], low[:-3])
            ):
                hits.add(i)
        self.verb_idx = sorted(hits)
        nounish = (pos == NOUN) | (pos == PROPN)
        self.noun_idx = np.nonzero(nounish & (_member(lemma, nouns) | _member(lower, nouns)))[0].tolist()
        self.frame_idx = np.nonzero(((pos == VERB) | (pos == AUX) | (pos == ADJ)) & _member(lemma, frames))[0].tolist()

    def sent_of(self, tok: Token) -> Span:
        return self.sents[self._sent_index[tok.i]]

    # -- actors ----------------------------------------------------------

    def in_dateline(self, tok: Token) -> bool:
        if self.dateline_span is not None:
            return self.dateline_span[0] <= tok.idx < self.dateline_span[1]
        sent = self.sent_of(tok)
        end = self._datelines.get(sent.start)
        if end is None:
            m = DATELINE.match(self.text, sent.start_char, sent.end_char)
            end = m.end() if m else -1
            self._datelines[sent.start] = end
        return tok.idx < end

    def undateline(self, tok: Optional[Token]) -> Optional[Token]:
        """A subject parsed onto the dateline ("NEW DELHI (Wireline) - India and China
        agreed"): the real subject hangs on it as an apposition."""
        if tok is None or not self.in_dateline(tok):
            return tok
        for c in tok.subtree:
            if self.dep[c.i] in ("appos", "conj", "npadvmod") and not self.in_dateline(c) and self.pos[c.i] in ("PROPN", "NOUN"):
                return c
        return None

    def _quote_at(self, tok: Token):
        for q in self.quotes:
            if q.span[0] <= tok.idx < q.span[1]:
                return q
        return None

    def actor_of(self, tok: Optional[Token], depth: int = 0) -> Optional[Actor]:
        """The usable actor ``tok`` refers to (one with a country, or an IGO/NGO), computed
        once per token and depth (it reads only the parse and the actor stage's index)."""
        if tok is None:
            return None
        key = (tok.i, depth)
        if key in self._memo_actor:
            return self._memo_actor[key]
        actor = self._actor_of(tok, depth)
        got = self._memo_actor[key] = actor if actor is not None and _usable(actor) else None
        return got

    def _actor_of(self, tok: Optional[Token], depth: int = 0) -> Optional[Actor]:
        if tok is None or depth > 2:
            return None
        if tok.lower_ in REFLEXIVES:
            return None  # "ready to defend itself": no second party
        if self.tok_actor[tok.i] is None and self.in_dateline(tok):
            return None
        for c in self.kids_[tok.i]:
            if self.dep[c.i] == "amod" and c.i < tok.i:
                led = self.agent_modifier(c)  # "the Kenyan-led mission" is Kenya's, whoever it serves
                if led is not None:
                    return led
        if self.tok_actor[tok.i] is not None:
            return self.tok_actor[tok.i]
        if self.dep[tok.i] in ("amod", "compound", "npadvmod", "poss") and tok.i < self.head_i[tok.i]:
            named = self.modifier_actor(tok)
            if named is not None:
                return named
        if tok.lower_ in FIRST_PERSON:
            q = self._quote_at(tok)
            if q is not None and q.speaker is not None and q.speaker.actor:
                try:
                    return self.index.actor(q.speaker.actor)
                except (KeyError, AttributeError):
                    pass
        group = self.group_of(tok, depth)
        if group is not None:
            return group
        left = tok.i
        for c in tok.lefts:
            if self.dep[c.i] in NP_LEFT_DEPS:
                left = min(left, c.left_edge.i)
        right = tok.i
        for c in tok.rights:
            if self.dep[c.i] in ("appos", "compound", "flat"):
                right = max(right, c.right_edge.i)
        try:
            actor = self.index.resolve(self.doc[left : right + 1])
        except Exception:  # the index is another stage's object; never let it kill coding
            log.debug("actor_index.resolve failed", exc_info=True)
            actor = None
        if actor is not None and _usable(actor):
            return actor
        for c in self.kids_[tok.i]:
            if self.dep[c.i] in ACTOR_MODIFIER_DEPS and c.i < tok.i:
                if self.tok_actor[c.i] is not None:
                    return self.tok_actor[c.i]
                named = self.modifier_actor(c)
                if named is not None:
                    return named
        for c in self.kids_[tok.i]:
            if self.dep[c.i] == "appos":
                a = self.actor_of(c, depth + 1)
                if a is not None:
                    return a
        if self.lemma[tok.i] in self.lex.people or self.pos[tok.i] == "PROPN":
            for prep in self._preps(tok):
                if self.lemma[prep.i] == "of":
                    a = self.actor_of(self._pobj(prep), depth + 1)
                    if a is not None:
                        return a
        return None

    def group_of(self, tok: Token, depth: int) -> Optional[Actor]:
        """"Khan's supporters", "thousands of Armenians": a crowd of a country's people is
        not its government (nor the person it follows)."""
        sector = self.lex.people.get(self.lemma[tok.i])
        if sector not in GROUP_SECTORS:
            return None
        owners = [c for c in self.kids_[tok.i] if self.dep[c.i] == "poss"]
        owners += [p for pr in self._preps(tok) if self.lemma[pr.i] == "of" for p in self.kids_[pr.i] if self.dep[p.i] == "pobj"]
        for owner in owners:
            if self.pos[owner.i] == "PRON":
                continue
            inner = self.lex.people.get(self.lemma[owner.i])
            actor = self.actor_of(owner, depth + 1)
            if actor is None or not actor.country:
                continue
            if actor.sector not in (None, "GOV") or actor.kind == "group":
                return actor  # "dozens of Russian soldiers"
            return Actor(id="", name=tok.text, code=actor.country + (inner or sector), country=actor.country,
                         sector=inner or sector, kind="group")
        return None

    def actors_of(self, tok: Optional[Token], exclude: Optional[str] = None) -> list[Actor]:
        """The actors of a slot: the token, its conjuncts, and coordinated modifiers
        ("Chinese and Indian soldiers")."""
        if tok is None:
            return []
        pair = self.pair_anaphor(tok, exclude)
        if pair:
            return pair
        out: list[Actor] = []

        def add(a: Optional[Actor]) -> None:
            if a is not None and all(not _same(a, o) for o in out):
                out.append(a)

        for t in [tok, *tok.conjuncts]:
            if self.pos[t.i] in ("NOUN", "PROPN"):
                mods = [self.tok_actor[m.i] or self.modifier_actor(m)
                        for c in self.kids_[t.i] if self.dep[c.i] in ("amod", "compound", "nmod") and c.i < t.i
                        for m in (c, *c.conjuncts)]
                mods = [m for m in mods if m is not None]
                if len({m.code for m in mods}) >= 2:
                    for m in mods:
                        add(m)
                    continue
            add(self.actor_of(t))
        return out

    def modifier_actor(self, mod: Token) -> Optional[Actor]:
        """A country named by a modifier the actor stage does not index ("a Russian
        assault", "North Korean officials", "French brandy")."""
        if self.pos[mod.i] not in ("ADJ", "PROPN", "NOUN") or not mod.text[:1].isupper():
            return None
        name, _, tail = mod.text.rpartition("-")
        if name and tail.lower() in AGENT_SUFFIXES:
            # "a U.S.-backed proposal", "the Kenyan-led mission": who backs or leads it
            entry = self._phrases.get(_dictionaries.norm_key(name))
            if entry is not None and entry.country and entry.form in ("adjective", "name", "capital", "people", "seat"):
                return Actor(id="", name=entry.name, code=entry.code, country=entry.country, kind=entry.kind)
            return None
        words = [t for t in self.doc[mod.left_edge.i : mod.i + 1] if self.dep[t.i] != "det" and self.pos[t.i] != "DET"]
        if mod.i > 0 and words[0].i == mod.i and self.doc[mod.i - 1].text[:1].isupper():
            wider = self._phrases.get(_dictionaries.norm_key(self.doc[mod.i - 1].text + mod.text))
            if wider is not None and not wider.country:
                return None  # "Latin American countries" are a region's, not America's
        for n in range(len(words)):
            entry = self._phrases.get(_dictionaries.norm_key("".join(t.text for t in words[n:])))
            if entry is not None and entry.country and entry.form in ("adjective", "name", "capital", "people", "seat"):
                return Actor(id="", name=entry.name, code=entry.code, country=entry.country, kind=entry.kind)
            if entry is not None and not entry.country and n < len(words) - 1:
                return None  # the longer phrase names a region ("South American"), not its last word's country
        return None

    def agent_modifier(self, mod: Token) -> Optional[Actor]:
        """The actor of "U.S.-backed", "Kenyan-led" (one token or three)."""
        if "-" in mod.text:
            return self.modifier_actor(mod)
        if self.tag[mod.i] == "VBN" and self.lower[mod.i] in AGENT_SUFFIXES:
            for g in self.kids_[mod.i]:
                if g.i < mod.i and self.dep[g.i] in ("npadvmod", "compound", "nmod", "amod"):
                    return self.tok_actor[g.i] or self.modifier_actor(g)
        return None

    def reporting_subject(self, verb: Token) -> Optional[Token]:
        """"The Kremlin denies it plans to invade": an unresolved pronoun subject of a
        clause reported by a speech or denial verb is taken to be the speaker."""
        cur = verb
        for _ in range(4):
            if self.dep[cur.i] in ("xcomp", "conj", "acomp") and self.head_i[cur.i] != cur.i:
                cur = cur.head
                continue
            if self.dep[cur.i] == "ccomp":
                gov = cur.head
                kinds = {f.kind for f in self.lex.frames.get(self.lemma[gov.i], ())}
                if kinds & {"speech", "deny"}:
                    return self.undateline(self._subject(gov))
            return None
        return None

    def group_size(self, tok: Token) -> int:
        """2 for "the two leaders" / "both sides", 3 for "the three ministers", else 0."""
        if self.lemma[tok.i] not in self.lex.pair_nouns or self.tok_actor[tok.i] is not None:
            return 0
        words = {self.lower[c.i] for c in self.kids_[tok.i] if self.dep[c.i] in ("nummod", "det", "predet", "amod")}
        return 2 if words & {"two", "both"} else next((GROUP_SIZES[w] for w in words if w in GROUP_SIZES), 0)

    def pair_anaphor(self, tok: Token, exclude: Optional[str] = None) -> list[Actor]:
        """"the two leaders", "both sides": the parties of the latest two-party event
        in this or the two sentences before."""
        if self.lemma[tok.i] not in self.lex.pair_nouns or self.tok_actor[tok.i] is not None:
            return []
        size = self.group_size(tok)
        if not size:
            return []
        n = self._sent_index[tok.i]
        recent = {s.start for s in self.sents[max(0, n - ANAPHORA_WINDOW) : n + 1]}
        if size > 2:
            # "the three ministers": the coordinated parties of the latest event of three
            for start, group in reversed(self.groups):
                if start in recent and len(group) == size and all(exclude != g.country for g in group):
                    return list(group)
            return []
        for start, a, b in reversed(self.pairs):
            if start in recent and exclude not in (a.country, b.country):
                return [a, b]
        if self.lemma[tok.i] in ("side", "party", "neighbour", "neighbor"):
            # "accused Baku ... Moscow called on both sides": the two parties of the latest act
            for start, _, a, b, _ in reversed(self.acts):
                if start in recent and a.country and b.country and a.country != b.country \
                        and exclude not in (a.country, b.country):
                    return [a, b]
        return []

    def place_of(self, tok: Token):
        """The resolved place mentioned by ``tok`` (or by its "of" phrase), if any."""
        for t in (tok, *(p for pr in self._preps(tok) if self.lemma[pr.i] == "of" for p in self.kids_[pr.i] if self.dep[p.i] == "pobj")):
            for place in self.places:
                if place.span[0] <= t.idx < place.span[1]:
                    return place if place.country else None
                if place.span[0] > t.idx:
                    break
        return None

    def people_actor(self, tok: Token, country: Optional[str]) -> Optional[Actor]:
        """An unnamed group ("protesters", "thousands of supporters") as an actor of ``country``."""
        found = self.people_actors(tok, country)
        return found[0] if found else None

    def people_actors(self, tok: Token, country: Optional[str]) -> list[Actor]:
        """``people_actor`` for every country of a coordinated "in" phrase ("firms in
        Russia, China and other countries" -> RUSBUS, CHNBUS)."""
        sector = self.lex.people.get(self.lemma[tok.i])
        if sector is None and self.pos[tok.i] == "PROPN" and self.lower[tok.i].endswith("s"):
            sector = self.lex.people.get(self.lower[tok.i][:-1])  # sentence-initial "Militants" tagged as a name
        if sector is None:
            return []
        countries: list[str] = []
        for pr in self._preps(tok):
            if self.lemma[pr.i] in ("in", "from"):
                po = self._pobj(pr)
                for p in ((po, *po.conjuncts) if po is not None else ()):
                    where = self.actor_of(p) or self.place_of(p)
                    if where is not None and where.country and where.country not in countries:
                        countries.append(where.country)
        for pr in self._preps(tok):
            if self.lemma[pr.i] == "of":
                po = self._pobj(pr)
                if po is not None and self.pos[po.i] == "NOUN":
                    sector = self.lex.people.get(self.lemma[po.i], sector)
        if not countries and country is not None:
            countries = [country]
        return [Actor(id="", name=tok.text, code=c + sector, country=c, sector=sector, kind="group") for c in countries]

    @staticmethod
    def place_actor(place) -> Actor:
        return Actor(id="", name=place.name, code=place.country, country=place.country, kind="country")

    def event_country(self, cand: "_Cand", dateline: bool = False) -> Optional[str]:
        """The country of the place the clause names; with ``dateline``, else the
        dateline's (the story's own country, for protests and arrests)."""
        sent = self.sent_of(cand.anchor)
        place = _places.place_for(self.doc, sent, cand.anchor)
        if place is not None and getattr(place, "country", None):
            if sent.start_char <= place.span[0] < sent.end_char or dateline:
                return place.country
        if dateline and self.dateline_place is not None and getattr(self.dateline_place, "country", None):
            return self.dateline_place.country
        return None

    def anaphor(self, tok: Token, source: Optional[Actor]) -> list[Actor]:
        """"rejected the accusation", "condemned the offensive", "dismissed the move": the
        source(s) of the earlier act the noun points to. An act named by the same word
        ("the visit" after "made a visit") is looked for further back than one of the
        same root; a generic noun ("the move") prefers the latest material act."""
        entry = self.noun_entry(tok)
        generic = self.lemma[tok.i] in self.lex.anaphoric or self.lower[tok.i] in self.lex.anaphoric
        if entry is None and not generic:
            return []
        n = self._sent_index[tok.i]
        near = {s.start for s in self.sents[max(0, n - ANAPHORA_WINDOW) : n + 1]}
        close = {s.start for s in self.sents[max(0, n - 2) : n + 1]}
        far = {s.start for s in self.sents[max(0, n - 2 * ANAPHORA_WINDOW) : n + 1]}
        lemma, stem = self.lemma[tok.i], self.lemma[tok.i][:4]
        other = [h for h in reversed(self.history) if source is None or (
            h[2].id != source.id and not (source.country and h[2].country == source.country))]
        found = next((h[5] for h in other if h[0] in far and (h[3] == lemma or h[4][:4] == stem)
                      and (h[1] == entry.code[:2] or h[1] not in REACTION_ROOTS if entry is not None
                           else cameo.quad_class(h[1]) in (2, 4))), None)
        if found is None and entry is not None:
            found = next((h[5] for h in other if h[0] in close and h[1] == entry.code[:2]), None)
        if found is None and generic:
            found = next((h[5] for h in other if h[0] in near and cameo.quad_class(h[1]) in (2, 4)), None)
            if found is None:
                found = next((h[5] for h in other if h[0] in near), None)
        if found is None:
            return []
        # every source of that act ("the United States and Britain struck ...")
        out: list[Actor] = []
        for h in self.history:
            if h[5] == found and all(not _same(h[2], o) for o in out) and (source is None or (
                    h[2].id != source.id and not (source.country and h[2].country == source.country))):
                out.append(h[2])
        return out

    def aggressors(self, tok: Token, sources: list[Actor]) -> list[Actor]:
        """The sources of the latest hostile act (roots 16-20) aimed at ``sources``' country in
        this or the sentences before: whom a vow to retaliate is aimed at."""
        countries = {s.country for s in sources if s.country}
        if not countries:
            return []
        n = self._sent_index[tok.i]
        near = {s.start for s in self.sents[max(0, n - ANAPHORA_WINDOW) : n + 1]}
        hits = [a for a in reversed(self.acts) if a[0] in near and a[1] >= "16" and a[4] < tok.i
                and a[3].country in countries and a[2].country not in countries]
        if not hits:
            return []
        out: list[Actor] = []
        for a in self.acts:
            if a[4] == hits[0][4] and a[2].country not in countries and all(not _same(a[2], o) for o in out):
                out.append(a[2])
        return out

    def reporters(self, tok: Token, sources: list[Actor]) -> list[Actor]:
        """The latest actor in this or the sentences before who said, found or reported
        something (the author "the report", "the findings" point to), other than ``sources``."""
        countries = {s.country for s in sources if s.country}
        ids = {s.id for s in sources if s.id}
        n = self._sent_index[tok.i]
        for sent in reversed(self.sents[max(0, n - ANAPHORA_WINDOW) : n + 1]):
            for t in reversed(sent):
                if t.i >= tok.i or self.pos[t.i] not in ("VERB", "AUX") or self.lemma[t.i] not in REPORTING_LEMMAS:
                    continue
                found = [a for a in self.actors_of(self.undateline(self._subject(t)))
                         if a.id not in ids and not (a.country and a.country in countries)]
                if found:
                    return found
        return []

    def is_event_noun(self, tok: Token) -> bool:
        return self.pos[tok.i] in ("NOUN", "PROPN") and self.noun_entry(tok) is not None

    # -- lexicon matching --------------------------------------------------

    def noun_entry(self, tok: Token) -> Optional[cameo.NounEntry]:
        entries = self.lex.nouns.get(self.lemma[tok.i]) or self.lex.nouns.get(self.lower[tok.i])
        if not entries:
            return None
        mods = None
        for e in entries:
            if e.mod is None:
                return e
            if mods is None:
                mods = {m for c in self.kids_[tok.i] if self.dep[c.i] in ("compound", "amod", "nmod") for m in self.forms(c)}
                mods |= {self.lower[c.i] for c in tok.lefts}
            if e.mod.split()[-1] in mods:
                return e
        return None

    def match_verb(self, verb: Token) -> Optional[tuple[cameo.VerbPattern, Optional[Token], bool]]:
        """The best verb pattern for ``verb``: (pattern, target slot token, slot is strict)."""
        patterns = self.lex.verbs.get(self.lemma[verb.i])
        if not patterns:
            # the tagger's lemma is occasionally wrong ("staged" -> "stag")
            low = self.lower[verb.i]
            for form in (low[:-1], low[:-2], low[:-3] + "e", low[:-3]):
                if low.endswith(("d", "s", "ing")) and form in self.lex.verbs:
                    patterns = self.lex.verbs[form]
                    break
        if not patterns:
            return None
        obj = self._object(verb)
        obj_forms = self.forms(obj) if obj is not None else set()
        cargo_preps: list[Token] = []
        if obj is not None:
            obj_forms |= {self.lower[c.i] for c in self.kids_[obj.i] if self.dep[c.i] in ("compound", "amod")}
            # "sent a plane carrying medical supplies to Beirut": the cargo and its destination
            for carrier in self.kids_[obj.i]:
                if self.dep[carrier.i] == "acl" and self.lemma[carrier.i] in CARRY_VERBS:
                    cargo_preps += self._preps(carrier)
                    cargo = self._object(carrier)
                    if cargo is not None:
                        obj_forms |= self.forms(cargo)
        # a pattern naming its objects needs one of them: most verbs stop here ("have" without "talks")
        patterns = [p for p in patterns if not p.objs or p.objs & obj_forms]
        if not patterns:
            return None
        particles = {self.lower[c.i] for c in self.kids_[verb.i] if self.dep[c.i] == "prt"}
        preps = self._reachable_preps(verb)
        if cargo_preps:
            preps = [*preps, *cargo_preps]
        children_forms = None  # the forms of the verb's children, for patterns with extras
        prep_words = None
        best = None
        best_score = -1.0
        for p in patterns:
            if p.particle and p.particle not in particles:
                if prep_words is None:
                    prep_words = {self.lower[pr.i] for pr in preps}
                if not (p.particle in prep_words):
                    continue
            if p.objs and not (p.objs & obj_forms):
                continue
            slot: Optional[Token] = None
            prep_tok = None
            if p.preps:
                for pr in preps:
                    if self.lower[pr.i] in p.preps:
                        po = self._pobj(pr)
                        if po is not None and po.ent_type_ in ("DATE", "TIME"):
                            continue  # "agreed on Thursday" is not "agreed on"
                        if p.pobjs and (po is None or not (p.pobjs & self.forms(po))):
                            continue
                        if prep_tok is None or (po is not None and self.actor_of(po) is not None):
                            prep_tok, slot = pr, po
                        if po is not None and self.actor_of(po) is not None:
                            break
                if prep_tok is None:
                    # "hand over the prisoners": the preposition parsed as a particle
                    if p.target == "prep" and p.preps & particles and not p.pobjs:
                        slot = obj
                    elif not (p.pobjs and p.preps & particles and p.pobjs & obj_forms):
                        continue
            if p.extras:
                if children_forms is None:
                    children_forms = {f for c in self.kids_[verb.i] for f in self.forms(c)}
                if not (p.extras & children_forms):
                    continue
            if p.target == "obj":
                slot = obj if not p.objs else None
                if p.preps and not p.objs and prep_tok is not None and p.pobjs:
                    slot = obj
            elif p.target is None:
                slot = None
            if p.target == "obj" and p.objs:
                slot = None
            score = p.specificity + (0.5 if (p.target and slot is not None) else 0.0)
            if p.target == "obj" and obj is None and not p.objs:
                score -= 0.25
            if score > best_score:
                best, best_score = (p, slot, bool(p.target) and not p.objs), score
        return best

    def default_target(self, head: Token, preps_allowed: frozenset[str], of_ok: bool = False) -> Optional[Token]:
        """The first preposition object on ``head`` (in ``preps_allowed``) that is an actor."""
        for pr in self._reachable_preps(head):
            lem = self.lemma[pr.i]
            if lem in preps_allowed or (of_ok and lem == "of" and self.head_i[pr.i] == head.i):
                po = self._pobj(pr)
                if po is None or self.lemma[po.i] in INSTIGATION_NOUNS:
                    continue  # "at Israel's request": who asked, not who is acted on
                if self.actor_of(po) is not None or self.place_of(po) is not None:
                    return po
                owner = next((c for c in self.kids_[po.i] if self.dep[c.i] == "poss" and self.actor_of(c) is not None), None)
                if owner is not None and self.pos[po.i] in ("NOUN", "PROPN") and lem != "for":
                    return owner  # "lifted its veto on Sweden's NATO bid": the owner is acted on
                if of_ok and lem == "of" and self.pos[po.i] == "NOUN":
                    # "halted imports of Japanese seafood": the goods' country
                    mod = next((c for c in self.kids_[po.i] if self.dep[c.i] in ("amod", "compound") and self.modifier_actor(c) is not None), None)
                    if mod is not None:
                        return mod
        return None

    # -- pass 1: triggers --------------------------------------------------

    def triggers(self) -> dict[int, _Cand]:
        cands: dict[int, _Cand] = {}
        for i in self.verb_idx:
            tok = self.doc[i]
            cand = self.verb_cand(tok)
            if cand is not None:
                cands[tok.i] = cand
        for i in self.noun_idx:
            tok = self.doc[i]
            if tok.i in self.consumed:
                continue
            entry = self.noun_entry(tok)
            if entry is None:
                continue
            head = tok.head
            if self.dep[tok.i] == "pobj" and self.lemma[head.i] == "under" and self.lemma[self.head_i[head.i]] == "come" and entry.code[:2] in ("18", "19") \
                    and self.head_i[head.i] not in cands:
                # "Pakistani posts came under fire from Afghan forces": the attacker is in "from"/"by"
                verb = head.head
                attacker = next((po for pr in [*self._preps(tok), *self._preps(verb)] if self.lemma[pr.i] in ("from", "by")
                                 for po in [self._pobj(pr)] if po is not None), None)
                if attacker is not None:
                    cands[verb.i] = _Cand(head=verb, anchor=verb, code=entry.code, evidence=f"noun:{self.lemma[tok.i]} came under (lexicon {entry.id})",
                                          source=attacker, target=self._subject(verb))
                    self.consumed.add(tok.i)
                continue
            if self.dep[tok.i] in ("dobj", "nsubjpass") and self.lemma[head.i] in self.lex.light_verbs and (
                head.i not in cands or cands[head.i].generic
            ):
                cands[head.i] = self.light_cand(head, tok, entry)
                self.consumed.add(tok.i)
        return cands

    def by_gerund(self, verb: Token) -> bool:
        """"retaliated (days later) by announcing ...": a "by" + gerund within a few words
        after the verb (looked up in the text: the parser often misattaches it)."""
        end = min(verb.i + 6, self.sent_of(verb).end - 1)
        return any(self.lower[k] == "by" and self.tag[k + 1] == "VBG" for k in range(verb.i + 1, end))

    def verb_cand(self, verb: Token) -> Optional[_Cand]:
        hit = self.match_verb(verb)
        if hit is None:
            return None
        pattern, slot, strict = hit
        if not pattern.objs and self.lemma[verb.i] == "retaliate" and self.by_gerund(verb):
            return None  # "retaliated by launching a probe": the act it names is the event, not force
        passive = self._is_passive(verb)
        if pattern.objs:
            obj = self._object(verb)
            if obj is not None:
                self.consumed.add(obj.i)
        target = slot
        if slot is not None and self.actor_of(slot) is None and self.place_of(slot) is None and pattern.target == "prep":
            # "launched missiles at X on Monday": the pattern's preposition held a date
            target = self.default_target(verb, self.lex.verb_target_preps) or slot
        if target is None and pattern.pobjs and pattern.code[:2] in ("02", "04"):
            # "asked for an emergency meeting of the Security Council"
            for pr in self._preps(verb):
                po = self._pobj(pr)
                if po is not None and self.lemma[po.i] in GATHERING_NOUNS:
                    target = self.default_target(po, frozenset({"of"}))
                    break
        if target is None and pattern.objs:
            # "give Ukraine 50 billion euros"
            target = next((c for c in self.kids_[verb.i] if self.dep[c.i] == "dative" and self.actor_of(c) is not None), None)
        if target is None and not (pattern.target == "obj" and not pattern.objs and self._object(verb) is not None):
            allowed = frozenset({"with"}) if pattern.lemma in self.lex.topic_verbs else self.lex.verb_target_preps
            target = self.default_target(verb, allowed)
            if target is None and pattern.objs:
                obj = self._object(verb)
                if obj is not None:
                    target = self.default_target(obj, self.lex.noun_target_preps, self.lemma[obj.i] in self.lex.of_target)
                    if target is None and not self._is_passive(verb):
                        # "rejected an Israeli proposal", "a U.S.-backed plan"
                        for c in obj.subtree:
                            if c.i >= obj.i:
                                break
                            if self.dep[c.i] != "det" and (self.tok_actor[c.i] is not None or self.modifier_actor(c) is not None):
                                target = c
                                break
        if target is None and pattern.objs and passive:
            # "the Russian ambassador was expelled by Poland", "Israeli hostages were released"
            obj = self._object(verb)
            if obj is not None and not self.is_event_noun(obj) and self.actors_of(obj):
                target = obj
        if target is None and pattern.code[:2] in REACTION_ROOTS | {"08"}:
            target = self.agent_of_object(verb)
        if target is None and pattern.code[:2] == "08" and (pattern.objs or pattern.pobjs):
            # "released five political prisoners": the people freed are the recipients
            obj = self._object(verb)
            if obj is not None and self.lemma[obj.i] in self.lex.people and (self.domestic_captives(obj) or self.actors_of(obj)):
                target = obj
        if target is None and pattern.code[:2] == "08":
            # "opened the crossing to allow aid convoys into Gaza": the purpose names the recipient
            for c in self.kids_[verb.i]:
                if self.dep[c.i] == "advcl" and any(self.dep[a.i] == "aux" and self.tag[a.i] == "TO" for a in self.kids_[c.i]):
                    target = self.default_target(c, frozenset({"into", "to", "toward", "towards"}))
                    if target is not None:
                        break
        return _Cand(
            head=verb,
            anchor=verb,
            code=pattern.code,
            evidence=f"verb:{pattern.lemma} (lexicon {pattern.id})",
            source=self.undateline(self._subject(verb)),
            target=target,
            passive=passive,
            strict=strict and slot is not None,
            generic=not pattern.objs,
            threat_if=pattern.code.startswith("01") and self.conditional_consequence(verb),
        )

    def agent_of_object(self, verb: Token) -> Optional[Token]:
        """"agreed to a ceasefire proposed by Russia", "rejected a plan drafted by the US":
        the author of the act the verb responds to."""
        nouns = [self._object(verb)] + [self._pobj(pr) for pr in self._preps(verb) if self.lemma[pr.i] not in MEETING_PREPS]
        for noun in nouns:
            if noun is None or self.pos[noun.i] not in ("NOUN", "PROPN"):
                continue
            for c in self.kids_[noun.i]:
                if self.dep[c.i] == "acl" and self.tag[c.i] == "VBN":
                    for agent in self._children(c, "agent"):
                        po = self._pobj(agent)
                        if po is not None and self.actor_of(po) is not None:
                            return po
        return None

    def conditional_consequence(self, verb: Token) -> bool:
        """"told Xi that Washington would respond if ...": the reported clause states
        what will happen if the addressee acts."""
        for c in self.kids_[verb.i]:
            if self.dep[c.i] != "ccomp":
                continue
            kids = self.kids_[c.i]
            if any(self.dep[a.i] == "aux" and self.lower[a.i] in WOULD_AUX | FUTURE_AUX for a in kids) and any(
                self.dep[a.i] == "advcl" and any(self.dep[m.i] == "mark" and self.lower[m.i] in ("if", "unless") for m in self.kids_[a.i])
                for a in kids
            ):
                return True
        return False

    def light_cand(self, verb: Token, noun: Token, entry: cameo.NounEntry) -> _Cand:
        target, pair = self.noun_target(noun)
        if target is None and pair is None:
            target = self.default_target(verb, self.lex.noun_target_preps)
        return _Cand(
            head=verb,
            anchor=verb,
            code=entry.code,
            evidence=f"noun:{self.lemma[noun.i]} after {self.lemma[verb.i]} (lexicon {entry.id})",
            source=self.undateline(self._subject(verb)),
            target=target,
            pair=pair,
            passive=self._is_passive(verb),
        )

    def noun_target(self, noun: Token) -> tuple[Optional[Token], Optional[list]]:
        of_ok = self.lemma[noun.i] in self.lex.of_target or self.lower[noun.i] in self.lex.of_target
        for pr in self._preps(noun):
            lem = self.lemma[pr.i]
            po = self._pobj(pr)
            if po is None:
                continue
            if lem == "between":
                sides = [po, *po.conjuncts]
                if len(sides) >= 2:
                    return None, sides
            if lem in self.lex.noun_target_preps or (of_ok and lem == "of") or (lem == "from" and self.lemma[noun.i] in FROM_NOUNS):
                if self.actor_of(po) is not None or self.place_of(po) is not None:
                    return po, None
        return None, None

    # -- pass 2: frames ----------------------------------------------------

    def complement(self, verb: Token, comps: frozenset[str]) -> tuple[Optional[Token], Optional[str]]:
        for c in self.kids_[verb.i]:
            if self.dep[c.i] in ("xcomp",) and "xcomp" in comps:
                return c, "xcomp"
        for c in self.kids_[verb.i]:
            if self.dep[c.i] == "ccomp" and "ccomp" in comps:
                return c, "ccomp"
        if "pcomp" in comps:
            holders = [verb] + [c for c in self.kids_[verb.i] if self.dep[c.i] == "dobj"]
            for h in holders:
                for pr in self._preps(h):
                    if self.lemma[pr.i] in ("of", "against", "for", "with", "over", "from"):
                        for c in self.kids_[pr.i]:
                            if self.dep[c.i] == "pcomp" or (self.dep[c.i] == "pobj" and (self.is_event_noun(c) or self.pos[c.i] == "VERB")):
                                return c, "pcomp"
        return None, None

    def frame_for(self, verb: Token) -> tuple[Optional[cameo.Frame], Optional[Token]]:
        frames = self.lex.frames.get(self.lemma[verb.i])
        if not frames:
            return None, None
        for frame in frames:
            comp, _ = self.complement(verb, frame.comp)
            if comp is None:
                continue
            if frame.kind == "appeal" and self.lemma[verb.i] == "call" and not any(
                self.lemma[p.i] in ("on", "upon") for p in self._preps(verb)
            ):
                continue
            if frame.kind == "future" and self.lemma[verb.i] in ("expect", "set", "schedule", "slate") and not self._is_passive(verb):
                continue
            return frame, comp
        return None, None

    def apply_frames(self, cands: dict[int, _Cand]) -> dict[int, _Cand]:
        # innermost frames first, so "vowed to threaten" composes from the inside out
        frame_verbs = []
        for i in self.frame_idx:
            tok = self.doc[i]
            frame, comp = self.frame_for(tok)
            if frame is not None and frame.absorb:
                frame_verbs.append((tok, frame, comp))
        frame_verbs.sort(key=lambda x: -self.depth(x[0].i))
        for verb, frame, comp in frame_verbs:
            inner = cands.get(comp.i)
            inner_code = inner.code if inner is not None else None
            if inner is None and self.pos[comp.i] in ("NOUN", "PROPN"):
                entry = self.noun_entry(comp)
                if entry is not None:
                    inner_code = entry.code
                    target, pair = self.noun_target(comp)
                    inner = _Cand(head=comp, anchor=comp, code=entry.code, evidence=f"noun:{self.lemma[comp.i]} (lexicon {entry.id})", target=target, pair=pair)
                    self.consumed.add(comp.i)
            own = cands.get(verb.i)
            # the frame's own object: "urged Beijing to", "warned Putin against", "called on X to"
            target = self._object(verb) if not self._is_passive(verb) else None
            if target is not None and self.actor_of(target) is None and not self.group_size(target):
                target = None  # (a group anaphor, "urged both neighbours", resolves when emitted)
            if target is None:
                for pr in self._preps(verb):
                    if self.lemma[pr.i] in ("on", "upon", "to", "with") and frame.kind in ("appeal", "demand", "threat"):
                        po = self._pobj(pr)
                        if po is not None and self.actor_of(po) is not None:
                            target = po
                            break
            if target is None and frame.kind in ("appeal", "demand", "order", "threat") and self.dep[comp.i] == "ccomp":
                # "demanded that Pakistan find the kidnappers"
                subj = self._subject(comp)
                if subj is not None and (self.actors_of(subj) or self.group_size(subj)):
                    target = subj
            if target is None and own is not None and own.target is not None:
                target = own.target
            if target is None and inner is not None:
                target = inner.target
            if target is None and inner is None:
                # "promised to send a battery to Ukraine": the complement names the recipient
                target = self.default_target(comp, self.lex.verb_target_preps)
                obj = self._object(comp) if self.pos[comp.i] in ("VERB", "AUX") else None
                if target is None and obj is not None and self.actors_of(obj):
                    target = obj  # "threatened to make Iran pay"
                if target is None:
                    # "threatened to respond with force to the drills": aimed at whoever held them
                    for pr in self._preps(comp):
                        po = self._pobj(pr)
                        if self.lemma[pr.i] in ("to", "against") and po is not None and self.is_event_noun(po):
                            target = po
                            break
            if inner is None and own is None and target is None:
                # "the two leaders agreed to raise trade": a mutual intent of two parties;
                # "Egypt has offered to host talks": a commitment with no recipient
                subj = self.undateline(self._subject(verb))
                obj = self._object(verb)
                if not (frame.kind == "intent" and (
                    len(self.actors_of(subj)) >= 2 or self.lemma[verb.i] in COMMISSIVE
                    or (subj is not None and self.lemma[subj.i] in self.lex.pair_nouns)
                )) and not (
                    # "urged all sides to exercise restraint": an appeal to no one in particular
                    frame.kind == "appeal" and obj is not None and self.lemma[obj.i] in ("side", "party")
                    and any(self.lower[c.i] == "all" for c in self.kids_[obj.i])
                ):
                    continue
            strict = (own is not None and own.strict and target is own.target) or (
                inner is not None and inner.strict and target is inner.target
            )
            code = frame.code_for(inner_code) if inner_code else (own.code if own is not None else frame.code)
            if code is None:
                continue
            if frame.kind == "intent" and inner_code and inner_code[:3] in ("043", "045") and target is not None \
                    and self.dep[target.i] == "pobj" and self.lemma[self.head_i[target.i]] == "between":
                code = "039"  # "offered to host talks between Iran and the United States": a go-between
            if frame.kind == "intent" and inner_code and inner_code[:2] == "15" and target is not None \
                    and self.lemma[verb.i] in COMMISSIVE | {"pledge", "promise"}:
                code = "0334"  # "pledged to station a brigade in Lithuania": protection offered, not a threat
            evidence = f"frame:{frame.kind}:{self.lemma[verb.i]}"
            if inner is not None:
                evidence += f" + {inner.evidence}"
                cands.pop(comp.i, None)
            elif own is not None:
                evidence = own.evidence + f" ({evidence})"
            cands[verb.i] = _Cand(
                head=verb,
                anchor=inner.anchor if inner is not None else verb,
                code=code,
                evidence=evidence,
                source=self.undateline(self._subject(verb)),
                target=target,
                pair=inner.pair if inner is not None and target is None else None,
                passive=False,
                strict=strict,
                future=frame.inner == "future",
            )
        return cands

    # -- pass 3: nominal events ------------------------------------------

    def nominal_cands(self, cands: dict[int, _Cand]) -> None:
        for i in self.noun_idx:
            tok = self.doc[i]
            if tok.i in self.consumed or tok.i in cands:
                continue
            entry = self.noun_entry(tok)
            if entry is None:
                continue
            if any(self.dep[c.i] == "det" and self.lower[c.i] in NEGATING_DETS for c in self.kids_[tok.i]):
                continue
            source = None
            for c in self.kids_[tok.i]:
                if self.dep[c.i] in ("poss",) and self.actor_of(c) is not None:
                    source = c
                    break
            if source is None:
                for pr in self._preps(tok):
                    if self.lemma[pr.i] == "by":
                        po = self._pobj(pr)
                        if po is not None and self.actor_of(po) is not None:
                            source = po
                            break
            if source is None:
                for c in self.kids_[tok.i]:
                    if self.dep[c.i] in ("amod", "compound", "nmod") and self.tok_actor[c.i] is not None:
                        source = c
                        break
            target, pair = self.noun_target(tok)
            if source is not None and self.pos[source.i] == "PRON" and self.dep[tok.i] == "dobj" and self.lemma[self.head_i[tok.i]] not in self.lex.light_verbs:
                continue  # "would review its cooperation with Tbilisi"
            meeting_place = self.dep[tok.i] == "pobj" and self.lemma[self.head_i[tok.i]] in MEETING_PREPS and self.lemma[tok.i] in self.lex.reciprocal
            if source is None and self.dep[tok.i] in ("dobj", "pobj", "nsubjpass") and (self.head_i[tok.i] in cands or self.head_i[self.head_i[tok.i]] in cands) \
                    and not meeting_place:
                continue  # the object of a coded event ("criticised the cooperation between ..."), not an event of its own
            if pair is not None and source is None and not (
                self.dep[tok.i] in ("nsubj", "nsubjpass") and self.lemma[self.head_i[tok.i]] in self.lex.occurrence_verbs
            ):
                continue
            if pair is not None and source is None:
                cands[tok.i] = _Cand(head=tok, anchor=tok, code=entry.code, evidence=f"noun:{self.lemma[tok.i]} between (lexicon {entry.id})", pair=pair)
                continue
            if source is None and self.dep[tok.i] == "pobj" and self.lemma[tok.i] in self.lex.reciprocal and entry.code[:2] == "04":
                # "... during a video call with Scholz", "agreed ... at talks in Beijing":
                # the clause's subject holds the talks
                prep = tok.head
                verb = prep.head if self.dep[prep.i] == "prep" else None
                if verb is not None and self.pos[verb.i] in ("VERB", "AUX") and self.lemma[prep.i] in MEETING_PREPS:
                    subj = self.undateline(self._subject(verb))
                    if target is None and self.lemma[prep.i] in ("during", "in") and self.lemma[tok.i] in CONVERSATION_NOUNS:
                        # "told Raimondo in a phone call", "thanked Xi during talks": the addressee
                        target = next((c for c in self.kids_[verb.i] if self.dep[c.i] in ("dobj", "dative")
                                       and self.actor_of(c) is not None), None)
                    if subj is not None and (target is not None or len(self.actors_of(subj)) >= 2):
                        top = verb
                        while self.dep[top.i] in ("xcomp", "conj") and self.head_i[top.i] != top.i:
                            top = top.head  # "agreed to expand cooperation at talks": the talks happened
                        cands[tok.i] = _Cand(head=tok, anchor=verb, code=entry.code,
                                             evidence=f"noun:{self.lemma[tok.i]} (lexicon {entry.id})",
                                             source=subj, target=target, context_from=top)
                        continue
                if verb is not None and self.lemma[prep.i] == "for" and target is not None and (
                    self.lemma[verb.i] in TRAVEL_VERBS or any(self.lower[c.i] in ("due", "expected", "scheduled", "set") for c in self.kids_[verb.i])
                ):
                    # "Marcos is due in Washington on Thursday for talks with Biden": a planned meeting
                    subj = self.undateline(self._subject(verb))
                    if subj is not None and (any(self.lower[c.i] in ("due", "expected", "scheduled", "set") for c in self.kids_[verb.i])
                                             or any(self.dep[c.i] == "aux" and self.lower[c.i] in FUTURE_AUX for c in self.kids_[verb.i])):
                        cands[tok.i] = _Cand(head=tok, anchor=verb, code=entry.code,
                                             evidence=f"noun:{self.lemma[tok.i]} planned (lexicon {entry.id})",
                                             source=subj, target=target, context_from=verb, future=True)
                        continue
            if source is None or target is None:
                continue
            cands[tok.i] = _Cand(
                head=tok,
                anchor=tok.head if self.pos[self.head_i[tok.i]] in ("VERB", "AUX") else tok,
                code=entry.code,
                evidence=f"noun:{self.lemma[tok.i]} (lexicon {entry.id})",
                sources=[source],
                target=target,
            )

    # -- flags -------------------------------------------------------------

    def context(self, tok: Token) -> tuple[bool, str]:
        """``(negated, modality)`` of the event headed by ``tok``."""
        negated = False
        future = hypothetical = reported = would = False
        cur = tok
        via = None  # how we reached cur from below
        for _ in range(12):
            for c in self.kids_[cur.i]:
                dep = self.dep[c.i]
                if dep == "neg" and via in (None, "xcomp", "acomp"):
                    negated = True
                elif dep == "det" and via is None and self.lower[c.i] in NEGATING_DETS:
                    negated = True
                elif dep in ("aux", "auxpass") and via in (None, "xcomp", "conj", "acomp"):
                    low = self.lower[c.i]
                    if low in FUTURE_AUX:
                        future = True
                    elif low in WOULD_AUX:
                        would = True
                    elif low in HYPOTHETICAL_AUX:
                        hypothetical = True
                elif dep == "mark" and via in (None, "conj", "xcomp") and self.lower[c.i] in CONDITIONAL_MARKS:
                    hypothetical = True
                elif dep == "advcl" and via in (None, "xcomp", "conj"):
                    if any(self.dep[m.i] == "mark" and self.lower[m.i] in ("if", "unless") for m in self.kids_[c.i]):
                        if would or any(self.dep[a.i] == "aux" and self.lower[a.i] in WOULD_AUX | HYPOTHETICAL_AUX for a in self.kids_[cur.i]):
                            hypothetical = True
            if self.dep[cur.i] == "ROOT" or self.head_i[cur.i] == cur.i:
                break
            dep = self.dep[cur.i]
            gov = cur.head
            frames = self.lex.frames.get(self.lemma[gov.i])
            if frames and dep in ("xcomp", "ccomp", "pcomp", "pobj", "advcl", "dobj"):
                comp_dep = "pcomp" if dep in ("pcomp", "pobj") else dep
                for frame in frames:
                    if comp_dep in frame.comp or (dep == "dobj" and frame.kind == "deny"):
                        if frame.kind == "future" and self.lemma[gov.i] in ("expect", "set", "schedule", "slate") and not self._is_passive(gov):
                            continue
                        inner = frame.inner
                        if frame.kind == "speech" and any(self.dep[c.i] == "neg" for c in self.kids_[gov.i]):
                            negated = True  # "has not confirmed that it carried out the strike"
                        if inner == "negated":
                            negated = True
                        elif inner == "reported":
                            reported = True
                        elif inner == "hypothetical":
                            hypothetical = True
                        elif inner == "future":
                            future = True
                        break
            if dep in ("prep",) and self.dep[self.head_i[cur.i]] != "ROOT":
                via = "prep"
            elif dep in ("pobj", "pcomp"):
                via = "pcomp"
            else:
                via = dep
            if dep in ("relcl", "acl", "appos", "nsubj", "nsubjpass", "parataxis"):
                break
            if dep == "conj" and self.tag[cur.i] in ("VBD", "VBZ") and self.tag[gov.i] == "VB" \
                    and any(self.dep[c.i] == "aux" and self.tag[c.i] == "TO" for c in self.kids_[gov.i]):
                break  # "vowed to retaliate and summoned the envoy": a finite verb misattached to the infinitive
            if dep == "advcl" and any(self.dep[m.i] == "mark" and self.lower[m.i] in TEMPORAL_MARKS for m in self.kids_[cur.i]):
                break  # "vowed to retaliate after Washington imposed sanctions": the sanctions happened
            cur = gov
        if self._quote_at(tok) is not None:
            reported = True
        if would:
            if reported:
                future = True
            else:
                hypothetical = True
        if hypothetical:
            return negated, "hypothetical"
        if future:
            return negated, "future"
        if reported:
            return negated, "reported"
        return negated, "asserted"

    # -- pass 4: events ----------------------------------------------------

    def run(self) -> list[Event]:
        cands = self.triggers()
        cands = self.apply_frames(cands)
        self.nominal_cands(cands)
        self.cand_roots = {i: c.code[:2] for i, c in cands.items()}
        events: list[Event] = []
        for i in sorted(cands):
            events.extend(self.emit(cands[i]))
        return dedup(events)

    def emit(self, cand: _Cand) -> list[Event]:
        head = cand.head
        if self.dep[head.i] == "advcl" and any(self.dep[c.i] == "aux" and self.tag[c.i] == "TO" for c in self.kids_[head.i]) and not any(
            self.dep[c.i] in SUBJECT_DEPS for c in self.kids_[head.i]
        ):
            return []  # a purpose clause ("summoned the envoy to protest"): part of the main event
        code = cand.code
        root = code[:2]
        if self.dep[head.i] == "advcl" and self.tag[head.i] == "VBG" and self.cand_roots.get(self.head_i[head.i]) == root and not any(
            self.dep[c.i] in SUBJECT_DEPS for c in self.kids_[head.i]
        ):
            return []  # "marched through the capital, blocking avenues": one act told twice
        if self.background_clause(head):
            return []  # "France, which hosts a large diaspora, ...": a standing fact, not an event
        if cand.target is not None and self.lemma[cand.target.i] in ("side", "party") and any(self.lower[c.i] == "all" for c in self.kids_[cand.target.i]):
            cand.target = None  # "called on all sides to ...": no one in particular
        if root == "04" and cand.target is not None and self.lemma[cand.target.i] in GATHERING_NOUNS \
                and self.dep[cand.target.i] == "pobj" and self.lemma[self.head_i[cand.target.i]] in MEETING_PREPS:
            cand.target = None  # "held talks at a BRICS summit": the venue, not the other side
        if cand.sources is not None:
            sources = [a for t in cand.sources for a in self.actors_of(t)]
        else:
            sources = self.actors_of(cand.source)
            if not sources and cand.source is not None and self.pos[cand.source.i] == "PRON":
                sources = self.actors_of(self.reporting_subject(head))
            if not sources and cand.source is not None and any(
                self.dep[c.i] == "poss" and self.lower[c.i] in ("its", "their") for c in self.kids_[cand.source.i]
            ):
                # "the ministry said its forces captured the village": the speaker's forces
                sources = self.actors_of(self.reporting_subject(head))
        if not sources and cand.source is not None and (root in ("10", "11", "12", "14", "17") or root in ("08", "18", "19") and (
            self.dep[head.i] != "relcl" and self.tag[head.i] not in ("VBP", "VBZ")  # not "militants who attack ...": habitual
        )):
            people = self.people_actor(cand.source, self.event_country(cand, dateline=True))
            sources = [people] if people is not None else []
        targets = self.actors_of(cand.target, sources[0].country if sources else None)
        if cand.target is not None and not targets:
            # "a ruling by the court", "Israel's proposal": the act's own author
            for c in self.kids_[cand.target.i]:
                agent = c if self.dep[c.i] == "poss" else (self._pobj(c) if self.dep[c.i] == "prep" and self.lemma[c.i] in ("by", "from") else None)
                if agent is not None and (self.is_event_noun(cand.target) or self.lemma[cand.target.i] in self.lex.anaphoric):
                    targets = self.actors_of(agent)
                    break
        if cand.target is not None and not targets:
            place = self.place_of(cand.target)
            if place is None and root in ("09", "17", "18", "19", "20"):
                # "stormed the Jenin refugee camp": the place named inside the target
                place = next((p for c in self.kids_[cand.target.i] if self.dep[c.i] in ("compound", "nmod") and c.i < cand.target.i
                              for p in [self.place_of(c)] if p is not None), None)
            if place is None and root in ("09", "17", "18", "19", "20"):
                # "opened an investigation into the violence in Darfur"
                place = next((p for pr in self._preps(cand.target) if self.lemma[pr.i] == "in"
                              for p in [self.place_of(self._pobj(pr) or pr)] if p is not None), None)
            if place is not None:
                targets = [self.place_actor(place)]
            elif root in ("07", "16", "17", "18", "20") or root == "08" and self.domestic_captives(cand.target):
                if root in ("08", "17") and sources:
                    country = sources[0].country
                else:
                    named = self.sentence_targets.get(self.sent_of(head).start)
                    # "killed 85 villagers": where it happened, else the story's own country
                    country = named.country if named is not None else self.event_country(cand, dateline=root in ("18", "20"))
                targets = self.people_actors(cand.target, country)
                if not targets and root == "18" and country and self.pos[cand.target.i] == "NOUN" and not self.is_event_noun(cand.target) \
                        and any(s.kind == "group" for s in sources):
                    # "militants abducted a local chief": unnamed victims of unnamed attackers
                    targets = [Actor(id="", name=cand.target.text, code=country + "CVL", country=country, sector="CVL", kind="group")]
            if not targets and root in ("15", "18", "19", "20"):
                # "struck targets in the Gaza Strip", "shelled positions near Kobani"
                where = self.default_target(head, LOCATIVE_PREPS)
                if where is not None:
                    targets = self.actors_of(where) or [self.place_actor(p) for p in [self.place_of(where)] if p]
            if not targets and root == "19" and sources and all(s.kind == "group" for s in sources):
                # "gunmen opened fire on an army patrol": the country's own forces
                targets = self.people_actors(cand.target, sources[0].country)
            if not targets and self.is_event_noun(cand.target):
                _, between = self.noun_target(cand.target)
                targets = [a for t in (between or ()) for a in self.actors_of(t)]
            if not targets and root in REACTION_ROOTS and not self.domestic_protest(root, sources) and (
                self.is_event_noun(cand.target) or self.lemma[cand.target.i] in self.lex.anaphoric
            ):
                targets = self.anaphor(cand.target, sources[0] if sources else None)
            if not targets and root in ("11", "12") and self.lemma[cand.target.i] in REPORT_NOUNS:
                targets = self.reporters(head, sources)  # "Damascus rejected the findings": their author
            if not targets and cand.strict and not self.is_event_noun(cand.target):
                return []
        if cand.target is None and not targets and root in ("15", "18", "19", "20") and self.pos[head.i] in ("VERB", "AUX"):
            # "launched a ground offensive in Ukraine's Kharkiv region"
            where = self.default_target(head, LOCATIVE_PREPS)
            if where is not None:
                targets = self.actors_of(where) or [self.place_actor(p) for p in [self.place_of(where)] if p]
        if cand.target is None and not targets and root in REACTION_ROOTS and self.pos[head.i] in ("VERB", "AUX") \
                and not self.domestic_protest(root, sources):
            # "Kyiv welcomed the sanctions", "Moscow dismissed the measures": the object
            # pattern names the act, whose source is the recipient
            obj = self._object(head)
            if obj is not None and any(self.lower[c.i] in ("the", "this", "these", "that", "those") for c in self.kids_[obj.i]) and (
                self.is_event_noun(obj) or self.lemma[obj.i] in self.lex.anaphoric
            ):
                targets = [t for t in self.anaphor(obj, sources[0] if sources else None)
                           if not any(t.country and t.country == src.country for src in sources)]
        if root == "13" and sources and targets and all(t.country and t.country == sources[0].country for t in targets):
            # "warned that the United States would reimpose sanctions if Caracas failed to ...":
            # the warning is aimed at the actor of the condition
            targets = [a for c in head.subtree if self.dep[c.i] == "advcl" and any(
                self.dep[m.i] == "mark" and self.lower[m.i] in CONDITIONAL_MARKS for m in self.kids_[c.i])
                for s in self.kids_[c.i] if self.dep[s.i] in SUBJECT_DEPS for a in self.actors_of(s)
                if a.country != sources[0].country] or targets
        if cand.target is None and not targets and sources and "retaliat" in cand.evidence:
            targets = self.aggressors(head, sources)  # "Moscow vowed to retaliate": against whoever acted on it
        if not sources and root == "08" and targets and cand.source is not None and targets[0].country:
            # "the rebels surrendered to the Syrian army": fighters of the recipient's country
            people = self.people_actor(cand.source, targets[0].country)
            sources = [people] if people is not None and people.sector in ("REB", "MIL") else []
        pair_actors = [a for t in (cand.pair or ()) for a in self.actors_of(t)]
        mutual = (root in self.lex.mutual_roots or self.lemma[head.i] in self.lex.reciprocal or code == "0871") and not (
            cand.source is not None and self.lemma[cand.source.i] in self.lex.third_party
        )
        if len(pair_actors) >= 2 and not targets:
            if sources and all(s.id not in {p.id for p in pair_actors} for s in sources) and root == "03":
                pairs = [(s, None) for s in sources]  # "offered to host talks between X and Y": a go-between's offer
            elif sources and all(s.id not in {p.id for p in pair_actors} for s in sources):
                pairs = [(s, p) for s in sources for p in pair_actors if p.country != s.country or not s.country]
            else:
                pairs = [(a, b) for a in pair_actors for b in pair_actors if a.id != b.id]
        elif not sources:
            return []
        elif targets and mutual and len(sources) >= 2 and all(any(_same(s, t) for s in sources) for t in targets):
            # "the army and the rebels agreed to a ceasefire": each side toward the other
            pairs = [(a, b) for a in sources for b in sources if not _same(a, b) and a.code != b.code]
        elif targets:
            pairs = [(s, t) for s in sources for t in targets if not _same(s, t) and not (
                # "Putin and Xi hailed relations between Russia and China": not Putin -> Russia
                s.country and t.country == s.country and any(o.country != s.country for o in targets)
            )]
            if not pairs and root in self.lex.untargeted_roots:
                pairs = [(s, None) for s in sources]  # "Brazil reinforced its troops": its own
        elif len(sources) >= 2 and mutual and (cand.target is None or root in ("03", "04", "05", "06")):
            pairs = [(a, b) for a in sources for b in sources if not _same(a, b) and a.code != b.code]
            if len({a.country for a in sources}) == len(sources) >= 3:
                self.groups.append((self.sent_of(head).start, tuple(sources)))
        elif (root == "14" or root == "10" and all(s.kind == "group" for s in sources)) and all(
            s.country and s.sector not in (None, "GOV") for s in sources
        ):
            # "protesters blocked the avenue": domestic dissent is aimed at the government
            pairs = [(s, Actor(id="", name=s.country, code=s.country + "GOV", country=s.country, sector="GOV")) for s in sources]
        else:
            pairs = [(s, None) for s in sources]
        if not pairs:
            return []
        go_between = (code == "039" or code[:3] == "045") and bool(sources)
        if go_between:
            # "offered to mediate between X and Y": a go-between's offer has no recipient
            pairs = [(s, None) for s in sources]
        if root in self.lex.recipientless_roots and not (
            cand.target is not None and self.dep[cand.target.i] == "pobj" and self.lemma[self.head_i[cand.target.i]] in ("around", "against")
        ):  # but "staged drills around Taiwan" is aimed at Taiwan
            pairs = list({(s.id or s.code): (s, None) for s, _ in pairs}.values())
        negated, modality = self.context(cand.context_from or head)
        if cand.future and modality in ("asserted", "reported"):
            modality = "future"
        planned = modality == "future" and root == "04"  # "mediators will resume talks": an intent (036)
        if root not in self.lex.untargeted_roots and not go_between and all(t is None for _, t in pairs) and not (
            (root in self.lex.slotless_roots or planned) and cand.target is None and (not cand.pair or root == "03")
            and self.slotless(head)
        ):
            return []
        if root == "18" and self.dep[head.i] == "advcl" and self.cand_roots.get(self.head_i[head.i]) == "19" and cand.target is not None \
                and self.lex.people.get(self.lemma[cand.target.i]) == "MIL":
            return []  # "clashed ..., killing 20 troops": casualties of the fight itself
        if root == "14" and all(s.id and (s.sector in (None, "GOV") and s.kind != "group") for s, _ in pairs):
            code, root = "114", "11"  # "Japan protested against the ban": a government's protest is a complaint
            if all(t is None for _, t in pairs):
                return []
        if root == "01":
            pairs = [(s, t) for s, t in pairs if t is not None and t.sector != "MED"]
            if not pairs:
                return []
            if cand.threat_if:
                code, root = "130", "13"  # "told Xi that Washington would respond if ...": a warning
        if modality == "future" and root not in ("01", "03", "13", "15") and self.intent is not None \
                and not cand.evidence.startswith(("frame:intent", "frame:threat")):
            code = self.intent.code_for(code) or code
        entry = cameo.lookup(code)
        kind, mode = cameo.plover(code)
        sent = self.sent_of(head)
        date, date_source = _times.time_for(self.doc, sent, cand.anchor)
        place = _places.place_for(self.doc, sent, cand.anchor)
        place_ref = place.ref() if place is not None and hasattr(place, "ref") else None
        span = self.span_of(cand, sent)
        sentence = self.text[sent.start_char : sent.end_char].strip()
        self.emitted[head.i] = entry.root
        out = []
        for src, tgt in pairs:
            if not negated and modality != "hypothetical" and src.id:
                obj = self._object(head) if self.pos[head.i] in ("VERB", "AUX") else head
                self.history.append((sent.start, entry.root, src, self.lemma[obj.i] if obj is not None else "", self.lemma[head.i], head.i))
                if tgt is not None:
                    self.acts.append((sent.start, entry.root, src, tgt, head.i))
            if tgt is not None:
                self.sentence_targets[sent.start] = tgt
                if src.id and tgt.id and src.country != tgt.country and mutual and not any(
                    self.dep[t.i] in ("relcl", "acl") for t in (head, *head.ancestors)
                ):  # not "a call in which Biden and Xi discussed ...": the main clause's pair
                    self.pairs.append((sent.start, src, tgt))
            out.append(
                Event(
                    source=_ref(self.index, src),
                    target=_ref(self.index, tgt) if tgt is not None else None,
                    cameo=code,
                    root=entry.root,
                    plover=kind,
                    mode=mode,
                    goldstein=entry.goldstein,
                    quad_class=entry.quad_class,
                    date=date,
                    date_source=date_source,
                    place=place_ref,
                    negated=negated,
                    modality=modality,
                    sentence=sentence,
                    span=span,
                    evidence=cand.evidence,
                    in_title=span[0] < self.doc._.body_start,
                )
            )
        return out

    def background_clause(self, head: Token) -> bool:
        """A non-restrictive relative clause in the present or present perfect ("Russia,
        which has received North Korean shells, ...", "Iran, which backs the Houthis")."""
        if self.dep[head.i] != "relcl" or self.pos[head.i] not in ("VERB", "AUX"):
            return False
        rel = next((c for c in self.kids_[head.i] if self.dep[c.i] in ("nsubj", "nsubjpass") and self.lower[c.i] in ("which", "who")), None)
        if rel is None or rel.i == 0 or self.doc[rel.i - 1].text != ",":
            return False
        auxes = [c for c in self.kids_[head.i] if self.dep[c.i] in ("aux", "auxpass")]
        if any(self.lower[a.i] in FUTURE_AUX | WOULD_AUX or self.tag[a.i] == "VBD" for a in auxes):
            return False
        return self.tag[head.i] in ("VBZ", "VBP") or (self.tag[head.i] == "VBN" and any(self.lower[a.i] in ("has", "have") for a in auxes))

    def domestic_captives(self, tok: Token) -> bool:
        """"released five political prisoners", "freed jailed journalists": the government's
        own critics, not foreigners or prisoners of war."""
        return self.lex.people.get(self.lemma[tok.i]) in ("OPP", "MED") or any(
            self.lower[c.i] in ("political", "jailed", "imprisoned", "detained") for c in self.kids_[tok.i]
        )

    @staticmethod
    def domestic_protest(root: str, sources: list[Actor]) -> bool:
        """"activists protested against the deal": a protest by a country's own people is
        aimed at their government, not at whoever made the deal."""
        return root == "14" and bool(sources) and all(s.country and s.sector not in (None, "GOV") for s in sources)

    def slotless(self, head: Token) -> bool:
        """No word of the clause could name a recipient: no object, no proper noun or
        actor after the verb outside its subject ("called on all sides to ...", "offered
        to host talks"; not "urged the government to ...", "warned that the Houthis ...")."""
        if self.pos[head.i] not in ("VERB", "AUX") or self.tag[head.i] == "VBN" and self.dep[head.i] in ("advcl", "acl"):
            return False
        if not any(self.dep[c.i] in SUBJECT_DEPS for c in self.kids_[head.i]) and self.dep[head.i] not in ("conj", "xcomp"):
            return False
        subject = {t.i for c in self.kids_[head.i] if self.dep[c.i] in SUBJECT_DEPS for t in c.subtree}
        clauses = [t for t in head.subtree if t.i != head.i and self.dep[t.i] == "conj" and self.pos[t.i] in ("VERB", "AUX")
                   and (self.head_i[t.i] == head.i or self.tag[t.i] in ("VBD", "VBZ", "VBP"))]
        for c in [*clauses, *self.kids_[head.i]]:
            if (self.dep[c.i] == "conj" and self.pos[c.i] in ("VERB", "AUX")) or (
                self.dep[c.i] == "prep" and self.lemma[c.i] in CONTENT_PREPS and self.lemma[head.i] in self.lex.frames
            ):
                # "vowed to retaliate and summoned X": another clause; "warned against
                # displacing Palestinians": what is warned about, not to whom
                subject |= {t.i for t in c.subtree}
        for c in self.kids_[head.i]:
            if self.dep[c.i] == "dobj" and self.is_event_noun(c):
                # "will resume talks on a Gaza ceasefire": the act itself and its topic
                subject |= {t.i for pr in self._preps(c) if self.lemma[pr.i] in ("on", "about", "over") for t in pr.subtree}
                continue
            if self.dep[c.i] in ("dobj", "dative", "obj", "iobj") and self.lemma[c.i] not in ("all", "side", "party"):
                return False
        for t in head.subtree:
            if t.i > head.i and t.i not in subject and t.ent_type_ not in ("DATE", "TIME") and (
                (self.pos[t.i] == "PROPN" and self.place_of(t) is None) or self.tok_actor[t.i] is not None or self.lemma[t.i] in self.lex.people
                or (self.dep[t.i] in ("amod", "compound") and self.modifier_actor(t) is not None)
            ):
                return False
        return True

    def span_of(self, cand: _Cand, sent: Span) -> tuple[int, int]:
        left, right = cand.head.left_edge, cand.head.right_edge
        start, end = left.idx, right.idx + len(right)
        for t in (cand.source, cand.target, *(cand.sources or ()), *(cand.pair or ())):
            if t is not None:
                start = min(start, t.idx)
                end = max(end, t.idx + len(t))
        start = max(start, sent.start_char)
        end = min(end, sent.end_char)
        return (start, end)


def _usable(actor: Actor) -> bool:
    """A bare role ("reporters" -> MED, "officials" -> GOV) names no one to code."""
    return bool(actor.country) or actor.code[:3] in ("IGO", "NGO")


def _same(a: Actor, b: Actor) -> bool:
    return (a.id and a.id == b.id) or (not a.id or not b.id) and a.code == b.code


def _ref(index, actor: Actor) -> ActorRef:
    if not actor.id:  # an unnamed group or a place standing for its country
        return ActorRef(name=actor.name, code=actor.code, actor=None, country=actor.country)
    ref = getattr(index, "ref", None)
    if ref is not None:
        return ref(actor)
    return ActorRef(name=actor.name, code=actor.code, actor=actor.id, country=actor.country)


# ---------------------------------------------------------------------------
# Dedup


def _better(a: Event, b: Event) -> Event:
    """The more informative of two records of the same event."""
    def rank(e: Event):
        return (
            not e.in_title,
            e.date_source == "text",
            -MODALITY_RANK.get(e.modality, 0),
            len(e.cameo),
            -e.span[0],
        )

    return a if rank(a) >= rank(b) else b


def _refines(specific: str, general: str) -> bool:
    """``specific`` is ``general`` or narrower: "195" refines "19"; every code of a root
    refines that root's "not specified" code ("138" refines "130")."""
    if specific.startswith(general):
        return True
    return len(general) == 3 and general.endswith("0") and specific[:2] == general[:2]


def _who(ref: Optional[ActorRef]) -> Optional[str]:
    """An actor as dedup sees it: its country ("RUSGOV" and "RUS" are one), else its code."""
    if ref is None:
        return None
    return ref.country or ref.code


def _reverse(a: Event, b: Event) -> bool:
    """Two sides of one country acting on each other ("fighting between the army and the rebels"):
    the same country key, but two events, one each way."""
    return (
        a.target is not None and b.target is not None and a.source.code != b.source.code
        and a.source.code == b.target.code and a.target.code == b.source.code
    )


def dedup(events: Iterable[Event]) -> list[Event]:
    """One event per fact: same source, target (by country, or IGO code), CAMEO code (or
    one code refining the other) and date, with the same negation and hypothetical flags.

    A date that only fell back to the publication date (or the dateline) matches any
    date of the same source, target and root: the text gave no reason to think it
    another event. An event with no target is dropped when the same source has the
    same kind of event with a target.
    """
    kept: list[Event] = []
    for ev in events:
        key = (_who(ev.source), _who(ev.target), ev.root, ev.negated, ev.modality == "hypothetical")
        merged = False
        for n, other in enumerate(kept):
            okey = (_who(other.source), _who(other.target), other.root, other.negated, other.modality == "hypothetical")
            if okey != key or _reverse(other, ev):
                continue
            fallback = {"published", "dateline"} & {other.date_source, ev.date_source}
            # a headline restates the story: same root is the same fact
            near = abs(other.span[0] - ev.span[0]) < RESTATEMENT_CHARS
            related = (
                other.cameo.startswith(ev.cameo) or ev.cameo.startswith(other.cameo)
                # "warned ..." then "warned that ...": a generic code restating a nearby specific one
                or near and ev.root not in ("18", "19", "20") and (_refines(other.cameo, ev.cameo) or _refines(ev.cameo, other.cameo))
                or (other.in_title or ev.in_title) and other.root == ev.root
            )
            if related and (other.date == ev.date or fallback):
                kept[n] = _better(other, ev)
                merged = True
                break
        if not merged:
            kept.append(ev)
    with_target = {(_who(e.source), e.root, e.negated, e.modality == "hypothetical") for e in kept if e.target is not None}
    return [
        e for e in kept
        if e.target is not None or (_who(e.source), e.root, e.negated, e.modality == "hypothetical") not in with_target
    ]


def extract_events(doc: Doc) -> list[Event]:
    """The coded events of a parsed doc whose ``actor_index`` (and quotes) are set."""
    index = doc._.actor_index
    if index is None:
        return []
    return _Coder(doc, index, cameo.lexicon()).run()


@Language.component(
    "eventwire_events",
    requires=["doc._.actor_index", "doc._.times", "doc._.places", "doc._.quotes"],
    assigns=["doc._.events"],
)
def annotate_events(doc: Doc) -> Doc:
    doc._.events = extract_events(doc)
    return doc


__all__ = ["annotate_events", "dedup", "extract_events"]
