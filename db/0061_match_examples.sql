-- Every manager decision on a photo the matching job had decided: a labelled example for calibrating the
-- project's threshold and minimum inliers. should_match: the photo does belong to a milestone and the job's best
-- candidate was not wrong (confirmed an automatic match, or assigned a photo left for review); 0 when the manager
-- cleared or moved an automatic match, or confirmed that a photo in review belongs to no milestone.
CREATE TABLE match_examples (
    id                   INTEGER PRIMARY KEY,
    project_id           INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    photo_id             INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    best_score           REAL    NOT NULL,
    inliers              INTEGER NULL,
    auto_milestone_id    INTEGER NULL,
    manager_milestone_id INTEGER NULL,
    confirmed            INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
    should_match         INTEGER NOT NULL CHECK (should_match IN (0, 1)),
    created_at           TEXT    NOT NULL
);

CREATE INDEX ix_match_examples_project ON match_examples (project_id);
