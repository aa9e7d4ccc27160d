-- eventwire store, schema version 1.
-- Written in the SQL common to SQLite and PostgreSQL; the migration runner maps
-- {{pk}} to "INTEGER PRIMARY KEY" (SQLite) or "BIGSERIAL PRIMARY KEY" (PostgreSQL),
-- {{real}} to REAL / DOUBLE PRECISION and {{blob}} to BLOB / BYTEA.
-- A file named NNNN_name.sql applies to both dialects, NNNN_name.sqlite.sql or
-- NNNN_name.postgresql.sql to one; files are applied in the order of NNNN and each
-- version is recorded in schema_version.
-- Offsets (start_char, end_char) follow the analysis contract: [start, end) into the
-- article body, or into the title where in_title = 1.

CREATE TABLE articles (
    id            {{pk}},
    article_id    TEXT NOT NULL,            -- the input id (or text hash)
    content_hash  TEXT NOT NULL UNIQUE,     -- sha256 of normalised title + text
    title         TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL,
    published     TEXT,                     -- YYYY-MM-DD
    url           TEXT,                     -- the first URL seen; all of them in article_urls
    source        TEXT,
    language      TEXT NOT NULL DEFAULT 'en',
    tone_score    {{real}},
    tone_positive {{real}},
    tone_negative {{real}},
    model         TEXT,                     -- spaCy model and eventwire version
    analysed_at   TEXT NOT NULL,
    duplicate_of  BIGINT REFERENCES articles(id),  -- near-duplicate of an earlier article (its root)
    similarity    {{real}}                  -- estimated Jaccard similarity to duplicate_of
);
CREATE INDEX articles_article_id ON articles(article_id);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_duplicate_of ON articles(duplicate_of);

CREATE TABLE article_urls (
    article   BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    url       TEXT NOT NULL,
    PRIMARY KEY (article, url)
);

-- MinHash signature of each article (near-duplicate detection) and its LSH band
-- buckets: the LSH index lives in the database, so it is updated in the same
-- transaction as the article and survives restarts.
CREATE TABLE article_minhash (
    article    BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    num_perm   INTEGER NOT NULL,
    signature  {{blob}} NOT NULL            -- num_perm little-endian uint32 hash values
);

CREATE TABLE minhash_bands (
    band     INTEGER NOT NULL,
    bucket   TEXT NOT NULL,                 -- hash of the band's rows
    article  BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, bucket, article)
);

CREATE TABLE actors (
    id        {{pk}},
    article   BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    local_id  TEXT NOT NULL,                -- "a1" inside the article record
    name      TEXT NOT NULL,
    code      TEXT NOT NULL,
    country   TEXT,
    sector    TEXT,
    kind      TEXT NOT NULL,
    mentions  TEXT NOT NULL DEFAULT '[]'    -- JSON list of [start, end]
);
CREATE INDEX actors_code ON actors(code);
CREATE INDEX actors_country ON actors(country);
CREATE INDEX actors_article ON actors(article);

CREATE TABLE quotes (
    id                   {{pk}},
    article              BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ordinal              INTEGER NOT NULL,
    text                 TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    start_char           INTEGER NOT NULL,
    end_char             INTEGER NOT NULL,
    in_title             INTEGER NOT NULL DEFAULT 0,
    cue                  TEXT,
    speaker_name         TEXT,
    speaker_code         TEXT,
    speaker_actor        TEXT,
    speaker_mention      TEXT,
    speaker_mention_start INTEGER,
    speaker_mention_end  INTEGER,
    speaker_norm         TEXT              -- speaker_name folded (case, accents, titles) for search
);
CREATE INDEX quotes_article ON quotes(article);
CREATE INDEX quotes_speaker ON quotes(speaker_name);
CREATE INDEX quotes_speaker_norm ON quotes(speaker_norm);

-- One row per real-world event: the mentions (events rows) that share a dyad, a
-- CAMEO root, a date within a window and a compatible place, over all articles.
-- Maintained at write time; counts follow GDELT (NumMentions, NumArticles, NumSources).
CREATE TABLE event_clusters (
    id            {{pk}},
    source_key    TEXT NOT NULL,            -- source country, else source code
    target_key    TEXT NOT NULL DEFAULT '', -- target country, else code; '' when none
    root          TEXT NOT NULL,
    cameo         TEXT NOT NULL,            -- code of the first mention
    quad_class    INTEGER NOT NULL,
    goldstein     {{real}} NOT NULL,        -- mean over the mentions
    day           TEXT,                     -- anchor date (YYYY-MM-DD), first day of month/year
    precision     TEXT,                     -- day | month | year; NULL when undated
    place_name    TEXT,
    place_country TEXT,
    place_lat     {{real}},
    place_lon     {{real}},
    negated       INTEGER NOT NULL DEFAULT 0,
    hypothetical  INTEGER NOT NULL DEFAULT 0,
    num_mentions  INTEGER NOT NULL DEFAULT 0,  -- events rows
    num_articles  INTEGER NOT NULL DEFAULT 0,  -- distinct stories (near-duplicates count once)
    num_sources   INTEGER NOT NULL DEFAULT 0   -- distinct articles.source
);
CREATE INDEX event_clusters_key ON event_clusters(source_key, target_key, root, day);
CREATE INDEX event_clusters_day ON event_clusters(day);

CREATE TABLE events (
    id              {{pk}},
    article         BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ordinal         INTEGER NOT NULL,
    source_name     TEXT NOT NULL,
    source_code     TEXT NOT NULL,
    source_country  TEXT,
    source_actor    TEXT,
    target_name     TEXT,
    target_code     TEXT,
    target_country  TEXT,
    target_actor    TEXT,
    cameo           TEXT NOT NULL,
    root            TEXT NOT NULL,
    plover          TEXT,
    mode            TEXT,
    goldstein       {{real}} NOT NULL,
    quad_class      INTEGER NOT NULL,
    date            TEXT,                   -- YYYY, YYYY-MM or YYYY-MM-DD
    date_source     TEXT NOT NULL,
    day             TEXT,                   -- date widened to a day (first of month/year) for ranges
    place_name      TEXT,
    place_country   TEXT,
    place_lat       {{real}},
    place_lon       {{real}},
    negated         INTEGER NOT NULL DEFAULT 0,
    modality        TEXT NOT NULL,
    sentence        TEXT NOT NULL,
    start_char      INTEGER NOT NULL,
    end_char        INTEGER NOT NULL,
    in_title        INTEGER NOT NULL DEFAULT 0,
    evidence        TEXT NOT NULL,
    cluster_id      BIGINT REFERENCES event_clusters(id)
);
CREATE INDEX events_article ON events(article);
CREATE INDEX events_dyad ON events(source_code, target_code);
CREATE INDEX events_source_country ON events(source_country, target_country);
CREATE INDEX events_target_code ON events(target_code);
CREATE INDEX events_target_country ON events(target_country);
CREATE INDEX events_root ON events(root);
CREATE INDEX events_day ON events(day);
CREATE INDEX events_cluster ON events(cluster_id);

CREATE TABLE places (
    id          {{pk}},
    article     BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    country     TEXT,
    lat         {{real}},
    lon         {{real}},
    feature     TEXT,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    in_title    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX places_article ON places(article);

CREATE TABLE times (
    id          {{pk}},
    article     BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    value       TEXT,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    in_title    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX times_article ON times(article);
