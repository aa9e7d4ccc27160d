"""Exports of a store: JSONL records, flat CSV/Parquet tables, GDELT 2.0 event TSV.

| format    | what is written                                                        |
|-----------|------------------------------------------------------------------------|
| ``jsonl`` | one analysis-contract record per stored article (as ``analyze`` writes it), plus ``url`` |
| ``csv``   | one row per event mention (``--table events``), quote or article        |
| ``parquet``| the same table as ``csv``, typed (pyarrow)                              |
| ``gdelt`` | GDELT 2.0 Events-compatible TSV, 61 columns, no header, one row per event cluster |

Everything is read in pages of ``PAGE`` rows by primary key, so memory stays flat.

GDELT notes (where this export differs from GDELT's own files): ``*CountryCode`` of
the geographic columns is the ISO 3166-1 alpha-3 code (GDELT uses FIPS 10-4);
Actor1Geo/Actor2Geo are empty (eventwire places the action, not the actors);
``IsRootEvent`` is 1 when the representative mention is in the headline or the
first paragraph; ``AvgTone`` is the mean tone of the articles of the cluster.
Event clusters with a negated or hypothetical flag are left out, as GDELT has no
column to carry them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import IO, Any, Iterator, Optional


PAGE = 500
FORMATS = ("jsonl", "csv", "parquet", "gdelt")
TABLES = ("events", "quotes", "articles")

GDELT_COLUMNS = (
    ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    + [
        f"Actor{n}{part}"
        for n in (1, 2)
        for part in (
            "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode",
            "Religion1Code", "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
        )
    ]
    + [
        "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
        "NumMentions", "NumSources", "NumArticles", "AvgTone",
    ]
    + [
        f"{geo}_{part}"
        for geo in ("Actor1Geo", "Actor2Geo", "ActionGeo")
        for part in ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
    ]
    + ["DATEADDED", "SOURCEURL"]
)
assert len(GDELT_COLUMNS) == 61

GEO_TYPES = {"country": 1, "city": 4}  # anything else (region, province, state) is 5
IGO_PREFIXES = ("IGO", "NGO", "MNC")

EVENT_COLUMNS = (
    "article_id", "url", "published", "ordinal", "source_name", "source_code", "source_country",
    "target_name", "target_code", "target_country", "cameo", "root", "plover", "mode", "goldstein",
    "quad_class", "date", "date_source", "place_name", "place_country", "place_lat", "place_lon",
    "negated", "modality", "in_title", "start_char", "end_char", "sentence", "evidence", "cluster_id",
)
QUOTE_COLUMNS = (
    "article_id", "url", "published", "ordinal", "kind", "text", "cue", "speaker_name", "speaker_code",
    "speaker_mention", "in_title", "start_char", "end_char",
)
ARTICLE_COLUMNS = (
    "article_id", "content_hash", "title", "published", "url", "source", "language",
    "tone_score", "tone_positive", "tone_negative", "model", "analysed_at", "duplicate_of",
)
_PREFIX = {"article_id": "a.", "url": "a.", "published": "a."}


def _pages(db, sql: str, params: tuple = (), key: str = "id") -> Iterator[dict[str, Any]]:
    """Rows of ``sql`` (which must have ``{after}`` in its WHERE and order by ``key``) page by page."""
    last = -1
    while True:
        rows = db.query(sql + f" LIMIT {PAGE}", (*params, last))
        yield from rows
        if len(rows) < PAGE:
            return
        last = rows[-1][key]


# --- JSONL: the contract records -------------------------------------------------


def iter_records(store) -> Iterator[dict[str, Any]]:
    """One contract record (a dict, as ``Analysis.to_dict``) per stored article, in storage order.

    Each record also carries ``url`` and ``source`` when the article has them.
    """
    for art in _pages(store.db, "SELECT id, url, source FROM articles WHERE id > ? ORDER BY id"):
        yield record_of(store, art)


def record_of(store, art: dict[str, Any]) -> dict[str, Any]:
    """The contract record of one ``articles`` row, with its ``url`` and ``source``."""
    from .store.queries import load_analysis

    record = load_analysis(store, art["id"]).to_dict()
    for key in ("url", "source"):
        if art.get(key):
            record[key] = art[key]
    return record


def write_jsonl(store, out: IO[str]) -> int:
    n = 0
    for record in iter_records(store):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


# --- flat tables: CSV and Parquet ------------------------------------------------


def _table_query(table: str) -> tuple[str, tuple[str, ...]]:
    if table == "events":
        cols = EVENT_COLUMNS
        select = ", ".join(f"{_PREFIX.get(c, 'e.')}{c} AS {c}" for c in cols)
        return f"SELECT e.id AS id, {select} FROM events e JOIN articles a ON a.id = e.article WHERE e.id > ? ORDER BY e.id", cols
    if table == "quotes":
        cols = QUOTE_COLUMNS
        select = ", ".join(f"{_PREFIX.get(c, 'q.')}{c} AS {c}" for c in cols)
        return f"SELECT q.id AS id, {select} FROM quotes q JOIN articles a ON a.id = q.article WHERE q.id > ? ORDER BY q.id", cols
    if table == "articles":
        cols = ARTICLE_COLUMNS
        return f"SELECT id, {', '.join(cols)} FROM articles WHERE id > ? ORDER BY id", cols
    raise ValueError(f"unknown table {table!r}; choose from {TABLES}")


def iter_table(store, table: str = "events") -> tuple[tuple[str, ...], Iterator[dict[str, Any]]]:
    sql, cols = _table_query(table)
    return cols, _pages(store.db, sql)


def write_csv(store, out: IO[str], table: str = "events") -> int:
    cols, rows = iter_table(store, table)
    writer = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


_ARROW_TYPES = {
    "ordinal": "int64", "quad_class": "int64", "start_char": "int64", "end_char": "int64", "cluster_id": "int64",
    "duplicate_of": "int64", "goldstein": "float64", "place_lat": "float64", "place_lon": "float64",
    "tone_score": "float64", "tone_positive": "float64", "tone_negative": "float64",
    "negated": "bool", "in_title": "bool",
}


def write_parquet(store, path: str, table: str = "events") -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols, rows = iter_table(store, table)
    schema = pa.schema([(c, pa.type_for_alias(_ARROW_TYPES.get(c, "string"))) for c in cols])
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append({c: _arrow_value(c, row.get(c)) for c in cols})
            if len(batch) >= PAGE:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


def _arrow_value(col: str, value: Any) -> Any:
    if value is None:
        return None
    kind = _ARROW_TYPES.get(col, "string")
    if kind == "bool":
        return bool(value)
    if kind == "string":
        return str(value)
    return value


# --- GDELT 2.0 events -------------------------------------------------------------


def split_actor_code(code: Optional[str]) -> dict[str, str]:
    """CAMEO actor code -> GDELT actor columns (country, known group, type codes)."""
    out = {"CountryCode": "", "KnownGroupCode": "", "Type1Code": "", "Type2Code": "", "Type3Code": ""}
    if not code:
        return out
    code = code.upper()
    parts = [code[i:i + 3] for i in range(0, len(code), 3)]
    types: list[str] = []
    if parts[0] in IGO_PREFIXES:
        types.append(parts[0])
        if len(parts) > 1:
            out["KnownGroupCode"] = parts[-1]
    else:
        out["CountryCode"] = parts[0]
        types = parts[1:]
    for n, t in enumerate(types[:3], start=1):
        out[f"Type{n}Code"] = t
    return out


def _fraction_date(day: dt.date) -> str:
    return f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}"


def _num(value: Any, digits: int = 4) -> str:
    if value is None:
        return ""
    text = f"{float(value):.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"


def _geo_type(feature: Optional[str]) -> str:
    return str(GEO_TYPES.get((feature or "").lower(), 5 if feature else 4))


def _clean(value: Any) -> str:
    return "" if value is None else str(value).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def gdelt_rows(store) -> Iterator[list[str]]:
    """One 61-field row per event cluster (GDELT 2.0 Events layout)."""
    db = store.db
    sql = (
        "SELECT c.id AS id, c.day AS day, c.cameo AS c_cameo, c.root AS c_root, c.quad_class AS c_quad,"
        " c.goldstein AS c_goldstein, c.num_mentions AS num_mentions, c.num_sources AS num_sources,"
        " c.num_articles AS num_articles, c.place_name AS c_place_name, c.place_country AS c_place_country,"
        " c.place_lat AS c_place_lat, c.place_lon AS c_place_lon,"
        " e.source_name, e.source_code, e.target_name, e.target_code, e.cameo, e.place_name, e.place_country,"
        " e.place_lat, e.place_lon, e.in_title, e.start_char, e.article"
        " FROM event_clusters c JOIN events e ON e.id = (SELECT MIN(id) FROM events WHERE cluster_id = c.id)"
        " WHERE c.negated = 0 AND c.hypothetical = 0 AND c.id > ? ORDER BY c.id"
    )
    for row in _pages(db, sql):
        stats = db.one(
            "SELECT AVG(a.tone_score) AS tone, MIN(a.analysed_at) AS added FROM articles a"
            " WHERE a.id IN (SELECT article FROM events WHERE cluster_id = ?)",
            (row["id"],),
        )
        first = db.one(
            "SELECT a.text AS text, a.url AS url, a.article_id AS article_id, a.published AS published"
            " FROM articles a WHERE a.id = ?",
            (row["article"],),
        )
        feature = None
        if row["c_place_name"] or row["place_name"]:
            frow = db.one(
                "SELECT feature FROM places WHERE article = ? AND name = ? ORDER BY id LIMIT 1",
                (row["article"], row["c_place_name"] or row["place_name"]),
            )
            feature = (frow or {}).get("feature")
        url_row = db.one(
            "SELECT MIN(u.url) AS url FROM article_urls u WHERE u.article = ?", (row["article"],)
        )
        yield _gdelt_row(row, stats or {}, first or {}, (url_row or {}).get("url"), feature)


def _gdelt_row(row: dict, stats: dict, first: dict, url: Optional[str], feature: Optional[str]) -> list[str]:
    day = row["day"] or first.get("published")
    date = dt.date.fromisoformat(day[:10]) if day else None
    text = first.get("text") or ""
    first_para = text.find("\n")
    root_event = row["in_title"] or first_para < 0 or row["start_char"] < first_para
    cameo = row["cameo"] or row["c_cameo"]
    place = row["c_place_name"] or row["place_name"]
    lat = row["c_place_lat"] if row["c_place_name"] else row["place_lat"]
    lon = row["c_place_lon"] if row["c_place_name"] else row["place_lon"]
    pcountry = row["c_place_country"] if row["c_place_name"] else row["place_country"]
    added = stats.get("added")
    values: dict[str, Any] = {
        "GLOBALEVENTID": row["id"],
        "SQLDATE": date.strftime("%Y%m%d") if date else "",
        "MonthYear": date.strftime("%Y%m") if date else "",
        "Year": date.strftime("%Y") if date else "",
        "FractionDate": _fraction_date(date) if date else "",
        "IsRootEvent": 1 if root_event else 0,
        "EventCode": cameo,
        "EventBaseCode": cameo[:3],
        "EventRootCode": row["c_root"],
        "QuadClass": row["c_quad"],
        "GoldsteinScale": _num(row["c_goldstein"], 1),
        "NumMentions": row["num_mentions"],
        "NumSources": row["num_sources"],
        "NumArticles": row["num_articles"],
        "AvgTone": _num(stats.get("tone")),
        "DATEADDED": "".join(ch for ch in (added or "")[:19] if ch.isdigit()),
        "SOURCEURL": url or first.get("url") or first.get("article_id") or "",
    }
    for n, prefix in ((1, "source"), (2, "target")):
        code = row[f"{prefix}_code"]
        values[f"Actor{n}Code"] = code or ""
        values[f"Actor{n}Name"] = (row[f"{prefix}_name"] or "").upper()
        for part, value in split_actor_code(code).items():
            values[f"Actor{n}{part}"] = value
    if place:
        values.update({
            "ActionGeo_Type": _geo_type(feature),
            "ActionGeo_FullName": place,
            "ActionGeo_CountryCode": pcountry or "",
            "ActionGeo_Lat": _num(lat),
            "ActionGeo_Long": _num(lon),
        })
    else:
        values["ActionGeo_Type"] = 0
    return [_clean(values.get(col, "")) for col in GDELT_COLUMNS]


def write_gdelt(store, out: IO[str]) -> int:
    n = 0
    for row in gdelt_rows(store):
        out.write("\t".join(row) + "\n")
        n += 1
    return n


def read_gdelt(text: str) -> list[dict[str, str]]:
    """Parse a GDELT events TSV (no header) into dicts keyed by column name."""
    rows = []
    for line in io.StringIO(text):
        fields = line.rstrip("\n").split("\t")
        if len(fields) != len(GDELT_COLUMNS):
            raise ValueError(f"expected {len(GDELT_COLUMNS)} columns, got {len(fields)}")
        rows.append(dict(zip(GDELT_COLUMNS, fields)))
    return rows


def export(store, fmt: str, path: str, *, table: str = "events") -> int:
    """Write the store to ``path`` in ``fmt``; returns the number of rows or records."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {FORMATS}")
    if fmt == "parquet":
        return write_parquet(store, path, table)
    with open(path, "w", encoding="utf-8", newline="") as out:
        if fmt == "jsonl":
            return write_jsonl(store, out)
        if fmt == "csv":
            return write_csv(store, out, table)
        return write_gdelt(store, out)
