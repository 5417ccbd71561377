-- Accounts: users with a global role, per-project membership, API tokens (hashes only) and the audit trail.
-- Timestamps are UTC ISO-8601 text, like the rest of the schema.

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    email            TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    password_hash    TEXT    NOT NULL,
    -- admin: runs the server, sees every project; manager: creates projects; field: uploads to its projects.
    role             TEXT    NOT NULL CHECK (role IN ('admin', 'manager', 'field')),
    failed_sign_ins  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT    NULL,
    -- Changes whenever the password or the role changes, which signs out every browser of that user.
    security_stamp   TEXT    NOT NULL,
    created_at       TEXT    NOT NULL
);

-- The role a user has inside one project: 'manager' administers it, 'field' views it and uploads to it.
CREATE TABLE project_members (
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT    NOT NULL CHECK (role IN ('manager', 'field')),
    added_at    TEXT    NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX ix_project_members_user ON project_members (user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    -- SHA-256 of the token, hex; the token itself is shown once and never stored.
    token_hash    TEXT    NOT NULL UNIQUE,
    -- The first characters of the token, so its owner can tell tokens apart on the account page.
    token_prefix  TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    last_used_at  TEXT    NULL,
    revoked_at    TEXT    NULL
);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

-- No foreign keys: the trail outlives the users and projects it mentions.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    user_id     INTEGER NULL,
    user_email  TEXT    NULL,
    project_id  INTEGER NULL,
    subject     TEXT    NULL,
    detail      TEXT    NULL,
    remote_ip   TEXT    NULL
);
