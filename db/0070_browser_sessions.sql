-- Browser sign-ins, kept on the server. The sign-in cookie names its session; signing out deletes the row, so a copy
-- of the cookie taken before sign-out no longer opens anything, and a password change ends every session at once.
CREATE TABLE browser_sessions (
    -- SHA-256 of the session id the cookie carries, hex: a copy of the database names no live session.
    id_hash     TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    -- When the cookie expires (moved on as sliding expiration renews it); the row is useless, and deleted, after it.
    expires_at  TEXT    NOT NULL
);
CREATE INDEX ix_browser_sessions_user ON browser_sessions (user_id);
CREATE INDEX ix_browser_sessions_expires ON browser_sessions (expires_at);
