package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * What every change of tenants, accounts and credentials shares: the catalog, the locked reads a change starts
 * with, and its audit record naming the acting administrator. One per actor ({@link Administration#as}).
 */
final class AdminWrites {

    private final Database database;
    private final TenantRepository tenants;
    private final AccountRepository accounts;
    private final AuditLog audit;
    private final String actor;
    private final Clock clock;

    AdminWrites(Database database, TenantRepository tenants, AccountRepository accounts, AuditLog audit,
                String actor, Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.accounts = accounts;
        this.audit = audit;
        this.actor = actor;
        this.clock = clock;
    }

    Database database() {
        return database;
    }

    TenantRepository tenants() {
        return tenants;
    }

    AccountRepository accounts() {
        return accounts;
    }

    Clock clock() {
        return clock;
    }

    /** A password-login switch recording this actor on this clock. */
    TenantPasswordLogin passwordLogin() {
        return new TenantPasswordLogin(database, tenants, audit, actor, clock);
    }

    /** Appends the change's audit record, in its transaction, naming this actor. */
    void audited(Jdbc jdbc, Optional<TenantId> tenant, AdminAction action, String subject) throws SQLException {
        audit.append(jdbc, new AuditEvent.AdminChange(clock.instant(), tenant, actor, action, subject));
    }

    /**
     * Refuses a new account or credential of a shredded tenant (a locked one may get them: credentials are replaced
     * during an incident). The status is read under the lock the shred's update of the tenant takes
     * ({@link TenantRepository#lockNamesReading}), so a credential added at the same moment either commits first, and
     * the shred's purge, which comes after its update, forgets it, or sees the tenant shredded.
     */
    Tenant writable(Jdbc jdbc, TenantId id) throws SQLException {
        Tenant tenant = tenants.lockNamesReading(jdbc, id)
                .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "tenant " + id + " does not exist"));
        tenant.refuseIfShredded("given accounts or credentials");
        return tenant;
    }

    /**
     * The account, for a change of its credentials: refused ({@link Tenant#refuseIfShredded}) when its tenant
     * was shredded, whose accounts' credentials the shred forgot for good.
     */
    Account writableAccount(Jdbc jdbc, String username) throws SQLException {
        Account account = account(jdbc, username);
        writable(jdbc, account.tenant());
        return account;
    }

    Account account(Jdbc jdbc, String username) throws SQLException {
        return accounts.findByUsername(jdbc, username)
                .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "no account named " + username));
    }
}
