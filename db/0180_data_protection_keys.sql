-- The keys that sign and encrypt sign-in cookies and forgery tokens (ASP.NET Data Protection), kept in the database
-- every node shares, so a cookie issued by one node is read by every other, and keys survive a new container.
CREATE TABLE data_protection_keys (
    name TEXT PRIMARY KEY,
    xml  TEXT NOT NULL
);
