package io.vaultgate.core.auth;

import io.vaultgate.core.auth.AuthResult.Failure;
import io.vaultgate.core.auth.AuthResult.Success;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.AdminRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.MonitorRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import java.time.Clock;
import java.util.Optional;

/**
 * The first factor of a login by API token: the live grant of the token's hash, and the principal it was issued to,
 * which must still exist (a removed principal's tokens log nobody in). A monitor's token opens the ops listener only;
 * an administrator's is accepted only from {@link AdminSources} (refused {@link AuthFailure#SOURCE_NOT_ALLOWED}, under
 * the administrator's name, from anywhere else); an operator's is its site's to refuse ({@link OperatorLoginPolicy}),
 * a client account's its tenant's ({@link TenantLoginPolicy}); a kind of principal this version does not know grants
 * nothing.
 */
final class TokenLogin {

    private final Database database;
    private final AccountRepository accounts;
    private final OperatorRepository operators;
    private final TokenRepository tokens;
    private final AdminRepository admins = new AdminRepository();
    private final MonitorRepository monitors = new MonitorRepository();
    private final TenantLoginPolicy policy;
    private final OperatorLoginPolicy operatorPolicy;
    private final AdminSources adminSources;
    private final Clock clock;

    TokenLogin(Database database, AccountRepository accounts, OperatorRepository operators, TokenRepository tokens,
               TenantLoginPolicy policy, OperatorLoginPolicy operatorPolicy, AdminSources adminSources, Clock clock) {
        this.database = database;
        this.accounts = accounts;
        this.operators = operators;
        this.tokens = tokens;
        this.policy = policy;
        this.operatorPolicy = operatorPolicy;
        this.adminSources = adminSources;
        this.clock = clock;
    }

    /** @param ops whether the ops listener asks, the only place a monitor's token opens */
    AuthResult login(String token, Protocol protocol, String source, boolean ops) {
        return database.read(jdbc -> {
            String hash = ApiTokens.hash(token);
            Optional<TokenRepository.TokenGrant> grant = tokens.findLive(jdbc, hash, clock.instant());
            if (grant.isEmpty()) {
                return new Failure(null, AuthFailure.BAD_CREDENTIAL);
            }
            String credential = Credentials.token(hash);
            String id = grant.get().principalId();
            if (grant.get().principalKind().equals("monitor")) {
                if (!monitors.exists(jdbc, id)) { // as an administrator's, below
                    return new Failure(null, AuthFailure.UNKNOWN_USER);
                }
                return ops ? new Success(new MonitorPrincipal(id), credential)
                        : new Failure(id, AuthFailure.MONITOR_ONLY);
            }
            if (grant.get().principalKind().equals("admin")) {
                // a removed administrator's tokens are revoked with it; its name is checked too, so that none outlives it
                if (!admins.exists(jdbc, id)) {
                    return new Failure(null, AuthFailure.UNKNOWN_USER);
                }
                return adminSources.admits(source) ? new Success(new AdminPrincipal(id), credential)
                        : new Failure(id, AuthFailure.SOURCE_NOT_ALLOWED);
            }
            if (grant.get().principalKind().equals("operator")) {
                Optional<OperatorRepository.OperatorRow> operator = operators.findById(jdbc, id);
                if (operator.isEmpty()) {
                    return new Failure(null, AuthFailure.UNKNOWN_USER);
                }
                Optional<AuthFailure> refusal = operatorPolicy.refusal(jdbc, operator.get(), source);
                return refusal.isPresent() ? new Failure(operator.get().username(), refusal.get())
                        : new Success(operator.get().principal(protocol), credential);
            }
            Optional<Account> account = grant.get().principalKind().equals("account") ? accounts.findById(jdbc, id)
                    : Optional.empty(); // a kind this version does not know grants nothing
            if (account.isEmpty()) {
                return new Failure(null, AuthFailure.UNKNOWN_USER);
            }
            return policy.admit(jdbc, account.get(), protocol, false, source, credential);
        });
    }
}
