-- A photo whose decision throws is retried with back-off (next_attempt_at, which an embedded photo no longer uses
-- for embedding) and after Matching:MaxAttempts becomes failed with the reason, instead of stopping the job.
ALTER TABLE photos ADD COLUMN decision_failures INTEGER NOT NULL DEFAULT 0;
