-- Operators of BPO sites, the routes that hand a tenant's files to a site, and the batches they form.

CREATE TABLE operators (
    id            VARCHAR(40)  PRIMARY KEY,
    site_id       VARCHAR(63)  NOT NULL REFERENCES sites (id),
    username      VARCHAR(64)  NOT NULL UNIQUE,
    password_hash VARCHAR(200),
    created_at    BIGINT       NOT NULL
);

CREATE TABLE operator_ssh_keys (
    operator_id VARCHAR(40)  NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    fingerprint VARCHAR(100) NOT NULL,
    public_key  TEXT         NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (operator_id, fingerprint)
);

-- mode: PULL (operators claim batches) or PUSH (forwarded to the site's endpoint).
-- A committed inbox file whose path starts with path_prefix joins the route's open batch; the batch becomes
-- READY when it holds max_files files or max_bytes bytes (0 = no limit), when it has been idle for
-- idle_close_seconds (0 = never), on an explicit close, or when a file named *.ready arrives.
CREATE TABLE routes (
    id                 VARCHAR(40)   PRIMARY KEY,
    tenant_id          VARCHAR(63)   NOT NULL REFERENCES tenants (id),
    site_id            VARCHAR(63)   NOT NULL REFERENCES sites (id),
    mode               VARCHAR(8)    NOT NULL,
    path_prefix        VARCHAR(1100) NOT NULL,
    max_files          BIGINT        NOT NULL DEFAULT 0,
    max_bytes          BIGINT        NOT NULL DEFAULT 0,
    idle_close_seconds BIGINT        NOT NULL DEFAULT 0,
    created_at         BIGINT        NOT NULL
);
CREATE INDEX routes_by_tenant ON routes (tenant_id);

-- state: OPEN -> READY -> CLAIMED (lease until lease_expires_at; expiry returns it to READY) -> COMPLETED.
CREATE TABLE batches (
    id               VARCHAR(40) PRIMARY KEY,
    route_id         VARCHAR(40) NOT NULL REFERENCES routes (id),
    tenant_id        VARCHAR(63) NOT NULL REFERENCES tenants (id),
    site_id          VARCHAR(63) NOT NULL REFERENCES sites (id),
    state            VARCHAR(16) NOT NULL,
    file_count       BIGINT      NOT NULL DEFAULT 0,
    total_bytes      BIGINT      NOT NULL DEFAULT 0,
    claimed_by       VARCHAR(40),
    lease_expires_at BIGINT,
    created_at       BIGINT      NOT NULL,
    updated_at       BIGINT      NOT NULL
);
CREATE INDEX batches_by_site_state ON batches (site_id, state);

CREATE TABLE batch_files (
    batch_id VARCHAR(40) NOT NULL REFERENCES batches (id),
    file_id  VARCHAR(40) NOT NULL,
    PRIMARY KEY (batch_id, file_id)
);
