package io.vaultgate.core.auth;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.defender.SourceAddress;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.TenantId;
import java.net.InetAddress;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's denied networks ({@code tenant_denied_sources}), checked after its allowlist: a login from a
 * denied network fails even inside an allowed one. An unparsable source is denied when the tenant has a
 * deny list.
 */
public final class DeniedSources {

    public List<Cidr> list(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.query("SELECT cidr FROM tenant_denied_sources WHERE tenant_id = ? ORDER BY cidr",
                row -> Cidr.parse(row.getString(1)), tenant.value());
    }

    /** Replaces the tenant's deny list. */
    public void replace(Jdbc jdbc, TenantId tenant, List<Cidr> cidrs) throws SQLException {
        jdbc.update("DELETE FROM tenant_denied_sources WHERE tenant_id = ?", tenant.value());
        for (Cidr cidr : cidrs.stream().distinct().toList()) {
            jdbc.update("INSERT INTO tenant_denied_sources (tenant_id, cidr) VALUES (?, ?)", tenant.value(),
                    cidr.toString());
        }
    }

    boolean denies(Jdbc jdbc, TenantId tenant, String source) throws SQLException {
        return denies(list(jdbc, tenant), source);
    }

    /** Whether a deny list {@code cidrs} refuses {@code source}: the rule of logins and of live sessions alike. */
    public static boolean denies(List<Cidr> cidrs, String source) {
        if (cidrs.isEmpty()) {
            return false;
        }
        Optional<InetAddress> address = SourceAddress.parse(source);
        return address.isEmpty() || cidrs.stream().anyMatch(cidr -> cidr.contains(address.get()));
    }
}
