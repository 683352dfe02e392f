package io.vaultgate.core.catalog;

import io.vaultgate.core.path.PathPolicy;
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

    public List<VirtualPath> listUnder(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath prefix)
            throws SQLException {
        return jdbc.query("SELECT path FROM directories WHERE tenant_id = ? AND account_id = ? AND path LIKE ? "
                        + "ESCAPE '!' ORDER BY path", row -> PathPolicy.parse(row.getString(1)), tenant.value(),
                accountId, prefix.toString().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "/%");
    }

    public void delete(Jdbc jdbc, TenantId tenant, String accountId, VirtualPath path) throws SQLException {
        jdbc.update("DELETE FROM directories WHERE tenant_id = ? AND account_id = ? AND path = ?",
                tenant.value(), accountId, path.toString());
    }
}
