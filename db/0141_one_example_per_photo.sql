-- Only a photo's current label teaches calibration: a photo corrected and then put back counts once, as the manager
-- left it. Before, a change of mind on a photo a manager had already decided was not recorded at all, so the
-- reverted correction kept counting. One row per photo from now on (written with ON CONFLICT (photo_id)); the rows
-- kept here are relabelled from the photo's current milestone.
DELETE FROM match_examples
WHERE id <> (SELECT MAX(latest.id) FROM match_examples latest WHERE latest.photo_id = match_examples.photo_id);

UPDATE match_examples
SET manager_milestone_id = (SELECT ph.milestone_id FROM photos ph WHERE ph.id = match_examples.photo_id)
WHERE EXISTS (SELECT 1 FROM photos ph WHERE ph.id = match_examples.photo_id AND ph.milestone_source = 'manual');

UPDATE match_examples
SET confirmed = CASE WHEN auto_milestone_id = manager_milestone_id
                       OR (auto_milestone_id IS NULL AND manager_milestone_id IS NULL) THEN 1 ELSE 0 END;

UPDATE match_examples
SET should_match = CASE WHEN auto_milestone_id IS NULL
                        THEN CASE WHEN manager_milestone_id IS NULL THEN 0 ELSE 1 END
                        ELSE confirmed END;

CREATE UNIQUE INDEX ux_match_examples_photo ON match_examples (photo_id);
