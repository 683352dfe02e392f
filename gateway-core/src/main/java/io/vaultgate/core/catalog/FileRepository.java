package io.vaultgate.core.catalog;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Files, their states and their key slots. */
public final class FileRepository {

    private static final String COLUMNS =
            "id, tenant_id, account_id, path, state, object_id, size, sha256, created_at, updated_at";

    public void insert(Jdbc jdbc, FileRecord file, StoredKeySlot slot) throws SQLException {
        jdbc.update("INSERT INTO files (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                file.id(), file.tenant().value(), file.accountId(), file.path().toString(), file.state().name(),
                file.objectId().value(), file.size(), file.sha256().orElse(null),
                file.createdAt().toEpochMilli(), file.updatedAt().toEpochMilli());
        jdbc.update("INSERT INTO key_slots (file_id, provider, kek_tenant, kek_version, wrapped) "
                + "VALUES (?, ?, ?, ?, ?)", file.id(), slot.provider(), slot.kekTenant(), slot.kekVersion(),
                slot.wrappedBase64());
    }

    public Optional<FileRecord> find(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM files WHERE id = ?", FileRepository::map, id);
    }

    /** The owner's file at a path in one of the given states, newest first. */
    public Optional<FileRecord> findOwned(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath path,
                                          FileState state) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND account_id = ? AND path = ? "
                        + "AND state = ? ORDER BY updated_at DESC", FileRepository::map,
                tenant.value(), accountId, path.toString(), state.name()).stream().findFirst();
    }

    /** A committed file of the tenant at a path, whoever uploaded it. */
    public Optional<FileRecord> findCommitted(Jdbc jdbc, TenantId tenant, VirtualPath path) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND path = ? AND state = ? "
                        + "ORDER BY updated_at DESC", FileRepository::map,
                tenant.value(), path.toString(), FileState.COMMITTED.name()).stream().findFirst();
    }

    /**
     * Files below {@code prefix} visible to a lister: the owner's committed and partial files when
     * {@code accountId} is given, the tenant's committed files otherwise.
     */
    public List<FileRecord> listUnder(Jdbc jdbc, TenantId tenant, Optional<String> accountId, VirtualPath prefix)
            throws SQLException {
        String like = escapeLike(prefix.toString()) + "/%";
        if (accountId.isPresent()) {
            return jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND account_id = ? "
                            + "AND path LIKE ? ESCAPE '!' AND state IN ('COMMITTED', 'PARTIAL') ORDER BY path",
                    FileRepository::map, tenant.value(), accountId.get(), like);
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND path LIKE ? ESCAPE '!' "
                + "AND state = 'COMMITTED' ORDER BY path", FileRepository::map, tenant.value(), like);
    }

    public void updateState(Jdbc jdbc, String id, FileState state, long size, Optional<String> sha256, Instant now)
            throws SQLException {
        jdbc.update("UPDATE files SET state = ?, size = ?, sha256 = ?, updated_at = ?, committed_at = ? WHERE id = ?",
                state.name(), size, sha256.orElse(null), now.toEpochMilli(),
                state == FileState.COMMITTED ? now.toEpochMilli() : null, id);
    }

    public void rename(Jdbc jdbc, String id, VirtualPath to, Instant now) throws SQLException {
        jdbc.update("UPDATE files SET path = ?, updated_at = ? WHERE id = ?", to.toString(), now.toEpochMilli(), id);
    }

    /** Deletes the row and, with it, its key slot: the file's content is shredded. */
    public void delete(Jdbc jdbc, String id) throws SQLException {
        jdbc.update("DELETE FROM key_slots WHERE file_id = ?", id);
        jdbc.update("DELETE FROM files WHERE id = ?", id);
    }

    public Optional<StoredKeySlot> keySlot(Jdbc jdbc, String fileId) throws SQLException {
        return jdbc.queryOne("SELECT provider, kek_tenant, kek_version, wrapped FROM key_slots WHERE file_id = ?",
                row -> new StoredKeySlot(row.getString(1), row.getString(2), row.getInt(3), row.getString(4)),
                fileId);
    }

    /** Bytes and files the tenant holds, committed or not, for quota checks. */
    public long[] usage(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.queryOne("SELECT COALESCE(SUM(size), 0), COUNT(*) FROM files WHERE tenant_id = ?",
                row -> new long[] {row.getLong(1), row.getLong(2)}, tenant.value()).orElse(new long[2]);
    }

    public List<FileRecord> listByStates(Jdbc jdbc, TenantId tenant, List<FileState> states) throws SQLException {
        String in = String.join(",", states.stream().map(s -> "'" + s.name() + "'").toList());
        return jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND state IN (" + in + ")",
                FileRepository::map, tenant.value());
    }

    private static String escapeLike(String value) {
        return value.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static FileRecord map(ResultSet row) throws SQLException {
        return new FileRecord(row.getString("id"), new TenantId(row.getString("tenant_id")),
                row.getString("account_id"), PathPolicy.parse(row.getString("path")),
                FileState.valueOf(row.getString("state")), new ObjectId(row.getString("object_id")),
                row.getLong("size"), Optional.ofNullable(row.getString("sha256")),
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("updated_at")));
    }
}
