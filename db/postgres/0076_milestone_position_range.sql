-- PostgreSQL twin of db/0076.
UPDATE milestones SET position = 10000 WHERE position > 10000;
UPDATE milestones SET position = 1 WHERE position < 1;
