"""Deduplication helpers: near-duplicate articles (MinHash LSH) and event clusters.

Near-duplicates: an article's MinHash signature over word shingles of its normalised
title and text is split into ``bands`` bands of ``rows`` rows (datasketch's optimal
parameters for the threshold); each band hashes to a bucket stored in
``minhash_bands``. Articles sharing a bucket are candidates, confirmed when the
estimated Jaccard similarity reaches the threshold. The index is therefore updated
in the article's own transaction and never needs rebuilding; :func:`build_lsh`
rebuilds an in-memory datasketch index from the stored signatures when wanted.

Event clusters: one real-world event reported by many sentences and articles. Two
mentions belong to the same event when they share the dyad (country, else code, of
source and target; either order for the symmetric roots 04 consult and 19 fight),
the CAMEO root, the negation and hypothetical flags, a date of the same precision
within a window (days apart for day dates, the same month or year otherwise), and
compatible places (near each other, or one unknown).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np

from ..models import Event, normalise_text

NUM_PERM = 128
SHINGLE_WORDS = 3
NEAR_DUP_THRESHOLD = 0.7
MIN_SHINGLES = 12  # texts shorter than this are not compared
# Stored signatures are only comparable under one hashing scheme: pin it.
MINHASH_SCHEME = "affine32"
SYMMETRIC_ROOTS = frozenset({"04", "19"})


@dataclass(frozen=True)
class DedupConfig:
    """Settings of both kinds of deduplication (defaults suit wire copy)."""

    near_dup_threshold: float = NEAR_DUP_THRESHOLD
    num_perm: int = NUM_PERM
    window_days: int = 2
    place_km: float = 100.0

    def lsh_params(self) -> tuple[int, int]:
        return lsh_params(self.near_dup_threshold, self.num_perm)


@functools.lru_cache(maxsize=16)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + negatives, as datasketch chooses them
    (a numerical integration taking ~0.2 s: computed once per setting)."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


# --- near-duplicate articles -------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = SHINGLE_WORDS, *, normalised: bool = False) -> set[str]:
    """The ``k``-word shingles of a text (``normalised``: the text is already :func:`normalise_text`'s)."""
    words = _WORD.findall(text if normalised else normalise_text(text))
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def signature(text: str, num_perm: int = NUM_PERM, *, normalised: bool = False) -> Optional[np.ndarray]:
    """The MinHash hash values of a text, or None when it is too short to compare
    (``normalised``: the text is already :func:`normalise_text`'s)."""
    grams = shingles(text, normalised=normalised)
    if len(grams) < MIN_SHINGLES:
        return None
    mh = _empty_minhash(num_perm).copy()
    mh.update_batch([g.encode("utf-8") for g in grams])
    return mh.hashvalues.astype(np.uint32)


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype="<u4")


def band_buckets(sig: np.ndarray, bands: int, rows: int) -> list[tuple[int, str]]:
    """(band number, bucket) pairs of a signature."""
    out = []
    for b in range(bands):
        chunk = sig[b * rows : (b + 1) * rows].astype("<u4").tobytes()
        out.append((b, hashlib.blake2b(chunk, digest_size=8).hexdigest()))
    return out


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def build_lsh(signatures: Iterable[tuple[int, bytes]], config: DedupConfig = DedupConfig()):
    """A datasketch ``MinHashLSH`` over stored (article pk, signature) pairs."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=config.near_dup_threshold, num_perm=config.num_perm)
    with lsh.insertion_session() as session:
        for pk, blob in signatures:
            session.insert(pk, minhash_from_blob(blob))
    return lsh


def new_minhash(num_perm: int = NUM_PERM, hashvalues=None):
    """A datasketch MinHash with the pinned scheme (datasketch >= 2.0)."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, hashvalues=hashvalues, scheme=MINHASH_SCHEME)


def minhash_from_blob(blob: bytes):
    return new_minhash(hashvalues=from_blob(blob).copy())


@functools.lru_cache(maxsize=4)
def _empty_minhash(num_perm: int):
    # Building the permutations is most of the cost of a MinHash: do it once.
    return new_minhash(num_perm)


# --- event clusters ----------------------------------------------------------------


@dataclass(frozen=True)
class EventKey:
    """What a mention must share with a cluster, and where it sits in time and space."""

    source_key: str
    target_key: str
    root: str
    negated: int
    hypothetical: int
    day: Optional[str]
    precision: Optional[str]
    place_name: Optional[str]
    place_lat: Optional[float]
    place_lon: Optional[float]


def event_day(date: Optional[str], published: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """(day, precision) of an event date, falling back to the publication date."""
    for value in (date, published):
        if not value:
            continue
        value = str(value)
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return dt.date.fromisoformat(value).isoformat(), "day"
            if re.fullmatch(r"\d{4}-\d{2}", value):
                return dt.date(int(value[:4]), int(value[5:7]), 1).isoformat(), "month"
            if re.fullmatch(r"\d{4}", value):
                return f"{value}-01-01", "year"
        except ValueError:
            continue
    return None, None


def side_key(code: Optional[str], country: Optional[str]) -> str:
    return (country or code or "").upper()


def event_key(event: Event, published: Optional[str]) -> EventKey:
    src = side_key(event.source.code, event.source.country)
    tgt = side_key(event.target.code, event.target.country) if event.target else ""
    if event.root in SYMMETRIC_ROOTS and tgt and tgt < src:
        src, tgt = tgt, src
    day, precision = event_day(event.date, published)
    place = event.place
    return EventKey(
        source_key=src,
        target_key=tgt,
        root=event.root,
        negated=int(bool(event.negated)),
        hypothetical=int(event.modality == "hypothetical"),
        day=day,
        precision=precision,
        place_name=place.name if place else None,
        place_lat=place.lat if place else None,
        place_lon=place.lon if place else None,
    )


def window(key: EventKey, days: int) -> tuple[str, str]:
    """The anchor days a cluster may have to take this mention."""
    day = dt.date.fromisoformat(key.day)
    if key.precision == "day":
        return (day - dt.timedelta(days=days)).isoformat(), (day + dt.timedelta(days=days)).isoformat()
    return key.day, key.day


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def places_compatible(key: EventKey, cluster: dict, place_km: float) -> bool:
    if key.place_name is None or cluster.get("place_name") is None:
        return True
    if None not in (key.place_lat, key.place_lon, cluster.get("place_lat"), cluster.get("place_lon")):
        return km_between(key.place_lat, key.place_lon, cluster["place_lat"], cluster["place_lon"]) <= place_km
    return normalise_text(key.place_name) == normalise_text(cluster["place_name"])


def best_cluster(key: EventKey, candidates: list[dict], place_km: float) -> Optional[dict]:
    """The candidate cluster (same key, anchor in the window) closest in time, if any."""
    fits = [c for c in candidates if c["precision"] == key.precision and places_compatible(key, c, place_km)]
    if not fits:
        return None
    day = dt.date.fromisoformat(key.day)
    return min(fits, key=lambda c: (abs((dt.date.fromisoformat(c["day"]) - day).days), c["id"]))
