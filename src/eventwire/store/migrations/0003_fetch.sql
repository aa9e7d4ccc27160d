-- eventwire store, schema version 3: what `eventwire watch` fetched (owned by the ingest side).
-- Written in the SQL common to SQLite and PostgreSQL, like 0001.
-- A URL in fetched_urls is never fetched again, except after a transient failure
-- (outcome 'error'), which is retried until `attempts` reaches the fetcher's limit.

CREATE TABLE fetched_urls (
    url           TEXT PRIMARY KEY,
    feed          TEXT,                     -- the feed that listed it, if any
    fetched_at    TEXT NOT NULL,
    status        INTEGER,                  -- HTTP status; NULL when no response came
    outcome       TEXT NOT NULL,            -- stored | bad | robots | too-large | not-html | error (transient) | failed
    attempts      INTEGER NOT NULL DEFAULT 1,
    content_hash  TEXT,                     -- of the article stored from it
    message       TEXT
);
CREATE INDEX fetched_urls_feed ON fetched_urls(feed);

CREATE TABLE feeds (
    url            TEXT PRIMARY KEY,
    title          TEXT,
    etag           TEXT,                    -- validators for conditional requests
    last_modified  TEXT,
    checked_at     TEXT,
    status         INTEGER,
    entries_seen   INTEGER NOT NULL DEFAULT 0
);
