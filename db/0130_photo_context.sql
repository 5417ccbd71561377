-- Photos that carry their context: who uploaded them, tags, and a thread of comments.
-- uploaded_by has no foreign key, like deleted_by: the photo outlives the account that sent it (shown as a former member).
ALTER TABLE photos ADD COLUMN uploaded_by INTEGER NULL;
CREATE INDEX ix_photos_project_uploader ON photos (project_id, uploaded_by);

-- Tags are stored lower-case and trimmed, so "Roof" and "roof " are one tag; project_id is kept beside the photo
-- so the project's tags (autocomplete, gallery filter) are read from one index without a join.
CREATE TABLE photo_tags (
    photo_id    INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    tag         TEXT    NOT NULL,
    PRIMARY KEY (photo_id, tag)
);
CREATE INDEX ix_photo_tags_project_tag ON photo_tags (project_id, tag);

-- A member's comment on a photo. user_id has no foreign key: a comment stays when its author's account is deleted.
CREATE TABLE photo_comments (
    id          INTEGER PRIMARY KEY,
    photo_id    INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    user_id     INTEGER NULL,
    body        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX ix_photo_comments_photo ON photo_comments (photo_id, id);
