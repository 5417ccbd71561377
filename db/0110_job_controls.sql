-- Operators pause and resume the background queues (embedding, matching) from the jobs page; the state outlives a
-- restart, so a queue paused for maintenance stays paused until someone resumes it.
CREATE TABLE job_controls (
    queue      TEXT    PRIMARY KEY CHECK (queue IN ('embedding', 'matching')),
    paused     INTEGER NOT NULL CHECK (paused IN (0, 1)),
    changed_at TEXT    NOT NULL,
    changed_by TEXT    NULL
);
