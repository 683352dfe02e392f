-- Scale-out with the keystore key provider: every node holds its own copy of keys/kek.p12, and a change of a
-- tenant's KEKs (tenant creation, rotation, emergency rotation, disabling a version, a shred) changes the copy of
-- the node that ran it only, until an operator copies the file to the others. The catalog is shared: it records
-- each tenant's KEK versions, in the operation that changes them, so that every node can tell when its copy is
-- behind (io.vaultgate.core.kek.KekCatalog). A node then refuses to wrap new data keys with an older version than
-- the newest one recorded here (the active version), and to unwrap with a version recorded DISABLED or with any
-- version of a tenant recorded DESTROYED. A state only ever becomes stricter: ENABLED, DISABLED, DESTROYED.
-- kek_tenant is the tenant id (key_slots.kek_tenant); a shredded tenant's rows stay, as its id is never reused.
CREATE TABLE kek_versions (
    kek_tenant VARCHAR(63) NOT NULL,
    version    INTEGER     NOT NULL CHECK (version >= 1),
    state      VARCHAR(16) NOT NULL CHECK (state IN ('ENABLED', 'DISABLED', 'DESTROYED')),
    changed_at BIGINT      NOT NULL,
    PRIMARY KEY (kek_tenant, version)
);

-- The keystores' versions are not in the catalog, so an upgraded catalog starts with what its key slots show: every
-- version wrapping a stored data key existed on some node and was not disabled (a version is disabled only once no
-- slot uses it). A node completes the record from its own keystore when it next opens an upload for the tenant or
-- changes its keys (the first node to do so records its newer versions and its disabled ones); a node whose copy
-- lacks a version found here refuses new uploads of that tenant until its keystore is copied, which is the state
-- it was in before the upgrade, unnoticed.
INSERT INTO kek_versions (kek_tenant, version, state, changed_at)
    SELECT DISTINCT kek_tenant, kek_version, 'ENABLED', 0 FROM key_slots;
