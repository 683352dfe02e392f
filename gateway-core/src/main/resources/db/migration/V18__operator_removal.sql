-- A removed operator (offboarded) can no longer log in; the row stays for the audit trail, batch history and
-- reports, and its username is never given to anyone else.
ALTER TABLE operators ADD COLUMN removed_at BIGINT;
