-- Browser sign-ins kept on the server. The cookie carries only a random key; the row holds the sign-in itself.
-- Signing out deletes the row, so a copy of the cookie taken before sign-out no longer opens anything.
CREATE TABLE auth_sessions (
    -- SHA-256 of the cookie's key, hex: a copy of the database cannot be turned into working cookies.
    key_hash    TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The serialized authentication ticket (claims and expiry), as ASP.NET Core's TicketSerializer writes it.
    ticket      BLOB    NOT NULL,
    created_at  TEXT    NOT NULL,
    -- UTC ISO-8601 text; the row is useless (and deleted) after it.
    expires_at  TEXT    NOT NULL
);
CREATE INDEX ix_auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX ix_auth_sessions_expires ON auth_sessions (expires_at);
