-- Times are UTC ISO-8601 text with milliseconds ("2025-01-31T08:15:00.000Z"): they sort as text.
CREATE TABLE projects (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    -- NULL means the configured default (Matching:DefaultThreshold).
    match_threshold REAL    NULL CHECK (match_threshold IS NULL OR (match_threshold > 0 AND match_threshold <= 1))
);

CREATE TABLE milestones (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    due_date   TEXT    NULL,
    created_at TEXT    NOT NULL
);

CREATE INDEX ix_milestones_project_position ON milestones (project_id, position);
