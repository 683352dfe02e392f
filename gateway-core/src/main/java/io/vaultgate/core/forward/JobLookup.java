package io.vaultgate.core.forward;

import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.StoredKeySlot;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.tenant.TenantStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The catalog's part of a job's preparation in one statement: the job's file, the login name of the account that
 * uploaded it, the file's key slot, the site's forwarding configuration and the status of the job's tenant, joined on
 * the file's row. Before, these were four statements in two catalog reads (file, account and site; then the key
 * slot), about 0.5 ms of CPU per file. The file's row is the one {@link FileRepository#find} reads, the site as
 * {@link ForwardingSites#find} (none for a removed site or one without a forwarding configuration). The tenant's
 * status is read here because a job's claim, which takes only jobs of {@code ACTIVE} tenants, is not the last word:
 * a lockdown or shred may land between the claim and this read ({@link TenantGate}).
 */
final class JobLookup {

    /**
     * What the statement found: nothing if the file is gone; else the file, the account's login name (empty if no
     * account has the file's account id), the file's key slot (none if it has none), the site (none if removed or
     * not configured) and the status of the job's tenant (none if the tenant has no row).
     */
    record Row(FileRecord file, Optional<String> username, Optional<StoredKeySlot> slot,
               Optional<SiteForwarding> site, Optional<TenantStatus> tenant) {
    }

    private static final String SELECT = "SELECT " + FileRepository.columns("f") + ", "
            + "a.username AS account_username, k.provider AS slot_provider, k.kek_tenant AS slot_kek_tenant, "
            + "k.kek_version AS slot_kek_version, k.wrapped AS slot_wrapped, sf.site_id AS site_configured, "
            + ForwardingSites.COLUMNS + ", (SELECT t.status FROM tenants t WHERE t.id = ?) AS tenant_status "
            + "FROM files f "
            + "LEFT JOIN accounts a ON a.id = f.account_id "
            + "LEFT JOIN key_slots k ON k.file_id = f.id "
            + "LEFT JOIN sites s ON s.id = ? AND s.removed_at IS NULL "
            + "LEFT JOIN site_forwarding sf ON sf.site_id = s.id "
            + "WHERE f.id = ?";

    private final ForwardingSites sites;

    JobLookup(ForwardingSites sites) {
        this.sites = sites;
    }

    Optional<Row> find(Jdbc jdbc, ForwardJob job) throws SQLException {
        return jdbc.queryOne(SELECT, this::map, job.tenant().value(), job.siteId(), job.fileId());
    }

    private Row map(ResultSet row) throws SQLException {
        FileRecord file = FileRepository.fromRow(row);
        Optional<String> username = Optional.ofNullable(row.getString("account_username"));
        String provider = row.getString("slot_provider");
        Optional<StoredKeySlot> slot = provider == null ? Optional.empty() : Optional.of(new StoredKeySlot(provider,
                row.getString("slot_kek_tenant"), row.getInt("slot_kek_version"), row.getString("slot_wrapped")));
        Optional<SiteForwarding> site = row.getString("site_configured") == null ? Optional.empty()
                : Optional.of(sites.map(row));
        Optional<TenantStatus> tenant = Optional.ofNullable(row.getString("tenant_status")).map(TenantStatus::valueOf);
        return new Row(file, username, slot, site, tenant);
    }
}
