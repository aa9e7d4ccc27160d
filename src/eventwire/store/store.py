"""The writer: each article all or nothing, idempotent, with deduplication.

``Store.add(article, analysis)`` writes the article and every record of its analysis
in one transaction, holding the store's write lock, so an interrupted run (even a
killed process) leaves either the whole article or nothing. ``Store.add_many`` writes
many articles in one transaction (one commit, the costly part on SQLite), each inside
a savepoint of its own: an article that cannot be stored is rolled back alone and
reported, the others are committed together; a killed process loses the uncommitted
batch whole, and a rerun stores it again. Adding an article whose normalised content
hash is already stored changes nothing but its URL list; an article that is a
near-copy of a stored one is stored and linked to it (``duplicate_of``); each event
mention joins (or opens) its event cluster.

The rows an article needs that do not depend on the database (its record rows, the
MinHash signature, the event cluster keys) are computed by :func:`prepare`, which
may run anywhere (an ingest worker does it beside the analysis): a
:class:`Prepared` is plain tuples, cheap to send between processes and to write.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple, Optional, Union

from ..errors import StoreError
from ..models import Analysis, Article, normalise_text
from . import dedup
from .backend import Backend, connect, insert_with_ids, now_iso
from .names import fold_name

log = logging.getLogger(__name__)

ADD_STATUSES = ("new", "duplicate", "near-duplicate")


@dataclass(frozen=True)
class AddResult:
    """What ``Store.add`` did: ``status`` is one of :data:`ADD_STATUSES`."""

    status: str
    article_pk: int
    duplicate_of: Optional[int] = None
    similarity: Optional[float] = None
    events: int = 0
    new_clusters: int = 0


class Prepared(NamedTuple):
    """An article with its analysis as the rows the store writes, less what depends on
    the database (the article's key, event cluster ids): see :func:`prepare`."""

    article: Article
    content_hash: str
    num_perm: int
    signature: Optional[bytes]  # MinHash values (:func:`dedup.to_blob`), None for a short text
    published: Optional[str]
    article_values: tuple  # the articles row from article_id to tone_negative
    records: tuple  # rows (without the article key) of actors, quotes, places, times
    events: tuple  # event rows without the article key and the cluster id
    keys: tuple  # per event: the fields of its dedup.EventKey
    seeds: tuple  # per event: (cameo, quad_class, goldstein, place country) for a new cluster

    @property
    def id(self) -> str:
        return self.article.id


def prepare(article: Article, analysis: Analysis, num_perm: int = dedup.NUM_PERM) -> Prepared:
    """The database-independent part of storing ``article`` (pure: runs anywhere)."""
    norm = normalise_text(article.title + "\n" + article.text)
    chash = hashlib.sha256(norm.encode("utf-8")).hexdigest()  # == article.content_hash
    sig = dedup.signature(norm, num_perm, normalised=True)
    published = analysis.published or article.published
    tone = analysis.tone
    values = (
        article.id, chash, article.title or analysis.title or "", article.text, published, article.url,
        article.source, analysis.language, tone.score, tone.positive, tone.negative,
    )
    quote_rows = []
    for n, q in enumerate(analysis.quotes):
        sp = q.speaker
        mspan = sp.mention_span if sp and sp.mention_span else (None, None)
        quote_rows.append((
            n, q.text, q.kind, q.span[0], q.span[1], int(q.in_title), q.cue,
            sp.name if sp else None, sp.code if sp else None, sp.actor if sp else None,
            sp.mention if sp else None, mspan[0], mspan[1], fold_name(sp.name) if sp else None,
        ))
    records = (
        tuple((a.id, a.name, a.code, a.country, a.sector, a.kind, json.dumps([list(m) for m in a.mentions]))
              for a in analysis.actors),
        tuple(quote_rows),
        tuple((p.name, p.country, p.lat, p.lon, p.feature, p.span[0], p.span[1], int(p.in_title))
              for p in analysis.places),
        tuple((t.text, t.value, t.span[0], t.span[1], int(t.in_title)) for t in analysis.times),
    )
    event_rows, keys, seeds = [], [], []
    for n, e in enumerate(analysis.events):
        key = dedup.event_key(e, published)
        src, tgt, place = e.source, e.target, e.place
        event_rows.append((
            n, src.name, src.code, src.country, src.actor,
            tgt.name if tgt else None, tgt.code if tgt else None,
            tgt.country if tgt else None, tgt.actor if tgt else None,
            e.cameo, e.root, e.plover, e.mode, e.goldstein, e.quad_class, e.date, e.date_source, key.day,
            place.name if place else None, place.country if place else None,
            place.lat if place else None, place.lon if place else None,
            int(bool(e.negated)), e.modality, e.sentence, e.span[0], e.span[1], int(e.in_title), e.evidence,
        ))
        keys.append(tuple(getattr(key, f) for f in _KEY_FIELDS))
        seeds.append((e.cameo, e.quad_class, e.goldstein, place.country if place else None))
    return Prepared(article, chash, num_perm, None if sig is None else dedup.to_blob(sig), published, values,
                    records, tuple(event_rows), tuple(keys), tuple(seeds))


_KEY_FIELDS = tuple(f.name for f in dataclasses.fields(dedup.EventKey))


@dataclass
class Store:
    """An open store. Use :func:`open_store`; close it (or use ``with``)."""

    db: Backend
    url: str
    config: dedup.DedupConfig = field(default_factory=dedup.DedupConfig)

    @property
    def dialect(self) -> str:
        return self.db.dialect

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # --- small writer API ------------------------------------------------------

    def tune_for_bulk_writes(self, cache_kib: int = 64 * 1024) -> None:
        """Give a SQLite writer a larger page cache for long ingests (the default 2 MiB
        makes every index update of a store past a few hundred articles read its
        pages again: ~15% of the writer's store CPU); nothing to do on PostgreSQL."""
        if self.dialect == "sqlite":
            self.db.execute(f"PRAGMA cache_size = {-int(cache_kib)}")

    def has(self, content_hash: str) -> bool:
        """True when an article with this normalised content hash is stored."""
        return self.db.one("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)) is not None

    def add_url(self, content_hash: str, url: str) -> bool:
        """Record one more URL of a stored article; False when unknown or already there."""
        if not url:
            return False
        with self.db.transaction():
            row = self.db.one("SELECT id FROM articles WHERE content_hash = ?", (content_hash,))
            if row is None:
                return False
            added = self._add_url(row["id"], url)
            if added:
                self._bump_generation()
            return added

    def _add_url(self, pk: int, url: str) -> bool:
        if self.db.one("SELECT 1 AS x FROM article_urls WHERE article = ? AND url = ?", (pk, url)):
            return False
        self.db.execute("INSERT INTO article_urls (article, url) VALUES (?, ?)", (pk, url))
        return True

    def generation(self) -> int:
        """A number every write to the articles and their records increases: an answer
        computed at one generation stays right while the generation is the same."""
        return int(self.db.scalar("SELECT value FROM store_meta WHERE key = 'generation'") or 0)

    def _bump_generation(self) -> None:
        # Inside the writer's transaction: readers see the new number with the new rows.
        self.db.execute(
            "UPDATE store_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'generation'"
        )

    def counts(self) -> dict[str, int]:
        """Rows per table (for reports and tests)."""
        tables = ("articles", "article_urls", "actors", "quotes", "events", "event_clusters", "places", "times")
        return {t: int(self.db.scalar(f"SELECT COUNT(*) AS n FROM {t}")) for t in tables}

    def schema_version(self) -> int:
        return self.db.schema_version()

    # --- the LSH index ---------------------------------------------------------

    def lsh_layout(self) -> str:
        bands, rows = self.config.lsh_params()
        return f"{self.config.num_perm}:{bands}x{rows}"

    def check_lsh_layout(self) -> bool:
        """Rebuild the LSH buckets if they were written with another band layout
        (another near-duplicate threshold); True when a rebuild was needed."""
        layout = self.lsh_layout()
        row = self.db.one("SELECT value FROM store_meta WHERE key = 'lsh_layout'")
        if row is not None and row["value"] == layout:
            return False
        with self.db.transaction():
            row = self.db.one("SELECT value FROM store_meta WHERE key = 'lsh_layout'")
            if row is not None and row["value"] == layout:
                return False
            rebuilt = row is not None or self.db.one("SELECT article FROM minhash_bands LIMIT 1") is not None
            if rebuilt:
                self._rebuild_lsh()
            self.db.execute("DELETE FROM store_meta WHERE key = 'lsh_layout'")
            self.db.execute("INSERT INTO store_meta (key, value) VALUES ('lsh_layout', ?)", (layout,))
        if rebuilt:
            log.info("store %s: LSH buckets rebuilt for layout %s", self.url, layout)
        return rebuilt

    def _rebuild_lsh(self) -> None:
        bands, rows = self.config.lsh_params()
        self.db.execute("DELETE FROM minhash_bands")
        for r in self.db.query("SELECT article, signature FROM article_minhash ORDER BY article"):
            sig = dedup.from_blob(r["signature"])
            if len(sig) != self.config.num_perm:
                continue  # written with another num_perm: not comparable
            self.db.executemany(
                "INSERT INTO minhash_bands (band, bucket, article) VALUES (?, ?, ?)",
                [(b, bucket, r["article"]) for b, bucket in dedup.band_buckets(sig, bands, rows)],
            )

    # --- adding an article -----------------------------------------------------

    def add(self, article: Article, analysis: Analysis, model: Optional[str] = None) -> AddResult:
        """Store an article and its analysis in one transaction (see module docstring)."""
        prepared = prepare(article, analysis, self.config.num_perm)
        with self.db.transaction():
            result, changed = self._add_prepared(prepared, model)
            if changed:
                self._bump_generation()
        return result

    def add_many(
        self, items: Iterable[Union[Prepared, tuple[Article, Analysis]]], model: Optional[str] = None
    ) -> list[Union[AddResult, Exception]]:
        """Store many articles in one transaction, each all or nothing (a savepoint).

        ``items`` are :class:`Prepared` records or ``(article, analysis)`` pairs. Returns,
        in order, each article's :class:`AddResult`, or the exception that kept it out
        of the store (the others are stored all the same). An error outside any one
        article (the commit itself) raises, and then nothing of the batch is stored.
        """
        out: list[Union[AddResult, Exception]] = []
        changed = False
        with self.db.transaction():
            for item in items:
                try:
                    with self.db.savepoint():
                        prepared = item if isinstance(item, Prepared) else prepare(*item, self.config.num_perm)
                        result, wrote = self._add_prepared(prepared, model)
                except Exception as exc:  # this article only: rolled back to its savepoint, reported
                    log.debug("article not stored", exc_info=True)
                    out.append(exc)
                    continue
                out.append(result)
                changed = changed or wrote
            if changed:
                self._bump_generation()
        return out

    def _add_prepared(self, p: Prepared, model: Optional[str]) -> tuple[AddResult, bool]:
        """Write one prepared article inside the caller's transaction; (result, whether anything changed)."""
        article = p.article
        row = self.db.one("SELECT id FROM articles WHERE content_hash = ?", (p.content_hash,))
        if row is not None:
            changed = bool(article.url) and self._add_url(row["id"], article.url)
            return AddResult("duplicate", row["id"]), changed
        if p.num_perm == self.config.num_perm:
            sig = None if p.signature is None else dedup.from_blob(p.signature)
        else:  # prepared for another signature length: compute this store's
            sig = dedup.signature(article.title + "\n" + article.text, self.config.num_perm)
        original, similarity = self._near_duplicate_of(sig) if sig is not None else (None, None)
        pk = self._insert_article(p, model, original, similarity)
        # Statements whose results are not needed go together (one round trip on PostgreSQL).
        batch = [("INSERT INTO article_urls (article, url) VALUES (?, ?)", [(pk, article.url)] if article.url else [])]
        if sig is not None:
            batch += self._signature_rows(pk, sig)
        batch += self._record_rows(pk, p)
        self.db.run_batch(batch)
        n_events, n_new = self._insert_events(pk, p, p.published, original)
        status = "near-duplicate" if original is not None else "new"
        log.debug("stored article %s as %s (pk %s)", article.id, status, pk)
        return AddResult(status, pk, original, similarity, n_events, n_new), True

    def _near_duplicate_of(self, sig) -> tuple[Optional[int], Optional[float]]:
        bands, rows = self.config.lsh_params()
        buckets = dedup.band_buckets(sig, bands, rows)
        where = " OR ".join(["(b.band = ? AND b.bucket = ?)"] * len(buckets))
        params = [v for pair in buckets for v in pair]
        candidates = self.db.query(
            "SELECT DISTINCT m.article, m.signature, a.duplicate_of FROM minhash_bands b"
            " JOIN article_minhash m ON m.article = b.article JOIN articles a ON a.id = b.article"
            f" WHERE {where}",
            params,
        )
        best = None
        for cand in candidates:
            sim = dedup.jaccard(sig, dedup.from_blob(cand["signature"]))
            if sim >= self.config.near_dup_threshold and (best is None or (sim, -cand["article"]) > best[0]):
                best = ((sim, -cand["article"]), cand["duplicate_of"] or cand["article"])
        if best is None:
            return None, None
        return best[1], round(best[0][0], 4)

    def _signature_rows(self, pk: int, sig) -> list[tuple[str, list]]:
        bands, rows = self.config.lsh_params()
        return [
            ("INSERT INTO article_minhash (article, num_perm, signature) VALUES (?, ?, ?)",
             [(pk, len(sig), dedup.to_blob(sig))]),
            ("INSERT INTO minhash_bands (band, bucket, article) VALUES (?, ?, ?)",
             [(b, bucket, pk) for b, bucket in dedup.band_buckets(sig, bands, rows)]),
        ]

    def _insert_article(self, p: Prepared, model, original, similarity) -> int:
        return self.db.insert(
            "INSERT INTO articles (article_id, content_hash, title, text, published, url, source, language,"
            " tone_score, tone_positive, tone_negative, model, analysed_at, duplicate_of, similarity)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (*p.article_values, model, now_iso(), original, similarity),
        )

    def _record_rows(self, pk: int, p: Prepared) -> list[tuple[str, list]]:
        actors, quotes, places, times = p.records
        return [
            (
                "INSERT INTO actors (article, local_id, name, code, country, sector, kind, mentions)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(pk, *r) for r in actors],
            ),
            (
                "INSERT INTO quotes (article, ordinal, text, kind, start_char, end_char, in_title, cue, speaker_name,"
                " speaker_code, speaker_actor, speaker_mention, speaker_mention_start, speaker_mention_end,"
                " speaker_norm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(pk, *r) for r in quotes],
            ),
            (
                "INSERT INTO places (article, name, country, lat, lon, feature, start_char, end_char, in_title)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(pk, *r) for r in places],
            ),
            (
                "INSERT INTO times (article, text, value, start_char, end_char, in_title) VALUES (?, ?, ?, ?, ?, ?)",
                [(pk, *r) for r in times],
            ),
            _actor_names_rows(actors),
        ]

    def _insert_events(self, pk: int, p: Prepared, published: Optional[str], original: Optional[int]):
        if not p.events:
            return 0, 0
        keys = [dedup.EventKey(*k) for k in p.keys]
        cluster_ids, new_count, batch = self._assign_clusters(keys, p.seeds, original)
        rows = [(pk, *row, cluster_id) for row, cluster_id in zip(p.events, cluster_ids)]
        batch.append((
            "INSERT INTO events (article, ordinal, source_name, source_code, source_country, source_actor,"
            " target_name, target_code, target_country, target_actor, cameo, root, plover, mode, goldstein,"
            " quad_class, date, date_source, day, place_name, place_country, place_lat, place_lon, negated,"
            " modality, sentence, start_char, end_char, in_title, evidence, cluster_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        ))
        batch.append(self._recount(sorted(set(cluster_ids))))
        batch += _relation_refresh(sorted({(k.source_key, k.target_key) for k in keys}))
        self.db.run_batch(batch)
        return len(rows), new_count

    def _assign_clusters(self, keys: list[dedup.EventKey], seeds, original: Optional[int] = None):
        """The cluster of each mention (an existing one, or one created for this article),
        how many were created, and the statements that write the new and changed clusters.

        The mentions of a near-duplicate article first join the events of its
        original (same dyad, root and flags), whatever their dates: a story
        republished days later is still the same report of the same events.
        """
        pool = self._candidate_clusters(keys)
        family = self._family_clusters(original) if original is not None else []
        new: list[dict] = []
        place_updates: dict[int, dict] = {}
        assigned: list[dict] = []
        for key, seed in zip(keys, seeds):
            found = None
            kin = [c for c in family if _same_kind(c, key)]
            if kin:
                found = min(kin, key=lambda c: (c["precision"] != key.precision, c["day"] != key.day, c["id"]))
            elif key.day is not None:
                lo, hi = dedup.window(key, self.config.window_days)
                same = [c for c in pool + new if _same_kind(c, key) and c["day"] is not None and lo <= c["day"] <= hi]
                found = dedup.best_cluster(key, same, self.config.place_km)
            if found is None:
                found = _cluster_row(key, seed, temp_id=NEW_CLUSTER_ID + len(new))
                new.append(found)
            elif found["place_name"] is None and key.place_name is not None:
                found.update(place_name=key.place_name, place_country=seed[3],
                             place_lat=key.place_lat, place_lon=key.place_lon)
                if found["id"] < NEW_CLUSTER_ID:
                    place_updates[found["id"]] = found
            assigned.append(found)
        batch = []
        if new:
            ids = self.db.new_ids("event_clusters", len(new))
            for c, cid in zip(new, ids):
                c["id"] = cid
            batch.append(insert_with_ids("event_clusters", CLUSTER_COLUMNS, ids,
                                         [tuple(c[k] for k in CLUSTER_COLUMNS) for c in new]))
        batch.append((
            "UPDATE event_clusters SET place_name = ?, place_country = ?, place_lat = ?, place_lon = ? WHERE id = ?",
            [(c["place_name"], c["place_country"], c["place_lat"], c["place_lon"], cid)
             for cid, c in sorted(place_updates.items())],
        ))
        return [c["id"] for c in assigned], len(new), batch

    def _family_clusters(self, original: int) -> list[dict]:
        """The clusters of the events of an article and of its near-duplicates."""
        return self.db.query(
            f"SELECT DISTINCT {', '.join('c.' + c for c in CLUSTER_SELECT)} FROM event_clusters c"
            " JOIN events e ON e.cluster_id = c.id JOIN articles a ON a.id = e.article"
            " WHERE a.id = ? OR a.duplicate_of = ?",
            (original, original),
        )

    def _candidate_clusters(self, keys: list[dedup.EventKey]) -> list[dict]:
        """Stored clusters that could take one of these mentions (one query)."""
        conds, params = [], []
        for key in {k for k in keys if k.day is not None}:
            lo, hi = dedup.window(key, self.config.window_days)
            conds.append("(source_key = ? AND target_key = ? AND root = ? AND day >= ? AND day <= ?)")
            params += [key.source_key, key.target_key, key.root, lo, hi]
        if not conds:
            return []
        return self.db.query(
            f"SELECT {', '.join(CLUSTER_SELECT)} FROM event_clusters WHERE {' OR '.join(conds)}", params
        )

    def _recount(self, cluster_ids: list[int]) -> tuple[str, list]:
        """The statement recomputing these clusters' counts from their mentions."""
        members = "FROM events e JOIN articles a ON a.id = e.article WHERE e.cluster_id = event_clusters.id"
        return (
            f"UPDATE event_clusters SET num_mentions = (SELECT COUNT(*) {members}),"
            f" num_articles = (SELECT COUNT(DISTINCT COALESCE(a.duplicate_of, a.id)) {members}),"
            f" num_sources = (SELECT COUNT(DISTINCT a.source) {members}),"
            f" goldstein = (SELECT AVG(e.goldstein) {members})"
            f" WHERE id IN ({', '.join('?' * len(cluster_ids))})",
            [tuple(cluster_ids)] if cluster_ids else [],
        )


def _actor_names_rows(actors: tuple) -> tuple[str, list]:
    """The upsert adding an article's actor rows to ``actor_names`` (migration 0010):
    per (name, code, country or ''), its number of rows."""
    counts: dict[tuple, int] = {}
    for _local_id, name, code, country, *_ in actors:
        key = (name, code, country or "")
        counts[key] = counts.get(key, 0) + 1
    return (
        "INSERT INTO actor_names (name, code, country, n) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (name, code, country) DO UPDATE SET n = actor_names.n + excluded.n",
        [(*key, n) for key, n in sorted(counts.items())],
    )


def _relation_refresh(pairs: list[tuple[str, str]]) -> list[tuple[str, list]]:
    """The statements recomputing the ``relation_totals`` rows of these ordered pairs of
    cluster keys from ``event_clusters`` (run after the clusters' counts are updated)."""
    rows = [(src, tgt) for src, tgt in pairs]
    return [
        ("DELETE FROM relation_totals WHERE source_key = ? AND target_key = ?", rows),
        (
            "INSERT INTO relation_totals (source_key, target_key, quad_class, events, goldstein_sum)"
            " SELECT source_key, target_key, quad_class, COUNT(*), SUM(goldstein) FROM event_clusters"
            " WHERE source_key = ? AND target_key = ? AND negated = 0 AND hypothetical = 0"
            " GROUP BY source_key, target_key, quad_class",
            rows,
        ),
    ]


# Temporary ids of clusters created while an article is added (above any real id).
NEW_CLUSTER_ID = 1 << 62
CLUSTER_COLUMNS = (
    "source_key", "target_key", "root", "cameo", "quad_class", "goldstein", "day", "precision",
    "place_name", "place_country", "place_lat", "place_lon", "negated", "hypothetical",
)


CLUSTER_SELECT = ("id", "source_key", "target_key", "root", "negated", "hypothetical", "day", "precision",
                  "place_name", "place_country", "place_lat", "place_lon")


def _same_kind(cluster: dict, key: dedup.EventKey) -> bool:
    return (cluster["source_key"], cluster["target_key"], cluster["root"], cluster["negated"], cluster["hypothetical"]) == (
        key.source_key, key.target_key, key.root, key.negated, key.hypothetical)


def _cluster_row(key: dedup.EventKey, seed: tuple, temp_id: int) -> dict:
    cameo, quad_class, goldstein, place_country = seed
    return {
        "id": temp_id, "source_key": key.source_key, "target_key": key.target_key, "root": key.root,
        "cameo": cameo, "quad_class": quad_class, "goldstein": goldstein, "day": key.day,
        "precision": key.precision, "place_name": key.place_name, "place_country": place_country,
        "place_lat": key.place_lat, "place_lon": key.place_lon, "negated": key.negated,
        "hypothetical": key.hypothetical,
    }


def open_store(url: str, *, readonly: bool = False, config: Optional[dedup.DedupConfig] = None) -> Store:
    """Open (and create or migrate) a store: a SQLite path or a ``postgresql://`` URL.

    ``readonly`` opens an existing store without migrating it (for readers such as
    the web API); it fails if the store does not exist or its schema is behind.
    """
    db = connect(url, readonly=readonly)
    try:
        if readonly:
            from .backend import migrations_for

            latest = max(m.version for m in migrations_for(db.dialect))
            if db.schema_version() < latest:
                raise StoreError(f"store {url} has schema version {db.schema_version()}, need {latest}", code="E206")
        else:
            applied = db.migrate()
            if applied:
                log.info("store %s: applied migrations %s", url, applied)
        store = Store(db, str(url), config or dedup.DedupConfig())
        if not readonly:
            store.check_lsh_layout()
    except Exception:
        db.close()
        raise
    return store
