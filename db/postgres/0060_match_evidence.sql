-- PostgreSQL twin of db/0060.
ALTER TABLE photos ADD COLUMN decision_json TEXT NULL;

ALTER TABLE projects ADD COLUMN min_inliers BIGINT NOT NULL DEFAULT 15 CHECK (min_inliers >= 4 AND min_inliers <= 1000);
