-- Positions are read back as 32-bit integers: one past 2147483647 (a milestone added after one at that position)
-- broke the project's milestone and timeline APIs. Positions are now 1..10000; bring any stored beyond that back.
UPDATE milestones SET position = 10000 WHERE position > 10000;
UPDATE milestones SET position = 1 WHERE position < 1;
