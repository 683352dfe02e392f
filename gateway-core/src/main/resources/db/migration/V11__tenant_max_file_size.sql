-- The largest single file a tenant's principals may upload, in plaintext bytes; 0 means no limit of the
-- tenant's own (each protocol's own limits still apply). Enforced by the core's ingest for every protocol.

ALTER TABLE tenants ADD COLUMN max_file_bytes BIGINT NOT NULL DEFAULT 0;
