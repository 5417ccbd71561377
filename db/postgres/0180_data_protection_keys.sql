-- PostgreSQL twin of db/0180: the Data Protection key ring every node shares.
CREATE TABLE data_protection_keys (
    name TEXT PRIMARY KEY,
    xml  TEXT NOT NULL
);
