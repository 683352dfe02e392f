-- A key check of each KEK version (io.vaultgate.core.kek.KekChecks): a key slot (KeySlot.toBytes(), base64) wrapping
-- a random data key that is thrown away, made with the version by the node that recorded it, under a fixed context
-- no file can have. A node proves that its keystore's key of a version is the key the catalog records by unwrapping
-- it: a key made under the same version number on another node (a rotation whose recording failed or whose node
-- crashed after the keystore was written, then another node's rotation) fails the unwrap's authentication, and the
-- node refuses to wrap or unwrap with it instead of forking the tenant's data silently. It holds nothing secret: an
-- AES-GCM wrap like every key slot's, with its own random nonce; never the key, nor a value computed from the key
-- without a nonce. NULL for rows from before V28 and rows an older node records: filled by the first node that uses
-- the version as its active one to wrap; unchecked until then.
ALTER TABLE kek_versions ADD COLUMN kek_check TEXT;
