-- A removed site takes no route, operator or forwarding change; the row stays for batch and forwarding history,
-- audit and reports, and its id is never given to another site.
ALTER TABLE sites ADD COLUMN removed_at BIGINT;
