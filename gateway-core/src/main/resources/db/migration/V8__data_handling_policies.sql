-- Data-handling policies a tenant publishes for the BPO operators who handle its files, and each operator's
-- acknowledgement of a version. A policy version is never changed or deleted: publishing makes a new one.
-- text is the policy as published (UTF-8, at most 256 KiB); sha256 is the lower-case hex SHA-256 of its bytes.

CREATE TABLE data_policies (
    tenant_id    VARCHAR(63) NOT NULL REFERENCES tenants (id),
    version      INTEGER     NOT NULL,
    sha256       CHAR(64)    NOT NULL,
    text         TEXT        NOT NULL,
    published_by VARCHAR(64) NOT NULL,
    published_at BIGINT      NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

-- An operator acknowledged a version; before its first claim or download of the tenant's data the operator
-- needs a row for the tenant's current (highest) version.
CREATE TABLE data_policy_acks (
    tenant_id       VARCHAR(63) NOT NULL,
    version         INTEGER     NOT NULL,
    operator_id     VARCHAR(40) NOT NULL REFERENCES operators (id),
    recorded_by     VARCHAR(64) NOT NULL,
    acknowledged_at BIGINT      NOT NULL,
    PRIMARY KEY (tenant_id, version, operator_id),
    FOREIGN KEY (tenant_id, version) REFERENCES data_policies (tenant_id, version)
);
