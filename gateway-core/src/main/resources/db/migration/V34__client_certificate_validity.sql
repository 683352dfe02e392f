-- The validity of each registered client certificate (V5, V25: account_certificates), as epoch milliseconds: its
-- notBefore and notAfter, so that `vaultgate account show` can print when a certificate expires, `vaultgate account
-- list --certificates-expiring 30d` and `vaultgate doctor` can name the ones expiring or expired, and the gauge
-- vaultgate_client_certificates can count them. A mutual-TLS handshake refuses an expired certificate, so its account
-- can no longer log in with it.
--
-- Filled from the certificate by every registration from V34 on (io.vaultgate.core.catalog.AccountRepository). A row
-- an older catalog holds keeps NULL in both, shown as "expiry unknown": the catalog never stored the certificate (only
-- its SHA-256 fingerprint and subject), so no date can be recovered here and none is made up. Registering the same
-- certificate to its account again (`vaultgate account add-cert USER --client-cert PEM`) records its validity. Both
-- columns are NULL or neither is. Plain SQL for SQLite and PostgreSQL.
ALTER TABLE account_certificates ADD COLUMN not_before BIGINT;
ALTER TABLE account_certificates ADD COLUMN not_after BIGINT;
CREATE INDEX account_certificates_by_not_after ON account_certificates (not_after);
