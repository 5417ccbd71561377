-- PostgreSQL twin of db/0170: work claimed by a node, for a lease (claimed_by, lease_until).
ALTER TABLE photos ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE photos ADD COLUMN lease_until TEXT NULL;
