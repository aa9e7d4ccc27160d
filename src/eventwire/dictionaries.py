"""Actor dictionaries: countries, capitals, seats of government, IGOs/NGOs, named groups,
role nouns and office-holders, loaded from data files and user YAML.

The shipped files live in ``eventwire/data/actors/`` (see ``docs/dictionaries.md``).
Users add their own YAML files through :func:`load_dictionaries` or the
``EVENTWIRE_DICTIONARIES`` environment variable (paths separated by ``os.pathsep``);
PETRARCH actor and agent dictionaries convert to that YAML with
:func:`import_petrarch_actors` / :func:`import_petrarch_agents`.

Lookups are plain dicts keyed by a normalised phrase: lower case, curly apostrophes
straightened, all whitespace removed (``"kim jong-un"`` -> ``"kimjong-un"``), so that the
key of a run of spaCy tokens is the concatenation of their normalised texts whatever
the tokenizer did with hyphens and apostrophes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import yaml

from .errors import EventwireError
from .lexicon import data_path, read_tsv

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

log = logging.getLogger(__name__)

ENV_VAR = "EVENTWIRE_DICTIONARIES"
LEADING_ARTICLES = ("the ",)
PLURAL_COLLECTIVES = frozenset({"police", "people", "clergy", "media", "press", "public", "population", "security forces"})
FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "de", "da", "del", "al", "el", "bin", "von", "der", "d'", "la", "le"})


class DictionaryError(EventwireError):
    code = "E401"


@lru_cache(maxsize=65536)
def norm_key(text: str) -> str:
    """The lookup key of a phrase: lower case, straight apostrophes, no whitespace.
    Memoised: the stages look up the same few thousand words and names in every doc."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2010", "-").replace("\u2011", "-")
    return re.sub(r"\s+", "", text.lower())


def _strip_article(phrase: str) -> str:
    low = phrase.lower()
    for art in LEADING_ARTICLES:
        if low.startswith(art) and len(phrase) > len(art):
            return phrase[len(art):]
    return phrase


def _date(value: Any) -> Optional[dt.date]:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DictionaryError(f"not an ISO date: {value!r}") from None


# ---------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class Term:
    """One office held by a person: ``code`` is the CAMEO code while in it."""

    office: str
    code: str
    country: Optional[str]
    sector: Optional[str]
    start: Optional[dt.date] = None
    end: Optional[dt.date] = None

    def covers(self, day: Optional[dt.date]) -> bool:
        if day is None:
            return self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Person:
    """A known person (a head of state, a minister ...) with the offices they held."""

    name: str
    aliases: tuple[str, ...] = ()
    gender: Optional[str] = None
    terms: tuple[Term, ...] = ()
    code: Optional[str] = None  # for people without terms
    country: Optional[str] = None
    sector: Optional[str] = None

    def term(self, day: Optional[dt.date]) -> Optional[Term]:
        """The term in force on ``day``; else the last one before it; else the first.

        Without a date: the current term, else the latest.
        """
        if not self.terms:
            return None
        for t in self.terms:
            if t.covers(day):
                return t
        if day is not None:
            before = [t for t in self.terms if t.start is not None and t.start <= day]
            if before:
                return max(before, key=lambda t: t.start)
            return min(self.terms, key=lambda t: t.start or dt.date.min)
        return max(self.terms, key=lambda t: t.start or dt.date.min)


@dataclass(frozen=True, slots=True)
class Entry:
    """What a dictionary phrase names.

    ``kind`` is the actor kind (country, igo, ngo, institution, group, person);
    ``form`` how the phrase names it: name, adjective, people (plural demonym),
    capital, seat, region, media, alias (a person's name).
    """

    name: str
    code: str
    country: Optional[str]
    sector: Optional[str]
    kind: str
    form: str = "name"
    case: str = "title"  # title: some capital letter; upper: all capitals; exact: content words capitalised
    person: Optional[Person] = None


@dataclass(frozen=True, slots=True)
class Role:
    """What a role noun says: sector, kind (person/group/institution), office, gender."""

    phrase: str
    sector: str
    kind: str
    office: Optional[str] = None
    gender: Optional[str] = None
    plural: bool = False
    needs_country: bool = False
    refers: tuple[str, ...] = ()  # igo_ref nouns: code prefixes of the IGOs they can refer back to
    head: str = ""  # the noun a later definite mention repeats ("the junta" after "military junta")

    @property
    def head_word(self) -> str:
        return self.head or self.phrase.split()[-1]


MAX_HELD = 4096  # answers of Dictionaries.holder kept


@dataclass
class Dictionaries:
    """Every lookup table the actors stage uses. Built once per set of files."""

    phrases: dict[str, Entry] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)
    roles: dict[str, Role] = field(default_factory=dict)
    role_prefixes: set[str] = field(default_factory=set)
    office_groups: dict[str, frozenset[str]] = field(default_factory=dict)
    office_sector: dict[str, str] = field(default_factory=dict)
    sector_adjectives: dict[str, str] = field(default_factory=dict)
    gendered_titles: dict[str, str] = field(default_factory=dict)
    first_names: dict[str, str] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    leader_office: dict[str, tuple[str, ...]] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    # Answers of ``holder`` (it scans every person's terms), emptied whenever a person,
    # an office group or a leader office is added.
    _held: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- building ------------------------------------------------------------
    def add_phrase(self, phrase: str, entry: Entry, *, override: bool = True) -> None:
        phrase = _strip_article(phrase.strip())
        key = norm_key(phrase)
        if not key:
            return
        alpha = re.sub(r"[^a-z]", "", key)
        case = entry.case
        if case == "title" and len(alpha) <= 3 and "." not in key:
            # short names are acronyms ("UN", "AU"), except people's ("Xi", "Li")
            case = "exact" if entry.kind == "person" else "upper"
        if case != entry.case:
            entry = Entry(entry.name, entry.code, entry.country, entry.sector, entry.kind, entry.form, case, entry.person)
        if not override and key in self.phrases:
            return
        self.phrases[key] = entry
        for i in range(1, len(key) + 1):
            self.prefixes.add(key[:i])

    def add_role(self, phrase: str, role: Role) -> None:
        key = norm_key(phrase)
        self.roles[key] = role
        for i in range(1, len(key) + 1):
            self.role_prefixes.add(key[:i])

    # -- queries -------------------------------------------------------------
    def offices_for(self, office: str) -> frozenset[str]:
        """The offices a role noun naming ``office`` can refer to."""
        return self.office_groups.get(office, frozenset({office}))

    def holder(self, actor: str, office: str, day: Optional[dt.date]) -> Optional[tuple[Person, Term]]:
        """Who held ``office`` (or an office of its group) for ``actor`` (an ISO code or
        a CAMEO code) on ``day``. The most specific office wins; ``leader`` follows
        ``leader_office``. Memoised: the same few offices are asked in every doc."""
        key = (actor, office, day)
        if key not in self._held:
            if len(self._held) >= MAX_HELD:
                self._held.clear()
            self._held[key] = self._find_holder(actor, office, day)
        return self._held[key]

    def _find_holder(self, actor: str, office: str, day: Optional[dt.date]) -> Optional[tuple[Person, Term]]:
        wanted: list[str]
        if office == "leader":
            wanted = list(self.leader_office.get(actor, self.leader_office.get("default", ("president", "prime_minister"))))
            wanted += ["secretary_general", "leader", "supreme_leader", "president"]
        else:
            wanted = [office] + sorted(self.offices_for(office) - {office})
        for off in wanted:
            hits = []
            for person in self.people:
                for t in person.terms:
                    if t.office == off and (t.country == actor or t.code == actor) and t.covers(day):
                        hits.append((person, t))
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                return None  # ambiguous: never guess
        return None


# ---------------------------------------------------------------------------
# Loading


def _split(value: Optional[str]) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


_SECTORS = frozenset(
    {"GOV", "MIL", "REB", "OPP", "PTY", "JUD", "COP", "SPY", "MED", "EDU", "BUS", "CVL", "REF", "LAB", "HLH",
     "LEG", "HRI", "REL", "CRM", "UAF", "ELI", "AGR", "ENV", "DEV", "RAD", "MOD", "IGO", "NGO", "MNC", "IMG"}
)
_REGIONS = frozenset(
    {"WST", "EUR", "AFR", "ASA", "MEA", "LAM", "PGS", "BLK", "CAS", "CAU", "EEU", "WAF", "EAF", "SAF", "NAF",
     "SAM", "NMR", "SEA", "SAS", "SCN", "CRB", "MDT", "CEU", "CFR"}
)


def split_code(code: str) -> tuple[Optional[str], Optional[str]]:
    """(country, sector) of a CAMEO code: ``RUSGOV`` -> (RUS, GOV), ``MED`` -> (None, MED),
    ``IGOUNO`` -> (None, None)."""
    code = code.upper()
    head = code[:3]
    if head in ("IGO", "NGO", "IMG", "MNC") or head in _REGIONS:
        return None, None
    if head in _SECTORS:
        return None, head
    rest = code[3:6]
    return head, (rest if rest in _SECTORS else None)


def _code(actor: str, sector: Optional[str]) -> tuple[str, Optional[str], Optional[str]]:
    """(code, country, sector) for a term's ``actor``: ISO alpha-3 + office sector, or a full code."""
    actor = actor.upper()
    if len(actor) == 3 and actor.isalpha() and actor not in _SECTORS and actor not in _REGIONS:
        return actor + (sector or ""), actor, sector
    country, found = split_code(actor)
    return actor, country, found


def _load_countries(d: Dictionaries, path: str | Path) -> None:
    for row in read_tsv(path):
        iso3 = row["iso3"]
        name = row["name"]
        d.country_names[iso3] = name
        base = dict(name=name, code=iso3, country=iso3, sector=None)
        d.add_phrase(name, Entry(**base, kind="country", form="name"))
        for alias in _split(row.get("aliases")):
            d.add_phrase(alias, Entry(**base, kind="country", form="name"), override=False)
        for adj in _split(row.get("adjectives")):
            d.add_phrase(adj, Entry(**base, kind="country", form="adjective"), override=False)
        for people in _split(row.get("people")):
            d.add_phrase(people, Entry(**base, kind="country", form="people"), override=False)
        for cap in _split(row.get("capitals")):
            d.add_phrase(cap, Entry(name=cap, code=iso3 + "GOV", country=iso3, sector="GOV", kind="institution", form="capital"), override=False)


def _named(d: Dictionaries, items: Iterable[dict], kind: str, form: str) -> None:
    for item in items or ():
        code = str(item["code"]).upper()
        _, cty, sec = _code(code, None)
        country = item["country"] if "country" in item else cty
        sector = item.get("sector") or sec
        entry = Entry(
            name=item["name"],
            code=code,
            country=country,
            sector=sector,
            kind=item.get("kind", kind),
            form=item.get("form", form),
            case="exact" if item.get("case") == "exact" else "title",
        )
        d.add_phrase(item["name"], entry)
        for word in item.get("words") or ():
            d.add_phrase(str(word), entry)


def _load_roles(d: Dictionaries, data: dict) -> None:
    d._held.clear()
    for key, offices in (data.get("office_groups") or {}).items():
        d.office_groups[key] = frozenset(offices) | {key}
    for item in data.get("roles") or ():
        words = [str(w) for w in item["words"]]
        sector = item["sector"]
        kind = item.get("kind", "person")
        office = item.get("office")
        gender = item.get("gender")
        needs = bool(item.get("needs_country", False))
        refers = tuple(item.get("refers") or ())
        head = str(item.get("head") or "")
        if office and office not in d.office_sector:
            d.office_sector[office] = sector
        for w in words:
            plural = kind == "group" and (w.endswith("s") or w in PLURAL_COLLECTIVES)
            d.add_role(w, Role(w, sector, kind, office, gender, plural=plural, needs_country=needs, refers=refers,
                               head=head))
        if kind == "person":
            plurals = item.get("plural") or [w + "s" for w in words if not w.endswith("s")]
            for p in plurals:
                if norm_key(p) not in d.roles:
                    d.add_role(p, Role(p, sector, "group", None, gender, plural=True, needs_country=needs))
        else:
            for p in item.get("plural") or ():
                d.add_role(p, Role(p, sector, kind, None, gender, plural=True, needs_country=needs))
    for adj, sector in (data.get("sector_adjectives") or {}).items():
        d.sector_adjectives[norm_key(adj)] = sector
    for gender, titles in (data.get("gendered_titles") or {}).items():
        for t in titles:
            d.gendered_titles[norm_key(t)] = gender


def _person(d: Dictionaries, item: dict) -> Person:
    terms = []
    for t in item.get("terms") or ():
        office = t.get("office", "official")
        sector = d.office_sector.get(office, "GOV")
        code, country, sec = _code(str(t["actor"]), sector)
        if len(str(t["actor"])) != 3:
            sector = sec
        terms.append(Term(office, code, country, sector, _date(t.get("from")), _date(t.get("to"))))
    code = item.get("code")
    country = item.get("country")
    sector = item.get("sector")
    if code and not terms:
        c, cty, sec = _code(str(code), sector)
        code, country, sector = c, country or cty, sector or sec
    return Person(
        name=item["name"],
        aliases=tuple(str(a) for a in item.get("aliases") or ()),
        gender=item.get("gender"),
        terms=tuple(terms),
        code=code,
        country=country,
        sector=sector,
    )


def _load_people(d: Dictionaries, data: dict) -> None:
    d._held.clear()
    for key, offices in (data.get("leader_office") or {}).items():
        d.leader_office[key] = tuple(offices)
    for item in data.get("people") or ():
        _add_person(d, _person(d, item))


def _add_person(d: Dictionaries, person) -> None:
    """Register a person under their name and aliases; a later entry for the same name replaces the earlier one."""
    d.people = [p for p in d.people if p.name != person.name]
    d.people.append(person)
    d._held.clear()
    entry = Entry(person.name, person.code or "", person.country, person.sector, "person", "alias", "title", person)
    d.add_phrase(person.name, entry)
    for alias in person.aliases:
        d.add_phrase(alias, entry)


def _load_first_names(d: Dictionaries, path: str | Path) -> None:
    for row in read_tsv(path):
        d.first_names[row["name"].lower()] = row["gender"]


def _load_user(d: Dictionaries, data: dict, source: str) -> None:
    """A user dictionary: any of ``people``, ``actors``, ``roles``, ``countries``."""
    if not isinstance(data, dict):
        raise DictionaryError(f"{source}: a dictionary file must be a YAML mapping")
    known = {"people", "actors", "roles", "office_groups", "sector_adjectives", "gendered_titles", "countries", "leader_office"}
    unknown = set(data) - known
    if unknown:
        raise DictionaryError(f"{source}: unknown sections {sorted(unknown)} (known: {sorted(known)})")
    if any(k in data for k in ("roles", "office_groups", "sector_adjectives", "gendered_titles")):
        _load_roles(d, data)
    for item in data.get("countries") or ():
        iso3 = str(item["iso3"]).upper()
        name = item.get("name") or d.country_names.get(iso3, iso3)
        base = dict(name=name, code=iso3, country=iso3, sector=None, kind="country")
        for n in [name] + list(item.get("names") or ()):
            d.add_phrase(str(n), Entry(**base, form="name"))
        for a in item.get("adjectives") or ():
            d.add_phrase(str(a), Entry(**base, form="adjective"))
        for p in item.get("people") or ():
            d.add_phrase(str(p), Entry(**base, form="people"))
        for c in item.get("capitals") or ():
            d.add_phrase(str(c), Entry(str(c), iso3 + "GOV", iso3, "GOV", "institution", "capital"))
    for item in data.get("actors") or ():
        if item.get("kind", "group") == "person":
            _add_person(d, _person(d, {**item, "aliases": item.get("aliases") or item.get("words") or ()}))
        else:
            _named(d, [item], item.get("kind", "group"), "name")
    if "people" in data or "leader_office" in data:
        _load_people(d, data)


def load_yaml(name_or_path: str | Path) -> Any:
    """A package data file (``actors/roles.yaml``) or a path, read with libyaml when present."""
    path = Path(name_or_path)
    if not path.is_absolute() and not path.exists():
        path = data_path(str(name_or_path))
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)


def default_paths() -> tuple[str, ...]:
    """User dictionary paths from ``EVENTWIRE_DICTIONARIES`` (``os.pathsep``-separated)."""
    value = os.environ.get(ENV_VAR, "")
    return tuple(p for p in value.split(os.pathsep) if p.strip())


def load_dictionaries(extra_paths: Iterable[str | Path] | None = None) -> Dictionaries:
    """The shipped dictionaries plus user YAML files (``extra_paths``, then the
    ``EVENTWIRE_DICTIONARIES`` paths). Cached per set of paths."""
    paths = tuple(str(Path(p)) for p in (extra_paths or ())) + default_paths()
    return _load(paths)


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> Dictionaries:
    d = Dictionaries()
    base = "actors/"
    _load_countries(d, base + "countries.tsv")
    inst = load_yaml(base + "institutions.yaml")
    _named(d, inst.get("regions"), "group", "region")
    _named(d, inst.get("seats"), "institution", "seat")
    _named(d, inst.get("groups"), "group", "name")
    _named(d, inst.get("media"), "institution", "media")
    igos = load_yaml(base + "igos.yaml")
    _named(d, igos.get("igos"), "igo", "name")
    _named(d, igos.get("ngos"), "ngo", "name")
    _load_roles(d, load_yaml(base + "roles.yaml"))
    _load_people(d, load_yaml(base + "leaders.yaml"))
    try:
        _load_first_names(d, base + "first_names.tsv")
    except FileNotFoundError:
        pass
    d.sources = ["eventwire/data/actors"]
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise DictionaryError(f"dictionary file not found: {p}")
        try:
            data = load_yaml(path)
        except Exception as exc:  # yaml errors carry their own position
            raise DictionaryError(f"{p}: cannot read YAML: {exc}") from exc
        _load_user(d, data or {}, p)
        d.sources.append(p)
    log.debug("actor dictionaries: %d phrases, %d roles, %d people", len(d.phrases), len(d.roles), len(d.people))
    return d


# ---------------------------------------------------------------------------
# PETRARCH dictionaries


_PET_DATE = re.compile(r"^(\d{6}|\d{8})$")


def _pet_date(value: str) -> Optional[str]:
    """PETRARCH dates are YYMMDD (or YYYYMMDD); YY < 30 is 20YY."""
    if not _PET_DATE.match(value):
        return None
    if len(value) == 6:
        yy = int(value[:2])
        year = 2000 + yy if yy < 30 else 1900 + yy
        value = f"{year}{value[2:]}"
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8])).isoformat()
    except ValueError:
        return None


def _pet_phrase(token: str) -> str:
    """``VLADIMIR_PUTIN_`` -> ``Vladimir Putin`` (PETRARCH phrases are upper case)."""
    words = [w for w in token.strip().strip("_").split("_") if w]
    out = []
    for w in words:
        out.append(w if len(w) <= 3 and w.isupper() and len(words) == 1 else w.capitalize())
    return " ".join(out)


def _pet_codes(text: str) -> list[tuple[str, Optional[str], Optional[str]]]:
    """``[RUSGOV >120507]`` / ``[USAGOV 090120-170120]`` / ``[~GOV]`` -> (code, from, to)."""
    out = []
    for inner in re.findall(r"\[([^\]]+)\]", text):
        parts = inner.split()
        code = parts[0].strip("~").upper()
        start = end = None
        if len(parts) > 1:
            spec = parts[1]
            if spec.startswith(">"):
                start = _pet_date(spec[1:])
            elif spec.startswith("<"):
                end = _pet_date(spec[1:])
            elif "-" in spec:
                a, b = spec.split("-", 1)
                start, end = _pet_date(a), _pet_date(b)
        out.append((code, start, end))
    return out


def import_petrarch_actors(lines: Iterable[str]) -> dict:
    """Convert a PETRARCH actor dictionary to eventwire YAML (``{"actors": [...]}``).

    Read: ``#`` comments; a primary phrase (``VLADIMIR_PUTIN_``) optionally followed by
    a code (``[RUSGOV]``); ``+SYNONYM_`` lines adding names to the primary phrase; and
    code lines ``[CODE]``, ``[CODE >YYMMDD]``, ``[CODE <YYMMDD]``,
    ``[CODE YYMMDD-YYMMDD]``, which become dated terms. Entries with dated codes are
    imported as people; others as groups (edit ``kind`` in the output if needed).
    Macro lines (``!...!``) and compound-actor lines (``{`` ``}``, ``&``) are skipped.
    """
    actors: list[dict] = []
    current: Optional[dict] = None

    def close():
        if current is not None and current["codes"]:
            actors.append(_pet_actor(current))

    for raw in lines:
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        s = line.strip()
        if s.startswith(("!", "&", "{", "}", "<", "=")):
            continue
        if s.startswith("+"):
            if current is not None:
                current["words"].append(_pet_phrase(s[1:].split("[", 1)[0]))
            continue
        if s.startswith("["):
            if current is not None:
                current["codes"] += _pet_codes(s)
            continue
        close()
        phrase = s.split("[", 1)[0].strip()
        if not phrase:
            current = None
            continue
        current = {"name": _pet_phrase(phrase), "words": [], "codes": _pet_codes(s)}
    close()
    return {"actors": actors}


def _pet_actor(item: dict) -> dict:
    codes = item["codes"]
    dated = any(s or e for _, s, e in codes)
    out: dict[str, Any] = {"name": item["name"]}
    if item["words"]:
        out["aliases"] = item["words"]
    if dated or len(codes) > 1:
        out["kind"] = "person"
        terms = []
        for code, start, end in codes:
            term: dict[str, Any] = {"actor": code, "office": "official"}
            if start:
                term["from"] = start
            if end:
                term["to"] = end
            terms.append(term)
        out["terms"] = terms
    else:
        out["code"] = codes[0][0]
        out["kind"] = "country" if len(codes[0][0]) == 3 else "group"
        if out["kind"] == "country":
            out["kind"] = "group"
            out["country"] = codes[0][0]
    return out


def import_petrarch_agents(lines: Iterable[str]) -> dict:
    """Convert a PETRARCH agents dictionary to eventwire role YAML (``{"roles": [...]}``).

    Read: ``PHRASE_ {PLURAL_ PLURAL2_} [~SECTOR]`` lines; ``~`` marks the sector as
    attached to a country (``RUS`` + ``GOV``); a leading ``!`` macro line is skipped.
    Only the first three letters of a code become the sector; phrases whose code is
    not a known sector are skipped with a warning.
    """
    roles: list[dict] = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith(("!", "+")):
            continue
        codes = _pet_codes(line)
        if not codes:
            continue
        head = line.split("[", 1)[0]
        plurals = re.findall(r"\{([^}]*)\}", head)
        head = re.sub(r"\{[^}]*\}", "", head).strip()
        if not head:
            continue
        sector = codes[0][0][:3]
        if sector not in _SECTORS:
            log.warning("PETRARCH agent %s: code %s is not a sector; skipped", head, codes[0][0])
            continue
        phrase = _pet_phrase(head).lower()
        words = phrase.split()
        plural_words = [_pet_phrase(p).lower() for grp in plurals for p in grp.split() if p.strip()]
        is_group = bool(words) and words[-1].endswith("s") and not plural_words
        role: dict[str, Any] = {"words": [phrase], "sector": sector, "kind": "group" if is_group else "person"}
        if not is_group:
            role["office"] = "official" if sector == "GOV" else sector.lower()
            if plural_words:
                role["plural"] = plural_words
        roles.append(role)
    return {"roles": roles}


_PREPOSITIONS = frozenset(
    {"with", "to", "against", "on", "at", "toward", "towards", "into", "for", "from", "of", "about", "over",
     "upon", "in", "by", "between", "among", "across", "through", "onto", "under", "after", "before"}
)
_PARTICLES = frozenset({"out", "off", "up", "down", "back", "away", "over", "on", "in"})


def _singular(word: str) -> str:
    """A crude lemma for PETRARCH's surface-form object nouns ("sanctions" -> "sanction")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def import_petrarch_verbs(lines: Iterable[str]) -> tuple[dict, list[str]]:
    """Convert the expressible part of a PETRARCH verb dictionary to eventwire's verb
    lexicon YAML (``{"codes": {CAMEO: [pattern, ...]}}``, the format of
    ``eventwire/data/cameo/verbs.yaml``).

    Read: ``--- VERB [CODE] ---`` block headers (``[---]`` = no default code), the verb
    forms under them (ignored: eventwire matches lemmas), and pattern lines
    ``- [words] * [words] [CODE]`` in which ``*`` is the verb, ``+`` the target and
    ``$`` the source. A pattern converts when nothing precedes the verb and what
    follows is, in order, an optional particle, optional object words, an optional
    preposition, with ``+`` either right after the verb or after the preposition
    (``- * + [051]`` -> ``praise T``, ``- * WITH + [040]`` -> ``meet with T``,
    ``- * SANCTIONS ON + [163]`` -> ``impose sanctions on T``). Synsets (``&X``),
    compounds (``%``), alternatives, pre-verb words and words after the target are
    not expressible; those patterns are returned in the second value as skipped.
    """
    codes: dict[str, list[str]] = {}
    skipped: list[str] = []
    verb: Optional[str] = None

    def add(code: str, pattern: str) -> None:
        lst = codes.setdefault(code, [])
        if pattern not in lst:
            lst.append(pattern)

    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head = re.match(r"^---\s+(.+?)\s+\[([^\]]*)\]\s+---", line)
        if head:
            words = head.group(1).replace("_", " ").lower().split()
            verb = words[0] if words else None
            code = head.group(2).strip()
            if verb and code.isdigit():
                add(code, f"{verb} T")
            continue
        if line.startswith("---"):
            verb = None  # a section marker such as "--- END ---"
            continue
        if not line.startswith("-") or verb is None:
            continue
        m = re.match(r"^-\s*(.*?)\s*\[([^\]]+)\]\s*$", line)
        if not m:
            skipped.append(line)
            continue
        body, code = m.group(1), m.group(2).strip().split()[0].strip(":")
        if not code.isdigit():
            skipped.append(line)
            continue
        toks = [t for t in body.replace("_", " ").split() if t != "$"]
        if "*" not in toks or toks.index("*") != 0 or any(ch in body for ch in "&%{}()|^="):
            skipped.append(line)
            continue
        rest = [t.lower() for t in toks[1:]]
        out = [verb]
        target = False
        i = 0
        if i < len(rest) and rest[i] == "+":
            target, i = True, i + 1
            if i < len(rest):
                skipped.append(line)
                continue
            add(code, f"{verb} T")
            continue
        if i < len(rest) and rest[i] in _PARTICLES and (i + 1 == len(rest) or rest[i + 1] in ("+",) or rest[i + 1] not in _PREPOSITIONS):
            out.append(rest[i])
            i += 1
        objs: list[str] = []
        while i < len(rest) and rest[i] != "+" and rest[i] not in _PREPOSITIONS:
            objs.append(rest[i])
            i += 1
        if len(objs) > 1:
            skipped.append(line)
            continue
        out += [_singular(o) for o in objs]
        if i < len(rest) and rest[i] in _PREPOSITIONS:
            out.append(rest[i])
            i += 1
        if i < len(rest) and rest[i] == "+":
            target = True
            i += 1
        if i != len(rest):
            skipped.append(line)
            continue
        add(code, " ".join(out) + (" T" if target else ""))
    return {"codes": codes}, skipped


__all__ = [
    "DictionaryError",
    "Dictionaries",
    "Entry",
    "Person",
    "Role",
    "Term",
    "import_petrarch_actors",
    "import_petrarch_agents",
    "import_petrarch_verbs",
    "load_dictionaries",
    "norm_key",
]


def case_ok(words: Sequence[str], case: str) -> bool:
    """Whether the words of a text match an entry's case rule: ``upper`` needs every word
    in capitals, ``exact`` every content word capitalised, anything else one capital.
    Memoised (the same names recur in every doc)."""
    return _case_ok(tuple(words), case)


@lru_cache(maxsize=16384)
def _case_ok(words: tuple[str, ...], case: str) -> bool:
    words = [w for w in words if any(c.isalpha() for c in w)]
    if not words:
        return False
    if case == "upper":
        return all(w.upper() == w for w in words)
    if case == "exact":
        return all(w[0].isupper() or w.lower() in ("of", "the", "and", "for", "de", "al", "d'") for w in words)
    return any(c.isupper() for w in words for c in w)
