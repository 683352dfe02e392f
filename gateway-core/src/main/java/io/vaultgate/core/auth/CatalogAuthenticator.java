package io.vaultgate.core.auth;

import io.vaultgate.core.auth.AuthResult.Failure;
import io.vaultgate.core.auth.AuthResult.Success;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Tenant;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks credentials against the catalog and the owning tenant's policy (status, protocols, password
 * login). Operators log in with SSH keys or API tokens only (their MFA comes with the security issue). A password check for an unknown user still runs one Argon2id derivation, so response time does
 * not reveal which usernames exist.
 */
public final class CatalogAuthenticator implements Authenticator {

    private final Database database;
    private final TenantRepository tenants;
    private final AccountRepository accounts;
    private final OperatorRepository operators;
    private final TokenRepository tokens;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final String decoyHash;

    public CatalogAuthenticator(Database database, TenantRepository tenants, AccountRepository accounts,
                                OperatorRepository operators, TokenRepository tokens, PasswordHasher hasher,
                                Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.accounts = accounts;
        this.operators = operators;
        this.tokens = tokens;
        this.hasher = hasher;
        this.clock = clock;
        this.decoyHash = hasher.hash("decoy".toCharArray());
    }

    @Override
    public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
        return database.read(jdbc -> {
            Optional<Account> account = accounts.findByUsername(jdbc, username);
            if (account.isEmpty()) {
                Optional<OperatorRepository.OperatorRow> operator = operators.findByUsername(jdbc, username);
                if (operator.isEmpty()) {
                    return new Failure(username, AuthFailure.UNKNOWN_USER);
                }
                return operators.hasSshKey(jdbc, operator.get().id(), fingerprint)
                        ? new Success(operator.get().principal(protocol))
                        : new Failure(username, AuthFailure.BAD_CREDENTIAL);
            }
            if (!accounts.hasSshKey(jdbc, account.get().id(), fingerprint)) {
                return new Failure(username, AuthFailure.BAD_CREDENTIAL);
            }
            return admit(jdbc, account.get(), protocol, false, source);
        });
    }

    @Override
    public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
        return database.read(jdbc -> {
            Optional<Account> account = accounts.findByUsername(jdbc, username);
            Optional<String> hash = account.isPresent()
                    ? accounts.passwordHash(jdbc, account.get().id()) : Optional.empty();
            boolean matches = hasher.verify(password, hash.orElse(decoyHash)) && hash.isPresent();
            if (account.isEmpty()) {
                return new Failure(username, AuthFailure.UNKNOWN_USER);
            }
            if (!matches) {
                return new Failure(username, AuthFailure.BAD_CREDENTIAL);
            }
            return admit(jdbc, account.get(), protocol, true, source);
        });
    }

    @Override
    public AuthResult byToken(String token, Protocol protocol, String source) {
        return database.read(jdbc -> {
            Optional<TokenRepository.TokenGrant> grant = tokens.findLive(jdbc, ApiTokens.hash(token), clock.instant());
            if (grant.isEmpty()) {
                return new Failure(null, AuthFailure.BAD_CREDENTIAL);
            }
            String id = grant.get().principalId();
            if (grant.get().principalKind().equals("admin")) {
                return new Success(new AdminPrincipal(id));
            }
            if (grant.get().principalKind().equals("operator")) {
                return operators.findById(jdbc, id)
                        .<AuthResult>map(operator -> new Success(operator.principal(protocol)))
                        .orElse(new Failure(null, AuthFailure.UNKNOWN_USER));
            }
            Optional<Account> account = accounts.findById(jdbc, id);
            if (account.isEmpty()) {
                return new Failure(null, AuthFailure.UNKNOWN_USER);
            }
            return admit(jdbc, account.get(), protocol, false, source);
        });
    }

    @Override
    public AuthResult byCertificate(String sha256Fingerprint, Protocol protocol, String source) {
        return database.read(jdbc -> {
            Optional<Account> account = accounts.findByCertificate(jdbc, sha256Fingerprint);
            if (account.isEmpty()) {
                return new Failure(null, AuthFailure.UNKNOWN_USER);
            }
            return admit(jdbc, account.get(), protocol, false, source);
        });
    }

    private AuthResult admit(Jdbc jdbc, Account account, Protocol protocol, boolean byPassword, String source)
            throws SQLException {
        Tenant tenant = tenants.find(jdbc, account.tenant()).orElseThrow();
        if (!tenant.isActive()) {
            return new Failure(account.username(), AuthFailure.TENANT_LOCKED);
        }
        if (account.isExpiredAt(clock.instant())) {
            return new Failure(account.username(), AuthFailure.ACCOUNT_EXPIRED);
        }
        if (!tenant.protocols().contains(protocol)) {
            return new Failure(account.username(), AuthFailure.PROTOCOL_NOT_ALLOWED);
        }
        if (byPassword && !tenant.passwordLoginAllowed()) {
            return new Failure(account.username(), AuthFailure.METHOD_NOT_ALLOWED);
        }
        if (!SourceAddresses.allowedBy(tenant, source)) {
            return new Failure(account.username(), AuthFailure.SOURCE_NOT_ALLOWED);
        }
        return new Success(new ClientPrincipal(account.id(), account.username(), account.tenant(), protocol));
    }
}
