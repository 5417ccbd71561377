-- PostgreSQL twin of db/0122.
ALTER TABLE projects ADD COLUMN archived_at TEXT NULL;
