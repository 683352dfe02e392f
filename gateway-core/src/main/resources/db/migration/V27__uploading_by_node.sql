-- Only live uploads are looked up by their node (a node's own, a dead node's, whether a node still streams any):
-- every such query asks for state = 'UPLOADING'. files_by_state_node held an entry for every file ever stored,
-- and an upload's commit moved its entry from (UPLOADING, node) to (COMMITTED, node), writing a second page of
-- that growing index in the committing transaction. This partial index holds the live uploads only: an upload
-- adds its entry when it opens and its commit (or suspension, or discard) removes it, on a page that stays small.
-- Plain SQL for SQLite and PostgreSQL; both use a partial index for a query whose WHERE names its predicate.
-- Built before the old index is dropped: on PostgreSQL a DROP INDEX locks the table against reads until the
-- migration commits, so dropped first, every node's reads of files waited for the whole build (EditedMigrations).
CREATE INDEX files_uploading_by_node ON files (node_id) WHERE state = 'UPLOADING';
DROP INDEX files_by_state_node;
