-- The identity of the object store the catalog's objects are written to (io.vaultgate.core.storage.StoreIdentity):
-- a random id that the store holds too, in its marker (<root>/.vaultgate-store on a file system, the key
-- <prefix>.vaultgate-store in S3). Every start compares the two before anything reads or writes an object, and refuses
-- a store without the marker (a file system not mounted yet: its empty mount point) or with another one (another
-- installation's store, a wrong bucket or prefix). Exactly one row. confirmed_at is NULL from the moment a start
-- records the id until a start has read the same id back from the store's marker: a start that crashed in between is
-- completed by the next one (docs/format.md, "Store identity"). Plain SQL for SQLite and PostgreSQL; an existing
-- catalog starts without the row, and its first start adopts the store only if the store shows it holds the
-- catalog's objects.
CREATE TABLE store_identity (
    id           INTEGER     PRIMARY KEY CHECK (id = 1),
    store_id     VARCHAR(36) NOT NULL,
    recorded_at  BIGINT      NOT NULL,
    confirmed_at BIGINT
);
