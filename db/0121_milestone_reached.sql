-- A milestone is reached by its first site photo: one matched automatically or assigned by a manager. Reference
-- photos uploaded at setup do not count (before this, they made a new project read 100% reached). reached_at is the
-- time that photo was taken. Kept in step by MilestoneProgress in every transaction that moves a photo; this
-- recomputes every existing project under the rule.
ALTER TABLE milestones ADD COLUMN reached_photo_id INTEGER NULL;
ALTER TABLE milestones ADD COLUMN reached_at TEXT NULL;

UPDATE milestones SET reached_photo_id = (
    SELECT ph.id FROM photos ph
    WHERE ph.milestone_id = milestones.id AND ph.status = 'matched'
      AND ph.milestone_source IN ('auto', 'manual') AND ph.deleted_at IS NULL
    ORDER BY ph.taken_at, ph.id
    LIMIT 1);

UPDATE milestones SET reached_at = (SELECT ph.taken_at FROM photos ph WHERE ph.id = milestones.reached_photo_id);
