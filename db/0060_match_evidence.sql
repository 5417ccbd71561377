-- Why the matching job decided a photo as it did (scores, margin, keypoint inliers, the rule's basis and a sentence
-- for the manager), as JSON written with the decision. NULL for photos decided before this migration.
ALTER TABLE photos ADD COLUMN decision_json TEXT NULL;

-- Keypoint matches agreeing with one viewpoint that a milestone needs to be accepted on geometric evidence.
-- Measured on the public evaluation set (docs/BENCHMARKS.md, "Match quality").
ALTER TABLE projects ADD COLUMN min_inliers INTEGER NOT NULL DEFAULT 15 CHECK (min_inliers >= 4 AND min_inliers <= 1000);
