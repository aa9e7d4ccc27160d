"""Actors: who the article is about, coded CAMEO-style (``RUSGOV``, ``IGOUNO``).

The ``eventwire_actors`` component sets ``doc._.actor_index`` to an :class:`ActorIndex`:
every actor of the document with all its mentions (doc character offsets), and lookups
from text to actor (:meth:`ActorIndex.resolve`, :meth:`ActorIndex.for_token`).

How actors are found, in one left-to-right pass over the document:

- dictionary phrases (:mod:`eventwire.dictionaries`): countries by name, adjective and
  demonym, capitals and seats of government (the government: ``Moscow``, ``the
  Kremlin`` -> ``RUSGOV``), IGOs/NGOs, named groups, media, known office-holders;
- people: spaCy PERSON entities and dictionary names, clustered by surname
  ("Vladimir Putin" ... "Putin" ... "Mr Putin"), coded from the title the article
  gives them ("Chinese Foreign Ministry spokesman Wang Wenbin" -> ``CHNGOV``), else from
  the dictionary term in force on the publication date;
- role noun phrases: country + role noun ("Ukrainian troops" -> ``UKRMIL``, "the
  Russian foreign ministry" -> ``RUSGOV``); a singular person noun ("the Russian
  leader", "the spokeswoman") refers back to the most recent person with a compatible
  country, office and gender, else to the dictionary's office-holder on that date;
- pronouns (he/she/it/they and their forms) refer back by gender, number, kind and
  salience (subjects of the current and previous sentence first). An object pronoun is
  never the subject of its own clause (followed through "and", "to" and "who" clauses:
  "Blinken spoke with Faisal and urged him"); "it" as the subject of a reported clause
  is the reporting subject, or nothing when that subject is no actor ("the committee
  said it"); "it is", "as long as it takes" are no one; number is read per mention
  ("Serbs ... their", not "it"). A possessive determiner gives a role noun its owner
  ("its troops", "its high commissioner, Name").

Only antecedents before a mention are used, and nothing is guessed: an NP that cannot
be tied to an actor resolves to None. Limits: no cataphora for pronouns; "they" for a
coordination ("Russia and China ... they") resolves to None; a person the article names
without any country, role or dictionary entry gets the empty code ``""``.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

from spacy.attrs import HEAD, IDX, IS_PUNCT, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import docext  # noqa: F401
from .dictionaries import Dictionaries, Entry, Person, Role, case_ok, load_dictionaries, norm_key, split_code
from .models import Actor, ActorRef
from .nlp import doc_text

log = logging.getLogger(__name__)

MAX_PHRASE_TOKENS = 8
LOCATIVE_PREPS = frozenset(
    {"in", "at", "near", "from", "inside", "outside", "across", "around", "throughout", "within", "into",
     "through", "via", "along", "off", "beyond", "toward", "towards", "of"}
)
POSSESSIVE = frozenset({"'s", "'", "’s", "’"})
TITLE_FILLERS = frozenset(
    {"deputy", "acting", "senior", "top", "chief", "former", "ex", "then", "outgoing", "incoming", "newly",
     "elected", "interim", "vice", "first", "second", "assistant", "under", "general", "foreign", "defence",
     "defense", "interior", "finance", "state", "federal", "national", "regional", "local", "special",
     "-", "of", "the", "for", "affairs", "'s", "’s", "and", "press", "presidential", "government",
     "official", "party", "ruling", "military", "opposition", "veteran", "prominent", "exiled", "jailed",
     "late", "current", "longtime", "long-time", "powerful", "influential", "embattled", "sitting",
     "trade", "commerce", "economy", "economic", "energy", "oil", "justice", "health", "education",
     "agriculture", "transport", "environment", "climate", "industry", "culture", "labour", "labor",
     "digital", "migration", "european", "eu"}
)
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})  # bare codes that take the home country
NON_STATE_SECTORS = frozenset({"REB", "OPP"})
LOCAL_OFFICES = frozenset({"mayor", "governor", "judge", "police"})  # "the mayor": the home country's
HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "sir", "dame", "lord",
                        "lady", "madam", "madame", "monsieur", "herr", "frau", "sheikh", "prince", "princess"})
PRONOUNS = {
    "he": ("m", "sg", "subj"), "him": ("m", "sg", "obj"), "his": ("m", "sg", "poss"), "himself": ("m", "sg", "refl"),
    "she": ("f", "sg", "subj"), "her": ("f", "sg", "obj"), "hers": ("f", "sg", "poss"), "herself": ("f", "sg", "refl"),
    "it": ("n", "sg", "subj"), "its": ("n", "sg", "poss"), "itself": ("n", "sg", "refl"),
    "they": ("p", "pl", "subj"), "them": ("p", "pl", "obj"), "their": ("p", "pl", "poss"),
    "theirs": ("p", "pl", "poss"), "themselves": ("p", "pl", "refl"),
}
SPEECH_VERBS = frozenset(
    {"say", "tell", "add", "write", "ask", "warn", "insist", "explain", "note", "argue", "claim", "deny", "state",
     "declare", "announce", "reply", "respond", "stress", "urge", "accuse", "praise", "criticise", "criticize",
     "speak", "post", "tweet", "answer", "recall", "acknowledge", "admit", "vow", "pledge", "promise"}
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "agent"})
REPORT_VERBS = frozenset({"deny", "confirm", "believe", "think", "hope", "expect", "fear", "know", "decide", "agree",
                          "threaten", "signal", "indicate", "report", "suggest", "allege", "assert", "announce"})
DUMMY_IT_VERBS = frozenset({"seem", "appear", "matter", "happen"})
PLURAL_DETS = frozenset({"two", "three", "both", "several", "many", "some", "all", "other", "few", "four"})
INDEFINITE_DETS = frozenset({"a", "an", "another", "one"})
# leading words a role noun phrase's name drops ("the Russian military" -> "Russian military")
_LEAD_DET = re.compile(r"^(the|a|an|his|her|its|their)\s+", re.I)
_LEAD_DEF = re.compile(r"^(the|his|her|its|their)\s+", re.I)
_LEAD_THE = re.compile(r"^(the)\s+", re.I)
_LEAD_QUANT = re.compile(
    r"^((the|a|an|his|her|its|their|some|many|several|few|both|all|other|\d[\d,.]*|two|three|four|five|six|seven"
    r"|eight|nine|ten|dozens|hundreds|thousands)\s+(of\s+)?)+", re.I)
MENTION_DETS = frozenset({"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "your", "my"})


# ---------------------------------------------------------------------------
# The index others read


class ActorIndex:
    """The actors of one doc and a lookup from text to actor.

    Offsets are doc character offsets. ``actors`` are in order of first mention, with
    ids ``a1``, ``a2`` ...
    """

    def __init__(self, doc: Doc, actors: list[Actor], token_actors: Optional[dict[int, str]] = None):
        self.doc = doc
        self.actors = actors
        self._by_id = {a.id: a for a in actors}
        self._tokens = dict(token_actors or {})
        spans = sorted((s, e, a.id) for a in actors for s, e in a.mentions)
        self._starts = [s for s, _, _ in spans]
        self._spans = spans

    def actor(self, actor_id: str) -> Actor:
        return self._by_id[actor_id]

    def at(self, start_char: int, end_char: int) -> Optional[Actor]:
        """The actor with a mention overlapping ``[start_char, end_char)`` (the leftmost)."""
        i = bisect.bisect_left(self._starts, end_char)
        best = None
        for s, e, aid in reversed(self._spans[:i]):
            if s < end_char and start_char < e:
                best = (s, aid)
            elif e <= start_char and s < start_char - 200:
                break
        return self._by_id[best[1]] if best else None

    def resolve(self, span: Span) -> Optional[Actor]:
        """The actor a noun phrase refers to (name, title, role noun or pronoun), or None.

        The phrase's head decides: "Russian President Vladimir Putin" and "the Russian
        leader" give the person, "Russia's annexation" gives None (an annexation is
        not an actor), "Putin and Xi" gives the first conjunct.
        """
        if len(span) == 0:
            return None
        root = span.root
        aid = self._tokens.get(root.i)
        if aid is not None:
            return self._by_id[aid]
        # A flat proper-noun phrase whose head the parser put elsewhere in it.
        if root.pos_ == "PROPN":
            for tok in span:
                if tok.pos_ == "PROPN" and tok.dep_ != "poss" and tok.i in self._tokens and span.start <= tok.head.i < span.end:
                    return self._by_id[self._tokens[tok.i]]
        return None

    def owner(self, span: Span) -> Optional[Actor]:
        """The actor a modifier of the phrase's head names, when the phrase itself is not
        an actor: "Moscow's annexation" -> Moscow (RUSGOV), "French brandy" -> France,
        "a Russian military build-up" -> Russian military. For nominal events."""
        if len(span) == 0:
            return None
        root = span.root
        for child in root.children:
            if child.dep_ in ("poss", "amod", "compound", "nmod", "npadvmod") and child.i < root.i:
                aid = self._tokens.get(child.i)
                if aid is not None:
                    return self._by_id[aid]
        return None

    def for_token(self, token: Token) -> Optional[Actor]:
        """The actor of the noun phrase headed by ``token``."""
        aid = self._tokens.get(token.i)
        if aid is not None:
            return self._by_id[aid]
        sub = list(token.subtree)
        return self.resolve(self.doc[sub[0].i : sub[-1].i + 1])

    def mention_at(self, token: Token) -> Optional[tuple[int, int]]:
        """The mention span (doc chars) that contains ``token``, if any."""
        for s, e, _ in self._spans:
            if s <= token.idx < e:
                return (s, e)
        return None

    @staticmethod
    def ref(actor: Actor) -> ActorRef:
        return ActorRef(name=actor.name, code=actor.code, actor=actor.id, country=actor.country)


# ---------------------------------------------------------------------------
# Working records


@dataclass(eq=False)
class _Actor:
    name: str
    code: str
    country: Optional[str]
    sector: Optional[str]
    kind: str
    gender: Optional[str] = None
    offices: set = field(default_factory=set)
    past_offices: set = field(default_factory=set)
    person: Optional[Person] = None
    plural: bool = False
    key: str = ""
    mentions: list = field(default_factory=list)  # (start_tok, end_tok, subject_like)
    tokens: set = field(default_factory=set)
    surnames: set = field(default_factory=set)
    forenames: set = field(default_factory=set)
    explicit_code: bool = False
    modifier_only: bool = False  # named only as a modifier of a non-actor noun ("military support")
    named: bool = False  # a named group of the dictionary (Hamas, the Houthis), not a role noun
    heads: set = field(default_factory=set)  # role nouns that named this actor ("ministry")
    ev_country: Optional[str] = None  # what the article itself says, before the dictionary
    ev_org: Optional[str] = None
    ev_sector: Optional[str] = None

    def recode(self) -> None:
        """The code from the article's own evidence (organisation, else country + sector)."""
        if self.ev_org:
            self.code, self.country, self.sector = self.ev_org, *split_code(self.ev_org)
        elif self.ev_country:
            self.code, self.country, self.sector = self.ev_country + (self.ev_sector or ""), self.ev_country, self.ev_sector
        elif self.ev_sector:
            self.code, self.country, self.sector = self.ev_sector, None, self.ev_sector
        else:
            return
        self.explicit_code = True


@dataclass
class _Match:
    start: int
    end: int
    entry: Optional[Entry] = None
    role: Optional[Role] = None


class _Tokens(dict):
    """``doc[i]`` for the tokens the builder looks at, each built on first use and kept:
    spaCy creates a new Token object on each ``doc[i]``, and most tokens are never looked
    at (their columns are enough). A dict with ``__missing__``, so that a token already
    built costs no Python-level call."""

    __slots__ = ("doc",)

    def __init__(self, doc: Doc):
        super().__init__()
        self.doc = doc

    def __missing__(self, i: int) -> Token:
        tok = self[i] = self.doc[i]
        return tok


def _inside_longer_name(toks: "_Tokens", start: int, end: int, case: str) -> bool:
    """A multi-word exact-case name that is the tail of a longer proper name ("the Ta'ang
    National Liberation Army" is not Colombia's National Liberation Army)."""
    if case != "exact" or end - start < 2 or start == 0:
        return False
    prev = toks[start - 1]
    return (prev.pos_ == "PROPN" and prev.text[:1].isupper() and prev.dep_ == "compound"
            and start <= prev.head.i < end)


def _scan(texts: list[str], toks: "_Tokens", keys: list[str], table: dict, prefixes: set, check_case: bool,
          skip: Optional[dict] = None) -> list[_Match]:
    """Longest dictionary matches left to right; no match starts or runs into a token of ``skip``."""
    skip = skip or {}
    out: list[_Match] = []
    n = len(keys)
    end = 0  # tokens before ``end`` are inside the last match
    # only a token whose key starts a dictionary key can start a match
    for i in [i for i, k in enumerate(keys) if k and k in prefixes]:
        if i < end or i in skip:
            continue
        s = keys[i]
        hit = table.get(s)
        best = None
        if hit is not None and (not check_case or case_ok(texts[i : i + 1], hit.case)):
            best = (i + 1, hit)
        for j in range(i + 1, min(n, i + MAX_PHRASE_TOKENS)):
            kj = keys[j]
            if not kj or j in skip:
                break
            s += kj
            if s not in prefixes:
                break
            hit = table.get(s)
            if hit is not None and (not check_case or case_ok(texts[i : j + 1], hit.case)):
                best = (j + 1, hit)
        if best is None or check_case and _inside_longer_name(toks, i, best[0], best[1].case):
            continue
        if check_case:
            out.append(_Match(i, best[0], entry=best[1]))
        else:
            out.append(_Match(i, best[0], role=best[1]))
        end = best[0]
    return out


def _token_key(token: Token) -> str:
    if token.is_space:
        return ""
    return token.lower_.replace("\u2019", "'").replace("\u2018", "'")


# ---------------------------------------------------------------------------
# The builder: one document, one pass


class _Builder:
    def __init__(self, doc: Doc, dic: Dictionaries):
        self.doc = doc
        self.dic = dic
        self.day: Optional[dt.date] = doc._.published if isinstance(doc._.published, dt.date) else None
        self.actors: list[_Actor] = []
        self.tok_actor: dict[int, _Actor] = {}
        self.by_name: dict[tuple[str, str, str], _Actor] = {}
        self.person_cluster: dict[int, _Actor] = {}
        self.consumed: set[int] = set()  # tokens already part of a markable
        # mentions in document order: (token, seq, subject_like, sent_start, actor)
        self.timeline: list[tuple[int, int, bool, int, _Actor]] = []
        self.plural_at: dict[int, bool] = {}  # mention start -> the mention is a plural noun phrase
        self.title_orgs: list[tuple[int, Entry]] = []  # organisations named in people's titles ("NATO chief X")
        self.seq = 0
        self.toks = _Tokens(doc)
        n = len(doc)
        # Per-token columns, read once: a spaCy Token attribute is a lookup on each access.
        if n:
            idx, length, head, sent, punct = doc.to_array([IDX, LENGTH, HEAD, SENT_START, IS_PUNCT]).astype("int64").T.tolist()
        else:
            idx, length, head, sent, punct = [], [], [], [], []
        text = doc_text(doc)  # Doc.text joins every token on each access; this is built once per doc
        self.text = text
        self.idx = idx  # token.idx
        self.texts = [text[i : i + k] for i, k in zip(idx, length)]  # token.text
        self.lowers = [t.lower() for t in self.texts]  # token.lower_
        self.punct = [p != 0 for p in punct]  # token.is_punct
        keys = ["" if t.isspace() else t.replace("\u2019", "'").replace("\u2018", "'") for t in self.lowers]
        self.keys = keys  # _token_key(token)
        self.heads = [i + h for i, h in enumerate(head)]
        self.sent_start = [0] * n
        start = 0
        for i, row in enumerate(sent):
            if row == 1:
                start = i
            self.sent_start[i] = start
        self.phrase_matches = _scan(self.texts, self.toks, keys, dic.phrases, dic.prefixes, True)
        self.define_acronyms()
        self.drop_dateline()
        self.phrase_at: dict[int, _Match] = {}
        for m in self.phrase_matches:
            for i in range(m.start, m.end):
                self.phrase_at[i] = m
        # roles around the phrases: "European Union leaders" is not the labour "union"
        self.role_matches = _scan(self.texts, self.toks, keys, dic.roles, dic.role_prefixes, False, self.phrase_at)
        self.role_matches = [
            r for r in self.role_matches
            if not any(i in self.phrase_at for i in range(r.start, r.end))
            and self.toks[r.end - 1].pos_ not in ("VERB", "AUX", "ADV", "ADP", "PRON", "DET")
        ]
        # "separatist forces", "rebel fighters": a person noun right before another role
        # noun is its adjective (see ``sector_adjectives``)
        role_starts = {r.start for r in self.role_matches}
        self.role_matches = [
            r for r in self.role_matches
            if not (r.role.kind == "person" and r.end in role_starts and r.end - r.start == 1
                    and keys[r.start] in dic.sector_adjectives)
        ]
        self.role_at: dict[int, _Match] = {}
        for r in self.role_matches:
            for i in range(r.start, r.end):
                self.role_at[i] = r

    def define_acronyms(self) -> None:
        """"the Rapid Support Forces (RSF)": later "RSF" names the same actor, whatever
        the dictionary says "RSF" is elsewhere."""
        texts = self.texts
        defined: dict[str, Entry] = {}
        for m in self.phrase_matches:
            j = m.end
            if j + 2 < len(texts) and texts[j] == "(" and texts[j + 2] == ")" and texts[j + 1].isupper():
                defined[texts[j + 1]] = m.entry
            # the initials of a name the article spells out ("Rapid Support Forces" -> "RSF")
            words = [w for w in texts[m.start:m.end] if w[:1].isupper() and w.isalpha()]
            if len(words) >= 2 and m.end - m.start == len(words):
                defined.setdefault("".join(w[0] for w in words), m.entry)
        if not defined:
            return
        kept = [m for m in self.phrase_matches if not (m.end - m.start == 1 and texts[m.start] in defined
                                                       and defined[texts[m.start]] is not m.entry)]
        have = {i for m in kept for i in range(m.start, m.end)}
        for i, text in enumerate(texts):
            if text in defined and i not in have:
                kept.append(_Match(i, i + 1, entry=defined[text]))
        self.phrase_matches = sorted(kept, key=lambda m: m.start)

    def drop_dateline(self) -> None:
        """A dateline ("KYIV, Jan 24 (Reuters) -") names a place, not an actor."""
        texts = self.texts
        dl = getattr(self.doc._, "dateline", None)
        span = getattr(dl, "span", None) if dl is not None else None

        def in_dateline(m: _Match) -> bool:
            if span is not None and span[0] <= self.idx[m.start] < span[1]:
                return True
            k = m.start - 1 if m.start > 0 and texts[m.start - 1] == "THE" else m.start
            at_line_start = k == 0 or "\n" in texts[k - 1] or texts[k - 1].isspace()
            if not at_line_start:
                return False
            words = [w for w in texts[m.start:m.end] if w.isalpha()]
            nxt = texts[m.end] if m.end < len(texts) else ""
            return bool(words) and all(w.isupper() for w in words) and nxt in (",", "(", "-", "\u2014", "\u2013")

        self.phrase_matches = [m for m in self.phrase_matches if not (m.entry.kind != "person" and in_dateline(m))]

    # -- actors ----------------------------------------------------------------
    def new_actor(self, **kw) -> _Actor:
        a = _Actor(**kw)
        self.actors.append(a)
        return a

    def mention(self, actor: _Actor, start: int, end: int, extra: Iterable[int] = ()) -> None:
        """Record a mention of ``actor`` over tokens [start, end); ``extra`` tokens
        (titles, determiners) also map to it."""
        texts, punct, lowers = self.texts, self.punct, self.lowers
        while end > start and (texts[end - 1] in POSSESSIVE or punct[end - 1]):
            end -= 1
        while start < end - 1 and (punct[start] or lowers[start] in MENTION_DETS):
            start += 1
        if end <= start:
            return
        head = self.root(start, end)
        subj = head.dep_ in SUBJECT_DEPS or (head.dep_ == "poss" and head.head.dep_ in SUBJECT_DEPS) or (
            head.dep_ == "conj" and head.head.dep_ in SUBJECT_DEPS
        )
        actor.mentions.append((start, end, subj))
        self.plural_at[start] = self.plural_mention(start, head)
        for i in range(start, end):
            self.tok_actor[i] = actor
            self.consumed.add(i)
        for i in extra:
            self.tok_actor.setdefault(i, actor)
            self.consumed.add(i)
        self.seq += 1
        bisect.insort(self.timeline, (start, self.seq, subj, self.sent_start[head.i], actor))

    def plural_mention(self, start: int, head: Token) -> bool:
        """Whether a mention is a plural noun phrase ("the Houthis", "Serbs", "they"), whatever
        the actor it names ("Serbs" names Serbia; "the United States" is not plural)."""
        m = self.phrase_at.get(start)
        if m is not None and m.entry.kind in ("country", "igo", "ngo", "institution"):
            return m.entry.form == "people"
        return head.tag_ in ("NNS", "NNPS") or head.lower_ in ("they", "them", "their", "theirs", "themselves")

    def root(self, start: int, end: int) -> Token:
        """The syntactic head of tokens [start, end): the first whose head lies outside."""
        for i in range(start, end):
            h = self.heads[i]
            if h == i or h < start or h >= end:
                return self.toks[i]
        return self.toks[start]

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text`` (for ``start < end``), without building the Span."""
        return self.text[self.idx[start] : self.idx[end - 1] + len(self.texts[end - 1])]

    def before(self, tok_i: int) -> list[tuple[int, _Actor, bool, int]]:
        """Mentions that start before token ``tok_i``, most recent first."""
        return list(self.iter_before(tok_i))

    def iter_before(self, tok_i: int) -> Iterator[tuple[int, _Actor, bool, int]]:
        """:meth:`before`, one at a time, for loops that stop at the first fit (and add
        no mention before they stop)."""
        timeline = self.timeline
        for k in range(bisect.bisect_left(timeline, (tok_i,)) - 1, -1, -1):
            m = timeline[k]
            yield m[0], m[4], m[2], m[3]

    # -- classification helpers ---------------------------------------------------
    def is_locative(self, tok: Token) -> bool:
        """A place reading: the object of "in", "from", "near" ... (through conj/appos/compound)."""
        t = tok
        for _ in range(4):
            if t.dep_ in ("conj", "appos", "compound") and t.head is not t:
                t = t.head
                continue
            break
        if t.dep_ == "pobj" and t.head.lower_ in LOCATIVE_PREPS:
            if t.head.lower_ == "of":
                # "the capital of Russia" is a place, "the government of Russia" is not
                return t.head.head.i not in self.role_at
            return True
        return False

    # -- 1. people ---------------------------------------------------------------
    def person_spans(self) -> list[tuple[int, int, Optional[Person]]]:
        """Candidate person-name spans: PERSON entities and dictionary names."""
        spans: dict[tuple[int, int], Optional[Person]] = {}
        dict_people = [m for m in self.phrase_matches if m.entry.kind == "person"]
        for s, e in self.name_candidates():
            while e > s and (self.texts[e - 1] in POSSESSIVE or self.punct[e - 1]):
                e -= 1
            while s < e and (self.lowers[s] in HONORIFICS or norm_key(self.texts[s]) in self.dic.roles
                             or (s in self.phrase_at and self.phrase_at[s].entry.kind != "person")
                             or self.punct[s] or self.lowers[s] in TITLE_FILLERS):
                s += 1
            if e <= s or self.toks[e - 1].tag_ in ("NNS", "NNPS") or (s > 0 and self.toks[s - 1].lower_ == "the"):
                continue
            head = self.root(s, e)
            if head.dep_ == "pobj" and head.head.lower_ in ("in", "at", "near", "inside", "outside", "across", "around"):
                continue  # "a hospital in Khan Younis
            # A dictionary non-person phrase covering the whole entity wins (Kremlin, Xinhua).
            covered = [self.phrase_at.get(i) for i in range(s, e)]
            if all(c is not None and c.entry.kind != "person" for c in covered):
                continue
            spans[(s, e)] = None
        for m in dict_people:
            inside = [k for k in spans if k[0] <= m.start and m.end <= k[1]]
            if inside:
                k = inside[0]
                if k == (m.start, m.end) or (k[1] - k[0]) == (m.end - m.start):
                    spans[k] = m.entry.person
                # else: a longer doc name ("Mike Johnson") contains a dictionary alias: keep doc name
                continue
            overlapping = [k for k in spans if k[0] < m.end and m.start < k[1]]
            for k in overlapping:
                del spans[k]
            spans[(m.start, m.end)] = m.entry.person
        return sorted((s, e, p) for (s, e), p in spans.items())

    def name_candidates(self) -> list[tuple[int, int]]:
        """Token spans that look like a person's name.

        PERSON entities (adjacent ones merged: "Carlos Almeida" + "Souza"); other
        entities or capitalised proper-noun runs that start with a known given name; and
        proper-noun runs right after a person title ("Foreign Minister Olena Kovalchuk")
        or right before an apposition with a person role ("Olena Kovalchuk, Ukraine's
        deputy foreign minister,").
        """
        doc = self.doc
        out: list[list[int]] = []
        # "Pakistan's Bilawal Bhutto Zardari" (tagged ORG) when "Bhutto Zardari" is a PERSON elsewhere
        ents = doc.ents  # built anew on each access
        person_surnames = {self.texts[ent.end - 1].lower() for ent in ents if ent.label_ == "PERSON" and len(ent) > 1}
        for ent in ents:
            first = self.toks[ent.start].lower_
            is_person = ent.label_ == "PERSON" or (
                ent.label_ in ("ORG", "GPE", "NORP", "FAC", "PRODUCT", "WORK_OF_ART") and len(ent) in (2, 3)
                and ent.start not in self.phrase_at
                and (first in self.dic.first_names or (
                    self.texts[ent.end - 1].lower() in person_surnames
                    and all(self.toks[k].pos_ == "PROPN" and k not in self.role_at for k in range(ent.start, ent.end))))
            )
            if not is_person:
                continue
            start = ent.start
            while start > 0 and self.toks[start - 1].pos_ == "PROPN" and self.toks[start - 1].is_title \
                    and (start - 1) not in self.phrase_at and (start - 1) not in self.role_at \
                    and self.toks[start - 1].lower_ not in HONORIFICS and self.sent_start[start - 1] != start - 1 \
                    and not self.toks[start - 1].ent_type_ and start > ent.start - 2:
                start -= 1
            if out and out[-1][1] == start:
                out[-1][1] = ent.end
            else:
                out.append([start, ent.end])
        taken = {i for s, e in out for i in range(s, e)}

        def run_from(i: int) -> int:
            j = i
            while j < len(doc) and j - i < 4 and self.toks[j].pos_ == "PROPN" and self.toks[j].text[:1].isupper() \
                    and j not in self.phrase_at and j not in self.role_at and not self.toks[j].is_space:
                j += 1
            return j

        for r in self.role_matches:
            if r.role.kind != "person" or r.end in taken:
                continue
            j = run_from(r.end)
            if j - r.end >= 2 or (j - r.end == 1 and self.toks[r.start].text[:1].isupper()):
                out.append([r.end, j])
                taken.update(range(r.end, j))
        for ci, ctext in enumerate(self.texts):
            if ctext != "," or ci == 0:
                continue
            tok = self.toks[ci]
            # "Name, [the|Ukraine's] ... role," : walk back over the name
            k = tok.i - 1
            while k >= 0 and k >= tok.i - 4 and self.toks[k].pos_ == "PROPN" and self.toks[k].text[:1].isupper() and k not in self.phrase_at:
                k -= 1
            start = k + 1
            if tok.i - start < 2 or start in taken or (tok.i - 1) in taken:
                continue
            _, _, roles = self.title_right(tok.i)
            if any(r.role.kind == "person" for r in roles):
                out.append([start, tok.i])
                taken.update(range(start, tok.i))
        for ci, ctext in enumerate(self.texts):
            # "Russia's ambassador, Vassily Nebenzia, said": a name between commas right
            # after a person role noun (the NER misses many foreign names)
            if ctext != "," or ci == 0 or (ci - 1) not in self.role_at or self.role_at[ci - 1].role.kind != "person":
                continue
            j = run_from(ci + 1)
            if j - (ci + 1) >= 2 and j < len(doc) and self.texts[j] == "," \
                    and not any(k in taken for k in range(ci + 1, j)):
                out.append([ci + 1, j])
                taken.update(range(ci + 1, j))
        return [(s, e) for s, e in out]

    def cluster_people(self) -> list[tuple[int, int, _Actor]]:
        """Group person-name spans into actors by name containment and surname."""
        out = []
        named: list[_Actor] = []
        spans = self.person_spans()
        # Longest names first, so that "Putin" in a headline joins "Vladimir Putin".
        order = sorted(spans, key=lambda x: -(x[1] - x[0]))
        assigned: dict[tuple[int, int], _Actor] = {}
        positions: dict[int, list[int]] = {}
        for s, e, person in order:
            words = [w for w, p in zip(self.texts[s:e], self.punct[s:e]) if not p or w == "-"]
            name = self.span_text(s, e)
            key = norm_key(name)
            target = None
            short = []
            for a in named:
                if person is not None and a.person is person:
                    target = a
                    break
                if key == a.key or (len(words) > 1 and key in a.surnames):
                    target = a
                    break
                if len(words) == 1 and (key in a.surnames or key in a.forenames):
                    short.append(a)
                    continue
                if len(words) > 1 and key in a.key and a.key.endswith(norm_key(words[-1])):
                    target = a
                    break
            if target is None and short:
                # "Kim" after "Kim Jong Un" and "Kim Yo Jong": the one named last before it
                before = [(max((p for p in positions[id(a)] if p < s), default=-1), a) for a in short]
                target = max(before, key=lambda x: x[0])[1]
                if len(short) > 1 and max(before, key=lambda x: x[0])[0] < 0:
                    target = None
            if target is None and len(words) == 1 and person is None and not self.lone_name_ok(s):
                # a single capitalised word the NER called a person ("Patriot", "Avdiivka")
                assigned[(s, e)] = None
                continue
            if target is None:
                target = _Actor(name=name, code="", country=None, sector=None, kind="person", person=person, key=key)
                parts = [norm_key(w) for w in name.replace("-", " - ").split() if w not in ("-",)]
                parts = [p for p in parts if p and p not in ("-",)]
                if len(parts) > 1:
                    target.surnames.add(parts[-1])
                    target.surnames.add(norm_key(" ".join(parts[-2:])) if parts[-2] in ("al", "el", "de", "da", "von", "van", "le") else parts[-1])
                    target.forenames.add(parts[0])
                    if "-" in name:
                        for piece in name.split()[-1].split("-"):
                            target.surnames.add(norm_key(piece))
                else:
                    target.surnames.add(parts[0] if parts else key)
                if person is not None:
                    for alias in (person.name,) + person.aliases:
                        k = norm_key(alias)
                        if " " not in alias.strip():
                            target.surnames.add(k)
                    # the dictionary's name, without titles the alias may carry ("Ayatollah")
                    target.surnames.add(target.key)
                    target.name = person.name
                    target.key = norm_key(person.name)
                named.append(target)
            elif person is not None and target.person is None:
                target.person = person
            if target.person is not None:
                self.person_cluster.setdefault(id(target.person), target)
            assigned[(s, e)] = target
            positions.setdefault(id(target), []).append(s)
        for s, e, _ in spans:
            if assigned[(s, e)] is not None:
                out.append((s, e, assigned[(s, e)]))
        # Bare surnames the NER missed ("According to Yu"): proper nouns equal to a surname.
        taken = {i for s, e, _ in out for i in range(s, e)}
        all_surnames = set().union(*(a.surnames for a in named)) if named else set()
        for i, text in enumerate(self.texts):
            if not text[:1].isupper() or i in taken or i in self.phrase_at:
                continue
            k = norm_key(text)
            if k not in all_surnames:
                continue
            tok = self.toks[i]
            if tok.pos_ != "PROPN":
                continue
            hits = [a for a in named if k in a.surnames and a.key != k]
            if len(hits) == 1:
                out.append((tok.i, tok.i + 1, hits[0]))
        return sorted(out, key=lambda x: x[0])

    def lone_name_ok(self, s: int) -> bool:
        """A one-word name is a person only with an honorific or title before it, or as
        the subject of a speech verb ("Ewa said")."""
        tok = self.toks[s]
        if s > 0:
            prev = self.toks[s - 1]
            if prev.lower_ in HONORIFICS or ((s - 1) in self.role_at and self.role_at[s - 1].role.kind == "person"):
                return True
        return tok.dep_ in ("nsubj", "nsubjpass") and tok.head.lemma_ in SPEECH_VERBS

    def title_left(self, s: int) -> tuple[int, list[_Match], list[_Match]]:
        """Walk left from a name over its title ("Russian Deputy Foreign Minister").

        Returns the title's first token, the phrase matches and role matches in it.
        """
        i = s - 1
        start = s
        phrases: list[_Match] = []
        roles: list[_Match] = []
        sent_start = self.sent_start[s]
        comma_ok = True
        while i >= sent_start:
            tok = self.toks[i]
            if tok.text == "," and comma_ok and i - 1 >= sent_start and (i - 1) in self.role_at and not phrases:
                comma_ok = False
                i -= 1
                continue
            if i in self.phrase_at:
                m = self.phrase_at[i]
                if m.entry.kind == "person" and not (m.end < s and self.toks[m.end].text in POSSESSIVE):
                    break  # "between Orban and European Council President Michel": another person
                if m.entry.kind == "person" or m.entry.kind in ("country", "igo", "ngo", "institution", "group"):
                    phrases.append(m)
                    start = m.start
                    i = m.start - 1
                    continue
                break
            if i in self.role_at:
                r = self.role_at[i]
                roles.append(r)
                start = r.start
                i = r.start - 1
                continue
            low = tok.lower_
            if low in TITLE_FILLERS or tok.text in POSSESSIVE or (low in HONORIFICS):
                if low in ("the", "and", "of") and not (phrases or roles):
                    break
                if low == "and" and i - 1 >= sent_start and self.toks[i - 1].pos_ == "PROPN" and (i - 1) not in self.role_at \
                        and not any(j in self.phrase_at and self.phrase_at[j].end > i - 1 for j in range(max(sent_start, i - 5), i)):
                    break  # "China's Wang and EU's Sefcovic": another person's title ends here
                if low == "the":
                    start = i
                    break
                i -= 1
                continue
            if tok.lower_ in ("his", "her", "their", "its") and roles:
                start = i
                break
            # An unknown organisation in the title ("Acme Corp chief executive").
            if tok.pos_ == "PROPN" and tok.ent_type_ in ("ORG", "NORP") and (phrases or roles):
                start = i
                i -= 1
                continue
            break
        # "U.S. Deputy Secretary of State ...": the parser sometimes ends a sentence after
        # an abbreviated country; it still belongs to the title.
        if start == sent_start and roles and i == sent_start - 1 and i in self.phrase_at:
            m = self.phrase_at[i]
            if m.entry.kind == "country" and m.start == self.sent_start[i] and self.toks[i].text.endswith("."):
                phrases.append(m)
                start = m.start
        # Titles are only titles when they carry a role noun or an organisation.
        if not roles and not any(m.entry.kind in ("igo", "ngo", "institution", "group", "country") for m in phrases):
            return s, [], []
        return start, phrases, roles

    def title_right(self, e: int) -> tuple[int, list[_Match], list[_Match]]:
        """An apposition after the name: "Dmitry Peskov, the Kremlin's spokesman,"."""
        doc = self.doc
        if e >= len(doc) or self.toks[e].text != ",":
            return e, [], []
        phrases: list[_Match] = []
        roles: list[_Match] = []
        i = e + 1
        end = e
        limit = min(len(doc), e + 9)
        while i < limit:
            tok = self.toks[i]
            if i in self.phrase_at:
                m = self.phrase_at[i]
                if m.entry.kind == "person":
                    break
                phrases.append(m)
                i = m.end
                continue
            if i in self.role_at:
                r = self.role_at[i]
                roles.append(r)
                i = r.end
                end = i
                continue
            if tok.lower_ in TITLE_FILLERS or tok.text in POSSESSIVE or tok.lower_ in ("a", "an", "his", "her", "its", "their"):
                i += 1
                continue
            if not roles and tok.pos_ in ("ADJ", "NOUN", "PROPN") and not tok.is_punct:
                i += 1  # "a local aid worker", "a senior Hamas official"
                continue
            break
        if not roles:
            return e, [], []
        if i < len(doc) and self.toks[i].text not in (",", ".", ")", ";", ":", "\u2014", "-") and not self.toks[i].is_space:
            # the apposition may go on with a prepositional phrase ("a doctor at a hospital")
            if self.toks[i].pos_ not in ("VERB", "AUX", "ADP") and self.toks[i].lower_ not in ("who", "which"):
                return e, [], []
        return end, phrases, roles

    def apply_title(self, a: _Actor, phrases: list[_Match], roles: list[_Match], name_start: int,
                    owner: Optional[_Actor] = None) -> None:
        """Record what the title words of one mention say about a person: country,
        organisation, sector, office, gender. The first mention that says a thing wins.
        ``owner`` is the actor of a possessive determiner that starts the title ("its
        high commissioner, Name")."""
        country = org = None
        country_pos = org_pos = 10**9
        org_sector = None
        counterpart = any(r.role.office == "counterpart" for r in roles)
        if owner is not None and owner is not a and not counterpart \
                and not any(m.entry.kind != "person" for m in phrases):
            # "its high commissioner, Name", not "his U.S. counterpart Name"
            if owner.kind in ("igo", "ngo") or owner.named:
                org, org_pos, org_sector = owner.code, name_start - 1, owner.sector
            elif owner.country:
                country, country_pos = owner.country, name_start - 1
        for m in phrases:
            e = m.entry
            if e.kind == "person":
                # "Putin's spokesman Dmitry Peskov": the possessor's country
                other = self.tok_actor.get(m.start)
                cty = other.country if other is not None else None
                if cty is None and e.person is not None:
                    t = e.person.term(self.day)
                    cty = t.country if t is not None else None
                if cty and country is None:
                    country, country_pos = cty, m.start
                continue
            if e.kind != "country" and e.form != "capital":
                if org is None:
                    org, org_pos, org_sector = e.code, m.start, e.sector
                continue
            if country is None:
                country, country_pos = e.country, m.start
            if e.sector and org_sector is None:
                org_sector = e.sector
        sector = None
        if roles:
            # The head role is the one nearest the name; its sector wins.
            role = max(roles, key=lambda r: r.end).role
            if role.office == "counterpart":
                possessor = self.counterpart_of(name_start)
                if possessor is not None:
                    a.offices |= possessor.offices
                    sector = possessor.sector or "GOV"
            else:
                for r in roles:
                    if r.role.office and r.role.office != "counterpart":
                        a.offices.add(r.role.office)
            if role.gender and not a.gender:
                a.gender = role.gender
            sector = sector or role.sector
        if org and country and country_pos < org_pos:
            org = None  # "Israel's UN ambassador" speaks for Israel
        if org and a.ev_org is None and a.ev_country is None:
            a.ev_org = org
        elif country and a.ev_country is None and a.ev_org is None:
            a.ev_country = country
        if a.ev_sector is None:
            a.ev_sector = sector or org_sector
        a.recode()

    def code_from_apposition(self, a: _Actor, s: int, e: int) -> None:
        """"Russia's ambassador to the United States, Anatoly Antonov,": a name in
        apposition to a role noun phrase takes the code that phrase was given."""
        head = self.root(s, e)
        if head.dep_ != "appos":
            return
        other = self.tok_actor.get(head.head.i)
        if other is None or other is a or other.kind != "person" or not other.code or other.person is not None:
            return
        a.code, a.country, a.sector = other.code, other.country, other.sector
        a.offices |= other.offices
        a.explicit_code = True

    def possessor(self, i: int) -> Optional[_Actor]:
        """The actor a possessive determiner at token ``i`` ("its", "his", "their") names,
        resolved now when it was not yet; None for any other token."""
        tok = self.toks[i]
        if tok.lower_ not in ("its", "his", "her", "their") or tok.dep_ != "poss":
            return None
        if i not in self.tok_actor and i not in self.consumed:
            self.resolve_pronoun(tok)
        return self.tok_actor.get(i)

    def counterpart_of(self, tok_i: int) -> Optional[_Actor]:
        """"his Chinese counterpart": the most recent other person before ``tok_i``."""
        for _, actor, _, _ in self.iter_before(tok_i):
            if actor.kind == "person" and actor.offices:
                return actor
        return None

    def finish_person(self, a: _Actor) -> None:
        """Fill what the article did not say from the dictionary (term on the publication date)."""
        p = a.person
        if p is not None:
            t = p.term(self.day)
            code, country, sector = (t.code, t.country, t.sector) if t is not None else (p.code, p.country, p.sector)
            if t is not None:
                a.offices.add(t.office)
            a.past_offices |= {x.office for x in p.terms if x.start is None or self.day is None or x.start <= self.day}
            if code:
                if a.ev_org is None and a.ev_country is None:
                    # the dictionary knows whom the person speaks for
                    a.code, a.country, a.sector = code, country, sector
                    a.explicit_code = True
                elif a.ev_country and a.ev_sector is None and country == a.ev_country:
                    a.ev_sector = sector
                    a.recode()
            if p.gender and not a.gender:
                a.gender = p.gender
        if not a.gender:
            first = a.name.split()[0].lower() if a.name.split() else ""
            a.gender = self.dic.first_names.get(first)

    # -- 2. role noun phrases ---------------------------------------------------------
    def role_np(self, r: _Match) -> Optional[tuple[int, int, Optional[str], Optional[str], bool, bool]]:
        """The noun phrase around a role match: (start, end, country, org code, definite, plural-det).

        Left modifiers: a country/capital/seat/IGO phrase (adjective or possessive), title
        fillers, a determiner. Right: "of Russia".
        """
        doc = self.doc
        i = r.start - 1
        start = r.start
        country = None
        org = None
        definite = False
        plural_det = False
        country_first = False
        self.np_extra: list[tuple[int, int, str]] = []
        self.np_main: Optional[int] = None
        sent_start = self.sent_start[r.start]
        while i >= sent_start:
            tok = self.toks[i]
            low = tok.lower_
            if i in self.phrase_at:
                m = self.phrase_at[i]
                e = m.entry
                if e.kind == "person":
                    other = self.tok_actor.get(m.start)
                    if other is not None and other.country:
                        country = country or other.country
                        start = m.start
                        i = m.start - 1
                        continue
                    break
                if e.kind != "country" and e.form != "capital":
                    org = org or e.code
                elif e.country:
                    if country is None and org is not None:
                        country_first = True  # "Israel's UN ambassador": walking left, the country comes later
                    if country is None:
                        self.np_main = m.start
                    country = country or e.country
                start = m.start
                i = m.start - 1
                continue
            if i in self.role_at and self.role_at[i].role.kind != "person":
                # "foreign ministry spokesman": the institution is part of this phrase
                start = self.role_at[i].start
                i = start - 1
                continue
            if i in self.tok_actor and self.tok_actor[i].kind == "person":
                break
            if low in ("the", "this", "that", "these", "those"):
                definite = True
                start = i
                break
            if low in ("and", ",") and country is not None and i - 1 >= sent_start and (i - 1) in self.phrase_at \
                    and self.phrase_at[i - 1].entry.kind == "country" \
                    and self.phrase_at[i - 1].entry.form == "adjective" \
                    and not self.is_locative(self.toks[i - 1]):
                # "Egyptian, Qatari and U.S. mediators": one group per country
                m = self.phrase_at[i - 1]
                self.np_extra.append((m.start, m.end, m.entry.country))
                start = m.start
                i = m.start - 1
                continue
            if low in ("of", "and", "-", "for"):
                break
            if low in ("his", "her", "their", "its"):
                definite = True
                start = i
                # "its troops", "their commanders": whose they are
                owner = self.possessor(i)
                if owner is not None and country is None and org is None and r.role.office != "counterpart":
                    if owner.kind in ("igo", "ngo") or owner.named:
                        org = owner.code
                    elif owner.country:
                        country = owner.country
                break
            if low in INDEFINITE_DETS:
                start = i
                break
            if low in PLURAL_DETS or tok.like_num:
                plural_det = True
                start = i
                i -= 1
                continue
            if low in TITLE_FILLERS or tok.text in POSSESSIVE or low in self.dic.sector_adjectives or tok.pos_ == "ADJ":
                start = i
                i -= 1
                continue
            if tok.pos_ == "PROPN" and tok.ent_type_ == "ORG" and self.toks[r.end - 1].ent_type_ == "ORG" \
                    and r.role.sector == "PTY":
                start = i  # the name of a party: "the opposition Democratic Left Party"
                i -= 1
                continue
            break
        end = r.end
        # "the government of Ukraine", "the army of Syria"; "fighters of the RSF"
        if end + 1 < len(doc) and self.toks[end].lower_ == "of" and country is None and org is None:
            j = end + 2 if self.toks[end + 1].lower_ == "the" else end + 1
            m = self.phrase_at.get(j)
            if m is not None and m.start == j:
                if m.entry.kind == "country" and m.entry.form == "name":
                    country = m.entry.country
                    end = m.end
                elif m.entry.kind in ("group", "igo") and r.role.kind != "person":
                    org = m.entry.code
                    end = m.end
        # "the foreign ministry in Tokyo", "the government in Kyiv" (not "the embassy in Beijing")
        if country is None and org is None and r.role.kind == "institution" and end + 1 < len(doc) \
                and self.toks[end].lower_ == "in" and self.toks[r.end - 1].dep_ in ("nsubj", "nsubjpass") \
                and (end + 1) in self.phrase_at \
                and r.role.head_word not in ("embassy", "consulate", "mission", "embassies", "consulates"):
            m = self.phrase_at[end + 1]
            if m.start == end + 1 and (m.entry.form == "capital"
                                       or (m.entry.kind == "country" and m.entry.form == "name")):
                country = m.entry.country
        if org and country and country_first:
            org = None
        return start, end, country, org, definite, plural_det

    def person_candidates(self, tok_i: int, role: Role, country: Optional[str], org: Optional[str],
                          former: bool = False) -> Optional[_Actor]:
        """The most recent person before ``tok_i`` the role noun can name."""
        wanted = self.dic.offices_for(role.office) if role.office else frozenset()
        any_gov = "*GOV" in wanted
        for _, a, _, _ in self.iter_before(tok_i):
            if a.kind != "person":
                continue
            if role.gender and a.gender and a.gender != role.gender:
                continue
            if country and a.country != country:
                continue
            if org and a.code != org:
                continue
            if role.office in (None, "counterpart"):
                continue
            offices = a.offices | a.past_offices if former else a.offices
            if offices & wanted or (any_gov and a.sector == role.sector) or (role.office in offices):
                return a
            if not a.offices and a.sector == role.sector and role.office in ("official", "leader") and country:
                return a
        return None

    def resolve_role(self, r: _Match) -> None:
        if any(i in self.consumed for i in range(r.start, r.end)):
            return
        role = r.role
        if role.kind == "none":
            return
        if role.kind == "igo_ref":
            # "the alliance" after NATO, "the bloc" after the EU: only an earlier mention
            if self.toks[r.start - 1].lower_ == "the" if r.start > 0 else False:
                named_group = "GROUP" in role.refers
                for _, a, _, _ in self.iter_before(r.start):
                    if (a.kind in ("igo", "ngo") or a.code.startswith("IGO")) and a.code.startswith(role.refers) or (
                        named_group and a.kind == "group" and (a.named or (a.country and len(a.code) > 6))
                    ):
                        self.mention(a, r.start - 1, r.end)
                        return
                # "NATO Secretary-General Jens Stoltenberg proposed that the alliance ...":
                # the body named only in a title
                for pos, e in reversed(self.title_orgs):
                    if pos < r.start and (e.kind in ("igo", "ngo") and e.code.startswith(role.refers)
                                          or named_group and e.kind == "group"):
                        key = (e.code, e.kind, e.name)
                        target = self.by_name.get(key)
                        if target is None:
                            target = self.by_name[key] = self.new_actor(
                                name=e.name, code=e.code, country=e.country, sector=e.sector, kind=e.kind,
                                key=norm_key(e.name), explicit_code=True, named=e.kind == "group")
                        self.mention(target, r.start - 1, r.end)
                        return
            return
        if (r.end - r.start == 1 and self.toks[r.start].dep_ in ("nmod", "compound", "amod")
                and self.heads[r.start] > r.start and self.heads[r.start] in self.role_at
                and self.role_at[self.heads[r.start]].role.kind != "person"):
            return  # "the opposition Republican People's Party": the head role's phrase takes it
        np = self.role_np(r)
        start, end, country, org, definite, plural_det = np
        for k in range(start, r.start):
            # "the separatist leadership", "rebel forces": a non-state adjective wins
            adj = self.dic.sector_adjectives.get(self.keys[k])
            if adj in NON_STATE_SECTORS and (role.sector in STATE_SECTORS or role.sector == "PTY"):
                role = dataclasses.replace(role, sector=adj, office=None if role.kind != "person" else role.office)
        head = self.toks[r.end - 1]
        # A role noun used as a modifier of a non-role head ("military build-up") only
        # names an actor when a country or organisation says whose.
        modifier = head.dep_ in ("compound", "amod", "nmod") and head.head.i >= r.end and head.head.i not in self.role_at
        if role.kind == "person" and not role.plural:
            if plural_det:
                return
            indefinite = self.toks[start].lower_ in INDEFINITE_DETS
            former = any(self.toks[k].lower_ in ("former", "ex", "ex-") for k in range(start, r.start))
            target = None if indefinite else self.person_candidates(r.start, role, country, org, former)
            if target is None and (country or org) and role.office and definite or (
                target is None and (country or org) and role.office in ("leader", "president", "prime_minister", "foreign_minister", "chancellor", "supreme_leader", "king", "emir", "secretary_of_state", "foreign_secretary", "secretary_general")
            ):
                held = self.dic.holder(org or country, role.office, self.day)
                if held is not None:
                    person, term = held
                    target = self.actor_for_person(person)
            if target is None and (country or org) and role.office not in ("counterpart",):
                name = _LEAD_DET.sub("", self.span_text(start, end))
                code = org or (country + role.sector)
                c, s = (None, None) if org else (country, role.sector)
                target = self.find_generic(code, name) or self.new_actor(
                    name=name, code=code, country=c, sector=s, kind="person", gender=role.gender,
                    offices={role.office} if role.office else set(), key=norm_key(name), explicit_code=True,
                )
            if target is None and definite and not (country or org) and role.office in LOCAL_OFFICES:
                # "the mayor", "the judge" named by no one before: the article's own country's
                name = _LEAD_DEF.sub("", self.span_text(start, end))
                target = self.find_generic(role.sector, name) or self.new_actor(
                    name=name, code=role.sector, country=None, sector=role.sector, kind="person", gender=role.gender,
                    offices={role.office}, key=norm_key(name), explicit_code=True)
            if target is not None:
                self.mention(target, start, end)
            return
        # groups and institutions
        if plural_det and (role.kind == "person" or role.sector == "GOV" or not (country or org)):
            return
        if org:
            code, c, s = org, None, None
        elif country:
            code, c, s = country + role.sector, country, role.sector
        else:
            ref = self.same_side(r, role, modifier, definite)
            if ref is not None:
                self.mention(ref, start, end)
                return
            if modifier or role.needs_country:
                return
            if role.kind == "institution" and role.plural:
                return
            if definite or role.kind == "institution":
                # "the government", "the military": the most recent actor of that sector
                head_word = role.head_word
                for _, a, _, _ in self.iter_before(r.start):
                    if a.kind != ("institution" if role.kind == "institution" else "group"):
                        continue
                    if a.sector != role.sector and head_word not in a.heads:
                        continue  # "the leaders" after "EU leaders" (coded IGOEUREEC, no sector)
                    if role.kind == "institution" and head_word not in a.heads:
                        continue
                    self.mention(a, start, end)
                    return
                named_party = role.sector in ("OPP", "PTY") and any(
                    self.toks[k].pos_ == "PROPN" for k in range(start, r.start))
                if role.kind == "institution" and not (
                    (definite or role.sector in ("JUD", "LEG")) and role.sector in STATE_SECTORS and not role.plural
                ) and not named_party:
                    return
                if role.kind == "institution":
                    # "the government" with none named before: a sector-only actor that
                    # takes the article's home country, if it has one (see fill_home)
                    name = _LEAD_THE.sub("", self.span_text(start, end))
                    target = self.new_actor(name=name, code=role.sector, country=None, sector=role.sector,
                                            kind="institution", key=norm_key(name), explicit_code=True)
                    target.heads.add(role.head_word)
                    self.mention(target, start, end)
                    return
            if role.sector in ("GOV",) or role.phrase in ("people", "population", "public", "children", "women", "families"):
                return
            code, c, s = role.sector, None, role.sector
        name = _LEAD_QUANT.sub("", self.span_text(start, end))
        kind = "institution" if role.kind == "institution" else "group"
        target = None
        for a in self.actors:
            if a.code == code and a.kind == kind and (kind == "group" or a.key == norm_key(name)):
                target = a
                break
        if target is None:
            target = self.new_actor(name=name, code=code, country=c, sector=s, kind=kind, key=norm_key(name),
                                    plural=role.plural, explicit_code=True, modifier_only=modifier)
        elif not modifier:
            target.modifier_only = False
        target.heads.add(role.head_word)
        extras = list(self.np_extra) if country and not org else []
        if extras and self.np_main is not None:
            start = self.np_main
        self.mention(target, start, end)
        for xs, xe, xcountry in extras:
            xcode = xcountry + role.sector
            xname = self.dic.country_names.get(xcountry, xcountry) + " " + role.phrase
            other = next((a for a in self.actors if a.code == xcode and a.kind == kind), None)
            if other is None:
                other = self.new_actor(name=xname, code=xcode, country=xcountry, sector=role.sector, kind=kind,
                                       key=norm_key(xname), plural=role.plural, explicit_code=True)
            self.mention(other, xs, xe)

    def same_side(self, r: _Match, role: Role, modifier: bool, definite: bool) -> Optional[_Actor]:
        """A role noun without a country that names an actor of the sentences around it:

        - "Vucic put the army on alert": a state force in the clause of a government
          actor is that actor's country's;
        - "rebel positions", "the separatist leadership": the latest rebel actor with a
          country (the latest opposition actor in this or the two sentences before);
        - "Army warplanes bombed ...": the army named before ("Sudan's army").
        """
        head = self.toks[r.end - 1]
        window = self.sent_start[r.start]
        for _ in range(2):
            if window > 0:
                window = self.sent_start[window - 1]
        if role.sector in ("MIL", "COP") and role.kind == "group" and definite and not role.plural and not modifier:
            verb = head.head if head.dep_ in ("dobj", "nsubjpass") else None
            if verb is not None and verb.lemma_ not in SPEECH_VERBS:
                for c in verb.children:
                    if c.dep_ == "nsubj":
                        a = self.np_actor(c)
                        if a is not None and a.country and a.sector == "GOV" \
                                and a.kind in ("person", "institution", "country"):
                            return self.country_group(a.country, role)
        # "the separatists", "separatist fighters" (not a bare "gunmen")
        qualified = definite or any(self.dic.sector_adjectives.get(self.keys[k]) == role.sector
                                    for k in range(max(0, r.start - 2), r.start))
        if (role.sector in NON_STATE_SECTORS and (qualified or modifier)) \
                or (modifier and role.sector == "MIL" and not role.plural):
            for i, a, _, _ in self.iter_before(r.start):
                if i < window and not (role.sector == "REB" and qualified) and not (modifier and role.sector == "MIL"):
                    break  # the article's rebels or army, however far back they were named
                if a.sector == role.sector and a.country and a.kind in ("group", "institution") and (
                    role.sector in NON_STATE_SECTORS or role.head_word in a.heads
                ):
                    return a
        return None

    def country_group(self, country: str, role: Role) -> _Actor:
        """The group actor ``country`` + the role's sector, made when not there yet."""
        code = country + role.sector
        for a in self.actors:
            if a.code == code and a.kind == "group":
                return a
        name = self.dic.country_names.get(country, country) + " " + role.phrase
        a = self.new_actor(name=name, code=code, country=country, sector=role.sector, kind="group",
                           key=norm_key(name), plural=role.plural, explicit_code=True)
        a.heads.add(role.head_word)
        return a

    def find_generic(self, code: str, name: str) -> Optional[_Actor]:
        key = norm_key(name)
        for a in self.actors:
            if a.code == code and a.key == key and a.person is None:
                return a
        return None

    def actor_for_person(self, person: Person) -> _Actor:
        for a in self.actors:
            if a.person is person:
                return a
        a = self.person_cluster.get(id(person))
        if a is not None:
            # named later in the article ("India's foreign minister ... S. Jaishankar")
            self.actors.append(a)
            self.finish_person(a)
            return a
        a = self.new_actor(name=person.name, code="", country=None, sector=None, kind="person", person=person,
                           key=norm_key(person.name))
        self.finish_person(a)
        return a

    # -- 3. pronouns ----------------------------------------------------------------
    def resolve_pronoun(self, tok: Token) -> None:
        gender, number, role = PRONOUNS[tok.lower_]
        if tok.lower_ == "it" and (tok.dep_ not in ("nsubj", "nsubjpass") or self.dummy_it(tok)):
            return
        if tok.lower_ in ("her",) and tok.dep_ == "poss":
            role = "poss"
        sent_start = self.sent_start[tok.i]
        cands = self.before(tok.i)
        window_start = sent_start
        # Up to two sentences back.
        prev_sents: list[int] = []
        ss = sent_start
        for _ in range(2):
            if ss == 0:
                break
            ss = self.sent_start[ss - 1]
            prev_sents.append(ss)
        if prev_sents:
            window_start = prev_sents[-1]

        def compatible(a: _Actor, at: int) -> bool:
            plural = self.plural_at.get(at, a.plural)
            if gender in ("m", "f"):
                return a.kind == "person" and not a.plural and not plural and a.gender in (gender, None)
            if gender == "n":
                if plural:
                    return False
                return a.kind in ("country", "institution", "igo", "ngo") or (a.kind == "group" and not a.plural and a.code.isalpha() and len(a.code) > 3)
            return plural or a.plural or (a.kind == "group" and not a.modifier_only)

        # An object is not the subject of its own clause ("Putin told him", "Blinken spoke
        # with X and urged him", "Zelenskiy, who thanked him").
        clause_subjects = self.clause_subjects(tok) if role == "obj" else set()
        pool = [(i, a, subj, ss) for i, a, subj, ss in cands
                if i >= window_start and compatible(a, i) and id(a) not in clause_subjects]
        if gender == "n" and role == "subj":
            # "The opposition Republican People's Party said it would ...": the reporting
            # clause's own subject, and nothing older when that subject is not an actor.
            ms = self.matrix_subject(tok)
            if ms is not None:
                a = self.tok_actor.get(ms.i)
                at = min((m[0] for m in a.mentions if m[0] <= ms.i < m[1]), default=ms.i) if a is not None else ms.i
                if a is not None and compatible(a, at):
                    self.mention(a, tok.i, tok.i + 1)
                    return
                if (a is None or a.kind != "person") and ms.ent_type_ != "PERSON" and ms.lower_ not in PRONOUNS:
                    return  # not an actor, or one "it" cannot name ("the opposition")
        if not pool:
            return
        if gender == "p":
            # "they" after a coordination of actors ("Russia and China ... their") names
            # no single actor
            recent = [m for m in cands if m[0] >= window_start]
            if recent:
                rtok = self.doc[recent[0][0]]
                head_tok = self.doc[recent[0][1].mentions[-1][1] - 1]
                if rtok.dep_ == "conj" or head_tok.dep_ == "conj" or any(
                    c.dep_ == "conj" and c.i in self.tok_actor for c in head_tok.children
                ):
                    return
            first = pool[0]
            self.mention(first[1], tok.i, tok.i + 1)
            return
        same = [m for m in pool if m[3] == sent_start]
        earlier_people_in_sent = [m for m in cands if m[3] == sent_start and m[1].kind == "person"]
        choice = None
        if gender == "n":
            subj_same = [m for m in same if m[2]]
            choice = (subj_same or same or [None])[0]
            if choice is None:
                prev = [m for m in pool if m[2]]
                choice = (prev or pool)[0]
        elif same and earlier_people_in_sent:
            subj_same = [m for m in same if m[2]]
            choice = (subj_same or same)[0]
        else:
            for ps in prev_sents:
                subj = [m for m in pool if m[3] == ps and m[2]]
                if subj:
                    # the first subject of that sentence
                    choice = sorted(subj, key=lambda m: m[0])[0]
                    break
            if choice is None:
                choice = (same or pool)[0]
        a = choice[1]
        if a.gender is None and gender in ("m", "f"):
            a.gender = gender
        self.mention(a, tok.i, tok.i + 1)

    def dummy_it(self, tok: Token) -> bool:
        """"It is important that ...", "It's clear", "for as long as it takes": an "it"
        that refers to nothing."""
        head = tok.head
        if head.lemma_ == "be" or head.lower_ in ("'s", "\u2019s") or head.lemma_ in DUMMY_IT_VERBS:
            return True
        if head.lemma_ == "take" and any(t.lower_ == "long" for t in self.doc[max(0, tok.i - 3) : tok.i]):
            return True
        return False

    def np_actor(self, tok: Token) -> Optional[_Actor]:
        """The actor of the noun phrase headed by ``tok``: the head's own, or, for a
        relative pronoun ("who", "which"), the actor of the noun it modifies."""
        a = self.tok_actor.get(tok.i)
        if a is None and tok.lower_ in ("who", "which", "that") and tok.head.dep_ == "relcl":
            a = self.tok_actor.get(tok.head.head.i)
        return a

    def clause_subjects(self, tok: Token) -> set[int]:
        """ids of the actors that are the subject of the clause ``tok`` is an object in,
        following subjectless coordinated, open and adverbial clauses up to the verb
        that has one, and relative clauses to the noun they modify."""
        out: set[int] = set()
        cur = tok.head
        if cur.dep_ == "prep" and cur.head is not cur:
            cur = cur.head  # "met with him"
        for _ in range(5):
            subjects = [c for c in cur.children if c.dep_ in SUBJECT_DEPS and c.dep_ != "agent"]
            for c in subjects:
                a = self.np_actor(c)
                if a is not None:
                    out.add(id(a))
            if subjects:
                break
            if cur.dep_ == "relcl":
                a = self.tok_actor.get(cur.head.i)
                if a is not None:
                    out.add(id(a))
                break
            if cur.dep_ in ("conj", "xcomp", "advcl") and cur.head is not cur:
                cur = cur.head
                continue
            break
        verb = tok.head
        # the parser often loses the subject of a coordinated verb ("... and Putin told him")
        if verb.i > 0 and verb.i - 1 in self.tok_actor and verb.i < tok.i:
            out.add(id(self.tok_actor[verb.i - 1]))
        return out

    def matrix_subject(self, tok: Token) -> Optional[Token]:
        """The subject of the reporting verb whose complement clause ``tok`` is the
        subject of ("the party said it would ..." -> "party"), or None."""
        cur = tok.head
        for _ in range(3):
            if cur.dep_ in ("conj", "xcomp") and cur.head is not cur:
                cur = cur.head
                continue
            break
        if cur.dep_ != "ccomp" or cur.head is cur:
            return None
        gov = cur.head
        if gov.lemma_ not in SPEECH_VERBS and gov.lemma_ not in REPORT_VERBS:
            return None
        for v in (gov, gov.head if gov.dep_ == "conj" else None):
            if v is None:
                continue
            subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                if subj.pos_ not in ("NOUN", "PROPN") or subj.tag_ in ("NNS", "NNPS"):
                    return None
                return subj
        return None

    # -- 4. standalone phrases ----------------------------------------------------------
    def modifies_role(self, m: _Match) -> bool:
        """Whether a phrase is a modifier inside a role noun phrase ("Egyptian, Qatari and
        U.S. mediators", "Russia's foreign ministry")."""
        j = m.end
        limit = min(len(self.texts), m.end + 8)
        last = m  # the country phrase a coordination may follow
        while j < limit:
            if j in self.role_at:
                return self.role_at[j].role.kind != "none"
            tok = self.toks[j]
            if j in self.phrase_at:
                if self.phrase_at[j].entry.kind != "country":
                    return False
                last = self.phrase_at[j]
                j = last.end
                continue
            if tok.lower_ in ("and", ","):
                # "Egyptian, Qatari and U.S. mediators", not "Russia's economy, and Russia's envoy"
                if last is None or j != last.end or last.entry.form != "adjective":
                    return False
                j += 1
                continue
            last = None
            if tok.text in POSSESSIVE or tok.lower_ in TITLE_FILLERS \
                    or tok.lower_ in self.dic.sector_adjectives or (tok.pos_ == "ADJ" and tok.lower_ not in ("the",)):
                j += 1
                continue
            return False
        return False

    def resolve_phrase(self, m: _Match) -> None:
        if any(i in self.consumed for i in range(m.start, m.end)):
            return
        e = m.entry
        if e.kind == "person":
            return
        head = self.root(m.start, m.end)
        if e.form in ("capital",) and self.is_locative(head):
            # "talks in Moscow": a place, not the government
            return
        if e.kind in ("country", "institution", "igo", "ngo", "group") and self.modifies_role(m):
            return  # "Russian troops", "Russia's defence ministry": the role noun phrase takes it
        name = e.name
        code = e.code
        kind = e.kind
        if e.kind == "country":
            name = self.dic.country_names.get(e.country, e.name) if e.form != "name" else e.name
        target = self.by_name.get((code, kind, name))
        if target is None:
            target = self.by_name[(code, kind, name)] = self.new_actor(name=name, code=code, country=e.country, sector=e.sector, kind=kind,
                                    key=norm_key(name), plural=e.form == "people" or (e.form == "region" and name.endswith("s")),
                                    explicit_code=True, named=kind == "group")
        self.mention(target, m.start, m.end)

    # -- the pass ---------------------------------------------------------------------
    def run(self) -> tuple[list[Actor], dict[int, str]]:
        people = self.cluster_people()
        # Markables in document order: (token, priority, kind, payload)
        marks: list[tuple[int, int, str, object]] = []
        for s, e, a in people:
            marks.append((s, 0, "person", (s, e, a)))
        for r in self.role_matches:
            marks.append((r.start, 2, "role", r))
        for m in self.phrase_matches:
            if m.entry.kind != "person":
                marks.append((m.start, 1, "phrase", m))
        for i, text in enumerate(self.texts):
            if text.lower() in PRONOUNS:
                tok = self.toks[i]
                if tok.pos_ == "PRON" or tok.lower_ in ("his", "its", "their", "her"):
                    marks.append((i, 3, "pronoun", tok))
        # A titled name is processed at its title's first token, so the title's words
        # are consumed before they are read as role noun phrases.
        person_starts: dict[int, tuple[int, int, _Actor, int, list, list]] = {}
        for s, e, a in people:
            ts, phrases, roles = self.title_left(s)
            re_, rphr, rrol = self.title_right(e)
            person_starts[s] = (s, e, a, ts, phrases + rphr, roles + rrol, re_)
        moved = []
        for mk in marks:
            if mk[2] == "person":
                s = mk[3][0]
                ts = person_starts[s][3]
                moved.append((ts, 0, "person", mk[3], s))
            else:
                moved.append(mk + (mk[0],))
        moved.sort(key=lambda x: (x[0], x[1], x[4]))
        for tok_i, _, kind, payload, _ in moved:
            if kind == "person":
                s, e, a = payload
                _, _, _, ts, phrases, roles, re_ = person_starts[s]
                if not any(x is a for x in self.actors):
                    self.actors.append(a)
                # honorifics say the gender ("Mr Peskov")
                if s > 0 and self.toks[s - 1].lower_ in self.dic.gendered_titles and not a.gender:
                    a.gender = self.dic.gendered_titles[self.toks[s - 1].lower_]
                if phrases or roles:
                    self.apply_title(a, phrases, roles, ts, self.possessor(ts))
                    self.title_orgs += [(m.start, m.entry) for m in phrases if m.entry.kind in ("igo", "ngo", "group")]
                self.finish_person(a)
                if not a.code:
                    self.code_from_apposition(a, s, e)
                extra = [i for i in range(ts, s)] + [i for i in range(e, re_)]
                for i in range(ts, s):
                    self.consumed.add(i)
                for i in range(e, re_):
                    self.consumed.add(i)
                self.mention(a, s, e, extra)
            elif kind == "phrase":
                self.resolve_phrase(payload)
            elif kind == "role":
                self.resolve_role(payload)
            elif kind == "pronoun":
                if payload.i not in self.consumed:
                    self.resolve_pronoun(payload)
        return self.finish()

    def home_country(self, live: list[_Actor]) -> Optional[str]:
        """The article's own country: the dateline's, else the one country named clearly
        more often than any other (at least twice, twice as often as the runner-up)."""
        dl = getattr(self.doc._, "dateline", None)
        place = getattr(dl, "place", None) if dl is not None else None
        country = getattr(place, "country", None) if place is not None else None
        if country:
            return country
        counts: dict[str, int] = {}
        for a in live:
            if a.country and a.kind in ("country", "institution") and not (a.code or "").startswith(("IGO", "NGO")):
                counts[a.country] = counts.get(a.country, 0) + len(a.mentions)
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            return ranked[0][0]
        return None

    def fill_home(self, live: list[_Actor]) -> None:
        """"the government", "police", "prosecutors", "the mayor", "President Aleksandar
        Vucic", a named opposition party, with no country named: the article's own
        country, when there is one."""
        bare = [a for a in live if not a.country and (
            (a.code in STATE_SECTORS and a.kind in ("person", "institution"))
            or (a.kind == "group" and a.code in ("COP", "JUD"))
            or (a.kind in ("institution", "person") and a.code in ("OPP", "PTY")))]
        if not bare:
            return
        home = self.home_country(live)
        if home is None:
            return
        named_home = [o for o in live if o.kind == "person" and o.country == home]  # before any filling
        for a in bare:
            if a.kind == "person":
                # not where another person of the home country shares the sentence of the
                # first mention: "told his U.S. counterpart Gina Raimondo" in Washington
                first = min(m[0] for m in a.mentions)
                sent = self.toks[first].sent
                if any(o is not a and any(sent.start <= m[0] < sent.end for m in o.mentions) for o in named_home):
                    continue
            a.code, a.country, a.sector = home + a.code, home, a.code

    def finish(self) -> tuple[list[Actor], dict[int, str]]:
        live = [a for a in self.actors if a.mentions]
        self.fill_home(live)
        live.sort(key=lambda a: min(m[0] for m in a.mentions))
        ids: dict[int, str] = {}
        out = []
        for n, a in enumerate(live, start=1):
            aid = f"a{n}"
            ids[id(a)] = aid
            spans = sorted({(self.idx[s], self.idx[e - 1] + len(self.texts[e - 1])) for s, e, _ in a.mentions})
            code = a.code or ""
            country = a.country
            sector = a.sector
            if code and country is None and sector is None:
                country, sector = split_code(code)
            out.append(Actor(id=aid, name=a.name, code=code, country=country, sector=sector, kind=a.kind,
                             mentions=tuple(spans)))
        tokens = {i: ids[id(a)] for i, a in self.tok_actor.items() if id(a) in ids}
        return out, tokens


def build_index(doc: Doc, dictionaries: Optional[Dictionaries] = None) -> ActorIndex:
    """Find the actors of a parsed doc and return its :class:`ActorIndex`."""
    dic = dictionaries if dictionaries is not None else load_dictionaries()
    actors, tokens = _Builder(doc, dic).run()
    return ActorIndex(doc, actors, tokens)


class ActorsComponent:
    """The ``eventwire_actors`` pipeline component (dictionaries loaded once)."""

    def __init__(self, dictionaries: Iterable[str] = ()):
        self.paths = tuple(dictionaries)

    def __call__(self, doc: Doc) -> Doc:
        doc._.actor_index = build_index(doc, load_dictionaries(self.paths))
        return doc


@Language.factory(
    "eventwire_actors",
    default_config={"dictionaries": []},
    requires=["doc.ents"],
    assigns=["doc._.actor_index"],
)
def make_actors(nlp: Language, name: str, dictionaries: list) -> ActorsComponent:
    return ActorsComponent(dictionaries)


__all__ = ["ActorIndex", "ActorsComponent", "build_index"]
