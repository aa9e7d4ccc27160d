-- eventwire store, schema version 9: a dyad given as country and code prefix (RUS:
-- country RUS or a code starting RUS) is read as index seeks on both sides: the
-- country indexes of 0007 get the other side's code second.
DROP INDEX events_source_country_cov;
DROP INDEX events_target_country_cov;
CREATE INDEX events_source_country_cov ON events(source_country, target_code, negated, modality, root, day, cluster_id, target_country);
CREATE INDEX events_target_country_cov ON events(target_country, source_code, negated, modality, root, day, cluster_id, source_country);
