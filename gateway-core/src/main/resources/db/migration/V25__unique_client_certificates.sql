-- A client certificate logs in as one account: the mutual-TLS login looks the account up by the certificate's
-- fingerprint (io.vaultgate.core.catalog.AccountRepository). Only (account_id, fingerprint) was a key, so one
-- certificate could be registered to two accounts, of one tenant or of two; from then on every request with it found
-- two accounts and failed (500). The fingerprint is now unique over all registrations (accounts are the only
-- principals that hold client certificates; operators and administrators log in with SSH keys and tokens), and a
-- registration of a certificate held already is refused (409 certificate-taken, `vaultgate account add` exits 1).

-- What an upgrade does with a certificate an older catalog holds for more than one account: it sets aside every one
-- of its registrations, keeps none. Since its second registration no login with it succeeded (each found two
-- accounts), so this takes no working login away; keeping one (the oldest, say) would let the holder of the
-- private key log in as an account the catalog cannot tell is the right one, possibly of another tenant. The
-- registrations set aside are kept here, for an administrator to register the certificate again to the one
-- account it belongs to (docs/access-control.md, "Client certificates"), which clears them; a tenant's shred
-- removes its accounts' rows with their certificates.
CREATE TABLE account_certificate_conflicts (
    account_id  VARCHAR(40)  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    fingerprint CHAR(64)     NOT NULL,
    subject     VARCHAR(500) NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (account_id, fingerprint)
);

INSERT INTO account_certificate_conflicts (account_id, fingerprint, subject, created_at)
    SELECT account_id, fingerprint, subject, created_at FROM account_certificates
    WHERE fingerprint IN (SELECT fingerprint FROM account_certificates GROUP BY fingerprint HAVING COUNT(*) > 1);
DELETE FROM account_certificates
    WHERE fingerprint IN (SELECT fingerprint FROM account_certificate_conflicts);

DROP INDEX account_certificates_by_fingerprint;
CREATE UNIQUE INDEX account_certificates_by_fingerprint ON account_certificates (fingerprint);
