CREATE TABLE photos (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    file_name        TEXT    NOT NULL,
    sha256           TEXT    NOT NULL,
    content_type     TEXT    NOT NULL,
    size_bytes       INTEGER NOT NULL,
    width            INTEGER NOT NULL,
    height           INTEGER NOT NULL,
    taken_at         TEXT    NOT NULL,
    uploaded_at      TEXT    NOT NULL,
    latitude         REAL    NULL,
    longitude        REAL    NULL,
    note             TEXT    NULL,
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'embedded', 'matched', 'unmatched', 'failed')),
    milestone_id     INTEGER NULL REFERENCES milestones (id) ON DELETE SET NULL,
    milestone_source TEXT    NULL CHECK (milestone_source IN ('reference', 'manual', 'auto')),
    milestone_score  REAL    NULL,
    match_score      REAL    NULL,
    matched_photo_id INTEGER NULL REFERENCES photos (id) ON DELETE SET NULL,
    error            TEXT    NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NULL,
    -- How many times the matching job decided this photo; exactly-once processing keeps it at 1.
    decision_count   INTEGER NOT NULL DEFAULT 0,
    decided_at       TEXT    NULL
);

-- An exact re-upload within a project is the same photo; the index also settles concurrent uploads.
CREATE UNIQUE INDEX ux_photos_project_sha256 ON photos (project_id, sha256);
CREATE INDEX ix_photos_status_next_attempt ON photos (status, next_attempt_at);
CREATE INDEX ix_photos_project_taken ON photos (project_id, taken_at);
CREATE INDEX ix_photos_milestone ON photos (milestone_id);
