-- eventwire store, schema version 10: the names of an actor's profile without
-- reading every actor row.
--
-- actor_names: per (name, code, country) of the actors table, its number of rows
-- (country '' stands for none: a country argument is always a three-letter code).
-- Articles are never deleted, so Store.add adds each article's counts in the
-- article's transaction (an upsert) and the table always equals the GROUP BY it
-- replaces (queries.actor_profile's names). The INSERT below fills it for a store
-- written before this version.
CREATE TABLE actor_names (
    name     TEXT NOT NULL,
    code     TEXT NOT NULL,
    country  TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (name, code, country)
);
CREATE INDEX actor_names_country ON actor_names (country);
CREATE INDEX actor_names_code ON actor_names (code);
INSERT INTO actor_names (name, code, country, n)
    SELECT name, code, COALESCE(country, ''), COUNT(*) FROM actors GROUP BY name, code, COALESCE(country, '');
