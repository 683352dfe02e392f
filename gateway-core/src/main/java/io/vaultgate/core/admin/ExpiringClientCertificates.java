package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.CredentialInventory.ClientCertificate;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The registered client certificates an administrator must replace before their accounts are locked out of
 * mutual-TLS logins ({@code vaultgate account list --certificates-expiring}, {@code vaultgate doctor}): those whose
 * validity ends before a deadline, expired ones included, and those whose validity the catalog does not know
 * (registered before V34). Read-only. A shredded tenant's accounts are left out: they log in no more, and the
 * shred's purge deletes their certificates.
 */
public final class ExpiringClientCertificates {

    /** A client certificate and the account that holds it. */
    public record Held(TenantId tenant, String username, ClientCertificate certificate) {
        public Held {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(certificate, "certificate");
        }
    }

    private static final String SELECT = "SELECT " + ClientCertificate.COLUMNS + ", a.tenant_id, a.username "
            + "FROM account_certificates c JOIN accounts a ON a.id = c.account_id JOIN tenants t ON t.id = a.tenant_id "
            + "WHERE t.status <> 'SHREDDED' ";

    private final Database database;

    public ExpiringClientCertificates(Database database) {
        this.database = database;
    }

    /**
     * The certificates whose validity ends before {@code deadline}, expired ones included, soonest first; of
     * {@code tenant}'s accounts, or of every tenant's when empty. One whose {@code notAfter} is {@code deadline} itself
     * is still valid then ({@link io.vaultgate.core.pki.Validity#endsBefore}), so it is not listed: with {@code
     * deadline} now, the list is exactly the expired ones.
     *
     * @throws GatewayException {@code NOT_FOUND} if there is no such tenant
     */
    public List<Held> endingBefore(Instant deadline, Optional<TenantId> tenant) {
        return query("c.not_after < ?", "c.not_after, ", deadline.toEpochMilli(), tenant);
    }

    /**
     * The certificates registered before V34, whose validity the catalog does not know (it never stored the
     * certificate), by tenant and account; of {@code tenant}'s accounts, or of every tenant's when empty.
     *
     * @throws GatewayException {@code NOT_FOUND} if there is no such tenant
     */
    public List<Held> ofUnknownValidity(Optional<TenantId> tenant) {
        return query("c.not_after IS NULL", "", null, tenant);
    }

    /** @param first what to order by before tenant, account and fingerprint: empty, or ending in ", " */
    private List<Held> query(String condition, String first, Long parameter, Optional<TenantId> tenant) {
        List<Object> parameters = new ArrayList<>();
        if (parameter != null) {
            parameters.add(parameter);
        }
        tenant.ifPresent(id -> parameters.add(id.value()));
        String sql = SELECT + "AND " + condition + (tenant.isPresent() ? " AND a.tenant_id = ?" : "") + " ORDER BY "
                + first + "a.tenant_id, a.username, c.fingerprint";
        return database.read(jdbc -> {
            if (tenant.isPresent() && jdbc.count("SELECT COUNT(*) FROM tenants WHERE id = ?",
                    tenant.get().value()) == 0) {
                throw new GatewayException(GatewayException.Reason.NOT_FOUND, "tenant " + tenant.get()
                        + " does not exist");
            }
            return jdbc.query(sql, rs -> new Held(TenantId.of(rs.getString(6)), rs.getString(7),
                    ClientCertificate.read(rs)), parameters.toArray());
        });
    }
}
