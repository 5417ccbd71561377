-- One vector per photo per model: vectors of different models are never compared, and changing the model
-- re-embeds photos without losing the old vectors until the new ones exist.
CREATE TABLE embeddings (
    photo_id   INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    model_id   TEXT    NOT NULL,
    dims       INTEGER NOT NULL,
    -- little-endian float32, L2-normalised
    vector     BLOB    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (photo_id, model_id)
);

CREATE INDEX ix_embeddings_model ON embeddings (model_id);
