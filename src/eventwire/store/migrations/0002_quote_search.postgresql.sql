-- Full-text search over quote text (PostgreSQL tsvector, English stemming like FTS5's porter).
ALTER TABLE quotes ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED;
CREATE INDEX quotes_tsv ON quotes USING GIN (tsv);
