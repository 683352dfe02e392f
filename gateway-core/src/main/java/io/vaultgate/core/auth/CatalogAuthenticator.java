package io.vaultgate.core.auth;

import io.vaultgate.core.auth.AuthResult.Failure;
import io.vaultgate.core.auth.AuthResult.Success;
import io.vaultgate.core.auth.LoginCounts.Decided;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.defender.LoginLockouts;
import io.vaultgate.core.defender.LoginMethod;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks credentials against the catalog and the owning tenant's policy (status, protocols, password
 * login, allowed and denied source networks), and an operator's against its site's networks
 * ({@link OperatorLoginPolicy}). Operators log in with SSH keys or API tokens only; whether
 * their role also needs a TOTP code is the front-end's second step ({@link AccessControl#mfaRequired}). A
 * password check for an unknown user still runs one Argon2id derivation, so response time does not reveal
 * which usernames exist. With {@link LoginLockouts}, a login name whose password (or key, by policy) failed
 * too often is refused before its credential is even checked, and a success resets its count. A password that could
 * not be checked because every permitted check stayed busy ({@link PasswordHasher.Check#BUSY}) is refused as
 * {@link AuthFailure#PASSWORD_CHECK_BUSY}, counted towards no lockout. The tenant's policy is read for every
 * password and key attempt on an account, right credential or wrong; while it refuses the account, the attempt
 * counts towards no lockout either way ({@link Decided}), so that neither the count nor the defender's score (see
 * {@link DefendingAuthenticator#passwordOffenceOf}) tells a right password from a wrong one. A monitor's token
 * opens the ops listener only ({@link #byOpsToken}); every other way in refuses it. An administrator's token is
 * accepted only from {@link AdminSources}, wherever it is presented.
 *
 * <p>This class decides the logins by key, password and certificate and puts the steps together; the tenant's
 * policy is {@link TenantLoginPolicy}'s, the lockout counts {@link LoginCounts}', a token's principal
 * {@link TokenLogin}'s and the second factor {@link SecondFactor}'s.
 */
public final class CatalogAuthenticator implements Authenticator {

    private final Database database;
    private final AccountRepository accounts;
    private final OperatorRepository operators;
    private final PasswordHasher hasher;
    private final String decoyHash;
    private final TenantLoginPolicy policy;
    private final OperatorLoginPolicy operatorPolicy = new OperatorLoginPolicy();
    private final LoginCounts counts;
    private final TokenLogin tokenLogin;
    private final SecondFactor secondFactor;

    public CatalogAuthenticator(Database database, TenantRepository tenants, AccountRepository accounts,
                                OperatorRepository operators, TokenRepository tokens, PasswordHasher hasher,
                                Clock clock) {
        this(database, tenants, accounts, operators, tokens, hasher, clock, Optional.empty(), Optional.empty());
    }

    public CatalogAuthenticator(Database database, TenantRepository tenants, AccountRepository accounts,
                                OperatorRepository operators, TokenRepository tokens, PasswordHasher hasher,
                                Clock clock, Optional<LoginLockouts> lockouts, Optional<Mfa> mfa) {
        this(database, tenants, accounts, operators, tokens, hasher, clock, lockouts, mfa, AdminSources.LOOPBACK);
    }

    /** @param adminSources the networks an administrator's token is accepted from ({@code access.admin-sources}) */
    public CatalogAuthenticator(Database database, TenantRepository tenants, AccountRepository accounts,
                                OperatorRepository operators, TokenRepository tokens, PasswordHasher hasher,
                                Clock clock, Optional<LoginLockouts> lockouts, Optional<Mfa> mfa,
                                AdminSources adminSources) {
        this.database = database;
        this.accounts = accounts;
        this.operators = operators;
        this.hasher = hasher;
        this.decoyHash = PasswordHasher.decoy();
        this.policy = new TenantLoginPolicy(tenants, clock);
        this.counts = new LoginCounts(database, accounts, lockouts);
        this.tokenLogin = new TokenLogin(database, accounts, operators, tokens, policy, operatorPolicy,
                adminSources, clock);
        this.secondFactor = new SecondFactor(database, mfa, counts);
    }

    @Override
    public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
        return keyLogin(username, Optional.of(fingerprint), protocol, source, true);
    }

    @Override
    public AuthResult queryPublicKey(String username, String fingerprint, Protocol protocol, String source) {
        return keyLogin(username, Optional.of(fingerprint), protocol, source, false);
    }

    /** The checks of a key login with a key that matches none: refused as a wrong key, counted alike. */
    @Override
    public AuthResult refusedSignature(String username, Protocol protocol, String source) {
        return keyLogin(username, Optional.empty(), protocol, source, false);
    }

    /**
     * @param fingerprint the key's; empty for a signature that did not verify, which no key matches
     * @param login whether a success is a login (it resets the name's count); not for a query
     */
    private AuthResult keyLogin(String username, Optional<String> fingerprint, Protocol protocol, String source,
                                boolean login) {
        Decided decided = database.read(jdbc -> {
            if (counts.locked(jdbc, username, LoginMethod.KEY)) {
                return Decided.uncounted(new Failure(username, AuthFailure.ACCOUNT_LOCKED_OUT));
            }
            Optional<Account> account = accounts.findByUsername(jdbc, username);
            if (account.isEmpty()) {
                Optional<OperatorRepository.OperatorRow> operator = operators.findByUsername(jdbc, username);
                if (operator.isEmpty()) {
                    return Decided.uncounted(new Failure(username, AuthFailure.UNKNOWN_USER));
                }
                // the site's networks are read for every key, right or wrong, as a tenant's policy is for an account
                Optional<AuthFailure> refusal = operatorPolicy.refusal(jdbc, operator.get(), source);
                boolean matches = fingerprint.isPresent()
                        && operators.hasSshKey(jdbc, operator.get().id(), fingerprint.get());
                if (refusal.isPresent()) {
                    return Decided.refusedByPolicy(username, refusal.get(), matches);
                }
                return matches ? Decided.uncounted(keySucceeded(jdbc, username, login, new Success(
                                operator.get().principal(protocol), Credentials.sshKey(fingerprint.get()))))
                        : Decided.refusedCredential(username);
            }
            Optional<AuthFailure> refusal = policy.refusal(jdbc, account.get(), protocol, false, source);
            boolean matches = fingerprint.isPresent() && accounts.hasSshKey(jdbc, account.get().id(), fingerprint.get());
            if (refusal.isPresent()) {
                return Decided.refusedByPolicy(username, refusal.get(), matches);
            }
            if (!matches) {
                return Decided.refusedCredential(username);
            }
            return Decided.uncounted(keySucceeded(jdbc, username, login, new Success(
                    TenantLoginPolicy.principalOf(account.get(), protocol), Credentials.sshKey(fingerprint.get()))));
        });
        return counts.counted(decided, LoginMethod.KEY);
    }

    private AuthResult keySucceeded(Jdbc jdbc, String username, boolean login, AuthResult result) throws SQLException {
        return login ? counts.succeeded(jdbc, username, LoginMethod.KEY, result) : result;
    }

    /**
     * The stored hash is read, then checked with no catalog connection held, then the login decided in a second read:
     * a check may wait a second for a free derivation and then derives for tens of milliseconds, and a flood of
     * logins holding the pool's connections all that time would stall every other read and write of the catalog.
     */
    @Override
    public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
        return passwordLogin(username, password, protocol, source, false);
    }

    @Override
    public AuthResult firstFactorByPassword(String username, char[] password, Protocol protocol, String source) {
        return passwordLogin(username, password, protocol, source, true);
    }

    /** @param firstStep whether a second step follows, which a principal that requires MFA then passes */
    private AuthResult passwordLogin(String username, char[] password, Protocol protocol, String source,
                                     boolean firstStep) {
        Optional<String> hash = database.read(jdbc -> storedPassword(jdbc, username));
        PasswordHasher.Check check = hasher.check(password, hash.orElse(decoyHash));
        if (check == PasswordHasher.Check.BUSY) { // before the name's branches: the same whether it exists
            return new Failure(username, AuthFailure.PASSWORD_CHECK_BUSY);
        }
        Decided decided = database.read(jdbc -> {
            Optional<Account> account = accounts.findByUsername(jdbc, username);
            if (account.isEmpty()) {
                return Decided.uncounted(new Failure(username, AuthFailure.UNKNOWN_USER));
            }
            if (counts.locked(jdbc, username, LoginMethod.PASSWORD)) {
                return Decided.uncounted(new Failure(username, AuthFailure.ACCOUNT_LOCKED_OUT));
            }
            // the policy and the current hash are read for every password, right or wrong: the same reads either way
            Optional<AuthFailure> refusal = policy.refusal(jdbc, account.get(), protocol, true, source);
            Optional<String> current = accounts.passwordHash(jdbc, account.get().id());
            // the hash checked must still be the account's: a password changed or revoked meanwhile matches nothing
            boolean matches = check == PasswordHasher.Check.MATCH && hash.isPresent() && hash.equals(current);
            if (refusal.isPresent()) {
                return Decided.refusedByPolicy(username, refusal.get(), matches);
            }
            if (!matches) {
                return Decided.refusedCredential(username);
            }
            Success admitted = new Success(TenantLoginPolicy.principalOf(account.get(), protocol),
                    Credentials.password(account.get().id()));
            if (secondFactor.required(admitted.principal())) {
                // a right password that still needs the second factor is no login: the count is not reset
                return Decided.uncounted(firstStep ? new AuthResult.Partial(admitted.principal(),
                        admitted.credential()) : new Failure(username, AuthFailure.MFA_REQUIRED));
            }
            return Decided.uncounted(counts.succeeded(jdbc, username, LoginMethod.PASSWORD, admitted));
        });
        return counts.counted(decided, LoginMethod.PASSWORD);
    }

    private Optional<String> storedPassword(Jdbc jdbc, String username) throws SQLException {
        Optional<Account> account = accounts.findByUsername(jdbc, username);
        return account.isPresent() ? accounts.passwordHash(jdbc, account.get().id()) : Optional.empty();
    }

    @Override
    public AuthResult byToken(String token, Protocol protocol, String source) {
        return secondFactor.ofToken(token, tokenLogin.login(token, protocol, source, false), protocol);
    }

    /** A monitor needs no second factor: it reads metrics only, and a scraper cannot give a code. */
    @Override
    public AuthResult byOpsToken(String token, String source) {
        AuthResult result = tokenLogin.login(token, Protocol.HTTPS, source, true);
        return result instanceof Success success && success.principal() instanceof MonitorPrincipal ? result
                : secondFactor.ofToken(token, result, Protocol.HTTPS);
    }

    @Override
    public AuthResult byTotp(Principal principal, String code, Protocol protocol, String source) {
        return secondFactor.verify(principal, code, new Success(principal, "totp:" + principal.name()));
    }

    @Override
    public AuthResult byTokenAndTotp(String token, String code, Protocol protocol, String source) {
        AuthResult first = tokenLogin.login(token, protocol, source, false);
        return first instanceof Success success ? secondFactor.verify(success.principal(), code, first) : first;
    }

    @Override
    public AuthResult byCertificate(String sha256Fingerprint, Protocol protocol, String source) {
        return secondFactor.needed(certificateLogin(sha256Fingerprint, protocol, source), protocol);
    }

    /** A client account's login stands while the certificate is registered to that account (a catalog read). */
    @Override
    public AuthResult certificateBound(Success login, String sha256Fingerprint, Protocol protocol, String source) {
        if (!(login.principal() instanceof ClientPrincipal client)) {
            return login;
        }
        boolean own = database.read(jdbc -> accounts.findByCertificate(jdbc, sha256Fingerprint))
                .filter(account -> account.id().equals(client.accountId())).isPresent();
        return own ? login : new Failure(client.name(), AuthFailure.CERTIFICATE_MISMATCH);
    }

    private AuthResult certificateLogin(String sha256Fingerprint, Protocol protocol, String source) {
        return database.read(jdbc -> {
            Optional<Account> account = accounts.findByCertificate(jdbc, sha256Fingerprint);
            if (account.isEmpty()) {
                return new Failure(null, AuthFailure.UNKNOWN_USER);
            }
            return policy.admit(jdbc, account.get(), protocol, false, source,
                    Credentials.certificate(sha256Fingerprint));
        });
    }
}
