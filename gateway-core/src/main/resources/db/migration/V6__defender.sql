-- The defender: banned source addresses and login lockouts, shared by every node through the catalog.
-- Plain SQL for SQLite and PostgreSQL, as in V1: times are epoch milliseconds.

-- One row per address banned and not yet forgotten. level counts consecutive bans (each lasts longer);
-- a row whose ban ended more than defender.forget-after ago is deleted, so the next ban starts at level 1.
-- address is the canonical text of an IPv4 or IPv6 address.
CREATE TABLE defender_bans (
    address      VARCHAR(64)  PRIMARY KEY,
    level        INTEGER      NOT NULL,
    banned_until BIGINT       NOT NULL,
    reason       VARCHAR(500) NOT NULL,
    updated_at   BIGINT       NOT NULL
);
CREATE INDEX defender_bans_by_until ON defender_bans (banned_until);

-- Consecutive failed logins of a login name by one method (password, key); locked_until is set when they
-- reach defender.lockout-failures (the count then starts again). A success resets failures.
CREATE TABLE login_lockouts (
    username     VARCHAR(64) NOT NULL,
    method       VARCHAR(16) NOT NULL,
    failures     INTEGER     NOT NULL,
    locked_until BIGINT,
    updated_at   BIGINT      NOT NULL,
    PRIMARY KEY (username, method)
);

-- Networks a tenant's logins are refused from, in addition to its allowlist (tenants.allowed_cidrs).
CREATE TABLE tenant_denied_sources (
    tenant_id VARCHAR(63) NOT NULL REFERENCES tenants (id),
    cidr      VARCHAR(64) NOT NULL,
    PRIMARY KEY (tenant_id, cidr)
);
