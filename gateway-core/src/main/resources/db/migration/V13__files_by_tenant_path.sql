-- Looking a file up by its path alone (a tenant's committed file in an outbox, whoever uploaded it) used the
-- index on state and read every committed file of every tenant: 2.6 ms per lookup at 12 000 files against
-- 0.05 ms with this index. With state in it, SQLite's planner (no ANALYZE statistics) prefers it to the state index.

CREATE INDEX files_by_tenant_path ON files (tenant_id, path, state);
