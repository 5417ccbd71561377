-- PostgreSQL twin of db/0075.
ALTER TABLE photos ADD COLUMN decision_failures BIGINT NOT NULL DEFAULT 0;
