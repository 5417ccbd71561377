-- Each run of a scheduled maintenance job (the cluster's Quartz scheduler: the purge of deleted photos), with the node
-- that ran it and the firing it ran for (its scheduled time), so an operator can see where maintenance ran and that
-- each firing ran on one node of the cluster. result is what the job reports (how many photos it purged).
CREATE TABLE maintenance_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT    NOT NULL,
    node_id      TEXT    NOT NULL,
    scheduled_at TEXT    NOT NULL,
    started_at   TEXT    NOT NULL,
    finished_at  TEXT    NOT NULL,
    result       TEXT    NULL,
    error        TEXT    NULL
);

CREATE INDEX ix_maintenance_runs_job ON maintenance_runs (job, id);
