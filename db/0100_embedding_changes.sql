-- Every change to the embeddings, in commit order, so the similarity index (held in memory, saved to a file) can
-- catch up with exactly what it missed, whoever wrote it: the embedding job, a re-embedding, or a photo or project
-- deleted (foreign-key cascades fire these triggers too).
CREATE TABLE embedding_changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id TEXT    NOT NULL,
    photo_id INTEGER NOT NULL
);

CREATE INDEX ix_embedding_changes_model ON embedding_changes (model_id, seq);

CREATE TRIGGER tr_embeddings_inserted AFTER INSERT ON embeddings
BEGIN
    INSERT INTO embedding_changes (model_id, photo_id) VALUES (new.model_id, new.photo_id);
END;

CREATE TRIGGER tr_embeddings_updated AFTER UPDATE ON embeddings
BEGIN
    INSERT INTO embedding_changes (model_id, photo_id) VALUES (new.model_id, new.photo_id);
END;

CREATE TRIGGER tr_embeddings_deleted AFTER DELETE ON embeddings
BEGIN
    INSERT INTO embedding_changes (model_id, photo_id) VALUES (old.model_id, old.photo_id);
END;

-- The index file last saved for each model and the last change it holds. A file with another stamp is not the one
-- this database knows (an older copy, or a database restored from a backup), so it is rebuilt rather than trusted.
CREATE TABLE vector_index_files (
    model_id TEXT    PRIMARY KEY,
    stamp    INTEGER NOT NULL
);
