-- Every decision on a photo, oldest first: the matching job's (with its explanation, so a manual correction never
-- hides why the job decided as it did) and each manager's (who, when, which milestone). Written in the transaction
-- of the decision itself. No foreign key to milestones: the history outlives a deleted milestone, by its name.
CREATE TABLE photo_decisions (
    id               INTEGER PRIMARY KEY,
    photo_id         INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    decided_at       TEXT    NOT NULL,
    source           TEXT    NOT NULL CHECK (source IN ('auto', 'manual')),
    milestone_id     INTEGER NULL,
    milestone_name   TEXT    NULL,
    decided_by       INTEGER NULL,
    explanation_json TEXT    NULL
);

CREATE INDEX ix_photo_decisions_photo ON photo_decisions (photo_id, id);

-- What is known of earlier decisions: the job's explanation is still on every photo it decided (a manual decision
-- never cleared it), and the milestone it chose is the photo's own or, once corrected, its calibration example's.
INSERT INTO photo_decisions (photo_id, decided_at, source, milestone_id, milestone_name, explanation_json)
SELECT ph.id, COALESCE(ph.decided_at, ph.uploaded_at), 'auto', chosen.milestone_id,
       (SELECT m.name FROM milestones m WHERE m.id = chosen.milestone_id), ph.decision_json
FROM photos ph
JOIN (SELECT p.id AS photo_id,
             CASE WHEN p.milestone_source = 'auto' THEN p.milestone_id
                  ELSE (SELECT MIN(e.auto_milestone_id) FROM match_examples e WHERE e.photo_id = p.id) END AS milestone_id
      FROM photos p) chosen ON chosen.photo_id = ph.id
WHERE ph.decision_json IS NOT NULL;

INSERT INTO photo_decisions (photo_id, decided_at, source, milestone_id, milestone_name)
SELECT ph.id,
       COALESCE((SELECT MAX(e.created_at) FROM match_examples e WHERE e.photo_id = ph.id), ph.decided_at, ph.uploaded_at),
       'manual', ph.milestone_id, (SELECT m.name FROM milestones m WHERE m.id = ph.milestone_id)
FROM photos ph
WHERE ph.milestone_source = 'manual';
