-- PostgreSQL twin of db/0110.
CREATE TABLE job_controls (
    queue      TEXT   PRIMARY KEY CHECK (queue IN ('embedding', 'matching')),
    paused     BIGINT NOT NULL CHECK (paused IN (0, 1)),
    changed_at TEXT   NOT NULL,
    changed_by TEXT   NULL
);
