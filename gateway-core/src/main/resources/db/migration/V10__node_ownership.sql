-- Scale-out: the gateway nodes sharing this catalog, and the node that streams each live upload, so that a
-- node's start-up recovery touches only uploads whose node is gone. Plain SQL for SQLite and PostgreSQL.

-- One row per node id (kept in <home>/node-id, the same across restarts). incarnation is random per process
-- start; last_seen is the node's latest heartbeat (epoch ms by the node's clock), 0 once it stopped cleanly.
-- A node silent for longer than the dead-after time is dead: another node recovers its uploads.
CREATE TABLE nodes (
    id          VARCHAR(64) PRIMARY KEY,
    incarnation VARCHAR(40) NOT NULL,
    started_at  BIGINT      NOT NULL,
    last_seen   BIGINT      NOT NULL
);

-- The node streaming a file in state UPLOADING (the last one to, for other states). NULL for rows written
-- before this version: their node is unknown, so they are recovered at the next start of any node.
ALTER TABLE files ADD COLUMN node_id VARCHAR(64);
CREATE INDEX files_by_state_node ON files (state, node_id);
