package io.vaultgate.core.catalog;

import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Routes from tenants to sites. */
public final class RouteRepository {

    private static final String COLUMNS =
            "id, tenant_id, site_id, mode, path_prefix, max_files, max_bytes, idle_close_seconds";

    public void insert(Jdbc jdbc, Route route, Instant now) throws SQLException {
        jdbc.update("INSERT INTO routes (" + COLUMNS + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                route.id(), route.tenant().value(), route.siteId(), route.mode().name(), route.pathPrefix().toString(),
                route.maxFiles(), route.maxBytes(), route.idleClose().toSeconds(), now.toEpochMilli());
    }

    /** Every route of the tenant, removed ones included (they formed batches, and reports name their sites). */
    public List<Route> byTenant(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM routes WHERE tenant_id = ? ORDER BY id", RouteRepository::map,
                tenant.value());
    }

    /** The tenant's routes that still route new files (not removed). */
    public List<Route> activeByTenant(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM routes WHERE tenant_id = ? AND retired_at IS NULL ORDER BY id",
                RouteRepository::map, tenant.value());
    }

    /** Every tenant's routes to the site that still route new files. */
    public List<Route> activeBySite(Jdbc jdbc, String siteId) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM routes WHERE site_id = ? AND retired_at IS NULL "
                + "ORDER BY tenant_id, id", RouteRepository::map, siteId);
    }

    /** Whether the route still routes new files; call it after locking the route ({@link BatchRepository#openBatch}). */
    public boolean isActive(Jdbc jdbc, String id) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM routes WHERE id = ? AND retired_at IS NULL", id) > 0;
    }

    /**
     * Whether the route still routes new files, read under a shared lock on its row: a removal of the route that
     * has not committed yet (holding the row for update) is waited for, and once it commits the route is found
     * retired; a removal starting meanwhile waits until this transaction ends.
     */
    public boolean lockIfActive(Jdbc jdbc, String id) throws SQLException {
        return !jdbc.query("SELECT id FROM routes WHERE id = ? AND retired_at IS NULL" + jdbc.dialect().forShare(),
                row -> row.getString(1), id).isEmpty();
    }

    /** Retires an active route of {@code tenant}; false if there is none with that id. */
    public boolean retire(Jdbc jdbc, TenantId tenant, String id, Instant now) throws SQLException {
        return jdbc.update("UPDATE routes SET retired_at = ? WHERE id = ? AND tenant_id = ? AND retired_at IS NULL",
                now.toEpochMilli(), id, tenant.value()) == 1;
    }

    public Optional<Route> find(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM routes WHERE id = ?", RouteRepository::map, id);
    }

    private static Route map(ResultSet row) throws SQLException {
        return new Route(row.getString("id"), new TenantId(row.getString("tenant_id")), row.getString("site_id"),
                RouteMode.valueOf(row.getString("mode")), PathPolicy.parse(row.getString("path_prefix")),
                row.getLong("max_files"), row.getLong("max_bytes"),
                Duration.ofSeconds(row.getLong("idle_close_seconds")));
    }
}
