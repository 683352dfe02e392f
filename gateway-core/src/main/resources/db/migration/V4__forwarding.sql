-- Forwarding to BPO sites over mutual TLS: each site's TLS material, and the durable outbox of forward jobs.
-- The site's endpoint is the existing sites.endpoint column (an https:// URL).

-- trust_anchors: PEM of the CA certificate(s) that sign the site's server certificate (pinned; the JDK's
-- default trust store is never used). client_chain: PEM of the gateway's client certificate for this site,
-- leaf first. client_key_file: absolute path of the PKCS#8 PEM private key of that certificate (0600 on
-- disk, never in the catalog). recipient_key: base64 X25519 public key for sealed forwarding (not yet
-- used). digest_required: the site must answer Repr-Digest (FALSE for a plain WebDAV server such as nginx).
-- revocation_lists: PEM of X509 CRLs of the site's CAs; when set, revocation is checked and fails closed.
CREATE TABLE site_forwarding (
    site_id          VARCHAR(63)   PRIMARY KEY REFERENCES sites (id),
    trust_anchors    TEXT          NOT NULL,
    client_chain     TEXT          NOT NULL,
    client_key_file  VARCHAR(1000) NOT NULL,
    recipient_key    TEXT,
    max_concurrency  INTEGER       NOT NULL DEFAULT 4,
    digest_required  BOOLEAN       NOT NULL DEFAULT TRUE,
    revocation_lists TEXT,
    updated_at       BIGINT        NOT NULL
);

-- One file to deliver to one site. state: PENDING (due at next_attempt_at) -> IN_FLIGHT (leased to
-- lease_owner until lease_expires_at; an expired lease is taken again) -> DELIVERED, or back to PENDING
-- after a failure, or DEAD after the last allowed attempt (an admin's retry makes it PENDING again).
-- version increases on every change: claims and outcomes are compare-and-set on it, so two workers
-- never both own a job. file_id has no foreign key: a shredded file leaves its job, which then goes DEAD.
CREATE TABLE forward_jobs (
    id               VARCHAR(40)  PRIMARY KEY,
    file_id          VARCHAR(40)  NOT NULL,
    tenant_id        VARCHAR(63)  NOT NULL,
    site_id          VARCHAR(63)  NOT NULL REFERENCES sites (id),
    state            VARCHAR(16)  NOT NULL,
    version          BIGINT       NOT NULL DEFAULT 0,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT       NOT NULL,
    lease_owner      VARCHAR(64),
    lease_expires_at BIGINT,
    last_error       VARCHAR(500),
    site_digest      CHAR(64),
    delivered_at     BIGINT,
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL,
    UNIQUE (file_id, site_id)
);
CREATE INDEX forward_jobs_due ON forward_jobs (site_id, state, next_attempt_at);
CREATE INDEX forward_jobs_by_state ON forward_jobs (state);
