-- A tenant's key slots by KEK version: key_slots had only its primary key (file_id), so every query of a tenant's
-- slots read all of them, every tenant's: the proof of a tenant's key before its KEK versions are recorded
-- (TenantKeyProof: up to 3 slots per version this node holds, in file id order), the count of data keys wrapped with
-- the tenant's KEK (KekVersionRepository.wrappedKeys), and the rotation's counts of slots under a version
-- (KeyRotation: kek_version = ?, kek_version < ?). Here each is a range of this index: kek_tenant alone, or with
-- kek_version (equal or a range), and with provider the slots of one version in file id order, a LIMIT reading only
-- those it returns. Plain SQL for SQLite and PostgreSQL.
-- On PostgreSQL, CREATE INDEX blocks writes to key_slots while it builds (upload openings, file deletions and
-- rewraps of nodes still running the previous version wait for it).
CREATE INDEX key_slots_by_kek ON key_slots (kek_tenant, kek_version, provider, file_id);
