-- eventwire store, schema version 4: settings the stored data depends on
-- (the MinHash LSH band layout the minhash_bands rows were written with).
CREATE TABLE store_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
