-- Work claimed by a node: the embedding and matching jobs of every node (several may share a PostgreSQL database)
-- claim the photos they are about to work on, for a lease. claimed_by names the node, lease_until ends the claim
-- (UTC text, like every time): a node that dies loses its photos when the lease runs out and another takes them.
-- Finishing a step (embedded, decided, or a failed attempt) clears the claim.
ALTER TABLE photos ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE photos ADD COLUMN lease_until TEXT NULL;
