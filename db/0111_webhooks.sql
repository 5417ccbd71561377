-- A project's webhook subscriptions (set up by its managers) and every delivery, stored before it is sent and kept
-- with its last response. secret signs each delivery (HMAC-SHA256); it is shown once, when the subscription is made.
CREATE TABLE webhook_subscriptions (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    url        TEXT    NOT NULL,
    events     TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    created_by TEXT    NULL
);

CREATE INDEX ix_webhook_subscriptions_project ON webhook_subscriptions (project_id);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    delivery_id      TEXT    NOT NULL UNIQUE,
    event            TEXT    NOT NULL,
    -- What happened, once: the same event never queues twice for a subscription (a job re-run after a crash).
    event_key        TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NULL,
    give_up_at       TEXT    NOT NULL,
    last_attempt_at  TEXT    NULL,
    last_status_code INTEGER NULL,
    last_response    TEXT    NULL,
    last_error       TEXT    NULL,
    delivered_at     TEXT    NULL
);

CREATE UNIQUE INDEX ux_webhook_deliveries_event ON webhook_deliveries (subscription_id, event_key);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
