-- Incident response and multi-factor authentication. Plain SQL for SQLite and PostgreSQL, as in V1.

-- Why a tenant is locked (tenants.status = 'LOCKED' is the state itself): who locked it, when, and why.
CREATE TABLE tenant_lockdowns (
    tenant_id VARCHAR(63)  PRIMARY KEY REFERENCES tenants (id),
    locked_at BIGINT       NOT NULL,
    actor     VARCHAR(200) NOT NULL,
    reason    VARCHAR(500) NOT NULL
);

-- Credentials revoked, so every node ends the live sessions that used them (the credential itself is
-- already deleted or marked revoked where it is stored). credential is an io.vaultgate.core.auth.Credentials
-- id (ssh-key:SHA256:..., token:<sha256>, certificate:<sha256>, password:<id>), never a secret;
-- principal is the login name whose sessions end.
CREATE TABLE credential_revocations (
    id         VARCHAR(40)  PRIMARY KEY,
    credential VARCHAR(200) NOT NULL,
    principal  VARCHAR(64)  NOT NULL,
    revoked_at BIGINT       NOT NULL,
    actor      VARCHAR(200) NOT NULL,
    reason     VARCHAR(500) NOT NULL
);
CREATE INDEX credential_revocations_by_time ON credential_revocations (revoked_at);

-- TOTP secrets of operators and admins (principal_kind operator|admin, principal_name the login name).
-- The secret is a 32-byte key wrapped by the key provider under the gateway's own MFA KEK (kek_tenant,
-- kek_version, wrapped: base64), bound to the principal; last_step is the last 30-second step accepted, so
-- a code is never accepted twice.
CREATE TABLE mfa_secrets (
    principal_kind VARCHAR(16) NOT NULL,
    principal_name VARCHAR(64) NOT NULL,
    provider       VARCHAR(32) NOT NULL,
    kek_tenant     VARCHAR(64) NOT NULL,
    kek_version    INTEGER     NOT NULL,
    wrapped        TEXT        NOT NULL,
    last_step      BIGINT      NOT NULL,
    created_at     BIGINT      NOT NULL,
    PRIMARY KEY (principal_kind, principal_name)
);
