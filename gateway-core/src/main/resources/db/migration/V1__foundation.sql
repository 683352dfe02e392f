-- Vaultgate catalog, version 1. Plain SQL that runs unchanged on SQLite and PostgreSQL:
-- timestamps are epoch milliseconds (BIGINT), binary values are base64 text.

CREATE TABLE tenants (
    id                VARCHAR(63)  PRIMARY KEY,
    name              VARCHAR(200) NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    quota_bytes       BIGINT       NOT NULL DEFAULT 0,
    quota_files       BIGINT       NOT NULL DEFAULT 0,
    retention_seconds BIGINT       NOT NULL DEFAULT 0,
    protocols         VARCHAR(64)  NOT NULL,
    password_login    BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at        BIGINT       NOT NULL
);

CREATE TABLE accounts (
    id            VARCHAR(40)  PRIMARY KEY,
    tenant_id     VARCHAR(63)  NOT NULL REFERENCES tenants (id),
    username      VARCHAR(64)  NOT NULL UNIQUE,
    password_hash VARCHAR(200),
    expires_at    BIGINT,
    created_at    BIGINT       NOT NULL
);

CREATE TABLE account_ssh_keys (
    account_id  VARCHAR(40)  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    fingerprint VARCHAR(100) NOT NULL,
    public_key  TEXT         NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (account_id, fingerprint)
);

CREATE TABLE admins (
    name       VARCHAR(64) PRIMARY KEY,
    created_at BIGINT      NOT NULL
);

-- API tokens are stored as the SHA-256 of the token; the token itself is shown once.
CREATE TABLE api_tokens (
    token_hash     CHAR(64)    PRIMARY KEY,
    principal_kind VARCHAR(16) NOT NULL,
    principal_id   VARCHAR(64) NOT NULL,
    label          VARCHAR(100),
    created_at     BIGINT      NOT NULL,
    expires_at     BIGINT,
    revoked_at     BIGINT
);

CREATE TABLE sites (
    id         VARCHAR(63)  PRIMARY KEY,
    name       VARCHAR(200) NOT NULL,
    endpoint   VARCHAR(500),
    created_at BIGINT       NOT NULL
);

-- One uploaded payload. state: UPLOADING (a live upload), PARTIAL (an interrupted, resumable upload seen
-- only by its uploader), COMMITTED (durable and visible).
CREATE TABLE files (
    id           VARCHAR(40)   PRIMARY KEY,
    tenant_id    VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    account_id   VARCHAR(40)   NOT NULL,
    path         VARCHAR(1100) NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    object_id    CHAR(32)      NOT NULL,
    size         BIGINT        NOT NULL DEFAULT 0,
    sha256       CHAR(64),
    created_at   BIGINT        NOT NULL,
    updated_at   BIGINT        NOT NULL,
    committed_at BIGINT
);
CREATE INDEX files_by_owner_path ON files (tenant_id, account_id, path);

-- The authoritative wrapped data key of a file. Deleting the row crypto-shreds the file.
CREATE TABLE key_slots (
    file_id     VARCHAR(40) PRIMARY KEY REFERENCES files (id) ON DELETE CASCADE,
    provider    VARCHAR(32) NOT NULL,
    kek_tenant  VARCHAR(63) NOT NULL,
    kek_version INTEGER     NOT NULL,
    wrapped     TEXT        NOT NULL
);

-- Directories a client created explicitly (files imply their parent directories).
CREATE TABLE directories (
    tenant_id  VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    account_id VARCHAR(40)   NOT NULL,
    path       VARCHAR(1100) NOT NULL,
    created_at BIGINT        NOT NULL,
    PRIMARY KEY (tenant_id, account_id, path)
);
