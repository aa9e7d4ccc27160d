"""The gazetteer: countries, regions, seas and cities with coordinates, from package data.

Data files (``eventwire/data/gazetteer/``): ``countries.tsv``, ``cities.tsv`` and
``us_states.tsv`` are generated from GeoNames by ``scripts/build_gazetteer.py``;
``regions.tsv`` (regions, disputed territories, seas, wider areas, a few sites) is
authored. Country codes are ISO 3166-1 alpha-3.

Names are matched after folding case, diacritics, full stops and a leading "the"
(``"the U.S."`` and ``"US"`` are one key). A name may have several entries ("Georgia":
the country and the US state; "Geneva": Switzerland, Illinois, New York ...);
:meth:`Gazetteer.resolve` picks one by a prior (feature type, population, main name
over variant) plus the countries the rest of the article mentions.

Limits: cities below 5,000 inhabitants are absent; variants are GeoNames' Latin-script
alternate names (cities over 50,000) and the authored ones; first-level regions exist
only for the US states and the authored list.
"""

from __future__ import annotations

import gc
import logging
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple, Optional

from .lexicon import data_path

log = logging.getLogger(__name__)

FEATURES = ("country", "region", "city", "water", "area", "continent", "site")
# Priors for non-city features; cities score 1.5 * log10(population).
FEATURE_PRIOR = {"country": 9.5, "region": 8.0, "water": 7.5, "area": 7.5, "continent": 7.5, "site": 7.0}
ALIAS_PENALTY = 3.0
CONTEXT_WEIGHT = 2.0

_DASHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-"})


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The folded form names are matched by: ``"the U.S."`` -> ``"us"``, ``"Zürich"`` -> ``"zurich"``.
    Memoised: the places stage folds the same words over and over."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_DASHES))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace(".", "")
    text = " ".join(text.split()).casefold()
    if text.startswith("the "):
        text = text[4:]
    return text


class Entry(NamedTuple):
    """One gazetteer place. ``country`` is ISO alpha-3 (None for areas spanning several)."""

    name: str
    country: Optional[str]
    lat: Optional[float]  # None only for a few territories without a city in the data
    lon: Optional[float]
    feature: str
    population: int = 0
    admin1: str = ""
    id: str = ""

    def prior(self) -> float:
        if self.feature == "city":
            return 1.5 * math.log10(self.population + 10)
        return FEATURE_PRIOR.get(self.feature, 7.0)


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: Entry
    alias: bool  # matched a variant rather than the main name


class Gazetteer:
    """Name index over the entries; build it with :func:`load_gazetteer`."""

    def __init__(self, entries: list, names: dict[str, list[tuple[int, bool]]], demonyms: dict[str, str],
                 countries: dict[str, Entry], iso2: dict[str, str], capitals: Optional[dict[str, str]] = None):
        self.entries = entries
        self._names = names
        self._demonyms = demonyms
        self._countries = countries
        self._iso2 = iso2
        self.capitals = capitals or {}  # alpha-3 -> folded name of the capital
        self.max_tokens = max((k.count(" ") + 1 for k in names), default=1)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: str) -> bool:
        return name_key(name) in self._names

    def entry(self, idx: int) -> Entry:
        item = self.entries[idx]
        if isinstance(item, list):  # a city row not yet converted
            item = Entry(item[1], item[2], float(item[3]), float(item[4]), "city", int(item[5]), item[6], item[0])
            self.entries[idx] = item
        return item

    def lookup(self, name: str) -> list[Candidate]:
        """All entries called ``name`` (main name or variant), in no particular order."""
        return self.lookup_key(name_key(name))

    def lookup_key(self, key: str) -> list[Candidate]:
        """Like :meth:`lookup` for an already folded key (see :func:`name_key`)."""
        found = self._names.get(key)
        if not found:
            return []
        seen: dict[int, bool] = {}
        for i, alias in found:
            seen[i] = seen.get(i, True) and alias
        return [Candidate(self.entry(i), alias) for i, alias in seen.items()]

    def country(self, code: str) -> Optional[Entry]:
        """The country entry for an alpha-3 or alpha-2 code."""
        code = code.upper()
        return self._countries.get(self._iso2.get(code, code))

    def demonym(self, word: str) -> Optional[str]:
        """The alpha-3 country of a demonym (``"Swiss"`` -> ``"CHE"``), else None."""
        return self._demonyms.get(name_key(word))

    def resolve(self, name: str, context: Optional[Mapping[str, float]] = None, *,
                country: Optional[str] = None, admin1: Optional[str] = None) -> Optional[Entry]:
        """The most likely entry for ``name``.

        ``context`` maps alpha-3 codes to their share (0..1) of the article's other place
        mentions; ``country``/``admin1`` restrict the candidates (from "Atlanta, Georgia").
        """
        best = self.rank(self.lookup(name), context, country=country, admin1=admin1)
        return best[0].entry if best else None

    @staticmethod
    def score(cand: Candidate, context: Optional[Mapping[str, float]] = None) -> float:
        score = cand.entry.prior() - (ALIAS_PENALTY if cand.alias else 0.0)
        if context and cand.entry.country:
            score += CONTEXT_WEIGHT * context.get(cand.entry.country, 0.0)
        return score

    def rank(self, cands: Iterable[Candidate], context: Optional[Mapping[str, float]] = None, *,
             country: Optional[str] = None, admin1: Optional[str] = None) -> list[Candidate]:
        cands = list(cands)
        if country:
            narrowed = [c for c in cands if c.entry.country == country and (not admin1 or c.entry.admin1 == admin1)]
            cands = narrowed or cands
        return sorted(cands, key=lambda c: -self.score(c, context))


def _split(value: str) -> list[str]:
    return [v for v in (value or "").split("|") if v]


def _rows(path: Path) -> Iterable[list[str]]:
    with open(path, encoding="utf-8") as fh:
        header = None
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            row = line.rstrip("\n").split("\t")
            if header is None:
                header = row
                continue
            yield row


@lru_cache(maxsize=4)
def load_gazetteer(directory: Optional[str] = None) -> Gazetteer:
    """Load the gazetteer data files (cached: one load per process)."""
    # Hundreds of thousands of small containers: the cyclic GC would scan them
    # repeatedly while they are built (it tripled the load time), and none can cycle.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(directory)
    finally:
        if enabled:
            gc.enable()


def _load(directory: Optional[str]) -> Gazetteer:
    base = Path(directory) if directory else data_path("gazetteer")
    entries: list[Entry] = []
    names: dict[str, list[tuple[int, bool]]] = {}
    demonyms: dict[str, str] = {}
    countries: dict[str, Entry] = {}
    iso2: dict[str, str] = {}
    capitals: dict[str, str] = {}

    def add(entry: Entry, aliases: Iterable[str]) -> None:
        idx = len(entries)
        entries.append(entry)
        keys = [name_key(entry.name)] + [name_key(a) for a in aliases]
        index(idx, keys)

    def index(idx: int, keys: list[str]) -> None:
        names.setdefault(keys[0], []).append((idx, False))
        for key in set(keys[1:]) - {keys[0]}:
            names.setdefault(key, []).append((idx, True))

    # countries: iso2 iso3 name lat lon population capital neighbours aliases demonyms
    for row in _rows(base / "countries.tsv"):
        code2, code3, name, lat, lon, pop = row[0], row[1], row[2], row[3], row[4], row[5]
        entry = Entry(name, code3, float(lat) if lat else None, float(lon) if lon else None, "country",
                      int(pop or 0), "", code3)
        countries[code3] = entry
        iso2[code2] = code3
        capitals[code3] = name_key(row[6])
        add(entry, _split(row[8]))
        for dem in _split(row[9]):
            demonyms.setdefault(name_key(dem), code3)
    # regions (authored): name country lat lon feature aliases
    for row in _rows(base / "regions.tsv"):
        row += [""] * (6 - len(row))
        code = row[1].strip() or None
        add(Entry(row[0], code, float(row[2]), float(row[3]), row[4].strip(), 0, "", "r:" + row[0]), _split(row[5]))
    # us_states: name country lat lon feature code
    for row in _rows(base / "us_states.tsv"):
        add(Entry(row[0], row[1], float(row[2]), float(row[3]), row[4], 0, row[5], "us:" + row[5]), ())
    # cities: id name country lat lon population admin1 keys ("main|main;variant|variant", folded).
    # The hot loop of the load: rows stay raw until looked up (see Gazetteer.entry).
    setdefault = names.setdefault
    with open(base / "cities.tsv", encoding="utf-8") as fh:
        lines = [line for line in fh.read().split("\n") if line and line[0] != "#"]
    for line in lines[1:]:
        row = line.split("\t")
        idx = len(entries)
        entries.append(row)
        mains, _, variants = row[7].partition(";")
        for key in mains.split("|"):
            setdefault(key, []).append((idx, False))
        if variants:
            for key in variants.split("|"):
                setdefault(key, []).append((idx, True))
    log.info("gazetteer: %d entries, %d names", len(entries), len(names))
    return Gazetteer(entries, names, demonyms, countries, iso2, capitals)


__all__ = ["Candidate", "Entry", "Gazetteer", "load_gazetteer", "name_key"]
