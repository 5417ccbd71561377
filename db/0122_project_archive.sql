-- An archived project is read-only (no uploads, no changes to its milestones, photos or settings) and hidden from the
-- projects list unless asked for; unarchiving makes it as it was.
ALTER TABLE projects ADD COLUMN archived_at TEXT NULL;
