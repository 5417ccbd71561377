-- A photo a manager deleted: hidden from the timeline, search and progress, but its file and vectors are kept until
-- it is purged (30 days after deleted_at), so the delete can be undone. deleted_by names the manager (no foreign
-- key: the trail outlives the account).
ALTER TABLE photos ADD COLUMN deleted_at TEXT NULL;
ALTER TABLE photos ADD COLUMN deleted_by INTEGER NULL;
CREATE INDEX ix_photos_deleted ON photos (deleted_at) WHERE deleted_at IS NOT NULL;
