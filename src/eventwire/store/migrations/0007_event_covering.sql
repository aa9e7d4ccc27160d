-- eventwire store, schema version 7: covering indexes for listing events by actor,
-- dyad and period. An actor filter (country, or code prefix, on either side) reads as
-- a union of index range scans that never touch the events rows; they replace the
-- indexes they start with.
CREATE INDEX events_source_country_cov ON events(source_country, negated, modality, root, day, cluster_id, target_country, target_code);
CREATE INDEX events_source_code_cov ON events(source_code, negated, modality, root, day, cluster_id, target_country, target_code);
CREATE INDEX events_target_country_cov ON events(target_country, negated, modality, root, day, cluster_id, source_country, source_code);
CREATE INDEX events_target_code_cov ON events(target_code, negated, modality, root, day, cluster_id, source_country, source_code);
CREATE INDEX events_pair_country ON events(source_country, target_country, negated, modality, root, day, cluster_id);
CREATE INDEX events_day_cov ON events(day, negated, modality, root, cluster_id);
DROP INDEX events_source_country;
DROP INDEX events_target_country;
DROP INDEX events_target_code;
DROP INDEX events_day;
-- Actor names by country or code prefix (actor profiles), without reading the rows.
CREATE INDEX actors_country_name ON actors(country, name, code);
CREATE INDEX actors_code_name ON actors(code, name);
DROP INDEX actors_country;
DROP INDEX actors_code;
