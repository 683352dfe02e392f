package io.vaultgate.core.policy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Tenants' versioned data-handling policies and operators' acknowledgements of them. Publishing and every
 * acknowledgement are audited ({@code admin.change} with {@code POLICY_PUBLISHED} / {@code
 * POLICY_ACKNOWLEDGED}, subject {@code policy vN sha256:…}) in the same transaction. An operator sees, and
 * may acknowledge, only the policies of active tenants routed to its site; any other tenant is "not found".
 * {@link PolicyGate} enforces the acknowledgement.
 */
public final class Policies {

    /** The largest policy text accepted, in UTF-8 bytes. */
    public static final int MAX_BYTES = 256 * 1024;

    private final Database database;
    private final TenantRepository tenants;
    private final OperatorRepository operators;
    private final RouteRepository routes;
    private final AuditLog audit;
    private final String actor;
    private final Clock clock;
    private final PolicyRepository rows = new PolicyRepository();

    public Policies(Database database, TenantRepository tenants, OperatorRepository operators, RouteRepository routes,
                    AuditLog audit, String actor, Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.operators = operators;
        this.routes = routes;
        this.audit = audit;
        this.actor = actor;
        this.clock = clock;
    }

    /** The same service, recording {@code actor} for the changes an administrator makes. */
    public Policies as(String actor) {
        return new Policies(database, tenants, operators, routes, audit, actor, clock);
    }

    /** Publishes {@code text} as the tenant's next version; operators must acknowledge it before their next claim. */
    public DataPolicy publish(TenantId tenant, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new GatewayException(Reason.INVALID_REQUEST, "the policy text is empty");
        }
        if (bytes.length > MAX_BYTES) {
            throw new GatewayException(Reason.INVALID_REQUEST, "the policy is " + bytes.length
                    + " bytes; at most " + MAX_BYTES + " are accepted");
        }
        String sha256 = sha256(bytes);
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            if (!rows.lockForPublishing(jdbc, tenant)) {
                throw new GatewayException(Reason.NOT_FOUND, "tenant " + tenant + " does not exist");
            }
            int current = rows.currentVersion(jdbc, tenant);
            if (current > 0 && rows.find(jdbc, tenant, current).orElseThrow().sha256().equals(sha256)) {
                throw new GatewayException(Reason.CONFLICT, "tenant " + tenant + ": this text is already policy v"
                        + current + "; nothing to publish");
            }
            DataPolicy policy = new DataPolicy(tenant, current + 1, sha256, text, actor, now);
            rows.insert(jdbc, policy);
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.of(tenant), actor, AdminAction.POLICY_PUBLISHED,
                    policy.label()));
            return policy;
        });
    }

    /** The tenant's current policy, if it published one. */
    public Optional<DataPolicy> current(TenantId tenant) {
        return database.read(jdbc -> {
            requireTenant(jdbc, tenant);
            return currentOf(jdbc, tenant);
        });
    }

    /** Every version, oldest first. */
    public List<DataPolicy> history(TenantId tenant) {
        return database.read(jdbc -> rows.history(jdbc, tenant));
    }

    /** The current policy as an operator may see it: only for a tenant routed to its site. */
    public Optional<DataPolicy> current(OperatorPrincipal operator, TenantId tenant) {
        return database.read(jdbc -> {
            requireRouted(jdbc, operator.siteId(), tenant);
            return currentOf(jdbc, tenant);
        });
    }

    /**
     * The operator acknowledges the current version (which must be {@code version} if given, so nobody
     * acknowledges a text it has not seen). Acknowledging again is harmless and not audited twice.
     */
    public PolicyAck acknowledge(OperatorPrincipal operator, TenantId tenant, OptionalInt version) {
        return database.inTransaction(jdbc -> {
            requireRouted(jdbc, operator.siteId(), tenant);
            return record(jdbc, new OperatorRow(operator.operatorId(), operator.siteId(), operator.username()), tenant,
                    version, operator.username());
        });
    }

    /** An administrator records that operator {@code username} acknowledged the current version. */
    public PolicyAck acknowledgeFor(String username, TenantId tenant, OptionalInt version) {
        return database.inTransaction(jdbc -> {
            requireTenant(jdbc, tenant);
            OperatorRow operator = operators.findByUsername(jdbc, username).orElseThrow(
                    () -> new GatewayException(Reason.NOT_FOUND, "operator " + username + " does not exist"));
            if (!routed(jdbc, operator.siteId(), tenant)) {
                throw new GatewayException(Reason.CONFLICT, "operator " + username + "'s site " + operator.siteId()
                        + " has no route from tenant " + tenant + "; add one with `vaultgate site route` first");
            }
            return record(jdbc, operator, tenant, version, actor);
        });
    }

    /** Every acknowledgement of the tenant's policies, in time order. */
    public List<PolicyAck> acknowledgements(TenantId tenant) {
        return database.read(jdbc -> rows.acks(jdbc, tenant));
    }

    private PolicyAck record(Jdbc jdbc, OperatorRow operator, TenantId tenant, OptionalInt version, String recordedBy)
            throws SQLException {
        DataPolicy current = currentOf(jdbc, tenant).orElseThrow(() -> new GatewayException(Reason.CONFLICT,
                "tenant " + tenant + " has not published a data-handling policy; there is nothing to acknowledge"));
        if (version.isPresent() && version.getAsInt() != current.version()) {
            throw new GatewayException(Reason.CONFLICT, "tenant " + tenant + ": policy v" + version.getAsInt()
                    + " is not the current version; read v" + current.version() + " and acknowledge that");
        }
        Instant now = clock.instant();
        PolicyAck ack = new PolicyAck(tenant, current.version(), operator.id(), operator.username(), recordedBy, now);
        if (!rows.insertAck(jdbc, ack)) {
            return rows.acks(jdbc, tenant).stream().filter(a -> a.version() == current.version()
                    && a.operatorId().equals(operator.id())).findFirst().orElse(ack);
        }
        audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.of(tenant), recordedBy,
                AdminAction.POLICY_ACKNOWLEDGED, current.label() + " by operator " + operator.username()));
        return ack;
    }

    private Optional<DataPolicy> currentOf(Jdbc jdbc, TenantId tenant) throws SQLException {
        int current = rows.currentVersion(jdbc, tenant);
        return current == 0 ? Optional.empty() : rows.find(jdbc, tenant, current);
    }

    private void requireTenant(Jdbc jdbc, TenantId tenant) throws SQLException {
        if (tenants.find(jdbc, tenant).isEmpty()) {
            throw new GatewayException(Reason.NOT_FOUND, "tenant " + tenant + " does not exist");
        }
    }

    /**
     * Operators learn nothing of tenants not routed to their site, nor of a routed tenant that is not active (locked
     * down, or shredded): those are simply not found, as an unknown tenant is, so its policy is neither read nor
     * acknowledged while its data may not be touched.
     */
    private void requireRouted(Jdbc jdbc, String siteId, TenantId tenant) throws SQLException {
        if (tenants.find(jdbc, tenant).filter(Tenant::isActive).isEmpty() || !routed(jdbc, siteId, tenant)) {
            throw new GatewayException(Reason.NOT_FOUND, "tenant " + tenant + ": not found");
        }
    }

    /**
     * Whether the tenant sends work to the site: by a route that routes new files, or by a batch formed before its
     * route was removed that the site's operators still have to claim or complete (claiming needs the policy).
     * A site the tenant stopped routing to, whose work is done, learns none of the tenant's later policies.
     */
    private boolean routed(Jdbc jdbc, String siteId, TenantId tenant) throws SQLException {
        return routes.activeByTenant(jdbc, tenant).stream().anyMatch(route -> route.siteId().equals(siteId))
                || jdbc.count("SELECT COUNT(*) FROM batches WHERE tenant_id = ? AND site_id = ? AND state IN ('OPEN', "
                        + "'READY', 'CLAIMED')", tenant.value(), siteId) > 0;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
