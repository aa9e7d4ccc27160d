-- eventwire store, schema version 1.
-- Written in the SQL common to SQLite and PostgreSQL; the migration runner maps
-- {{pk}} to "INTEGER PRIMARY KEY" (SQLite) or "BIGSERIAL PRIMARY KEY" (PostgreSQL)
-- and {{real}} to REAL / DOUBLE PRECISION.
-- Offsets (start_char, end_char) follow the analysis contract: [start, end) into the
-- article body, or into the title where in_title = 1.

CREATE TABLE articles (
    id            {{pk}},
    article_id    TEXT NOT NULL,            -- the input id (or text hash)
    content_hash  TEXT NOT NULL UNIQUE,     -- sha256 of normalised title + text
    title         TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL,
    published     TEXT,                     -- YYYY-MM-DD
    url           TEXT,
    source        TEXT,
    language      TEXT NOT NULL DEFAULT 'en',
    tone_score    {{real}},
    tone_positive {{real}},
    tone_negative {{real}},
    model         TEXT,                     -- spaCy model and eventwire version
    analysed_at   TEXT NOT NULL,
    duplicate_of  BIGINT REFERENCES articles(id)  -- near-duplicate of an earlier article
);
CREATE INDEX articles_article_id ON articles(article_id);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE article_urls (
    article   BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    url       TEXT NOT NULL,
    PRIMARY KEY (article, url)
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
    speaker_mention_end  INTEGER
);
CREATE INDEX quotes_article ON quotes(article);
CREATE INDEX quotes_speaker ON quotes(speaker_name);

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
    evidence        TEXT NOT NULL
);
CREATE INDEX events_article ON events(article);
CREATE INDEX events_dyad ON events(source_code, target_code);
CREATE INDEX events_source_country ON events(source_country, target_country);
CREATE INDEX events_root ON events(root);
CREATE INDEX events_day ON events(day);

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
