package io.vaultgate.core.auth;

import io.vaultgate.core.auth.AuthResult.Failure;
import io.vaultgate.core.auth.AuthResult.Success;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Tenant;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * The owning tenant's policy on an account's login, whatever its credential: the tenant's status, the account's
 * expiry, the protocols and the password login the tenant allows, and its allowed ({@link SourceAddresses}) and
 * denied ({@link DeniedSources}) source networks. Reads the same rows for every attempt, so that asking it for a
 * wrong credential costs what it costs for a right one.
 */
final class TenantLoginPolicy {

    private final TenantRepository tenants;
    private final Clock clock;
    private final DeniedSources denied = new DeniedSources();

    TenantLoginPolicy(TenantRepository tenants, Clock clock) {
        this.tenants = tenants;
        this.clock = clock;
    }

    /** Why the tenant's policy refuses {@code account} a login now: empty if it does not. */
    Optional<AuthFailure> refusal(Jdbc jdbc, Account account, Protocol protocol, boolean byPassword, String source)
            throws SQLException {
        Tenant tenant = tenants.find(jdbc, account.tenant()).orElseThrow();
        boolean sourceAllowed = SourceAddresses.allowedBy(tenant, source); // both read, whichever refuses first
        boolean sourceDenied = denied.denies(jdbc, tenant.id(), source);
        if (!tenant.isActive()) {
            return Optional.of(AuthFailure.TENANT_LOCKED);
        }
        if (account.isExpiredAt(clock.instant())) {
            return Optional.of(AuthFailure.ACCOUNT_EXPIRED);
        }
        if (!tenant.protocols().contains(protocol)) {
            return Optional.of(AuthFailure.PROTOCOL_NOT_ALLOWED);
        }
        if (byPassword && !tenant.passwordLoginAllowed()) {
            return Optional.of(AuthFailure.METHOD_NOT_ALLOWED);
        }
        if (!sourceAllowed || sourceDenied) {
            return Optional.of(AuthFailure.SOURCE_NOT_ALLOWED);
        }
        return Optional.empty();
    }

    /** The login of {@code account} with a credential already found right: its principal, unless the policy refuses. */
    AuthResult admit(Jdbc jdbc, Account account, Protocol protocol, boolean byPassword, String source,
                     String credential) throws SQLException {
        Optional<AuthFailure> refusal = refusal(jdbc, account, protocol, byPassword, source);
        return refusal.isPresent() ? new Failure(account.username(), refusal.get())
                : new Success(principalOf(account, protocol), credential);
    }

    static ClientPrincipal principalOf(Account account, Protocol protocol) {
        return new ClientPrincipal(account.id(), account.username(), account.tenant(), protocol);
    }
}
