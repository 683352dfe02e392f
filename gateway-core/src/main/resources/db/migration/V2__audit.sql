-- Vaultgate catalog, version 2: the audit chain. Plain SQL for SQLite and PostgreSQL, as in V1.
-- Hashes and nonces are lower-case hex, signatures standard base64, times epoch milliseconds.
-- The format (what is hashed and signed) is described in docs/audit.md and io.vaultgate.core.audit.ChainHash.

-- One record per audit event, in a gap-free sequence starting at 1.
-- event is the canonical JSON the chain hashes; nonce makes its digest hiding; tag is the HMAC of seq under
-- the tenant's tag key (so a tenant recognises its own records among those an export omits); occurred_at,
-- kind, tenant_id and actor are copies of the event's fields for querying, and the verifier checks that
-- they agree with it. No foreign keys: the record of a tenant or account outlives them.
CREATE TABLE audit_events (
    seq         BIGINT       PRIMARY KEY,
    occurred_at BIGINT       NOT NULL,
    kind        VARCHAR(40)  NOT NULL,
    tenant_id   VARCHAR(63),
    actor       VARCHAR(200) NOT NULL,
    nonce       CHAR(32)     NOT NULL,
    tag         CHAR(64)     NOT NULL,
    event       TEXT         NOT NULL,
    prev_hash   CHAR(64)     NOT NULL,
    hash        CHAR(64)     NOT NULL
);
CREATE INDEX audit_events_by_time ON audit_events (occurred_at);
CREATE INDEX audit_events_by_tenant ON audit_events (tenant_id, occurred_at);

-- The head of the chain: exactly one row. An appender first increments seq here, which takes the row's
-- write lock (PostgreSQL) or the database's (SQLite), so concurrent appenders line up instead of forking
-- the chain; the primary key on audit_events.seq backs that up.
CREATE TABLE audit_head (
    id   INTEGER  PRIMARY KEY CHECK (id = 1),
    seq  BIGINT   NOT NULL,
    hash CHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Signed checkpoints: "record seq has hash", Ed25519-signed by the key whose id (SHA-256 of its
-- SubjectPublicKeyInfo, hex) is key_id.
CREATE TABLE audit_checkpoints (
    seq       BIGINT   PRIMARY KEY,
    hash      CHAR(64) NOT NULL,
    signed_at BIGINT   NOT NULL,
    key_id    CHAR(64) NOT NULL,
    signature TEXT     NOT NULL
);

-- The signed receipt of every committed upload, as issued (the vgr1 text of io.vaultgate.core.receipt
-- .SignedReceipt), so a client can fetch it again. Kept after the file is deleted: it is the proof.
CREATE TABLE receipts (
    file_id   VARCHAR(40) PRIMARY KEY,
    tenant_id VARCHAR(63) NOT NULL,
    receipt   TEXT        NOT NULL,
    issued_at BIGINT      NOT NULL
);
