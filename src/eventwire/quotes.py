"""Quotes: who said what (direct, indirect and mixed speech, with resolved speakers).

The component ``eventwire_quotes`` sets ``doc._.quotes`` to a list of
:class:`~eventwire.models.Quote` in doc character offsets, in text order.

How it works:

1. Quotation marks are paired paragraph by paragraph (:func:`find_regions`): curly,
   straight, low-9, guillemets and typewriter marks; single marks only in headlines
   and in paragraphs without double marks. A mark's role comes from its glyph and
   its flanks, so an apostrophe (``countries’``, ``it’s``) never opens or closes a
   quote. An unclosed quote ends with its paragraph, unless the next paragraph opens
   with a mark, in which case the quote runs on (multi-paragraph quotes).
2. Reporting cues are read off the parse: a verb of saying (data file
   ``data/quotes/cues.yaml``) with a clausal complement gives an indirect quote, or a
   mixed one when the complement carries quoted words; ``according to X``,
   ``X accused Y of ...``, a parenthetical ``..., X says, ...`` and a headline's
   ``X: ...`` likewise. A complement that is all quotation is the attribution of a
   direct quote. Speech reported inside a direct quote is not a quote of its own.
   Nested attribution (``the Kremlin said Putin told Xi that ...``) is one quote of
   the outer speaker. A verb of judging or promising (``mixed_verbs``) whose object
   carries quoted words is a mixed quote (``X called Y "..."``, ``condemned it "in
   the strongest terms"``, ``rejected Y as "..."``); a title in quotation marks
   (``"Sunday Morning"``) is not. A sentence-final ``..., the bloc's chief said`` the
   parser leaves unlinked takes the clause before it.
3. A direct quote without such a complement takes its attribution from the words
   right after it (``"...," X said``, ``said X``) or right before it (``X said:``,
   ``X: "..."``); a quote with neither continues the speaker of the quote before it
   (the rest of a paragraph, or a paragraph of quotation only); a fragment in the
   middle of a sentence with no cue is a scare quote and is dropped.
4. Speakers are resolved to the fullest name the article gives: a proper name is
   completed from the article's people (``Peskov`` -> ``Dmitry Peskov``), a title or
   role noun with a name in apposition takes the name, an institution noun phrase
   is named by its own words (``Russian foreign ministry``), a pronoun or a definite
   role noun (``the Chinese leader``) goes back to the last matching subject or
   speaker in context. ``doc._.actor_index`` supplies actor ids and codes, and names
   where the text alone cannot. Indefinite speakers (``a senior official``, ``one
   resident``) and anything that cannot be linked are ``None``: never a guess.

A definite role noun no earlier person holds (``the bloc's foreign policy chief
said``) stands for the person named as the next speaker in the same or next
paragraph, when that name was not mentioned before it. Titles and descriptors
(``Chancellor``, ``Billionaire``: ``honorifics``, ``role_nouns``, ``name_descriptors``)
are not part of a name.

Limits: no coreference beyond that short context; a cue the parser does not attach to its complement is
missed; beliefs and knowledge ("polls show", "X believes") are not quotes here;
quotes are not merged across the chunks the pipeline splits long articles into.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

import numpy

from spacy.attrs import ENT_TYPE, IDX, IS_PUNCT, IS_SPACE, IS_TITLE, LEMMA, LOWER, POS, SENT_START
from spacy.language import Language
from spacy.symbols import PROPN, VERB
from spacy.tokens import Doc, Span, Token

from . import docext  # noqa: F401
from .lexicon import load_yaml
from .models import Quote, Speaker
from .nlp import doc_text

log = logging.getLogger(__name__)

KIND_DIRECT, KIND_INDIRECT, KIND_MIXED = "direct", "indirect", "mixed"


# ---------------------------------------------------------------------------
# Lexicon


@dataclass(frozen=True)
class Cues:
    reporting: frozenset
    core: frozenset
    direct_only: frozenset
    prepositional: dict
    gerund: frozenset
    institution_heads: frozenset
    role_nouns: frozenset
    role_synonyms: dict
    honorifics: frozenset
    indefinite: frozenset
    anonymous_roles: frozenset
    mixed: frozenset = frozenset()
    descriptors: frozenset = frozenset()
    collective: frozenset = frozenset()

    def is_cue(self, token: Token) -> bool:
        lemma = token.lemma_.lower()
        return lemma in self.reporting or lemma in self.direct_only or lemma in self.prepositional


@lru_cache(maxsize=4)
def load_cues(path: str = "quotes/cues.yaml") -> Cues:
    data = load_yaml(path)
    return Cues(
        reporting=frozenset(data["reporting_verbs"]),
        core=frozenset(data["core_verbs"]),
        direct_only=frozenset(data["direct_only_verbs"]),
        prepositional=dict(data["prepositional_cues"]),
        gerund=frozenset(data["gerund_cues"]),
        institution_heads=frozenset(data["institution_heads"]),
        role_nouns=frozenset(data["role_nouns"]),
        role_synonyms={k: frozenset(v) for k, v in data["role_synonyms"].items()},
        honorifics=frozenset(data["honorifics"]),
        indefinite=frozenset(data["indefinite_determiners"]),
        anonymous_roles=frozenset(data["anonymous_roles"]),
        mixed=frozenset(data.get("mixed_verbs", ())),
        descriptors=frozenset(data.get("name_descriptors", ())),
        collective=frozenset(data.get("collective_nouns", ())),
    )


# ---------------------------------------------------------------------------
# Quotation marks


OPEN, CLOSE, EITHER = "open", "close", "either"
_DOUBLE_MARKS = re.compile(r"``|''|[\u201c\u201d\u201e\u00ab\u00bb\"]")
_SINGLE_MARKS = re.compile(r"[\u2018\u2019\u201a\u2039\u203a']")
_GLYPH_ROLE = {
    "``": OPEN, "''": CLOSE,
    "\u201c": OPEN, "\u201e": OPEN, "\u00ab": OPEN, "\u2018": OPEN, "\u201a": OPEN, "\u2039": OPEN,
    "\u201d": CLOSE, "\u00bb": CLOSE, "\u2019": CLOSE, "\u203a": CLOSE,
    '"': EITHER, "'": EITHER,
}
_OPENERS = "\u201c\u201e\u00ab\u2018\u201a\u2039\"'`"
_CLOSERS = "\u201d\u00bb\u2019\u203a\"'"
_LEFT_OK = set(" \t\n([{\u2014\u2013-/:" + _OPENERS)
_RIGHT_OK = set(" \t\n.,;:!?)]}\u2014\u2013-/\u2026" + _CLOSERS)
_SENT_END = set(".!?\u2026")


@dataclass
class Region:
    """A direct quote: ``[start, end)`` is the content, ``[open, close)`` with the marks."""

    open: int
    start: int
    end: int
    close: int
    closed: bool = True
    paragraphs: int = 1
    breaks: list = field(default_factory=list)  # (start, end) of paragraph breaks inside


@dataclass(frozen=True)
class Mark:
    pos: int
    length: int
    role: str  # OPEN or CLOSE


@lru_cache(maxsize=65536)
def _lower_string(strings, key: int) -> str:
    """``strings[key].lower()``, memoised: an id always names the same string."""
    return strings[key].lower()


def _flank_role(text: str, pos: int, length: int, glyph_role: str, single: bool) -> Optional[str]:
    prev = text[pos - 1] if pos > 0 else " "
    nxt = text[pos + length] if pos + length < len(text) else " "
    left = (prev in _LEFT_OK or pos == 0) and not nxt.isspace()
    right = (not prev.isspace()) and (nxt in _RIGHT_OK or pos + length >= len(text))
    if single:
        # An apostrophe inside a word (it’s, O’Brien) or a possessive (countries’ ties)
        if prev.isalnum() and nxt.isalnum():
            return None
        after = text[pos + length : pos + length + 2]
        if glyph_role in (CLOSE, EITHER) and prev.lower() == "s" and len(after) == 2 and after[0] == " " and after[1].isalnum():
            return None
        if glyph_role in (CLOSE, EITHER) and not prev.isalnum() and nxt.isdigit():
            return None  # ’90s
        if glyph_role == EITHER:
            if left and not right:
                return OPEN if nxt.isalnum() else None
            if right and not left:
                return CLOSE
            return None
    if glyph_role == EITHER:
        if left and not right:
            return OPEN
        if right and not left:
            return CLOSE
        return EITHER
    if text[pos] in "\u00ab\u00bb":
        return glyph_role  # French spacing (« ... ») says nothing about flanks
    if glyph_role == OPEN and right and not left:
        return CLOSE  # „...“ and the typo “best friend“
    if glyph_role == CLOSE and left and not right:
        return OPEN  # ”...” and »...«
    return glyph_role


def find_marks(text: str, single: bool = False) -> list[Mark]:
    """The quotation marks of one paragraph with their roles (apostrophes left out)."""
    pattern = _SINGLE_MARKS if single else _DOUBLE_MARKS
    marks = []
    for m in pattern.finditer(text):
        glyph = m.group(0)
        role = _flank_role(text, m.start(), len(glyph), _GLYPH_ROLE[glyph], single)
        if role is not None:
            marks.append(Mark(m.start(), len(glyph), role))
    return marks


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every non-empty line."""
    out = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped[0])
            out.append((start, start + len(stripped)))
        pos += len(line) + 1
    return out


def _pair(text: str, marks: list[Mark], start: int, end: int, carry: Optional[Region]) -> tuple[list[Region], Optional[Region]]:
    """Pair the marks of one paragraph. ``carry`` is a quote running on from above."""
    regions: list[Region] = []
    current = carry
    for mark in marks:
        if current is None:
            if mark.role in (OPEN, EITHER):
                current = Region(mark.pos, mark.pos + mark.length, -1, -1)
            continue  # a stray closing mark
        if mark.role in (CLOSE, EITHER):
            current.end, current.close = mark.pos, mark.pos + mark.length
            regions.append(current)
            current = None
        else:
            # A second opening mark: the quote before it was never closed.
            current.end, current.close, current.closed = mark.pos, mark.pos, False
            regions.append(current)
            current = Region(mark.pos, mark.pos + mark.length, -1, -1)
    return regions, current


def find_regions(text: str, spans: Optional[list[tuple[int, int]]] = None, single_in: tuple = ()) -> list[Region]:
    """Direct-quote regions of ``text``, paragraph by paragraph.

    ``single_in`` lists paragraph starts where single marks count as quotation marks
    (headlines); elsewhere they do only in paragraphs without double marks.
    """
    spans = paragraphs(text) if spans is None else spans
    regions: list[Region] = []
    carry: Optional[Region] = None
    for n, (start, end) in enumerate(spans):
        para = text[start:end]
        marks = [Mark(m.pos + start, m.length, m.role) for m in find_marks(para)]
        if not marks and (start in single_in or '"' not in para):
            marks = [Mark(m.pos + start, m.length, m.role) for m in find_marks(para, single=True)]
        if carry is not None:
            if marks and marks[0].pos == start and marks[0].role in (OPEN, EITHER):
                carry.paragraphs += 1
                carry.breaks.append((carry.end, marks[0].pos + marks[0].length))
                marks = marks[1:]
            else:
                regions.append(carry)
                carry = None
        found, carry = _pair(text, marks, start, end, carry)
        regions.extend(found)
        if carry is not None:
            carry.end = carry.close = end
            carry.closed = False
            nxt = spans[n + 1][0] if n + 1 < len(spans) else None
            if nxt is None or text[nxt] not in _OPENERS and not text.startswith("``", nxt):
                regions.append(carry)
                carry = None
    if carry is not None:
        regions.append(carry)
    out = []
    for r in regions:
        # Trim spaces and the comma before a closing mark: “..., ” -> content
        s, e = r.start, r.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;"):
            e -= 1
        if e - s >= 2 and any(c.isalnum() for c in text[s:e]):
            r.start, r.end = s, e
            out.append(r)
    return out


def region_text(text: str, region: Region) -> str:
    """The quoted words, a paragraph break and its opening mark made one space."""
    parts = []
    pos = region.start
    for b_start, b_end in region.breaks:
        parts.append(text[pos:b_start].rstrip())
        pos = b_end
    parts.append(text[pos : region.end])
    return " ".join(p.strip() for p in parts if p.strip())


# ---------------------------------------------------------------------------
# The analysis of one doc


_PRONOUNS = frozenset("he she they we i you him her them it his its their".split())
_PERSON_PRONOUNS = frozenset("he she him her i".split())
_GROUP_PRONOUNS = frozenset("it they".split())
_SUBJ = ("nsubj", "nsubjpass", "csubj")
_MENTION_DEPS = ("compound", "amod", "det", "poss", "case", "nmod", "nummod", "flat", "prt", "punct")
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]+)*)(?:,[^\n\u2014\u2013]{0,40}?)?(?: \([^)]{1,30}\))?\s+(?:\u2014|\u2013|--|-)\s+"
)
_WORD = re.compile(r"[^\W_]+")
_NAME_PARTICLES = frozenset("da de del della di do dos das du van von der den ter ten bin bint al el la le ibn".split())
_TRAILING = frozenset(".,;:!?-\u2014\u2013\u2026(")  # punctuation that ends a content span, not part of it
_UNNAMEABLE = Speaker(name="")  # a speaker known to be nobody the article names


@dataclass
class _Found:
    span: tuple[int, int]
    kind: str
    cue: Optional[Token]
    subject: Optional[Span]
    regions: list = field(default_factory=list)
    text: Optional[str] = None
    speaker: Optional[Speaker] = None
    source: Optional["_Found"] = None  # the quote whose speaker this one continues


class _QuoteFinder:
    def __init__(self, doc: Doc, cues: Cues):
        self.doc = doc
        # Memos of pure helpers (their inputs are fixed once the finder is built)
        self._memo_kind: dict = {}
        self._memo_np: dict = {}
        self._memo_namelike: dict = {}
        self._memo_clean: dict = {}
        self.text = doc_text(doc)
        self.cues = cues
        self.index = doc._.actor_index
        self.body_start = doc._.body_start or 0  # each ``doc._`` access builds an Underscore
        self.sents = list(doc.sents)
        self.ents = doc.ents  # spaCy builds the tuple of Spans anew on each access
        self._columns()
        self.paras = paragraphs(self.text)
        self.para_starts = [p[0] for p in self.paras]
        body = self.body_start
        title_paras = tuple(s for s, _ in self.paras if s < body)
        self.regions = find_regions(self.text, self.paras, single_in=title_paras)
        self.region_starts = [r.open for r in self.regions]
        self.datelines = self._datelines()
        self.names = self._name_table()
        self.acronyms = self._acronyms()
        self._last: Optional[_Found] = None

    # -- positions --------------------------------------------------------

    def para_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, char) - 1)

    def region_at(self, char: int) -> Optional[Region]:
        i = bisect.bisect_right(self.region_starts, char) - 1
        if i >= 0 and self.regions[i].open <= char < max(self.regions[i].close, self.regions[i].end):
            return self.regions[i]
        return None

    def in_region(self, token: Token) -> bool:
        return self.region_at(token.idx) is not None

    def _datelines(self) -> list[tuple[int, int]]:
        out = []
        dl = getattr(self.doc._, "dateline", None)
        if dl is not None and getattr(dl, "span", None):
            out.append(tuple(dl.span))
        for start, end in self.paras[:4]:
            m = _DATELINE.match(self.text[start:end])
            if m:
                out.append((start, start + m.end()))
        return out

    def in_dateline(self, token: Token) -> bool:
        return any(s <= token.idx < e for s, e in self.datelines)

    # -- names --------------------------------------------------------------

    def _person_mentions(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Token ranges naming people: PERSON entities, and (second list) runs of
        capitalised proper nouns in the body the tagger left unlabelled."""
        ents = [(e.start, e.end) for e in self.ents if e.label_ == "PERSON"]
        taken = {i for s, e in ents for i in range(s, e)}
        body = self.body_start
        runs = []
        if len(self.doc):
            a = self._array
            mask = (a[:, 4] == PROPN) & (a[:, 5] == 0) & (a[:, 6] != 0) & (a[:, 7] >= body)
            qualified = [i for i in numpy.flatnonzero(mask).tolist() if i not in taken]
        else:
            qualified = []
        # runs of consecutive qualified tokens
        n = 0
        while n < len(qualified):
            m = n + 1
            while m < len(qualified) and qualified[m] == qualified[m - 1] + 1:
                m += 1
            run = [self.doc[i] for i in qualified[n:m]]
            n = m
            words = self._clean_name(run)
            if 2 <= len(words) <= 4 and not any(w.lower() in self.cues.institution_heads or w.lower() in self.cues.role_nouns for w in words):
                runs.append((run[0].i, run[-1].i + 1))
        return ents, runs

    def _name_table(self) -> dict[str, str]:
        """Any word of a person's name -> the fullest form of that name in the article.

        Names from PERSON entities come first; the actor index's people and unlabelled
        proper-noun runs only add names for words not known yet.
        """
        ents, runs = self._person_mentions()
        self.person_spans = sorted(ents + runs)
        table: dict[str, str] = {}
        tiers = [[self._clean_name(self.doc[s:e]) for s, e in ents]]
        extra = [self._clean_name(self.doc[s:e]) for s, e in runs]
        if self.index is not None:
            extra += [self._clean_name_words(a.name.split()) for a in getattr(self.index, "actors", ()) if a.kind == "person"]
        tiers.append(extra)
        for n, names in enumerate(tiers):
            known = set(table)
            for words in names:
                if not words or not words[0][:1].isupper() or not words[-1][:1].isupper():
                    continue
                if not all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words):
                    continue
                name = " ".join(words)
                for key in {w.lower() for w in words} | {name.lower()}:
                    if n and key in known:
                        continue
                    if len(name) > len(table.get(key, "")):
                        table[key] = name
        return table

    def _acronyms(self) -> dict[str, str]:
        out = {}
        for ent in self.ents:
            if ent.label_ in ("ORG", "NORP", "GPE") and len(ent) >= 2:
                words = [t.text for t in ent if t.is_alpha and t.lower_ not in ("the", "of", "for", "and")]
                if len(words) >= 2:
                    out["".join(w[0] for w in words).upper()] = " ".join(t.text for t in ent if t.lower_ != "the")
        return out

    def _clean_name_uncached(self, span) -> list[str]:
        tokens = [t for t in span if not t.is_punct]
        # "Telling Jeb Bush": an entity that starts with a word that is no name
        while len(tokens) > 1 and tokens[0].pos_ not in ("PROPN", "NOUN") and tokens[0].ent_iob_ != "I":
            tokens = tokens[1:]
        while len(tokens) > 1 and tokens[0].tag_ in ("VBG", "VBD", "VBZ", "VB"):
            tokens = tokens[1:]
        # "Billionaire Donald Trump", "Chancellor Olaf Scholz": a title or descriptor is no name
        while len(tokens) > 1 and tokens[1].pos_ == "PROPN" and (
            tokens[0].pos_ == "NOUN" or tokens[0].lower_ in self.cues.role_nouns or tokens[0].lower_ in self.cues.descriptors
        ):
            tokens = tokens[1:]
        if not tokens:
            return []
        # words as written, so that "Schmidt-Traub" keeps its hyphen
        text = self.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1])]
        words = [w.strip(",;:()\"\u201c\u201d") for w in text.split()]
        if any(re.search(r"(\u2019s|'s)$", w) for w in words[:-1]):
            # "Colombia's Petro": the possessor is not part of the name
            last = max(i for i, w in enumerate(words[:-1]) if re.search(r"(\u2019s|'s)$", w))
            words = words[last + 1 :]
        words = [re.sub(r"(\u2019s|'s)$", "", w) for w in words if w]
        return self._clean_name_words([w for w in words if w])

    def _clean_name_words(self, words: list[str]) -> list[str]:
        words = [w for w in words if w not in ("'s", "\u2019s", "s")]
        words = [w for w in words if w.replace("-", "").replace(".", "").replace("'", "").isalpha()]
        while words and words[0].lower().rstrip(".") in self.cues.honorifics:
            words = words[1:]
        while len(words) > 1 and words[0].lower() in self.cues.descriptors:
            words = words[1:]  # "Billionaire Donald Trump"
        return words

    def fullest(self, words: list[str], in_title: bool = False) -> str:
        name = " ".join(words)
        if len(words) > 1 and in_title:
            # "Ben Carson Defends" (a headline in title case) holds a known name
            lower = [w.lower() for w in words]
            known = [v for v in set(self.names.values()) if len(v.split()) > 1]
            inside = [v for v in known if " ".join(v.lower().split()) in " ".join(lower)]
            if inside and name not in self.names.values():
                best = max(inside, key=len)
                if len(best.split()) < len(words):
                    return best
        best = self.names.get(name.lower())
        if best is None and len(words) == 1:
            best = self.names.get(words[0].lower())
        if best is None:
            best = self.names.get(words[-1].lower())
            if best is not None and best.split()[-1] != words[-1]:
                best = None
        return best if best and len(best) >= len(name) else name

    def _kind_of(self, np: Span) -> str:
        key = (np.start, np.end)
        kind = self._memo_kind.get(key)
        if kind is None:
            kind = self._memo_kind[key] = self._kind_of_uncached(np)
        return kind

    def _np(self, head) -> Optional[Span]:
        if head is None or isinstance(head, Span):
            return head
        key = head.i
        if key not in self._memo_np:
            self._memo_np[key] = self._np_uncached(head)
        return self._memo_np[key]

    def _is_namelike(self, t: Token) -> bool:
        key = t.i
        found = self._memo_namelike.get(key)
        if found is None:
            found = self._memo_namelike[key] = self._is_namelike_uncached(t)
        return found

    def _clean_name(self, span) -> list[str]:
        key = (span.start, span.end) if isinstance(span, Span) else tuple(t.i for t in span)
        words = self._memo_clean.get(key)
        if words is None:
            words = self._memo_clean[key] = self._clean_name_uncached(span)
        return list(words)

    # -- cues with a complement: indirect and mixed quotes ------------------

    def run(self) -> list[Quote]:
        found: list[_Found] = []
        claimed: dict[int, _Found] = {}  # region.open -> the direct attribution found for it
        for i in self._candidates():
            token = self.doc[i]
            if self.in_region(token):
                continue
            if self.cues.is_cue(token) and token.pos_ in ("VERB", "AUX"):
                before = len(found)
                self._from_cue(token, found, claimed)
                if len(found) == before and token.lemma_.lower() in self.cues.mixed:
                    self._from_mixed(token, found, claimed)
            elif token.lemma_.lower() in self.cues.mixed and token.pos_ == "VERB":
                self._from_mixed(token, found, claimed)
            elif token.lower_ == "according":
                self._from_according(token, found, claimed)
        self._headline_colon(found, claimed)
        self._attribute_regions(found, claimed)
        return self._finish(found)

    def _columns(self) -> None:
        """Token attributes as plain lists, read once from the token arrays: a spaCy
        Token is built on every ``doc[i]`` and every attribute is a string lookup."""
        doc = self.doc
        strings = doc.vocab.strings
        if len(doc):
            self._array = array = doc.to_array([IS_PUNCT, IS_SPACE, LEMMA, LOWER, POS, ENT_TYPE, IS_TITLE, IDX, SENT_START])
            self._lemma = [_lower_string(strings, h) for h in array[:, 2].tolist()]  # token.lemma_.lower()
            self._pos = array[:, 4].tolist()
            self._idx = array[:, 7].tolist()
            starts = array[:, 8].tolist()
        else:
            self._array, self._lemma, self._pos, self._idx, starts = None, [], [], [], []
        # token.sent.start: a sentence starts at token 0 and wherever SENT_START is 1 (as doc.sents reads it)
        # token.sent is self.sents[self._sent_index[token.i]]
        self._sent_start = [0] * len(doc)
        self._sent_index = [0] * len(doc)
        start = k = 0
        for i, flag in enumerate(starts):
            if flag == 1 and i > 0:
                start = i
                k += 1
            self._sent_start[i] = start
            self._sent_index[i] = k

    def _candidates(self) -> list[int]:
        """Indices of the tokens :meth:`run` looks at: not punctuation or space, with a
        cue or mixed-verb lemma, or "according" (no spaCy Token for the other words)."""
        cues = self.cues
        wanted = cues.reporting | cues.direct_only | frozenset(cues.prepositional) | cues.mixed
        according = self.doc.vocab.strings["according"]
        if not len(self.doc):
            return []
        a = self._array
        words = ((a[:, 0] == 0) & (a[:, 1] == 0)).tolist()
        lemmas = self._lemma
        return [i for i, low in enumerate(a[:, 3].tolist()) if words[i] and (lemmas[i] in wanted or low == according)]

    def _headline_colon(self, found: list, claimed: dict) -> None:
        """'EU's Borrell: cutting aid would be 'a mistake'': a headline's speaker and words."""
        body = self.body_start
        for start, end in self.paras:
            if start >= body:
                break
            para = self.text[start:end]
            colon = para.find(":")
            if colon < 1 or len(_WORD.findall(para[:colon])) > 5:
                continue
            left = self.doc.char_span(start, start + colon, alignment_mode="contract")
            c_start = start + colon + 1
            while c_start < end and self.text[c_start].isspace():
                c_start += 1
            if left is None or len(_WORD.findall(self.text[c_start:end])) < 3:
                continue
            if not any(t.ent_type_ in ("PERSON", "ORG") or t.lower_ in self.names for t in left):
                continue
            kind, regions = self._classify((c_start, end))
            if kind == KIND_DIRECT:
                continue  # 'X: "..."' is a direct quote with a colon speaker
            self._register(_Found((c_start, end), kind, None, left, regions), found, claimed)

    def _complement(self, verb: Token) -> tuple[Optional[Token], bool]:
        """The head of what ``verb`` reports, and whether it comes before the verb."""
        lemma = verb.lemma_.lower()
        ccomps = [c for c in verb.children if c.dep_ == "ccomp"]
        if ccomps:
            # "Fed holds rates, Powell says cuts likely ...": the clause after the cue
            after = [c for c in ccomps if c.i > verb.i and not self.cues.is_cue(c)]
            child = after[0] if after else ccomps[0]
            return child, child.i < verb.i
        if lemma in self.cues.prepositional:
            prep = self.cues.prepositional[lemma]
            for child in list(verb.children) + [g for c in verb.children if c.dep_ == "dobj" for g in c.children]:
                if child.dep_ == "prep" and child.lower_ == prep:
                    pc = [c for c in child.children if c.dep_ == "pcomp"]
                    if pc:
                        return pc[0], False
        for child in verb.children:
            # "denied having ...", and "said helping Ukraine was ..." as the parser reads it
            if child.dep_ in ("xcomp", "dobj") and child.tag_ == "VBG" and child.i > verb.i:
                if lemma in self.cues.gerund or (child.dep_ == "xcomp" and lemma in self.cues.reporting and any(c.dep_ in ("ccomp", "dobj") for c in child.children)):
                    return child, False
        # "says the movement that's sweeping the country appeals to ...": a clause read as an object
        if lemma == "say":
            for child in verb.children:
                if child.dep_ == "dobj" and child.i > verb.i:
                    sub = list(child.subtree)
                    if len(sub) >= 6 and any(t.pos_ == "VERB" and t.dep_ in ("relcl", "acl") for t in sub):
                        return child, False
        # "said in a statement that ...": the clause hangs off the noun
        for child in verb.children:
            if child.dep_ != "prep" or child.i < verb.i:
                continue
            for pobj in child.children:
                for c in pobj.children:
                    if c.dep_ in ("relcl", "acl") and c.left_edge.lower_ == "that" and c.i > pobj.i:
                        subj = [s for s in c.children if s.dep_ in _SUBJ and s.lower_ != "that"]
                        if subj:
                            return c, False
        return None, False

    def _content_span(self, head: Token) -> Optional[tuple[int, int]]:
        skip: set[int] = set()
        subtree = list(head.subtree)
        for t in subtree:
            # "... and warned that ...": a second cue's clause is its own quote
            second = t.dep_ == "conj" and t.head.i == head.i and head.tag_ == "VBG" and t.tag_ in ("VBD", "VBZ", "VBP")
            # "denied shelling the market and blamed the army": the finite verb goes with the cue
            if second or t.dep_ == "conj" and t.head.i != t.i and self.cues.is_cue(t) and t.tag_.startswith("VB"):
                skip.update(x.i for x in t.subtree)
                skip.update(c.i for c in t.head.children if c.dep_ == "cc" and c.i < t.i)
        tokens = [t for t in subtree if t.i not in skip] if skip else subtree
        if skip:
            # keep the contiguous stretch that holds the head
            stretch = [t for t in tokens if t.i <= head.i]
            after = [t for t in tokens if t.i > head.i]
            for t in after:
                if t.i - 1 in skip:
                    break
                stretch.append(t)
            tokens = stretch
        while tokens and (tokens[0].is_punct and tokens[0].text not in _OPENERS and tokens[0].text != "``" or tokens[0].is_space or tokens[0].lower_ == "that" and len(tokens) > 1):
            tokens = tokens[1:]
        if tokens and tokens[0].dep_ == "mark" and tokens[0].lower_ in ("whether", "if") and tokens[0].head.i == head.i:
            return None  # "asked whether ...": a question, not a statement ("said that if ..., X" is one)
        while tokens and (tokens[-1].is_space or (tokens[-1].is_punct and tokens[-1].text in _TRAILING) or tokens[-1].dep_ in ("cc",)):
            tokens = tokens[:-1]
        if not tokens:
            return None
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        # Quotation marks at the edges belong with the words they enclose.
        for r in self.regions:
            if start < r.open < end < r.close and self.para_of(r.open) == self.para_of(end):
                end = r.close
            if r.open < start < r.end < end:
                start = r.open
        return start, end

    def _subject(self, verb: Token) -> Optional[Token]:
        node = verb
        for _ in range(5):
            subj = [
                c for c in node.children
                if c.dep_ in _SUBJ and not self.in_region(c) and (not self.in_dateline(c) or self._appos_child(c) is not None)
            ]
            if subj:
                before = [c for c in subj if c.i < node.i]
                found = before[-1] if before else subj[0]
                if found.lower_ in ("which", "who", "that") and node.dep_ == "relcl":
                    return node.head  # "the Commission, which said ..."
                return found
            if node.dep_ == "acl" and not self.in_region(node.head) and (
                node.tag_ in ("VBD", "VBZ") or (node.head.pos_ == "PROPN" and any(c.dep_ == "ccomp" for c in node.children))
            ):
                return node.head  # a finite verb the parser hung on its own subject
            if node.head is node:
                return self._left_np(node)
            if node.dep_ == "ccomp" and self.cues.is_cue(node) and self.cues.is_cue(node.head):
                node = node.head  # "X said A and warned B" with both as complements
                continue
            if node.dep_ == "conj":
                left = self._left_np(node)
                if left is not None:
                    return left  # "... and Putin told him ..." parsed without a subject
                head = node.head
                # "X said A and warned that B" parsed as a conjunct inside A
                if not self.cues.is_cue(head) and head.dep_ == "ccomp" and self.cues.is_cue(head.head):
                    node = head.head
                    continue
                node = head
                continue
            if node.dep_ in ("advcl", "xcomp", "pcomp", "acl", "prep", "pobj") or (node.dep_ == "ccomp" and node.tag_ == "VBG"):
                node = node.head
                continue
            return None
        return None

    def _left_np(self, verb: Token) -> Optional[Token]:
        """A subject the parser left unattached: the name just before the verb."""
        for t in reversed(self.doc[self._sent_start[verb.i] : verb.i]):
            if t.is_punct or t.is_space or t.pos_ in ("ADV", "AUX", "PART"):
                continue
            if (t.ent_type_ == "PERSON" or t.pos_ == "PROPN") and not self.in_region(t) and not self.in_dateline(t):
                return t
            return None
        return None

    def _appos_child(self, token: Token) -> Optional[Token]:
        for c in token.children:
            if c.dep_ == "appos" and not self.in_dateline(c):
                return c
        return None

    def _classify(self, span: tuple[int, int]) -> tuple[str, list[Region]]:
        start, end = span
        inside = [r for r in self.regions if r.open < end and start < max(r.close, r.end)]
        if not inside:
            return KIND_INDIRECT, []
        outside = self.text[start:end]
        for r in sorted(inside, key=lambda r: r.open, reverse=True):
            a, b = max(r.open, start) - start, min(max(r.close, r.end), end) - start
            outside = outside[:a] + " " + outside[b:]
        words = [w for w in _WORD.findall(outside) if w.lower() != "that"]
        if not words:
            return KIND_DIRECT, inside
        return KIND_MIXED, inside

    def _trailing(self, verb: Token) -> Optional[tuple[tuple[int, int], Span]]:
        """'The EU is ready to act, the bloc's foreign policy chief said on Monday.': a
        sentence-final attribution the parser did not link to the clause before it."""
        sent = self.sents[self._sent_index[verb.i]]  # verb.sent
        if verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.dep_ in ("amod", "acl", "relcl", "conj", "xcomp", "pcomp"):
            return None
        if any(c.dep_ in _SUBJ + ("dobj", "ccomp", "xcomp", "dative", "aux", "auxpass") for c in verb.children):
            return None
        after = {t.i for t in verb.subtree}
        if any(t.i not in after and not (t.is_punct or t.is_space) for t in self.doc[verb.i + 1 : sent.end]):
            return None
        if any(c.dep_ not in ("prep", "npadvmod", "advmod", "punct", "agent") for c in verb.rights):
            return None
        if any(t.pos_ in ("VERB", "AUX") for t in self.doc[verb.i + 1 : sent.end]):
            return None
        comma = None
        for t in reversed(self.doc[sent.start : verb.i]):
            if t.text == "," or t.text in ("—", "–", "--"):
                comma = t
                break
            if t.pos_ in ("VERB", "AUX", "CCONJ", "SCONJ") or t.is_punct and t.text not in ("'s", "’s", "."):
                return None
            if t.pos_ == "ADP" and t.lower_ not in ("of", "for", "at", "in"):
                return None
        if comma is None or not 1 <= verb.i - comma.i - 1 <= 10:
            return None
        np = self.doc[comma.i + 1 : verb.i]
        while len(np) > 1 and np[-1].pos_ in ("ADV", "AUX", "PART"):
            np = np[:-1]
        if not any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in np):
            return None
        side = [t for t in self.doc[sent.start : comma.i] if not t.is_space]
        while side and (side[0].is_punct and side[0].text not in _OPENERS or side[0].is_space or self.in_dateline(side[0])):
            side = side[1:]
        if sum(t.is_alpha for t in side) < 4 or not any(t.pos_ in ("VERB", "AUX") for t in side):
            return None
        start, end = side[0].idx, side[-1].idx + len(side[-1])
        if any(r.open < start < r.close for r in self.regions):
            return None
        return (start, end), np

    def _parenthetical(self, verb: Token) -> Optional[tuple[int, int]]:
        """'Far too many lives, Barden says, have been lost': the clause around the cue."""
        if verb.dep_ != "parataxis" or not any(c.dep_ in _SUBJ for c in verb.children):
            return None
        head = verb.head
        cue_tokens = {t.i for t in verb.subtree}
        side = [t for t in head.subtree if t.i not in cue_tokens and (t.i < verb.i) == (head.i < verb.i)]
        while side and (side[0].is_punct and side[0].text not in _OPENERS or side[0].is_space):
            side = side[1:]
        while side and (side[-1].is_space or side[-1].is_punct and side[-1].text not in _CLOSERS):
            side = side[:-1]
        if sum(t.is_alpha for t in side) < 3:
            return None
        return side[0].idx, side[-1].idx + len(side[-1])

    @staticmethod
    def _register(f: _Found, found: list, claimed: dict) -> None:
        """Keep an indirect or mixed finding; the quoted words it carries are its own."""
        found.append(f)
        for r in f.regions:
            claimed[r.open] = f

    @staticmethod
    def _claim(regions: list, cue, subject, claimed: dict) -> None:
        """A complement that is all quotation attributes those direct quotes."""
        for r in regions:
            claimed.setdefault(r.open, _Found((r.start, r.end), KIND_DIRECT, cue, subject))

    def _from_cue(self, verb: Token, found: list, claimed: dict) -> None:
        lemma = verb.lemma_.lower()
        content, before = self._complement(verb)
        if content is None and lemma in self.cues.reporting:
            trailing = self._trailing(verb)
            if trailing is not None:
                span, np = trailing
                kind, regions = self._classify(span)
                if kind == KIND_DIRECT:
                    self._claim(regions, verb, np, claimed)
                else:
                    if not self._defer_to_inner(span, np):
                        self._register(_Found(span, kind, verb, np, regions), found, claimed)
                return
        if content is None:
            span = self._parenthetical(verb) if lemma in self.cues.reporting else None
            if span is not None:
                kind, regions = self._classify(span)
                subj = self._subject(verb)
                if kind == KIND_DIRECT:
                    self._claim(regions, verb, self._np(subj), claimed)
                elif subj is not None:
                    if not self._defer_to_inner(span, self._np(subj)):
                        self._register(_Found(span, kind, verb, self._np(subj), regions), found, claimed)
            return
        if before and any(c.dep_ in ("dobj", "attr") for c in verb.children):
            return  # "Prigozhin listed on crashed plane, Kremlin denies involvement"
        span = self._content_span(content)
        if span is None:
            return
        subj = self._subject(verb)
        kind, regions = self._classify(span)
        if kind == KIND_DIRECT:
            self._claim(regions, verb, self._np(subj), claimed)
            return
        if lemma not in self.cues.reporting and lemma not in self.cues.prepositional:
            return
        if subj is None:
            return
        if len(_WORD.findall(self.text[span[0] : span[1]])) < 2:
            return
        if not self._defer_to_inner(span, self._np(subj)):
            self._register(_Found(span, kind, verb, self._np(subj), regions), found, claimed)

    def _from_mixed(self, verb: Token, found: list, claimed: dict) -> None:
        """'X called Y "..."', 'condemned it "in the strongest terms"', 'rejected Y as "..."',
        'promised "unprecedented" measures': a verb of judging or promising whose object
        carries quoted words is a mixed quote of its subject."""
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            return
        tokens: list[Token] = []
        for child in verb.rights:
            if child.dep_ == "punct" and (child.text in _OPENERS or child.text in _CLOSERS or child.text == "``"):
                continue
            if child.dep_ == "advcl" and child.left_edge.lower_ == "as":
                tokens.extend(child.subtree)  # 'rejected it as "pure fiction invented in Minsk"'
                continue
            if child.dep_ in ("cc", "conj", "advcl", "punct", "parataxis", "mark", "ccomp", "relcl"):
                break
            if child.dep_ in ("dobj", "oprd", "attr", "prep", "xcomp", "npadvmod", "dative", "acomp", "advmod"):
                tokens.extend(child.subtree)
        tokens = sorted(tokens, key=lambda t: t.i)
        while tokens and (tokens[-1].is_space or tokens[-1].is_punct and tokens[-1].text in _TRAILING):
            tokens = tokens[:-1]
        if not tokens:
            return
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        for r in self.regions:
            if start < r.open < end < r.close and self.para_of(r.open) == self.para_of(end):
                end = r.close
        inside = [r for r in self.regions if start <= r.open and r.end <= end]
        if not inside or any(self._is_title_like(r) for r in inside):
            return
        if any(r.open in claimed for r in inside):
            return
        subj = self._subject(verb)
        if subj is None:
            return
        span = (start, end)
        kind, regions = self._classify(span)
        if kind == KIND_DIRECT:
            self._claim(regions, verb, self._np(subj), claimed)
            return
        self._register(_Found(span, KIND_MIXED, verb, self._np(subj), regions), found, claimed)

    def _is_title_like(self, r: Region) -> bool:
        """A name in quotation marks ("Sunday Morning", "Oppenheimer"): a title, not words said."""
        words = _WORD.findall(self.text[r.start : r.end])
        small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at"}
        return bool(words) and len(words) <= 6 and all(w[:1].isupper() or w.lower() in small for w in words) and words[0][:1].isupper()

    def _defer_to_inner(self, span: tuple[int, int], np: Optional[Span]) -> bool:
        """'He told Netanyahu that ..., a U.S. official said': an unnamed outer source
        gives way to the named speaker inside (a named one, as in 'the Kremlin said Putin
        told Xi that ...', keeps the quote)."""
        if np is None or self._kind_of(np) != "generic":
            return False
        inner = self.doc.char_span(span[0], span[1], alignment_mode="expand")
        if inner is None:
            return False
        core, lemmas, pos, idx = self.cues.core, self._lemma, self._pos, self._idx
        for i in range(inner.start, inner.end):
            if lemmas[i] in core and pos[i] == VERB and self.region_at(idx[i]) is None:
                t = self.doc[i]
                if any(c.dep_ == "ccomp" for c in t.children) and any(c.dep_ in _SUBJ for c in t.children):
                    return True
        return False

    def _has_inner_cue(self, head: Token) -> bool:
        """The content is itself an attribution ("... that Y told Z ..."): Y is the one quoted."""
        t = head
        if t.lemma_.lower() in self.cues.core and t.pos_ == "VERB" and not self.in_region(t):
            if any(c.dep_ == "ccomp" for c in t.children) and any(c.dep_ in _SUBJ for c in t.children):
                return True
        return False

    def _according_source(self, token: Token) -> Optional[tuple[Token, Token]]:
        """For "according" in "according to X": the "to" and X's head."""
        to = [c for c in token.children if c.lower_ == "to"]
        if not to and token.i + 1 < len(self.doc) and self.doc[token.i + 1].lower_ == "to":
            to = [self.doc[token.i + 1]]
        objs = [c for c in to[0].children if c.dep_ == "pobj"] if to else []
        return (to[0], objs[0]) if objs else None

    def _from_according(self, token: Token, found: list, claimed: dict) -> None:
        source = self._according_source(token)
        if source is None:
            return
        to, obj = source
        sent = self.sents[self._sent_index[token.i]]  # token.sent
        phrase = (token.left_edge.i, max(token.right_edge.i, to.right_edge.i))
        tokens = [t for t in sent if not (phrase[0] <= t.i <= phrase[1])]
        before = [t for t in tokens if t.i < phrase[0]]
        after = [t for t in tokens if t.i > phrase[1]]
        side = after if sum(t.is_alpha for t in after) > sum(t.is_alpha for t in before) else before
        while side and (side[0].is_punct and side[0].text not in _OPENERS or side[0].is_space):
            side = side[1:]
        while side and (side[-1].is_space or (side[-1].is_punct and side[-1].text not in _CLOSERS)):
            side = side[:-1]
        if sum(t.is_alpha for t in side) < 3:
            return
        for t in side:
            if t.lemma_.lower() in self.cues.core and t.pos_ == "VERB" and not self.in_region(t) and any(c.dep_ in _SUBJ for c in t.children):
                return  # "According to X, Y said ...": Y is the one quoted
        span = (side[0].idx, side[-1].idx + len(side[-1]))
        kind, regions = self._classify(span)
        if kind == KIND_DIRECT:
            self._claim(regions, token, self._np(obj), claimed)
            return
        self._register(_Found(span, kind, token, self._np(obj), regions), found, claimed)

    # -- direct quotes ----------------------------------------------------------

    def _frame_cue(self, start: int, end: int) -> Optional[tuple[Token, Optional[Span]]]:
        """A cue and its speaker among the words of ``[start, end)`` outside quotes."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return None
        for t in span:
            if self.in_region(t) or t.is_punct:
                continue
            if t.lower_ == "according":
                source = self._according_source(t)
                if source is not None:
                    return t, self._np(source[1])
            if self.cues.is_cue(t) and t.tag_.startswith("VB"):
                subj = self._subject(t)
                if subj is None or not (span.start <= subj.i < span.end):
                    subj = self._adjacent_np(t, span) or subj
                return t, self._np(subj)
        return None

    def _adjacent_np(self, verb: Token, frame: Span) -> Optional[Token]:
        """The subject of an unparsed frame: the noun right after (said X) or before (X said)."""
        for t in frame:
            if t.i > verb.i and t.pos_ in ("PROPN", "PRON", "NOUN") and not self.in_region(t):
                head = t
                while head.head is not head and head.head.i > verb.i and head.dep_ in ("compound", "amod", "flat", "det", "poss"):
                    head = head.head
                return head
            if t.i > verb.i and not (t.is_punct or t.pos_ in ("DET", "ADJ", "ADV")):
                break
        for t in reversed(list(frame)):
            if t.i < verb.i and t.pos_ in ("PROPN", "PRON", "NOUN") and not self.in_region(t):
                return t
        return None

    def _attribute_regions(self, found: list, claimed: dict) -> None:
        mixed_regions = {id(r) for f in found for r in f.regions}
        ordered = sorted(self.regions, key=lambda r: r.open)
        directs: list[_Found] = []
        for n, r in enumerate(ordered):
            if id(r) in mixed_regions:
                continue
            f = claimed.get(r.open)
            if f is None:
                f = self._attribute_by_frame(r, ordered, n)
            if f is None:
                f = self._continue(r, ordered, directs + found)
            if f is None:
                continue
            f.text = region_text(self.text, r)
            f.span = (r.start, r.end)
            directs.append(f)
        found.extend(directs)

    def _starts_sentence(self, r: Region) -> bool:
        p_start = self.paras[self.para_of(r.open)][0]
        before = self.text[p_start : r.open].rstrip()
        return not before or before[-1] in _SENT_END or before[-1] in ":" or before[-1] in _CLOSERS

    def _attribute_by_frame(self, r: Region, ordered: list, n: int) -> Optional[_Found]:
        text = self.text
        para_end = self.paras[self.para_of(max(r.close - 1, r.open))][1]
        starts = self._starts_sentence(r)
        # after: '"...," X said' (a quote that ends its sentence has no attribution after it)
        nxt_open = ordered[n + 1].open if n + 1 < len(ordered) else len(text)
        tail_end = min(para_end, nxt_open)
        raw_end = text[r.start : r.close].rstrip(_CLOSERS + "`' ")
        last = raw_end[-1:] if raw_end else ""
        if r.closed and r.close < tail_end:
            tail = text[r.close : tail_end]
            first_word = re.match(r"\s*[\u2014\u2013,-]?\s*(\w+)", tail)
            lower_next = bool(first_word and first_word.group(1)[:1].islower())
            if tail.lstrip().startswith(","):
                last = last if last in ",?!" else ","
            stop = re.search(r"[.!?;](\s|$)", tail)
            end = r.close + (stop.start() if stop else len(tail))
            short = len(_WORD.findall(text[r.close : end])) <= 10 and not re.match(r"\s*,?\s*(and|but|or)\b", tail)
            if (last in ",?!\u2014-" or (last not in _SENT_END and starts) or (last in _SENT_END and lower_next)) and (starts or (last in ",?!" and short)):
                hit = self._frame_cue(r.close, end)
                if hit is not None:
                    return _Found((r.start, r.end), KIND_DIRECT, hit[0], hit[1])
        # before: 'X said: "..."' in the same sentence
        para_start = self.paras[self.para_of(r.open)][0]
        prev_close = ordered[n - 1].close if n > 0 and ordered[n - 1].close > para_start else para_start
        head = text[prev_close : r.open]
        cut = max((m.end() for m in re.finditer(r"[.!?](\s|$)", head)), default=0)
        lead_start = prev_close + cut
        lead = text[lead_start : r.open].rstrip()
        if lead:
            hit = self._frame_cue(lead_start, r.open)
            if hit is not None and (lead[-1] in ":,\u2014-" or hit[0].idx + len(hit[0]) >= len(text[:lead_start]) + len(lead) - 1):
                return _Found((r.start, r.end), KIND_DIRECT, hit[0], hit[1])
            if lead.endswith(":") and hit is None:
                np = self._colon_speaker(lead_start, r.open)
                if np is not None:
                    return _Found((r.start, r.end), KIND_DIRECT, None, np)
        # a headline's '"...", says X' in another language: '« ... », dit X'
        if r.closed and starts and r.close < para_end:
            m = re.match(r"\s*,\s*\w+\s+((?:[A-Z][\w\u2019'-]+\s*){1,4})$", text[r.close : para_end])
            if m:
                span = self.doc.char_span(r.close + m.start(1), r.close + m.end(1), alignment_mode="contract")
                if span is not None and len(span):
                    return _Found((r.start, r.end), KIND_DIRECT, None, span)
        return None

    def _colon_speaker(self, start: int, end: int) -> Optional[Span]:
        span = self.doc.char_span(start, end, alignment_mode="contract")
        if span is None:
            return None
        ents = [e for e in span.ents if not any(s <= e.start_char < t for s, t in self.datelines)]
        for ent in ents:
            if ent.label_ == "PERSON":
                return ent
        for t in span:
            if t.is_title and t.lower_ in self.names:
                return self.doc[t.i : t.i + 1]
        for label in ("ORG", "NORP", "GPE"):
            for ent in ents:
                if ent.label_ == label:
                    return ent
        return None

    def _continue(self, r: Region, ordered: list, before: list) -> Optional[_Found]:
        """A quote with no attribution of its own continues the speaker before it."""
        para_idx = self.para_of(r.open)
        if not self._starts_sentence(r):
            return None  # a scare quote or a fragment without a cue
        earlier = [f for f in before if f.span[1] <= r.open]
        prev = max(earlier, key=lambda f: f.span[1]) if earlier else None
        only_quotes = self._only_quotes(para_idx, ordered)
        if prev is not None:
            prev_para = self.para_of(max(prev.span[1] - 1, prev.span[0]))
            if prev_para == para_idx or (prev_para == para_idx - 1 and only_quotes):
                return _Found((r.start, r.end), KIND_DIRECT, None, None, source=prev)
        words = len(_WORD.findall(self.text[r.start : r.end]))
        if words >= 4 and only_quotes:
            return _Found((r.start, r.end), KIND_DIRECT, None, None)
        return None

    def _only_quotes(self, para_idx: int, ordered: list) -> bool:
        p_start, p_end = self.paras[para_idx]
        rest = self.text[p_start:p_end]
        for r in ordered:
            if r.close > p_start and r.open < p_end:
                a, b = max(r.open, p_start) - p_start, min(max(r.close, r.end), p_end) - p_start
                rest = rest[:a] + " " * (b - a) + rest[b:]
        return not _WORD.findall(rest)

    # -- speakers -------------------------------------------------------------

    def _np_uncached(self, head) -> Optional[Span]:
        """The mention of a speaker: its head and the words in front that name it."""
        if head is None or isinstance(head, Span):
            return head
        if self.in_dateline(head):
            appos = self._appos_child(head)
            if appos is None:
                return None
            head = appos
        left = head.i
        for t in head.lefts:
            if t.dep_ in _MENTION_DEPS and t.i < left and not self.in_dateline(t.left_edge):
                left = t.left_edge.i
        right = head.i
        for t in head.rights:
            if t.dep_ in ("flat", "compound") or (t.dep_ == "prep" and t.lower_ == "of"):
                right = max(right, t.right_edge.i)
            elif t.dep_ not in ("punct",):
                break
        while right + 1 < len(self.doc) and self.doc[right].pos_ == "PROPN" and self.doc[right + 1].ent_iob_ == "I":
            right += 1
        span = self.doc[left : right + 1]
        while len(span) > 1 and (span[0].is_punct or span[0].is_space or self.in_dateline(span[0])):
            span = span[1:]
        while len(span) > 1 and (span[-1].is_punct or span[-1].is_space):
            span = span[:-1]
        return span

    def _appos_name(self, np: Span) -> Optional[Span]:
        """A person named in apposition: "the prosecutor of the court, Karim Khan"."""
        head = np.root
        for t in head.subtree:
            if t.dep_ == "appos" and not self.in_region(t) and not self.in_dateline(t):
                role_head = head.lemma_.lower() in self.cues.role_nouns
                if t.ent_type_ in ("PERSON", "ORG") or (t.pos_ == "PROPN" and (role_head or t.ent_type_ not in ("GPE", "LOC", "DATE", "NORP"))):
                    return self._np(t)
        return None

    def _actor_for(self, np: Span):
        if self.index is None:
            return None
        try:
            return self.index.resolve(np)
        except Exception:  # another stage's index must never break quotes
            log.debug("actor_index.resolve failed on %r", np.text, exc_info=True)
            return None

    @staticmethod
    def _make(name: Optional[str], np: Span, actor=None) -> Optional[Speaker]:
        if not name:
            return None
        return Speaker(
            name=name,
            code=actor.code if actor is not None else None,
            actor=actor.id if actor is not None else None,
            mention=np.text,
            mention_span=(np.start_char, np.end_char),
        )

    @staticmethod
    def _relabel(sp: Optional[Speaker], np: Span) -> Optional[Speaker]:
        if sp is None:
            return None
        return Speaker(name=sp.name, code=sp.code, actor=sp.actor, mention=np.text, mention_span=(np.start_char, np.end_char))

    def _is_namelike_uncached(self, t: Token) -> bool:
        if t.ent_type_ == "PERSON":
            return True
        if t.ent_type_ not in ("", "PERSON", "WORK_OF_ART", "FAC"):
            return False
        lemma = t.lemma_.lower()
        if lemma in self.cues.institution_heads or lemma in self.cues.role_nouns or lemma in self.cues.honorifics:
            return t.lower_ in self.names
        return t.pos_ == "PROPN" or (t.is_title and t.i != self._sent_start[t.i] and t.pos_ == "NOUN") or t.lower_ in self.names

    @staticmethod
    def _possessor(token: Token, np: Span) -> bool:
        """``token`` is in the possessor of ``np`` ("Putin's adviser")."""
        t = token
        while t.i != np.root.i and np.start <= t.i < np.end:
            if t.dep_ == "poss":
                return True
            if t.head is t:
                break
            t = t.head
        return False

    def _person_tokens(self, np: Span) -> list[Token]:
        return [t for t in np if t.ent_type_ == "PERSON" and not self._possessor(t, np)]

    def _kind_of_uncached(self, np: Span) -> str:
        """person | group | pronoun | role | generic, for a speaker mention."""
        head = np.root
        lemma = head.lemma_.lower()
        if head.pos_ == "PRON" or head.lower_ in _PRONOUNS:
            return "pronoun"
        lead = next((t.lower_ for t in np if not t.is_punct), "")
        if lead in ("a", "an", "one", "another") and not self._person_tokens(np) and head.lemma_.lower() not in self.cues.institution_heads:
            return "generic"
        if any(self._is_namelike(t) and not self._possessor(t, np) for t in np):
            if lemma in self.cues.institution_heads or head.ent_type_ in ("ORG", "GPE", "NORP"):
                if not self._person_tokens(np):
                    return "group"
            return "person"
        first = next((t.lower_ for t in np if not t.is_punct), "")
        if lemma in self.cues.institution_heads or head.ent_type_ in ("ORG", "GPE", "NORP"):
            return "group"
        if first in self.cues.indefinite or head.tag_ in ("NNS", "NNPS"):
            return "generic"
        if lemma in self.cues.role_nouns:
            return "role"
        return "generic"

    def _resolve(self, np: Span, depth: int = 0) -> Optional[Speaker]:
        """The speaker a mention names, :data:`_UNNAMEABLE` or None (unknown)."""
        if not [t for t in np if not t.is_punct]:
            return None
        kind = self._kind_of(np)
        if kind != "pronoun" and not self._person_tokens(np):
            appos = self._appos_name(np)
            if appos is not None:
                np, kind = appos, self._kind_of(appos)
                if kind == "generic" and appos.root.pos_ == "PROPN":
                    kind = "group"
        actor = self._actor_for(np)
        if kind in ("pronoun", "role"):
            if depth > 0:
                return None
            if kind == "pronoun":
                mine = self._antecedent(np, person=np.root.lower_ not in _GROUP_PRONOUNS)
            else:
                mine = self._role_antecedent(np)
            if mine is not None:
                return mine if mine is _UNNAMEABLE else self._relabel(mine, np)
            if actor is not None and self._actor_ok(actor, person=np.root.lower_ not in _GROUP_PRONOUNS):
                return self._make(self._expand(actor.name), np, actor)
            return None
        if kind == "person":
            toks = self._person_tokens(np) or [t for t in np if self._is_namelike(t) and not self._possessor(t, np)]
            end = toks[-1].i + 1 if toks else 0
            # "Mohammed bin Abdulrahman Al Thani": the entity may stop short of the head
            while toks and end < np.end and end <= np.root.i and self._is_namelike(self.doc[end]):
                end += 1
            words = self._clean_name(self.doc[toks[0].i : end]) if toks else []
            if not words:
                return None
            if len(words) == 1 and words[0].isupper() and words[0] in self.acronyms:
                return self._make(self.acronyms[words[0]], np, actor)
            name = self.fullest(words, in_title=np.start_char < self.body_start)
            if actor is not None and actor.kind == "person":
                theirs = {w.lower() for w in re.split(r"[\s-]+", actor.name)}
                if {w.lower() for w in re.split(r"[\s-]+", name)} & theirs:
                    theirs_clean = " ".join(self._clean_name_words(actor.name.split()))
                    if set(name.lower().split()) <= set(theirs_clean.lower().split()) and all(
                        w.lower() in self.names for w in theirs_clean.split()
                    ):
                        name = theirs_clean
                    return self._make(name, np, actor)
            return self._make(name, np)
        if kind == "group" and self._titled_person(np):
            words = self._clean_name(np)
            if words:
                return self._make(self.fullest(words), np)
        if kind == "group":
            name = self._institution_name(np)
            common = not any(t.is_title or t.is_upper for t in np if t.dep_ != "det" and t.i != np.start)
            ent = self._org_entity(np)
            if ent is not None:
                name = ent  # "the Kiel Institute for the World Economy", as the entity runs on
            elif actor is not None and actor.kind != "person" and (np.root.lemma_.lower() not in self.cues.institution_heads or common):
                name = actor.name  # "the central bank" -> the bank the article named
            elif " " not in name and name.islower() and depth == 0:
                # "the group said": a bare common noun names nobody; it goes back to the
                # organisation last named as a subject or speaker
                mine = self._antecedent(np, person=False)
                if mine is not None and mine is not _UNNAMEABLE and np.root.lower_ in mine.name.lower().split():
                    return self._relabel(mine, np)
                if mine is not None and mine is not _UNNAMEABLE and np.root.lower_ in self.cues.collective and mine.name[:1].isupper():
                    return self._relabel(mine, np)  # "the group" -> "Rapid Support Forces"
            return self._make(self._expand(name), np, actor if actor is not None and actor.kind != "person" else None)
        if kind == "generic":
            given = self._given_name(np)
            return self._make(given.text, np) if given is not None else _UNNAMEABLE
        return None

    def _org_entity(self, np: Span) -> Optional[str]:
        """The name of an organisation entity that holds the mention's head and runs past
        it ("Institute" in "the German Institute for Economic Research")."""
        root = np.root
        if root.ent_type_ != "ORG":
            return None
        for ent in self.ents:
            if ent.label_ == "ORG" and ent.start <= root.i < ent.end and len(ent) >= 3 and ent.end > np.end:
                toks = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
                if any(t.lower_ in ("for", "of", "on") for t in toks):
                    return self.doc[toks[0].i : toks[-1].i + 1].text
        return None

    def _titled_person(self, np: Span) -> bool:
        """'Chancellor Olaf Scholz' read as an organisation: a title, then a name."""
        toks = [t for t in np if not t.is_punct and t.dep_ != "det"]
        if len(toks) < 2 or toks[-1].i != np.root.i or np.root.pos_ != "PROPN":
            return False
        if np.root.lemma_.lower() in self.cues.institution_heads or np.root.lower_ in self.cues.institution_heads:
            return False
        first = toks[0].lower_.rstrip(".")
        rest = toks[1:]
        return first in self.cues.honorifics and all(t.pos_ == "PROPN" and t.is_title for t in rest) and len(rest) <= 4

    def _given_name(self, np: Span) -> Optional[Span]:
        """'a resident who gave her name as Aissa', '... gave only his first name, Ahmed'."""
        for t in np.root.subtree:
            if t.lemma_.lower() != "name" or t.i + 2 >= len(self.doc):
                continue
            nxt, after = self.doc[t.i + 1], self.doc[t.i + 2]
            if nxt.lower_ in ("as", ",") and after.is_title and after.pos_ in ("PROPN", "NOUN"):
                end = after.i + 1
                while end < len(self.doc) and self.doc[end].is_title and self.doc[end].pos_ == "PROPN":
                    end += 1
                return self.doc[after.i : end]
        return None

    def _expand(self, name: str) -> str:
        return self.acronyms.get(name, name) if name.isupper() else name

    def _actor_ok(self, actor, person: bool) -> bool:
        """An actor the index gave for a pronoun or role noun, checked against the text."""
        if person:
            return actor.kind == "person" and any(w.lower() in self.names for w in actor.name.split())
        return actor.kind != "person"

    def _institution_name(self, np: Span) -> str:
        toks = [t for t in np if not self.in_dateline(t)]
        while toks and (toks[0].dep_ == "det" or toks[0].is_punct or toks[0].lower_ in self.cues.indefinite):
            toks = toks[1:]
        while toks and toks[-1].is_punct:
            toks = toks[:-1]
        return self.doc[toks[0].i : toks[-1].i + 1].text if toks else np.text

    def _clause_subject(self, sent: Span) -> Optional[Token]:
        """The subject of a sentence's main clause (also when the parser made it the root)."""
        root = sent.root
        if root.pos_ in ("VERB", "AUX"):
            subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
            return subj[-1] if subj else None
        if root.pos_ in ("PROPN", "NOUN") and any(c.dep_ in ("acl", "relcl") and c.tag_ in ("VBD", "VBZ") for c in root.children):
            return root
        return None

    def _is_person_speaker(self, sp: Speaker, sub: Span) -> bool:
        if any(w.lower() in self.names for w in sp.name.split()):
            return True
        root = sub.root
        if root.pos_ == "PRON":
            return root.lower_ in _PERSON_PRONOUNS
        if root.lemma_.lower() in self.cues.role_nouns:
            return True
        return root.pos_ == "PROPN" and root.lemma_.lower() not in self.cues.institution_heads and root.ent_type_ not in ("GPE", "NORP", "LOC")

    def _antecedent(self, np: Span, person: bool) -> Optional[Speaker]:
        """Who a pronoun points back to: the last main-clause subject before it in its
        paragraph, else the speaker of the quote before it (same or previous paragraph)."""
        pi = self.para_of(np.start_char)
        p_start = self.paras[pi][0]
        best = None
        for sent in self.sents:
            if sent.end_char <= p_start:
                continue
            if sent.start_char >= np.start_char:
                break
            subj = self._clause_subject(sent)
            if subj is not None and subj.i < np.start and subj.pos_ != "PRON" and not self.in_region(subj) and self._sent_start[subj.i] != self._sent_start[np.start]:
                best = subj
        if best is not None:
            sub = self._np(best)
            if sub is not None:
                kind = self._kind_of(sub)
                found = self._resolve(sub, depth=1)
                if found is not None and found is not _UNNAMEABLE:
                    if self._is_person_speaker(found, sub) == person:
                        return found
                elif person and kind == "generic" and sub.root.lemma_.lower() in self.cues.role_nouns:
                    return _UNNAMEABLE  # "A resident said ... 'It was awful,' she said."
        last = self._last
        if last is not None and last.subject is not None and self.para_of(last.span[0]) >= pi - 1:
            if last.speaker is None:
                return _UNNAMEABLE if person and self._kind_of(last.subject) in ("generic", "role") else None
            if self._is_person_speaker(last.speaker, last.subject) == person:
                return last.speaker
        return None

    def _role_antecedent(self, np: Span) -> Optional[Speaker]:
        """'the Chinese leader' -> a named person introduced with such a role, preferring
        the speaker just quoted; else, like a pronoun, the subject or speaker before."""
        head = np.root
        roles = self.cues.role_synonyms.get(head.lemma_.lower(), frozenset({head.lemma_.lower()}))
        mods = {t.lower_ for t in np if t.pos_ in ("ADJ", "PROPN") and t.i != head.i and not t.is_punct}
        strict: dict[str, Span] = {}
        loose: dict[str, Span] = {}
        for s, e in self.person_spans:
            ent = self.doc[s:e]
            if ent.start_char >= np.start_char:
                continue
            window = self.doc[max(self._sent_start[ent.start], ent.start - 6) : ent.start]
            context = {t.lemma_.lower() for t in window} | {t.lower_ for t in window} | {t.lower_ for t in ent}
            if ent.root.dep_ == "appos":
                h = ent.root.head
                context |= {t.lower_ for t in h.subtree if t.i < ent.start} | {h.lemma_.lower()}
            context |= {w.rstrip("\u2019s").rstrip("'s") for w in context}
            if not roles & context:
                continue
            words = self._clean_name(ent)
            if not words:
                continue
            name = self.fullest(words)
            for table in ((strict, loose) if (not mods or mods & context) else (loose,)):
                table.pop(name, None)
                table[name] = ent  # the most recent mention last
        last = self._last
        if any(t.ent_type_ in ("NORP", "GPE") for t in np if t.i != head.i):
            loose = {}  # "the Chinese leader" is never a leader of another nation
        for n, candidates in enumerate((strict, loose)):
            if not candidates:
                continue
            if last is not None and last.speaker is not None and last.speaker.name in candidates:
                return last.speaker
            if len(candidates) == 1 or (n == 0 and mods):
                name, ent = list(candidates.items())[-1]
                actor = self._actor_for(ent)
                return self._make(name, np, actor if actor is not None and actor.kind == "person" else None)
            break  # several people hold that role and nothing tells them apart
        if head.lemma_.lower() in self.cues.anonymous_roles:
            # "the official" goes back to "a senior official", who has no name
            return _UNNAMEABLE
        if self.doc[np.start].lower_ == "the":
            return self._antecedent(np, person=True)
        return None

    # -- output ---------------------------------------------------------------

    def _finish(self, found: list[_Found]) -> list[Quote]:
        found.sort(key=lambda f: (f.span[0], -f.span[1]))
        kept: list[_Found] = []
        taken: list[tuple[int, int]] = []
        for f in found:
            s, e = f.span
            if any(s < te and ts < e for ts, te in taken):
                continue
            if f.source is not None:
                f.speaker = f.source.speaker
                f.subject = f.source.subject
            else:
                f.speaker = None if f.subject is None else self._resolve(f.subject)
                if f.speaker is _UNNAMEABLE:
                    f.speaker = None
            if f.subject is not None:
                self._last = f
            taken.append((s, e))
            kept.append(f)
        self._resolve_forward(kept)
        out: list[Quote] = []
        for f in kept:
            s, e = f.span
            text = f.text if f.text is not None else self.text[s:e]
            cue = None
            if f.cue is not None:
                cue = "according to" if f.cue.lower_ == "according" else f.cue.text
                prt = [c for c in f.cue.children if c.dep_ == "prt"]
                if prt:
                    cue += " " + prt[0].text
            out.append(Quote(text=text, kind=f.kind, span=(s, e), cue=cue, speaker=f.speaker))
        return out

    def _resolve_forward(self, kept: list[_Found]) -> None:
        """'..., the bloc's foreign policy chief said. "...," Josep Borrell told reporters.':
        a definite role noun no one before it holds stands for the person named as the
        next speaker (same or next paragraph) when that name was not mentioned before."""
        for n, f in enumerate(kept):
            np = f.subject
            if f.speaker is not None or f.source is not None or np is None or self._kind_of(np) != "role":
                continue
            first = next((t for t in np if not t.is_punct), None)
            if first is None or first.lower_ in self.cues.indefinite or np.root.lemma_.lower() in self.cues.anonymous_roles:
                continue
            if np.root.tag_ in ("NNS", "NNPS"):
                continue
            pi = self.para_of(f.span[0])
            for g in kept[n + 1 :]:
                if self.para_of(g.span[0]) > pi + 1:
                    break
                if g.speaker is None or g.subject is None or g.source is not None:
                    continue
                if self._kind_of(g.subject) != "person":
                    break
                surname = g.speaker.name.split()[-1].lower()
                before = any(
                    surname in {w.lower() for w in self._clean_name(self.doc[s:e])}
                    for s, e in self.person_spans if self.doc[s:e].start_char < np.start_char
                )
                if not before:
                    sp = self._relabel(g.speaker, np)
                    for h in kept:
                        if h is f or h.source is f:
                            h.speaker = sp
                break


def extract_quotes(doc: Doc, cues: Optional[Cues] = None) -> list[Quote]:
    """The quotes of a parsed doc, in text order, in doc character offsets."""
    return _QuoteFinder(doc, cues or load_cues()).run()


@Language.component("eventwire_quotes", requires=["doc._.actor_index"], assigns=["doc._.quotes"])
def annotate_quotes(doc: Doc) -> Doc:
    doc._.quotes = extract_quotes(doc)
    return doc


__all__ = ["Cues", "Region", "annotate_quotes", "extract_quotes", "find_marks", "find_regions", "load_cues", "region_text"]
