-- PostgreSQL twin of db/0003.
CREATE TABLE embeddings (
    photo_id   BIGINT NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    model_id   TEXT   NOT NULL,
    dims       BIGINT NOT NULL,
    -- little-endian float32, L2-normalised
    vector     BYTEA  NOT NULL,
    created_at TEXT   NOT NULL,
    PRIMARY KEY (photo_id, model_id)
);

CREATE INDEX ix_embeddings_model ON embeddings (model_id);
