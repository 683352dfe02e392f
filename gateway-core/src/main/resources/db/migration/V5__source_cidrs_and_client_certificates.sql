-- Per-tenant source address allowlist (comma-separated CIDRs; empty = any address) and client certificates
-- of accounts for mutual-TLS logins (by the SHA-256 fingerprint of the DER certificate, lower-case hex).

ALTER TABLE tenants ADD COLUMN allowed_cidrs VARCHAR(2000) NOT NULL DEFAULT '';

CREATE TABLE account_certificates (
    account_id  VARCHAR(40) NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    fingerprint CHAR(64)    NOT NULL,
    subject     VARCHAR(500) NOT NULL,
    created_at  BIGINT      NOT NULL,
    PRIMARY KEY (account_id, fingerprint)
);
CREATE INDEX account_certificates_by_fingerprint ON account_certificates (fingerprint);
