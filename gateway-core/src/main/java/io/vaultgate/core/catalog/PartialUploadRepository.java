package io.vaultgate.core.catalog;

import static io.vaultgate.core.catalog.FileRows.COLUMNS;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Uploads not yet committed: live uploads ({@code UPLOADING} rows), each owned by the node streaming it until
 * that node ends it or another node, presuming it dead, takes it over to recover it; and interrupted partials
 * ({@code PARTIAL} rows) that their uploader may resume on any node until they expire. Every change is a
 * compare-and-set on the row's state (and owner), so two nodes never both act on one upload. Committed files,
 * listings and key slots are {@link FileRepository}'s.
 */
public final class PartialUploadRepository {

    private static final FileRepository FILES = new FileRepository();

    /** A live upload's row and the node streaming it (empty for rows written before migration V10). */
    public record Uploading(FileRecord file, Optional<String> node) {
    }

    /**
     * Moves a live upload streamed by {@code node} to {@code state}; false, and nothing changed, if the row is
     * no longer an upload of that node (another node recovered it after presuming this one dead).
     */
    public boolean updateStateIfOwned(Jdbc jdbc, String id, String node, FileState state, long size,
                                      Optional<String> sha256, Instant now) throws SQLException {
        Optional<UsageCounters.Sized> before = UsageCounters.sized(jdbc, id);
        boolean updated = before.isPresent() && jdbc.update("UPDATE files SET state = ?, size = ?, sha256 = ?, "
                        + "updated_at = ?, committed_at = ? WHERE id = ? AND state = 'UPLOADING' AND node_id = ?",
                state.name(), size, sha256.orElse(null), now.toEpochMilli(),
                state == FileState.COMMITTED ? now.toEpochMilli() : null, id, node) == 1;
        if (updated) {
            UsageCounters.add(jdbc, before.get().tenant(), size - before.get().size(), 0);
        }
        return updated;
    }

    /** Whether {@code id} is still a live upload streamed by node {@code node}. */
    public boolean isUploadOf(Jdbc jdbc, String id, String node) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM files WHERE id = ? AND state = 'UPLOADING' AND node_id = ?", id,
                node) > 0;
    }

    /**
     * Whether {@code id} is still the same interrupted stream of node {@code node}: a live upload of that node last
     * changed at {@code updatedAt}. A resume ({@link #resumeOn}) stamps a new time, so a stream its uploader resumed
     * on this node after another node recovered it is not taken for the one that was interrupted.
     */
    public boolean isInterruptedUploadOf(Jdbc jdbc, String id, String node, Instant updatedAt) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM files WHERE id = ? AND state = 'UPLOADING' AND node_id = ? "
                + "AND updated_at = ?", id, node, updatedAt.toEpochMilli()) > 0;
    }

    /** Takes a partial for resuming on node {@code node}; false if it is not (or no longer) a partial. */
    public boolean resumeOn(Jdbc jdbc, String id, String node, Instant now) throws SQLException {
        return jdbc.update("UPDATE files SET state = 'UPLOADING', node_id = ?, updated_at = ? "
                + "WHERE id = ? AND state = 'PARTIAL'", node, now.toEpochMilli(), id) == 1;
    }

    /**
     * Hands a live upload over from node {@code from} (empty: unknown) to node {@code to}, so that only one
     * node recovers it; false if another node took it first or it ended meanwhile.
     */
    public boolean takeOver(Jdbc jdbc, String id, Optional<String> from, String to) throws SQLException {
        return jdbc.update("UPDATE files SET node_id = ? WHERE id = ? AND state = 'UPLOADING' "
                + "AND COALESCE(node_id, '') = ?", to, id, from.orElse("")) == 1;
    }

    /**
     * The tenant's live uploads that a node starting as {@code self} recovers: its own (left by its previous
     * incarnation), those of nodes silent for longer than {@code deadAfter} (by the catalog's clock) or not known at
     * all, and those written before node ids existed.
     */
    public List<Uploading> uploadsToRecoverAtStart(Jdbc jdbc, TenantId tenant, String self, Duration deadAfter)
            throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + ", node_id FROM files WHERE tenant_id = ? AND state = 'UPLOADING' "
                        + "AND (node_id IS NULL OR node_id = ? OR NOT EXISTS (SELECT 1 FROM nodes n "
                        + "WHERE n.id = files.node_id AND n.last_seen >= " + jdbc.dialect().nowMillis() + " - ?))",
                PartialUploadRepository::uploading, tenant.value(), self, deadAfter.toMillis());
    }

    /** Live uploads of node {@code node}. */
    public List<Uploading> uploadsOf(Jdbc jdbc, String node) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + ", node_id FROM files WHERE state = 'UPLOADING' AND node_id = ?",
                PartialUploadRepository::uploading, node);
    }

    /**
     * Live uploads of other nodes that joined the cluster and have been silent for longer than {@code deadAfter}
     * (by the catalog's clock).
     */
    public List<Uploading> uploadsOfDeadNodes(Jdbc jdbc, String self, Duration deadAfter) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + ", node_id FROM files WHERE state = 'UPLOADING' AND node_id <> ? "
                        + "AND EXISTS (SELECT 1 FROM nodes n WHERE n.id = files.node_id AND n.last_seen < "
                        + jdbc.dialect().nowMillis() + " - ?)", PartialUploadRepository::uploading, self,
                deadAfter.toMillis());
    }

    /**
     * {@link FileRepository#delete}, only if the row is still an interrupted partial last changed before
     * {@code before}: false, and nothing deleted, if its upload was resumed meanwhile (its row is then a live
     * upload).
     */
    public boolean deleteExpiredPartial(Jdbc jdbc, String id, Instant before) throws SQLException {
        return lockPartial(jdbc, id, before.toEpochMilli()) && FILES.delete(jdbc, id);
    }

    /**
     * {@link FileRepository#delete}, only if the row is still an interrupted partial: false, and nothing deleted,
     * if its upload was resumed meanwhile (on another node, too).
     */
    public boolean deletePartial(Jdbc jdbc, String id) throws SQLException {
        return lockPartial(jdbc, id, Long.MAX_VALUE) && FILES.delete(jdbc, id);
    }

    private static boolean lockPartial(Jdbc jdbc, String id, long changedBeforeMillis) throws SQLException {
        return jdbc.queryOne("SELECT id FROM files WHERE id = ? AND state = 'PARTIAL' AND updated_at < ?"
                + jdbc.dialect().forUpdate(), row -> row.getString(1), id, changedBeforeMillis).isPresent();
    }

    private static Uploading uploading(ResultSet row) throws SQLException {
        return new Uploading(FileRows.map(row), Optional.ofNullable(row.getString("node_id")));
    }
}
