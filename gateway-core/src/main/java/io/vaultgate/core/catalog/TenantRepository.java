package io.vaultgate.core.catalog;

import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Tenants in the catalog. */
public final class TenantRepository {

    private static final String COLUMNS =
            "id, name, status, quota_bytes, quota_files, retention_seconds, protocols, password_login, allowed_cidrs, "
            + "created_at, max_file_bytes";

    public void insert(Jdbc jdbc, Tenant tenant) throws SQLException {
        insert(jdbc, tenant, "");
    }

    /**
     * Inserts the tenant unless a row of its id exists; false, changing nothing, when one does. On PostgreSQL a row
     * inserted by another transaction not yet committed makes this wait for it, then answers false if it committed:
     * of two creations of one id at once the second learns of the first instead of failing on the key's unique index.
     */
    public boolean insertIfAbsent(Jdbc jdbc, Tenant tenant) throws SQLException {
        return insert(jdbc, tenant, " ON CONFLICT (id) DO NOTHING") == 1;
    }

    private int insert(Jdbc jdbc, Tenant tenant, String onConflict) throws SQLException {
        return jdbc.update("INSERT INTO tenants (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + onConflict, tenant.id().value(), tenant.name(), tenant.status().name(), tenant.quota().maxBytes(),
                tenant.quota().maxFiles(), tenant.retention().toSeconds(), protocols(tenant),
                tenant.passwordLoginAllowed(), cidrs(tenant), tenant.createdAt().toEpochMilli(), tenant.maxFileSize());
    }

    public void update(Jdbc jdbc, Tenant tenant) throws SQLException {
        jdbc.update("UPDATE tenants SET name = ?, status = ?, quota_bytes = ?, quota_files = ?, "
                        + "retention_seconds = ?, protocols = ?, password_login = ?, allowed_cidrs = ?, "
                        + "max_file_bytes = ? WHERE id = ?",
                tenant.name(), tenant.status().name(), tenant.quota().maxBytes(), tenant.quota().maxFiles(),
                tenant.retention().toSeconds(), protocols(tenant), tenant.passwordLoginAllowed(), cidrs(tenant),
                tenant.maxFileSize(), tenant.id().value());
    }

    /**
     * Locks the tenant's names until the transaction ends: transactions that publish, rename or create a file
     * or directory of the tenant take this first, so that they run one after another and each sees the names
     * the ones before it committed (two uploads of one path, or of {@code a} and {@code a/b}, committing at
     * once on PostgreSQL each saw the other's row as not yet there). Uploads opening take it too (with
     * {@link #lockNamesReadingStatus}), so that they count one after another and see a lockdown or shred. The tenant's row is the lock; nothing to do on
     * SQLite, whose writers never interleave.
     */
    public void lockNames(Jdbc jdbc, TenantId tenant) throws SQLException {
        jdbc.queryOne("SELECT id FROM tenants WHERE id = ?" + jdbc.dialect().forNoKeyUpdate(), row -> row.getString(1),
                tenant.value());
    }

    /**
     * {@link #lockNames} that also reads the tenant's status under the lock (empty for an unknown tenant). A
     * lockdown or shred changes the status with an UPDATE of this row, which the lock orders: an upload opening or
     * publishing under it either commits before the change (and a shred's purge, which comes after it, finds its
     * row) or waits for it and sees the new status. On SQLite the writer's lock orders them the same way.
     */
    public Optional<TenantStatus> lockNamesReadingStatus(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.queryOne("SELECT status FROM tenants WHERE id = ?" + jdbc.dialect().forNoKeyUpdate(),
                row -> TenantStatus.valueOf(row.getString(1)), tenant.value());
    }

    /**
     * {@link #lockNamesReadingStatus} reading the whole row: for an upload opening, whose checks (status, quota,
     * maximum file size) then all see the tenant as it is under the lock, in the transaction's one read of it.
     */
    public Optional<Tenant> lockNamesReading(Jdbc jdbc, TenantId id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM tenants WHERE id = ?" + jdbc.dialect().forNoKeyUpdate(),
                TenantRepository::map, id.value());
    }

    public Optional<Tenant> find(Jdbc jdbc, TenantId id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM tenants WHERE id = ?", TenantRepository::map, id.value());
    }

    public List<Tenant> list(Jdbc jdbc) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenants ORDER BY id", TenantRepository::map);
    }

    private static String protocols(Tenant tenant) {
        return tenant.protocols().stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    private static String cidrs(Tenant tenant) {
        return tenant.allowedSources().stream().map(Cidr::toString).collect(Collectors.joining(","));
    }

    /** The {@code protocols} column as stored: protocol names separated by commas. */
    public static Set<Protocol> parseProtocols(String column) {
        EnumSet<Protocol> protocols = EnumSet.noneOf(Protocol.class);
        Arrays.stream(column.split(",")).filter(s -> !s.isEmpty()).map(Protocol::valueOf).forEach(protocols::add);
        return protocols;
    }

    /** The {@code allowed_cidrs} column as stored: CIDRs separated by commas; empty allows any address. */
    public static List<Cidr> parseCidrs(String column) {
        return Arrays.stream(column.split(",")).filter(c -> !c.isEmpty()).map(Cidr::parse).toList();
    }

    private static Tenant map(ResultSet row) throws SQLException {
        return new Tenant(new TenantId(row.getString("id")), row.getString("name"),
                TenantStatus.valueOf(row.getString("status")),
                new Quota(row.getLong("quota_bytes"), row.getLong("quota_files")),
                Duration.ofSeconds(row.getLong("retention_seconds")), parseProtocols(row.getString("protocols")),
                row.getBoolean("password_login"), parseCidrs(row.getString("allowed_cidrs")),
                Instant.ofEpochMilli(row.getLong("created_at")), row.getLong("max_file_bytes"));
    }
}
