-- PostgreSQL twin of db/0120.
ALTER TABLE photos ADD COLUMN deleted_at TEXT NULL;
ALTER TABLE photos ADD COLUMN deleted_by BIGINT NULL;
CREATE INDEX ix_photos_deleted ON photos (deleted_at) WHERE deleted_at IS NOT NULL;
