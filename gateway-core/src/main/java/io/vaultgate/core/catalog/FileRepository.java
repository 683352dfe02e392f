package io.vaultgate.core.catalog;

import static io.vaultgate.core.catalog.FileRows.COLUMNS;

import io.vaultgate.core.batch.BatchLayout;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Files, their states and their key slots, and the tenants' usage counters kept with them. The queries of uploads
 * not yet committed (live uploads, resumable partials, their hand-over between nodes) are
 * {@link PartialUploadRepository}'s.
 */
public final class FileRepository {

    private static final BatchRepository BATCHES = new BatchRepository();

    /** Inserts a new file streamed by node {@code node}, with its key slot. */
    public void insert(Jdbc jdbc, FileRecord file, StoredKeySlot slot, String node) throws SQLException {
        jdbc.update("INSERT INTO files (" + COLUMNS + ", node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                file.id(), file.tenant().value(), file.accountId(), file.path().toString(), file.state().name(),
                file.objectId().value(), file.size(), file.sha256().orElse(null),
                file.createdAt().toEpochMilli(), file.updatedAt().toEpochMilli(), node);
        jdbc.update("INSERT INTO key_slots (file_id, provider, kek_tenant, kek_version, wrapped) "
                + "VALUES (?, ?, ?, ?, ?)", file.id(), slot.provider(), slot.kekTenant(), slot.kekVersion(),
                slot.wrappedBase64());
        UsageCounters.add(jdbc, file.tenant().value(), file.size(), 1);
    }

    /**
     * The columns of {@code files} that {@link #fromRow} reads, each taken from the table aliased {@code alias} and
     * labelled with its own name: for a statement that joins the file's row with others' (the forwarder's one read
     * of a job's file, account, site and key slot).
     */
    public static String columns(String alias) {
        StringBuilder out = new StringBuilder();
        for (String column : COLUMNS.split(", ")) {
            out.append(out.isEmpty() ? "" : ", ").append(alias).append('.').append(column).append(" AS ")
                    .append(column);
        }
        return out.toString();
    }

    /** The file of a row that selected {@link #columns}. */
    public static FileRecord fromRow(java.sql.ResultSet row) throws SQLException {
        return FileRows.map(row);
    }

    public Optional<FileRecord> find(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM files WHERE id = ?", FileRows::map, id);
    }

    /** The owner's file at a path in one of the given states, newest first. */
    public Optional<FileRecord> findOwned(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath path,
                                          FileState state) throws SQLException {
        return newest(jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND account_id = ? "
                + "AND path = ? AND state = ?", FileRows::map, tenant.value(), accountId, path.toString(),
                state.name()));
    }

    /**
     * The owner's committed and interrupted (partial) files at a path, in one statement: the newest of each state
     * ({@link #findOwned} of both, as a client's {@code stat} needs them).
     */
    public OwnedFiles findOwnedVisible(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath path)
            throws SQLException {
        List<FileRecord> rows = jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND account_id = ? "
                + "AND path = ? AND state IN ('COMMITTED', 'PARTIAL')", FileRows::map, tenant.value(), accountId,
                path.toString());
        return new OwnedFiles(newest(rows.stream().filter(f -> f.state() == FileState.COMMITTED).toList()),
                newest(rows.stream().filter(f -> f.state() == FileState.PARTIAL).toList()));
    }

    /** The owner's newest committed and newest partial file at one path. */
    public record OwnedFiles(Optional<FileRecord> committed, Optional<FileRecord> partial) {
        public OwnedFiles {
            Objects.requireNonNull(committed, "committed");
            Objects.requireNonNull(partial, "partial");
        }
    }

    /** A committed file of the tenant at a path, whoever uploaded it. */
    public Optional<FileRecord> findCommitted(Jdbc jdbc, TenantId tenant, VirtualPath path) throws SQLException {
        return newest(jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND path = ? AND state = ?",
                FileRows::map, tenant.value(), path.toString(), FileState.COMMITTED.name()));
    }

    /**
     * Up to {@code limit} rows of the files directly in {@code directory}, not deeper, whose names come after
     * {@code after} ({@code ""} for the first page), in binary name order ({@link Dialect#binary()}): the owner's
     * committed and partial files when {@code accountId} is given, the tenant's committed files otherwise. A name may
     * take several rows: where the owner has an interrupted replacement of a committed file, the partial comes after
     * the committed one; rows of one name and state come oldest first.
     */
    public List<FileRecord> listIn(Jdbc jdbc, TenantId tenant, Optional<String> accountId, VirtualPath directory,
                                   String after, int limit) throws SQLException {
        return accountId.isPresent()
                ? listIn(jdbc, "AND account_id = ? AND state IN ('COMMITTED', 'PARTIAL') ",
                        new Object[] {tenant.value(), accountId.get()}, directory, after, limit)
                : listIn(jdbc, "AND state = 'COMMITTED' ", new Object[] {tenant.value()}, directory, after, limit);
    }

    /** As {@link #listIn}, for the files of one batch (by their paths in the tenant's namespace). */
    public List<FileRecord> listInBatch(Jdbc jdbc, TenantId tenant, String batchId, VirtualPath directory,
                                        String after, int limit) throws SQLException {
        return listIn(jdbc, BATCH_SCOPE, new Object[] {tenant.value(), batchId}, directory, after, limit);
    }

    private static final String BATCH_SCOPE = "AND id IN (SELECT file_id FROM batch_files WHERE batch_id = ?) ";

    /** The batch's file at {@code path} (in the tenant's namespace), the newest if the batch holds several. */
    public Optional<FileRecord> findInBatch(Jdbc jdbc, TenantId tenant, String batchId, VirtualPath path)
            throws SQLException {
        return newest(jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? " + BATCH_SCOPE
                + "AND path = ?", FileRows::map, tenant.value(), batchId, path.toString()));
    }

    /**
     * Whether a file of batch {@code batchId} other than {@code fileId} is at {@code path}, at a directory above it
     * or below it. A batch shows its operator each file by its path below {@code /inbox}, so a file there would hide
     * one at {@code path} (or be hidden by it, or turn it into a directory). Likewise a file at or below the inbox
     * directory shown under the same name ({@link BatchLayout#sharingItsName}: {@code /inbox/results} and
     * {@code /inbox/inbox-results}).
     */
    public boolean clashesInBatch(Jdbc jdbc, TenantId tenant, String batchId, String fileId, VirtualPath path)
            throws SQLException {
        List<Object> parameters = new ArrayList<>(List.of(tenant.value(), batchId, fileId, path.toString()));
        StringBuilder above = new StringBuilder();
        for (VirtualPath parent = path.parent(); !parent.isRoot(); parent = parent.parent()) {
            above.append(", ?");
            parameters.add(parent.toString());
        }
        String binary = jdbc.dialect().binary();
        String subtree = " OR (path" + binary + " > ? AND path" + binary + " < ?)";
        parameters.add(start(path));
        parameters.add(end(path));
        Optional<VirtualPath> sameName = BatchLayout.sharingItsName(path);
        if (sameName.isPresent()) {
            parameters.addAll(List.of(sameName.get().toString(), start(sameName.get()), end(sameName.get())));
        }
        return jdbc.count("SELECT COUNT(*) FROM files WHERE tenant_id = ? " + BATCH_SCOPE + "AND id <> ? AND (path IN (?"
                + above + ")" + subtree + (sameName.isPresent() ? " OR path = ?" + subtree : "") + ")",
                parameters.toArray()) > 0;
    }

    /** When the newest file of the batch below {@code directory} (in the tenant's namespace) changed; empty if none. */
    public Optional<Instant> changedBelowInBatch(Jdbc jdbc, TenantId tenant, String batchId, VirtualPath directory)
            throws SQLException {
        String binary = jdbc.dialect().binary();
        return jdbc.queryOne("SELECT MAX(updated_at) FROM files WHERE tenant_id = ? " + BATCH_SCOPE + "AND path"
                + binary + " > ? AND path" + binary + " < ?", row -> {
                    long modified = row.getLong(1);
                    return row.wasNull() ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochMilli(modified));
                }, tenant.value(), batchId, start(directory), end(directory)).flatMap(changed -> changed);
    }

    /** The batches holding {@code fileId} that an operator may still see: open, ready or claimed. */
    public List<String> unfinishedBatchesOf(Jdbc jdbc, String fileId) throws SQLException {
        return jdbc.query("SELECT b.id FROM batch_files f JOIN batches b ON b.id = f.batch_id WHERE f.file_id = ? "
                + "AND b.state IN ('OPEN', 'READY', 'CLAIMED')", row -> row.getString(1), fileId);
    }

    private List<FileRecord> listIn(Jdbc jdbc, String scope, Object[] scoped, VirtualPath directory, String after,
                                    int limit) throws SQLException {
        String below = escapeLike(directory.toString()) + "/%";
        String binary = jdbc.dialect().binary();
        return jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? " + scope
                        + "AND path LIKE ? ESCAPE '!' AND path NOT LIKE ? ESCAPE '!' AND path" + binary + " > ? "
                        + "AND path" + binary + " < ? ORDER BY path" + binary + ", state, updated_at, id LIMIT ?",
                FileRows::map, with(scoped, below, below + "/%", directory + "/" + after, end(directory), limit));
    }

    /** A directory that files further down imply: its name in the parent, and the newest change below it. */
    public record ImpliedDirectory(String name, Instant modified) {
    }

    /**
     * Up to {@code limit} of the directories directly in {@code directory} that files deeper below it imply, each
     * once, whose names come after {@code after} ({@code ""} for the first page), in binary name order: the catalog
     * groups them, so a listing never reads the rows of a whole subtree.
     */
    public List<ImpliedDirectory> directoriesIn(Jdbc jdbc, TenantId tenant, Optional<String> accountId,
                                                VirtualPath directory, String after, int limit) throws SQLException {
        return accountId.isPresent()
                ? directoriesIn(jdbc, "AND account_id = ? AND state IN ('COMMITTED', 'PARTIAL') ",
                        new Object[] {tenant.value(), accountId.get()}, directory, after, limit)
                : directoriesIn(jdbc, "AND state = 'COMMITTED' ", new Object[] {tenant.value()}, directory, after,
                        limit);
    }

    /** As {@link #directoriesIn}, for the files of one batch (by their paths in the tenant's namespace). */
    public List<ImpliedDirectory> directoriesInBatch(Jdbc jdbc, TenantId tenant, String batchId,
                                                     VirtualPath directory, String after, int limit)
            throws SQLException {
        return directoriesIn(jdbc, BATCH_SCOPE, new Object[] {tenant.value(), batchId}, directory, after, limit);
    }

    private List<ImpliedDirectory> directoriesIn(Jdbc jdbc, String scope, Object[] scoped, VirtualPath directory,
                                                 String after, int limit) throws SQLException {
        String prefix = directory + "/";
        String name = jdbc.dialect().segmentAt("path", prefix.codePointCount(0, prefix.length()) + 1);
        String binary = jdbc.dialect().binary();
        return jdbc.query("SELECT " + name + " AS name, MAX(updated_at) FROM files WHERE tenant_id = ? " + scope
                        + "AND path LIKE ? ESCAPE '!' AND path" + binary + " > ? AND path" + binary + " < ? AND "
                        + name + binary + " > ? GROUP BY " + name + " ORDER BY " + name + binary + " LIMIT ?",
                row -> new ImpliedDirectory(row.getString(1), Instant.ofEpochMilli(row.getLong(2))),
                with(scoped, escapeLike(directory.toString()) + "/%/%", prefix + after, end(directory), after, limit));
    }

    /**
     * The first path after everything below {@code directory} in binary order ({@code '0'} follows {@code '/'}): with
     * the cursor, it bounds the index range a listing query scans to the directory's subtree, which {@code LIKE} alone
     * does not (SQLite's {@code LIKE} is case-insensitive, so it never narrows an index range).
     */
    public static String end(VirtualPath directory) {
        return directory + "0";
    }

    /** Where the subtree below {@code directory} starts in binary order, exclusive: every path in it is greater. */
    public static String start(VirtualPath directory) {
        return directory + "/";
    }

    private static Object[] with(Object[] first, Object... then) {
        Object[] all = java.util.Arrays.copyOf(first, first.length + then.length);
        System.arraycopy(then, 0, all, first.length, then.length);
        return all;
    }

    /**
     * Whether anything is below {@code directory}: the owner's committed or partial files when {@code accountId} is
     * given, the tenant's committed files otherwise. The subtree is a range in binary order ({@link #start},
     * {@link #end}): exact, where SQLite's {@code LIKE} also matches names that differ in case, and an index range,
     * so the check reads the subtree's rows only instead of every file of the tenant.
     */
    public boolean anyUnder(Jdbc jdbc, TenantId tenant, Optional<String> accountId, VirtualPath directory)
            throws SQLException {
        String binary = jdbc.dialect().binary();
        String subtree = "AND path" + binary + " > ? AND path" + binary + " < ? ";
        if (accountId.isPresent()) {
            return jdbc.count("SELECT COUNT(*) FROM (SELECT 1 FROM files WHERE tenant_id = ? AND account_id = ? "
                    + subtree + "AND state IN ('COMMITTED', 'PARTIAL') LIMIT 1) AS one",
                    tenant.value(), accountId.get(), start(directory), end(directory)) > 0;
        }
        return jdbc.count("SELECT COUNT(*) FROM (SELECT 1 FROM files WHERE tenant_id = ? " + subtree
                + "AND state = 'COMMITTED' LIMIT 1) AS one", tenant.value(), start(directory), end(directory)) > 0;
    }

    public void updateState(Jdbc jdbc, String id, FileState state, long size, Optional<String> sha256, Instant now)
            throws SQLException {
        Optional<UsageCounters.Sized> before = UsageCounters.sized(jdbc, id);
        if (before.isEmpty()) {
            return;
        }
        jdbc.update("UPDATE files SET state = ?, size = ?, sha256 = ?, updated_at = ?, committed_at = ? WHERE id = ?",
                state.name(), size, sha256.orElse(null), now.toEpochMilli(),
                state == FileState.COMMITTED ? now.toEpochMilli() : null, id);
        UsageCounters.add(jdbc, before.get().tenant(), size - before.get().size(), 0);
    }

    /** Moves the file to {@code to}; its modification time stays, as on a POSIX file system. */
    public void rename(Jdbc jdbc, String id, VirtualPath to) throws SQLException {
        jdbc.update("UPDATE files SET path = ? WHERE id = ?", to.toString(), id);
    }

    /** Of {@code ids}, the object ids of the tenant's files in one of {@code states}. */
    public Set<ObjectId> objectsIn(Jdbc jdbc, TenantId tenant, List<ObjectId> ids, List<FileState> states)
            throws SQLException {
        if (ids.isEmpty()) {
            return Set.of();
        }
        String in = String.join(",", states.stream().map(state -> "'" + state.name() + "'").toList());
        Object[] parameters = new Object[ids.size() + 1];
        parameters[0] = tenant.value();
        for (int i = 0; i < ids.size(); i++) {
            parameters[i + 1] = ids.get(i).value();
        }
        return Set.copyOf(jdbc.query("SELECT object_id FROM files WHERE tenant_id = ? AND state IN (" + in + ") "
                + "AND object_id IN (" + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ")",
                row -> new ObjectId(row.getString(1)), parameters));
    }

    /** The tenant's oldest files committed before {@code cutoff}, at most {@code limit}, in commit order. */
    public List<FileRecord> committedBefore(Jdbc jdbc, TenantId tenant, Instant cutoff, int limit)
            throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND state = 'COMMITTED' "
                        + "AND committed_at < ? ORDER BY committed_at, id LIMIT ?", FileRows::map,
                tenant.value(), cutoff.toEpochMilli(), limit);
    }

    /**
     * Deletes the row and, with it, its key slot: the file's content is shredded; the batches an operator may still
     * see no longer hold it ({@link BatchRepository#removeFile}). False if there was no such row (deleted meanwhile).
     */
    public boolean delete(Jdbc jdbc, String id) throws SQLException {
        Optional<UsageCounters.Sized> before = UsageCounters.sized(jdbc, id);
        jdbc.update("DELETE FROM key_slots WHERE file_id = ?", id);
        if (before.isPresent() && jdbc.update("DELETE FROM files WHERE id = ?", id) == 1) {
            UsageCounters.add(jdbc, before.get().tenant(), -before.get().size(), -1);
            BATCHES.removeFile(jdbc, new TenantId(before.get().tenant()), id, before.get().size());
            return true;
        }
        return false;
    }

    /** A file's key slot, with the file it belongs to. */
    public record FileKeySlot(String fileId, StoredKeySlot slot) {
    }

    /** A page of the tenant's key slots in file id order, those after {@code afterFileId} ("" for the first). */
    public List<FileKeySlot> keySlots(Jdbc jdbc, TenantId tenant, String afterFileId, int limit) throws SQLException {
        return jdbc.query("SELECT k.file_id, k.provider, k.kek_tenant, k.kek_version, k.wrapped FROM key_slots k "
                        + "JOIN files f ON f.id = k.file_id WHERE f.tenant_id = ? AND k.file_id > ? "
                        + "ORDER BY k.file_id LIMIT ?",
                row -> new FileKeySlot(row.getString(1), new StoredKeySlot(row.getString(2), row.getString(3),
                        row.getInt(4), row.getString(5))), tenant.value(), afterFileId, limit);
    }

    /** How many key slots the tenant's files have. */
    public long countKeySlots(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM key_slots k JOIN files f ON f.id = k.file_id WHERE f.tenant_id = ?",
                tenant.value());
    }

    public Optional<StoredKeySlot> keySlot(Jdbc jdbc, String fileId) throws SQLException {
        return jdbc.queryOne("SELECT provider, kek_tenant, kek_version, wrapped FROM key_slots WHERE file_id = ?",
                row -> new StoredKeySlot(row.getString(1), row.getString(2), row.getInt(3), row.getString(4)),
                fileId);
    }

    /** Bytes and files the tenant holds, committed or not, for quota checks. */
    public long[] usage(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.queryOne("SELECT bytes, files FROM tenant_usage WHERE tenant_id = ?",
                row -> new long[] {row.getLong(1), row.getLong(2)}, tenant.value()).orElse(new long[2]);
    }

    /** {@link #usage} summed over the files themselves: what the kept counters must always equal. */
    public long[] usageFromFiles(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.queryOne("SELECT COALESCE(SUM(size), 0), COUNT(*) FROM files WHERE tenant_id = ?",
                row -> new long[] {row.getLong(1), row.getLong(2)}, tenant.value()).orElse(new long[2]);
    }

    public List<FileRecord> listByStates(Jdbc jdbc, TenantId tenant, List<FileState> states) throws SQLException {
        String in = String.join(",", states.stream().map(s -> "'" + s.name() + "'").toList());
        return jdbc.query("SELECT " + COLUMNS + " FROM files WHERE tenant_id = ? AND state IN (" + in + ") "
                + "ORDER BY updated_at, path, id",
                FileRows::map, tenant.value());
    }

    private static String escapeLike(String value) {
        return value.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /**
     * The most recently updated of a lookup's rows, which are one or none but for a moment (a replacement being
     * published). Chosen here rather than by {@code ORDER BY}: these lookups run several times for every small
     * file, and with the embedded SQLite (sqlite-jdbc 3.54) the ordering made each one cost two to four times the
     * CPU (about 20 us alone, 50-90 us with it, measured through {@link Jdbc}).
     */
    private static Optional<FileRecord> newest(List<FileRecord> rows) {
        return rows.stream().max(Comparator.comparing(FileRecord::updatedAt));
    }
}
