"""The project's CAMEO table, its PLOVER mapping and the event lexicons (loaders only).

Data lives in ``eventwire/data/cameo/``: ``cameo.tsv`` (every CAMEO code with a name
and its Goldstein score), ``plover.tsv`` (CAMEO code prefix -> PLOVER type and mode),
``verbs.yaml`` (verb patterns and complement-taking frames) and ``nouns.yaml`` (nominal
events). Everything here is read once and cached; lookups are keyed by lemma.

Limits: the lexicons are hand-written and cover the common ways news expresses each
of the 20 roots, not the whole CAMEO codebook; codes below the third digit are only
produced where a pattern or a frame map names them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .errors import EventwireError
from .lexicon import load_yaml, read_tsv

log = logging.getLogger(__name__)

ROOTS = tuple(f"{n:02d}" for n in range(1, 21))
PREPOSITIONS = frozenset(
    "with to against on at toward towards into for of from about over in upon by between through behind".split()
)


class LexiconError(EventwireError):
    code = "E410"


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    goldstein: float

    @property
    def root(self) -> str:
        return self.code[:2]

    @property
    def quad_class(self) -> int:
        return quad_class(self.code)


def quad_class(code: str) -> int:
    """GDELT QuadClass from the root: 01-05 -> 1, 06-09 -> 2, 10-14 -> 3, 15-20 -> 4."""
    root = int(code[:2])
    if root <= 5:
        return 1
    if root <= 9:
        return 2
    if root <= 14:
        return 3
    return 4


@lru_cache(maxsize=1)
def cameo_table() -> dict[str, CameoCode]:
    """All CAMEO codes of ``data/cameo/cameo.tsv`` by code."""
    table = {}
    for row in read_tsv("cameo/cameo.tsv"):
        code = row["code"].strip()
        table[code] = CameoCode(code, row["name"].strip(), float(row["goldstein"]))
    return table


def lookup(code: str) -> CameoCode:
    """The table entry of ``code``; an unknown code raises :class:`LexiconError` (E410)."""
    try:
        return cameo_table()[code]
    except KeyError:
        raise LexiconError(f"unknown CAMEO code {code!r}") from None


def goldstein(code: str) -> float:
    return lookup(code).goldstein


@lru_cache(maxsize=1)
def _plover_prefixes() -> dict[str, tuple[Optional[str], Optional[str]]]:
    out = {}
    for row in read_tsv("cameo/plover.tsv"):
        out[row["prefix"].strip()] = ((row.get("plover") or "").strip() or None, (row.get("mode") or "").strip() or None)
    return out


def plover(code: str) -> tuple[Optional[str], Optional[str]]:
    """PLOVER 2.0 ``(type, mode)`` of a CAMEO code (longest matching prefix)."""
    prefixes = _plover_prefixes()
    for n in range(len(code), 1, -1):
        hit = prefixes.get(code[:n])
        if hit is not None:
            return hit
    return (None, None)


# ---------------------------------------------------------------------------
# Lexicons


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """One verb pattern of ``verbs.yaml`` ("impose sanctions on T")."""

    id: str
    code: str
    lemma: str
    particle: Optional[str] = None
    objs: frozenset[str] = frozenset()
    preps: frozenset[str] = frozenset()
    pobjs: frozenset[str] = frozenset()
    target: Optional[str] = None  # "obj" | "prep" | None
    extras: frozenset[str] = frozenset()

    @property
    def specificity(self) -> int:
        return 4 * bool(self.objs) + 2 * bool(self.pobjs) + 2 * bool(self.particle) + bool(self.preps) + bool(self.extras)


@dataclass(frozen=True, slots=True)
class Frame:
    """A complement-taking verb: "threaten to X", "plan to X", "urge Y to X", "deny X"."""

    kind: str
    comp: frozenset[str]
    code: Optional[str] = None
    absorb: bool = False
    inner: Optional[str] = None  # negated | reported | hypothetical | future
    by_root: dict = field(default_factory=dict)
    by_code: dict = field(default_factory=dict)

    def code_for(self, inner_code: Optional[str]) -> Optional[str]:
        """The frame's code specialised by the complement's code."""
        if inner_code:
            for n in range(len(inner_code), 2, -1):
                if inner_code[:n] in self.by_code:
                    return self.by_code[inner_code[:n]]
            if inner_code[:2] in self.by_root:
                return self.by_root[inner_code[:2]]
        return self.code


@dataclass(frozen=True, slots=True)
class NounEntry:
    code: str
    head: str
    mod: Optional[str] = None

    @property
    def id(self) -> str:
        return f"{self.code}.{self.mod + '_' if self.mod else ''}{self.head}"


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[VerbPattern, ...]]
    frames: dict[str, tuple[Frame, ...]]
    nouns: dict[str, tuple[NounEntry, ...]]
    light_verbs: frozenset[str]
    verb_target_preps: frozenset[str]
    noun_target_preps: frozenset[str]
    reciprocal: frozenset[str]
    of_target: frozenset[str]
    people: dict[str, str] = field(default_factory=dict)
    mutual_roots: frozenset[str] = frozenset()
    untargeted_roots: frozenset[str] = frozenset()
    slotless_roots: frozenset[str] = frozenset()
    recipientless_roots: frozenset[str] = frozenset()
    anaphoric: frozenset[str] = frozenset()
    pair_nouns: frozenset[str] = frozenset()
    third_party: frozenset[str] = frozenset()
    topic_verbs: frozenset[str] = frozenset()
    occurrence_verbs: frozenset[str] = frozenset()

    def frame(self, kind: str) -> Optional[Frame]:
        """The first frame of a kind ("intent", "threat" ...)."""
        for frames in self.frames.values():
            for f in frames:
                if f.kind == kind:
                    return f
        return None

    def roots(self) -> set[str]:
        """The CAMEO roots the verb and noun lexicons can produce."""
        codes = {p.code for ps in self.verbs.values() for p in ps}
        codes |= {n.code for ns in self.nouns.values() for n in ns}
        return {c[:2] for c in codes}


def parse_pattern(code: str, text: str, particles: frozenset[str]) -> VerbPattern:
    """``"impose sanctions|tariffs on T"`` -> a :class:`VerbPattern`."""
    words = text.split()
    if not words or words[0] == "T":
        raise LexiconError(f"bad verb pattern {text!r} for {code}")
    lemma = words[0].lower()
    particle = None
    objs: set[str] = set()
    preps: set[str] = set()
    pobjs: set[str] = set()
    extras: set[str] = set()
    target = None
    seen_t = False
    rest = words[1:]
    prev_prep = False
    for n, word in enumerate(rest):
        alts = {w.lower() for w in word.split("|")}
        nxt = rest[n + 1] if n + 1 < len(rest) else None
        after_prep, prev_prep = prev_prep, False
        if word == "T":
            target = "prep" if preps and not pobjs else "obj"
            seen_t = True
        elif alts <= PREPOSITIONS and (nxt is not None or objs or seen_t):
            preps |= alts
            prev_prep = True
        elif after_prep:
            pobjs |= alts
        elif alts <= particles and not objs and not preps and particle is None and not seen_t:
            particle = next(iter(alts))
        elif seen_t or objs:
            extras |= alts
        else:
            objs |= alts
    slug = "_".join(w.split("|")[0] for w in words if w != "T")
    return VerbPattern(
        id=f"{code}.{slug}",
        code=code,
        lemma=lemma,
        particle=particle,
        objs=frozenset(objs),
        preps=frozenset(preps),
        pobjs=frozenset(pobjs),
        target=target,
        extras=frozenset(extras),
    )


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The verb and noun lexicons, indexed by lemma."""
    table = cameo_table()
    vdata = load_yaml("cameo/verbs.yaml")
    ndata = load_yaml("cameo/nouns.yaml")
    particles = frozenset(vdata.get("particles", ()))
    verbs: dict[str, list[VerbPattern]] = {}
    for code, patterns in vdata["codes"].items():
        code = str(code)
        if code not in table:
            raise LexiconError(f"verbs.yaml uses unknown CAMEO code {code!r}")
        for text in patterns:
            head, _, rest = str(text).partition(" ")
            for lemma in head.split("|"):  # "dispatch|send carrier to T": one pattern per verb
                pattern = parse_pattern(code, f"{lemma} {rest}".strip(), particles)
                verbs.setdefault(pattern.lemma, []).append(pattern)
    frames: dict[str, list[Frame]] = {}
    for kind, spec in vdata.get("frames", {}).items():
        frame = Frame(
            kind=kind,
            comp=frozenset(spec.get("comp", ("xcomp",))),
            code=spec.get("code"),
            absorb=bool(spec.get("absorb", False)),
            inner=spec.get("inner"),
            by_root={str(k): str(v) for k, v in (spec.get("by_root") or {}).items()},
            by_code={str(k): str(v) for k, v in (spec.get("by_code") or {}).items()},
        )
        for code in [frame.code, *frame.by_root.values(), *frame.by_code.values()]:
            if code is not None and code not in table:
                raise LexiconError(f"frame {kind} uses unknown CAMEO code {code!r}")
        for lemma in spec["lemmas"]:
            frames.setdefault(str(lemma), []).append(frame)
    nouns: dict[str, list[NounEntry]] = {}
    for code, words in ndata["codes"].items():
        code = str(code)
        if code not in table:
            raise LexiconError(f"nouns.yaml uses unknown CAMEO code {code!r}")
        for text in words:
            parts = str(text).lower().split()
            entry = NounEntry(code, parts[-1], " ".join(parts[:-1]) or None)
            nouns.setdefault(entry.head, []).append(entry)
    return Lexicon(
        verbs={k: tuple(sorted(v, key=lambda p: -p.specificity)) for k, v in verbs.items()},
        frames={k: tuple(v) for k, v in frames.items()},
        nouns={k: tuple(sorted(v, key=lambda e: e.mod is None)) for k, v in nouns.items()},
        light_verbs=frozenset(ndata.get("light_verbs", ())),
        verb_target_preps=frozenset(vdata.get("target_preps", ())),
        noun_target_preps=frozenset(ndata.get("target_preps", ())),
        reciprocal=frozenset(ndata.get("reciprocal", ())),
        of_target=frozenset(ndata.get("of_target", ())),
        people={str(k): str(v) for k, v in (ndata.get("people") or {}).items()},
        mutual_roots=frozenset(str(r) for r in ndata.get("mutual_roots", ())),
        untargeted_roots=frozenset(str(r) for r in ndata.get("untargeted_roots", ())),
        slotless_roots=frozenset(str(r) for r in ndata.get("slotless_roots", ())),
        recipientless_roots=frozenset(str(r) for r in ndata.get("recipientless_roots", ())),
        anaphoric=frozenset(str(w) for w in ndata.get("anaphoric", ())),
        pair_nouns=frozenset(str(w) for w in ndata.get("pair_nouns", ())),
        third_party=frozenset(str(w) for w in ndata.get("third_party", ())),
        topic_verbs=frozenset(str(w) for w in vdata.get("topic_verbs", ())),
        occurrence_verbs=frozenset(str(w) for w in ndata.get("occurrence_verbs", ())),
    )


__all__ = [
    "CameoCode",
    "Frame",
    "Lexicon",
    "LexiconError",
    "NounEntry",
    "ROOTS",
    "VerbPattern",
    "cameo_table",
    "goldstein",
    "lexicon",
    "lookup",
    "parse_pattern",
    "plover",
    "quad_class",
]
