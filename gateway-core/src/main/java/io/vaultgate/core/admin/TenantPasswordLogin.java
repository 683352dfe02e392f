package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.time.Clock;
import java.util.Optional;

/**
 * A tenant's password login: the switch that allows or refuses it, and the refusal of a password no login would
 * accept (too short, or for an account of a tenant that refuses password login). {@link TenantSettings} switches it
 * here; {@link AccountCredentials} and {@link AccountCreation} check every password they store with it, under the
 * tenant's row lock.
 */
final class TenantPasswordLogin {

    private static final int MIN_LENGTH = 12;

    private final Database database;
    private final TenantRepository tenants;
    private final AuditLog audit;
    private final String actor;
    private final Clock clock;

    /** @param actor recorded on each switch it audits, as {@link Administration#as} names it */
    TenantPasswordLogin(Database database, TenantRepository tenants, AuditLog audit, String actor, Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.audit = audit;
        this.actor = actor;
        this.clock = clock;
    }

    /**
     * Allows or refuses password login for the tenant's accounts ({@code vaultgate tenant set T --allow-password |
     * --refuse-password}, {@code PATCH /v1/admin/tenants/T} with {@code passwordLogin}). A refusal holds from the next
     * login on: every password attempt reads the tenant's row (no cache), on every node. The live sessions its accounts
     * opened with a password end within one session-check round on every node ({@link
     * io.vaultgate.core.session.SessionReaper}, each audited as a session ended). Its accounts keep their passwords,
     * which no login accepts while the tenant refuses them, and which work again once it allows them; no new one is
     * set meanwhile ({@link #requireAllowed}). Audited once ({@code TENANT_UPDATED}, "acme password login allowed" or
     * "... refused"), in the change's transaction, which holds the tenant's row lock; asked for the setting the
     * tenant has, it changes and audits nothing. A creation's setting was never fixed for a security reason: nothing
     * derives from it (no key, no signed record), it is read at each login like the tenant's allowed networks.
     *
     * @throws GatewayException {@code NOT_FOUND} for no such tenant, {@code CONFLICT} for a shredded one
     */
    Tenant set(TenantId id, boolean allowed) {
        return database.inTransaction(jdbc -> {
            Tenant tenant = tenants.lockNamesReading(jdbc, id)
                    .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "tenant " + id + " does not exist"));
            tenant.refuseIfShredded("changed");
            if (tenant.passwordLoginAllowed() == allowed) {
                return tenant;
            }
            Tenant changed = tenant.withPasswordLogin(allowed);
            tenants.update(jdbc, changed);
            audit.append(jdbc, new AuditEvent.AdminChange(clock.instant(), Optional.of(id), actor,
                    AdminAction.TENANT_UPDATED, id.value() + " password login " + (allowed ? "allowed" : "refused")));
            return changed;
        });
    }

    /** @throws GatewayException {@code INVALID_REQUEST} for a password of fewer than 12 characters */
    static void requireLength(char[] password) {
        if (password.length < MIN_LENGTH) {
            throw new GatewayException(Reason.INVALID_REQUEST, "passwords must have at least " + MIN_LENGTH
                    + " characters");
        }
    }

    /**
     * Refuses a password for an account of {@code tenant} where it refuses password login: a password no login would
     * accept. Read under the tenant's row lock, which {@link #set} takes too, so that a password set while the tenant
     * is being switched to refusing is either set before the switch or refused.
     *
     * @throws GatewayException {@code CONFLICT} caused by {@link PasswordLoginRefused}
     */
    static void requireAllowed(Tenant tenant) {
        if (!tenant.passwordLoginAllowed()) {
            throw PasswordLoginRefused.refuse(tenant.id());
        }
    }
}
