-- Monitors: what Prometheus (or any monitoring system) scrapes the ops listener with. A monitor is a name and its API
-- tokens (api_tokens rows of principal_kind 'monitor', principal_id the name); its tokens read /metrics and
-- /status.json on the ops listener and log in nowhere else (io.vaultgate.core.admin.Monitors), so a Prometheus host
-- no longer holds an administrator's token. A removed monitor's row goes, with its tokens revoked.
CREATE TABLE monitors (
    name       VARCHAR(64) PRIMARY KEY,
    created_at BIGINT      NOT NULL
);

-- A monitor's name is taken in the one namespace of login names (V21), so that a name in an audit record stands for
-- one principal. The kind check gains 'monitor'; SQLite cannot change a check, so the table is made again with every
-- row it held.
CREATE TABLE usernames_v23 (
    name           VARCHAR(64) PRIMARY KEY,
    principal_kind VARCHAR(16) NOT NULL CHECK (principal_kind IN ('account', 'operator', 'admin', 'monitor')),
    principal_id   VARCHAR(64) NOT NULL
);
INSERT INTO usernames_v23 (name, principal_kind, principal_id)
    SELECT name, principal_kind, principal_id FROM usernames;
DROP TABLE usernames;
ALTER TABLE usernames_v23 RENAME TO usernames;
