-- PostgreSQL twin of db/0070.
CREATE TABLE browser_sessions (
    id_hash     TEXT   PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT   NOT NULL,
    expires_at  TEXT   NOT NULL
);
CREATE INDEX ix_browser_sessions_user ON browser_sessions (user_id);
CREATE INDEX ix_browser_sessions_expires ON browser_sessions (expires_at);
