-- What each tenant holds (bytes and files in any state), kept by every change to the files table, so that a quota
-- check reads one row instead of summing all of the tenant's files on every upload. Seeded from the files table.

CREATE TABLE tenant_usage (
    tenant_id TEXT PRIMARY KEY,
    bytes BIGINT NOT NULL,
    files BIGINT NOT NULL
);

INSERT INTO tenant_usage (tenant_id, bytes, files)
SELECT tenant_id, COALESCE(SUM(size), 0), COUNT(*) FROM files GROUP BY tenant_id;
