-- Per-site source address allowlist of the site's operators (comma-separated CIDRs; empty = any address), as V5 gave
-- tenants theirs: `vaultgate site set SITE --allow-sources CIDR[,CIDR...]` (`""` clears it), or the admin API's
-- PATCH /v1/admin/sites/{site}. An operator of the site logging in (SSH key, API token, the token exchange) from
-- elsewhere is refused as a client outside its tenant's allowlist is (SOURCE_NOT_ALLOWED). Every site an older
-- catalog holds gets the empty list: its operators log in from anywhere, as before. Plain SQL for SQLite and
-- PostgreSQL.
ALTER TABLE sites ADD COLUMN allowed_cidrs VARCHAR(2000) NOT NULL DEFAULT '';
