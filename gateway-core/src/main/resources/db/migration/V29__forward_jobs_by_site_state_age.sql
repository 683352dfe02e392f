-- A site's removal abandons its forward jobs a page at a time, oldest first (Outbox.abandonPage): for each state it
-- abandons, the next page's jobs after the previous page's last one, ORDER BY created_at, id. forward_jobs_due
-- (site_id, state, next_attempt_at) found the site's jobs in the state but not in that order: every page read all of
-- them left after the cursor and sorted them, so a backlog of n jobs cost about n * n / page reads. Here each page is
-- one range of this index, read in order from the cursor on: a page's reads, however large the backlog. id is in the
-- index for the order's tie-break (and the cursor's). Plain SQL for SQLite and PostgreSQL.
-- On PostgreSQL, CREATE INDEX blocks writes to forward_jobs while it builds (enqueues at upload commits, claims and
-- outcomes of nodes still running the previous version wait for it).
CREATE INDEX forward_jobs_by_site_state_age ON forward_jobs (site_id, state, created_at, id);
