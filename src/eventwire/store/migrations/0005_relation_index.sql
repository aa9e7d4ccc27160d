-- eventwire store, schema version 5: covering indexes for the relation summaries
-- (top_relations / report scan event_clusters without touching the table) and for
-- listing events latest first.
CREATE INDEX event_clusters_relation ON event_clusters(source_key, target_key, quad_class, negated, hypothetical, goldstein, day);
CREATE INDEX event_clusters_latest ON event_clusters(day, id);
