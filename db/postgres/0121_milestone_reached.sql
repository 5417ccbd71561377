-- PostgreSQL twin of db/0121 (on a new database there is nothing to recompute; kept for the same statements).
ALTER TABLE milestones ADD COLUMN reached_photo_id BIGINT NULL;
ALTER TABLE milestones ADD COLUMN reached_at TEXT NULL;

UPDATE milestones SET reached_photo_id = (
    SELECT ph.id FROM photos ph
    WHERE ph.milestone_id = milestones.id AND ph.status = 'matched'
      AND ph.milestone_source IN ('auto', 'manual') AND ph.deleted_at IS NULL
    ORDER BY ph.taken_at, ph.id
    LIMIT 1);

UPDATE milestones SET reached_at = (SELECT ph.taken_at FROM photos ph WHERE ph.id = milestones.reached_photo_id);
