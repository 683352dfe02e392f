package io.vaultgate.core.auth;

import io.vaultgate.core.auth.AuthResult.Failure;
import io.vaultgate.core.auth.AuthResult.Success;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.AdminRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.MonitorRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.defender.LoginLockouts;
import io.vaultgate.core.defender.LoginMethod;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Tenant;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks credentials against the catalog and the owning tenant's policy (status, protocols, password
 * login, allowed and denied source networks). Operators log in with SSH keys or API tokens only; whether
 * their role also needs a TOTP code is the front-end's second step ({@link AccessControl#mfaRequired}). A
 * password check for an unknown user still runs one Argon2id derivation, so response time does not reveal
 * which usernames exist. With {@link LoginLockouts}, a login name whose password (or key, by policy) failed
 * too often is refused before its credential is even checked, and a success resets its count. A password that could
 * not be checked because every permitted check stayed busy ({@link PasswordHasher.Check#BUSY}) is refused as
 * {@link AuthFailure#PASSWORD_CHECK_BUSY}, counted towards no lockout. The tenant's policy is read for every
 * password and key attempt on an account, right credential or wrong; while it refuses the account, the attempt
 * counts towards no lockout either way ({@link Decided}), so that neither the count nor the defender's score (see
 * {@link DefendingAuthenticator#passwordOffenceOf}) tells a right password from a wrong one. A monitor's token
 * opens the ops listener only ({@link #byOpsToken}); every other way in refuses it.
 */
public final class CatalogAuthenticator implements Authenticator {

    private final Database database;
    private final TenantRepository tenants;
    private final AccountRepository accounts;
    private final OperatorRepository operators;
    private final TokenRepository tokens;
    private final AdminRepository admins = new AdminRepository();
    private final MonitorRepository monitors = new MonitorRepository();
    private final PasswordHasher hasher;
    private final Clock clock;
    private final String decoyHash;
    private final Optional<LoginLockouts> lockouts;
    private final Optional<Mfa> mfa;
    private final DeniedSources denied = new DeniedSources();

    public CatalogAuthenticator(Database database, TenantRepository tenants, AccountRepository accounts,
                                OperatorRepository operators, TokenRepository tokens, PasswordHasher hasher,
                                Clock clock) {
        this(database, tenants, accounts, operators, tokens, hasher, clock, Optional.empty(), Optional.empty());
    }

    public CatalogAuthenticator(Database database, TenantRepository tenants, AccountRepository accounts,
                                OperatorRepository operators, TokenRepository tokens, PasswordHasher hasher,
                                Clock clock, Optional<LoginLockouts> lockouts, Optional<Mfa> mfa) {
        this.database = database;
        this.tenants = tenants;
        this.accounts = accounts;
        this.operators = operators;
        this.tokens = tokens;
        this.hasher = hasher;
        this.clock = clock;
        this.lockouts = lockouts;
        this.mfa = mfa;
        this.decoyHash = PasswordHasher.decoy();
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
            if (locked(jdbc, username, LoginMethod.KEY)) {
                return Decided.uncounted(new Failure(username, AuthFailure.ACCOUNT_LOCKED_OUT));
            }
            Optional<Account> account = accounts.findByUsername(jdbc, username);
            if (account.isEmpty()) {
                Optional<OperatorRepository.OperatorRow> operator = operators.findByUsername(jdbc, username);
                if (operator.isEmpty()) {
                    return Decided.uncounted(new Failure(username, AuthFailure.UNKNOWN_USER));
                }
                return fingerprint.isPresent() && operators.hasSshKey(jdbc, operator.get().id(), fingerprint.get())
                        ? Decided.uncounted(keySucceeded(jdbc, username, login, new Success(
                                operator.get().principal(protocol), Credentials.sshKey(fingerprint.get()))))
                        : Decided.refusedCredential(username);
            }
            Optional<AuthFailure> refusal = refusal(jdbc, account.get(), protocol, false, source);
            boolean matches = fingerprint.isPresent() && accounts.hasSshKey(jdbc, account.get().id(), fingerprint.get());
            if (refusal.isPresent()) {
                return Decided.refusedByPolicy(username, refusal.get(), matches);
            }
            if (!matches) {
                return Decided.refusedCredential(username);
            }
            return Decided.uncounted(keySucceeded(jdbc, username, login, new Success(principalOf(account.get(),
                    protocol), Credentials.sshKey(fingerprint.get()))));
        });
        return counted(decided, LoginMethod.KEY);
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
            if (locked(jdbc, username, LoginMethod.PASSWORD)) {
                return Decided.uncounted(new Failure(username, AuthFailure.ACCOUNT_LOCKED_OUT));
            }
            // the policy and the current hash are read for every password, right or wrong: the same reads either way
            Optional<AuthFailure> refusal = refusal(jdbc, account.get(), protocol, true, source);
            Optional<String> current = accounts.passwordHash(jdbc, account.get().id());
            // the hash checked must still be the account's: a password changed or revoked meanwhile matches nothing
            boolean matches = check == PasswordHasher.Check.MATCH && hash.isPresent() && hash.equals(current);
            if (refusal.isPresent()) {
                return Decided.refusedByPolicy(username, refusal.get(), matches);
            }
            if (!matches) {
                return Decided.refusedCredential(username);
            }
            Success admitted = new Success(principalOf(account.get(), protocol), Credentials.password(
                    account.get().id()));
            if (mfa.isPresent() && mfa.get().required(admitted.principal())) {
                // a right password that still needs the second factor is no login: the count is not reset
                return Decided.uncounted(firstStep ? new AuthResult.Partial(admitted.principal(),
                        admitted.credential()) : new Failure(username, AuthFailure.MFA_REQUIRED));
            }
            return Decided.uncounted(succeeded(jdbc, username, LoginMethod.PASSWORD, admitted));
        });
        return counted(decided, LoginMethod.PASSWORD);
    }

    private Optional<String> storedPassword(Jdbc jdbc, String username) throws SQLException {
        Optional<Account> account = accounts.findByUsername(jdbc, username);
        return account.isPresent() ? accounts.passwordHash(jdbc, account.get().id()) : Optional.empty();
    }

    @Override
    public AuthResult byToken(String token, Protocol protocol, String source) {
        return secondFactorOf(token, tokenLogin(token, protocol, source, false), protocol);
    }

    /** A monitor needs no second factor: it reads metrics only, and a scraper cannot give a code. */
    @Override
    public AuthResult byOpsToken(String token, String source) {
        AuthResult result = tokenLogin(token, Protocol.HTTPS, source, true);
        return result instanceof Success success && success.principal() instanceof MonitorPrincipal ? result
                : secondFactorOf(token, result, Protocol.HTTPS);
    }

    /** A token issued after a TOTP check stands for the second factor; any other needs one where the role does. */
    private AuthResult secondFactorOf(String token, AuthResult result, Protocol protocol) {
        if (result instanceof Success && mfa.isPresent()
                && database.read(jdbc -> mfa.get().isSessionToken(jdbc, ApiTokens.hash(token)))) {
            return result;
        }
        return needsSecondFactor(result, protocol);
    }

    /** @param ops whether the ops listener asks, the only place a monitor's token opens */
    private AuthResult tokenLogin(String token, Protocol protocol, String source, boolean ops) {
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
                return admins.exists(jdbc, id) ? new Success(new AdminPrincipal(id), credential)
                        : new Failure(null, AuthFailure.UNKNOWN_USER);
            }
            if (grant.get().principalKind().equals("operator")) {
                return operators.findById(jdbc, id)
                        .<AuthResult>map(operator -> new Success(operator.principal(protocol), credential))
                        .orElse(new Failure(null, AuthFailure.UNKNOWN_USER));
            }
            Optional<Account> account = grant.get().principalKind().equals("account") ? accounts.findById(jdbc, id)
                    : Optional.empty(); // a kind this version does not know grants nothing
            if (account.isEmpty()) {
                return new Failure(null, AuthFailure.UNKNOWN_USER);
            }
            return admit(jdbc, account.get(), protocol, false, source, credential);
        });
    }

    @Override
    public AuthResult byTotp(Principal principal, String code, Protocol protocol, String source) {
        return secondFactor(principal, code, new Success(principal, "totp:" + principal.name()));
    }

    @Override
    public AuthResult byTokenAndTotp(String token, String code, Protocol protocol, String source) {
        AuthResult first = tokenLogin(token, protocol, source, false);
        return first instanceof Success success ? secondFactor(success.principal(), code, first) : first;
    }

    /**
     * Checks a TOTP code for a principal whose first factor passed. Wrong codes count towards a lockout of the
     * name's TOTP step, always (not only where key logins lock): whoever holds a stolen token or key could
     * otherwise guess codes from as many addresses as they have, 3 valid codes in 10^6 at window 1. A right code
     * completes the login, which resets every count of the name: its first step (a key, a token, a password) reset
     * none, since it was not yet a login.
     */
    private AuthResult secondFactor(Principal principal, String code, AuthResult success) {
        String name = principal.name();
        if (database.read(jdbc -> locked(jdbc, name, LoginMethod.TOTP))) {
            return new Failure(name, AuthFailure.ACCOUNT_LOCKED_OUT);
        }
        if (mfa.isEmpty() || !mfa.get().verify(principal, code)) {
            lockouts.ifPresent(counter -> counter.failed(name, LoginMethod.TOTP,
                    principal instanceof ClientPrincipal client ? Optional.of(client.tenant()) : Optional.empty()));
            return new Failure(name, AuthFailure.MFA_FAILED);
        }
        return database.read(jdbc -> {
            for (LoginMethod method : LoginMethod.values()) { // the login is complete: its first factor's count too
                succeeded(jdbc, name, method, success);
            }
            return success;
        });
    }

    @Override
    public AuthResult byCertificate(String sha256Fingerprint, Protocol protocol, String source) {
        return needsSecondFactor(certificateLogin(sha256Fingerprint, protocol, source), protocol);
    }

    private AuthResult certificateLogin(String sha256Fingerprint, Protocol protocol, String source) {
        return database.read(jdbc -> {
            Optional<Account> account = accounts.findByCertificate(jdbc, sha256Fingerprint);
            if (account.isEmpty()) {
                return new Failure(null, AuthFailure.UNKNOWN_USER);
            }
            return admit(jdbc, account.get(), protocol, false, source, Credentials.certificate(sha256Fingerprint));
        });
    }

    private AuthResult admit(Jdbc jdbc, Account account, Protocol protocol, boolean byPassword, String source,
                             String credential) throws SQLException {
        Optional<AuthFailure> refusal = refusal(jdbc, account, protocol, byPassword, source);
        return refusal.isPresent() ? new Failure(account.username(), refusal.get())
                : new Success(principalOf(account, protocol), credential);
    }

    /**
     * Why the tenant's policy refuses {@code account} a login now, whatever its credential: empty if it does not.
     * Reads the same rows for every attempt, so that asking it for a wrong credential costs what it costs for a
     * right one.
     */
    private Optional<AuthFailure> refusal(Jdbc jdbc, Account account, Protocol protocol, boolean byPassword,
                                          String source) throws SQLException {
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

    private static ClientPrincipal principalOf(Account account, Protocol protocol) {
        return new ClientPrincipal(account.id(), account.username(), account.tenant(), protocol);
    }

    /**
     * Over HTTPS, a role that requires MFA logs in only with a token issued after a TOTP check; over SFTP
     * the front-end asks for the code as a second step. (A password is refused so over every protocol, and is a
     * partial first step of a login only through {@link #firstFactorByPassword}.)
     */
    private AuthResult needsSecondFactor(AuthResult result, Protocol protocol) {
        if (result instanceof Success success && protocol == Protocol.HTTPS && mfa.isPresent()
                && mfa.get().required(success.principal())) {
            return new Failure(success.principal().name(), AuthFailure.MFA_REQUIRED);
        }
        return result;
    }

    private boolean locked(Jdbc jdbc, String username, LoginMethod method) throws SQLException {
        return lockouts.isPresent() && lockouts.get().lockedUntil(jdbc, username, method).isPresent();
    }

    private AuthResult keySucceeded(Jdbc jdbc, String username, boolean login, AuthResult result) throws SQLException {
        return login ? succeeded(jdbc, username, LoginMethod.KEY, result) : result;
    }

    private AuthResult succeeded(Jdbc jdbc, String username, LoginMethod method, AuthResult result)
            throws SQLException {
        if (result instanceof Success && lockouts.isPresent()) {
            lockouts.get().succeeded(jdbc, username, method);
        }
        return result;
    }

    /** A wrong credential that counts towards its login name's lockout is counted (after the read ended). */
    private AuthResult counted(Decided decided, LoginMethod method) {
        if (lockouts.isPresent() && decided.counts() && decided.result() instanceof Failure failure
                && failure.username() != null) {
            lockouts.get().failed(failure.username(), method, database.read(jdbc ->
                    accounts.findByUsername(jdbc, failure.username()).map(Account::tenant)));
        }
        return decided.result();
    }

    /**
     * A login's result, and whether it counts towards the name's lockout: a wrong credential does, unless the
     * tenant's policy refuses the account anyway. While a policy refuses (a locked tenant, an expired account, a
     * protocol, method or source not allowed), the credential decides nothing the client can observe: the answer,
     * the defender's score and the lockout count are those of a wrong one, whether it was right or wrong, and so are
     * the reason metrics and logs show ({@link Failure#shown}, the policy's for both). Only the audit record
     * (administrators' alone) keeps the truth: the policy's reason for a right credential,
     * {@link AuthFailure#BAD_CREDENTIAL} for a wrong one. Nothing counts then, so that neither the account's own
     * retries nor guesses from a refused source lock the account out for after the policy lifts, and a count that
     * went up for wrong credentials only would tell the right one apart.
     */
    private record Decided(AuthResult result, boolean counts) {

        static Decided uncounted(AuthResult result) {
            return new Decided(result, false);
        }

        static Decided refusedCredential(String username) {
            return new Decided(new Failure(username, AuthFailure.BAD_CREDENTIAL), true);
        }

        static Decided refusedByPolicy(String username, AuthFailure policy, boolean rightCredential) {
            return uncounted(new Failure(username, rightCredential ? policy : AuthFailure.BAD_CREDENTIAL, policy));
        }
    }
}
