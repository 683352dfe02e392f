package io.vaultgate.core.catalog;

import io.vaultgate.core.site.Site;
import io.vaultgate.core.tenant.Cidr;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The BPO sites not removed, and the networks their operators may log in from (the {@code allowed_cidrs} column,
 * stored as a tenant's is: CIDRs separated by commas, empty for any address).
 */
public final class SiteRepository {

    private static final String ACTIVE = "SELECT id, name, created_at, allowed_cidrs, recipient_key FROM sites "
            + "WHERE removed_at IS NULL";

    /** The active sites, by id. */
    public List<Site> active(Jdbc jdbc) throws SQLException {
        return jdbc.query(ACTIVE + " ORDER BY id", SiteRepository::map);
    }

    public Optional<Site> find(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne(ACTIVE + " AND id = ?", SiteRepository::map, id);
    }

    /**
     * The networks the operators of {@code siteId} may log in from: empty for any address, and for a site not found
     * (a removed site's operators are removed with it, so none of them logs in).
     */
    public List<Cidr> allowedSources(Jdbc jdbc, String siteId) throws SQLException {
        return jdbc.queryOne("SELECT allowed_cidrs FROM sites WHERE id = ?", row -> row.getString(1), siteId)
                .map(TenantRepository::parseCidrs).orElse(List.of());
    }

    /** Stores the list of an active site; false if there is none of that id. */
    public boolean setAllowedSources(Jdbc jdbc, String siteId, List<Cidr> sources) throws SQLException {
        return jdbc.update("UPDATE sites SET allowed_cidrs = ? WHERE id = ? AND removed_at IS NULL",
                sources.stream().map(Cidr::toString).collect(Collectors.joining(",")), siteId) == 1;
    }

    private static Site map(ResultSet row) throws SQLException {
        return new Site(row.getString("id"), row.getString("name"), Instant.ofEpochMilli(row.getLong("created_at")),
                TenantRepository.parseCidrs(row.getString("allowed_cidrs")),
                Optional.ofNullable(row.getString("recipient_key")));
    }
}
