-- eventwire store, schema version 6: read-side summaries kept up to date by Store.add.
--
-- relation_totals: per ordered pair of cluster keys and QuadClass, the number of
-- asserted, not negated events (event clusters, never mentions) and the sum of their
-- Goldstein scores (each cluster's mean over its mentions). Store.add recomputes the
-- rows of every pair whose clusters it touched, in the article's transaction, so the
-- table always equals the GROUP BY over event_clusters it replaces (top_relations,
-- the network, the default ties pair).
CREATE TABLE relation_totals (
    source_key     TEXT NOT NULL,
    target_key     TEXT NOT NULL,
    quad_class     INTEGER NOT NULL,
    events         INTEGER NOT NULL,
    goldstein_sum  {{real}} NOT NULL,
    PRIMARY KEY (source_key, target_key, quad_class)
);
INSERT INTO relation_totals (source_key, target_key, quad_class, events, goldstein_sum)
    SELECT source_key, target_key, quad_class, COUNT(*), SUM(goldstein) FROM event_clusters
    WHERE negated = 0 AND hypothetical = 0 GROUP BY source_key, target_key, quad_class;

-- A counter every write to the articles and their records increases (Store.add,
-- Store.add_url): readers that keep answers (the web API) reuse them while it is
-- unchanged.
INSERT INTO store_meta (key, value) VALUES ('generation', '0');
