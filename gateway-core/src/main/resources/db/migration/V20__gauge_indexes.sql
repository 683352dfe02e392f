-- The catalog gauges are re-read at most every 10 s while Prometheus scrapes. Two of their queries read tables that
-- only grow (measured on an in-memory SQLite copy of the schema, this machine at load 10):
-- * the key-age gauge finds each tenant's last KEK rotation among the audit events of kind 'key.operation': without
--   an index on the kind it read every audit event ever written (three or more per uploaded file), 3.8 s per
--   refresh at a million events against 25 ms with audit_events_by_kind where key operations are few. Retention
--   and re-wrapping record one key operation per file (SHRED, REWRAP), and those the query still reads;
-- * the batch gauge counts batches per tenant and state, completed ones included: 310-400 ms per refresh at
--   200 000 batches reading the table, 29-46 ms reading the covering index batches_by_state. The same index serves
--   the batch maintenance (open batches to close, claimed ones whose lease ran out) and an operator's claimed
--   batches, which asked for a state alone and so read every batch: batches_by_site_state starts with the site.
-- (The outbox gauge asks for the undelivered states by name, which forward_jobs_by_state already serves.)
CREATE INDEX audit_events_by_kind ON audit_events (kind, tenant_id, occurred_at);
CREATE INDEX batches_by_state ON batches (state, tenant_id);
-- On PostgreSQL, CREATE INDEX blocks writes to the table while it builds: nodes still running the previous version
-- wait for it to finish before their next audit append or batch change.
