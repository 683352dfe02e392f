package io.vaultgate.core.catalog;

import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Directories a client created explicitly. */
public final class DirectoryRepository {

    public void insert(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath path, Instant now)
            throws SQLException {
        jdbc.update("INSERT INTO directories (tenant_id, account_id, path, created_at) VALUES (?, ?, ?, ?)",
                tenant.value(), accountId, path.toString(), now.toEpochMilli());
    }

    public boolean exists(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath path) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM directories WHERE tenant_id = ? AND account_id = ? AND path = ?",
                tenant.value(), accountId, path.toString()) > 0;
    }

    /**
     * Up to {@code limit} names of the directories directly in {@code directory} that the account's explicit
     * directories make, each once (one created deeper down makes its ancestors too), whose names come after
     * {@code after} ({@code ""} for the first page), in binary name order.
     */
    public List<String> namesIn(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath directory, String after,
                                int limit) throws SQLException {
        String prefix = directory + "/";
        String name = jdbc.dialect().segmentAt("(path || '/')", prefix.codePointCount(0, prefix.length()) + 1);
        String binary = jdbc.dialect().binary();
        return jdbc.query("SELECT " + name + " FROM directories WHERE tenant_id = ? AND account_id = ? "
                        + "AND path LIKE ? ESCAPE '!' AND path" + binary + " > ? AND path" + binary + " < ? AND "
                        + name + binary + " > ? GROUP BY " + name + " ORDER BY " + name + binary + " LIMIT ?",
                row -> row.getString(1), tenant.value(), accountId,
                below(directory), prefix + after, FileRepository.end(directory), after, limit);
    }

    /** Whether the account has an explicit directory anywhere below {@code directory}. */
    public boolean anyUnder(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath directory) throws SQLException {
        String binary = jdbc.dialect().binary();
        return jdbc.count("SELECT COUNT(*) FROM (SELECT 1 FROM directories WHERE tenant_id = ? AND account_id = ? "
                + "AND path" + binary + " > ? AND path" + binary + " < ? LIMIT 1) AS one", tenant.value(), accountId,
                FileRepository.start(directory), FileRepository.end(directory)) > 0;
    }

    public void delete(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath path) throws SQLException {
        jdbc.update("DELETE FROM directories WHERE tenant_id = ? AND account_id = ? AND path = ?",
                tenant.value(), accountId, path.toString());
    }

    private static String below(VirtualPath directory) {
        return directory.toString().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "/%";
    }
}
