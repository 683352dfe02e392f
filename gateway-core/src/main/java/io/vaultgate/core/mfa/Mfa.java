package io.vaultgate.core.mfa;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.catalog.TokenRepository.TokenGrant;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.KeyProvider;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * TOTP second factor: enrollment, verification (each code accepted once), and the short-lived HTTPS tokens
 * issued after a TOTP check. Which roles need it is the {@link MfaPolicy}'s business.
 */
public final class Mfa {

    /** The label of API tokens issued after a TOTP check; only these log in roles that require MFA. */
    public static final String SESSION_TOKEN_LABEL = "mfa-session";

    private final Database database;
    private final MfaSecrets secrets;
    private final TokenRepository tokens = new TokenRepository();
    private final AccountRepository accounts = new AccountRepository();
    private final TenantRepository tenants = new TenantRepository();
    private final AuditLog audit;
    private final MfaPolicy policy;
    private final SecureRandom random;
    private final Clock clock;

    /** @param kekCatalog the node's, with which the KEK wrapping TOTP secrets is recorded for every node */
    public Mfa(Database database, KeyProvider keys, AuditLog audit, MfaPolicy policy, SecureRandom random,
               Clock clock, KekCatalog kekCatalog) {
        this.database = database;
        this.secrets = new MfaSecrets(keys, kekCatalog);
        this.audit = audit;
        this.policy = policy;
        this.random = random;
        this.clock = clock;
    }

    public MfaPolicy policy() {
        return policy;
    }

    public boolean required(Principal principal) {
        return policy.requires(Role.of(principal));
    }

    /**
     * Creates (or replaces) the TOTP secret of an existing operator, admin or client account and returns it,
     * once. Audited as a credential added by {@code actor}.
     */
    public Enrollment enroll(Role role, String name, String actor) {
        Instant now = clock.instant();
        DataKey secret = database.inTransaction(jdbc -> {
            if (!exists(jdbc, role, name)) {
                throw new GatewayException(Reason.NOT_FOUND, "no " + role.key() + " named " + name);
            }
            if (role == Role.CLIENT) {
                refuseIfShredded(jdbc, name);
            }
            DataKey created = secrets.create(jdbc, role, name, now);
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor,
                    AuditEvent.AdminAction.CREDENTIAL_ADDED, name + " totp (" + role.key() + ")"));
            return created;
        });
        byte[] bytes = secret.toByteArray(InsecureKeyAccess.get());
        secret.destroy();
        try {
            String base32 = Base32.encode(bytes);
            String label = URLEncoder.encode(policy.issuer() + ":" + name, StandardCharsets.UTF_8).replace("+", "%20");
            return new Enrollment(base32, "otpauth://totp/" + label + "?secret=" + base32 + "&issuer="
                    + URLEncoder.encode(policy.issuer(), StandardCharsets.UTF_8).replace("+", "%20")
                    + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Removes a principal's TOTP secret; false if it had none. Audited. */
    public boolean remove(Role role, String name, String actor) {
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            Optional<AuditEvent> removed = remove(jdbc, role, name, actor, now);
            if (removed.isPresent()) {
                audit.append(jdbc, removed.get());
            }
            return removed.isPresent();
        });
    }

    /**
     * The same within {@code jdbc}'s transaction (part of removing an operator), without the audit append: returns
     * the event for the caller to append once every row change of its transaction is made (empty if there was no
     * secret), so that the audit chain's head is locked after the rows, in the order other changes lock them.
     */
    public Optional<AuditEvent> remove(Jdbc jdbc, Role role, String name, String actor, Instant now)
            throws SQLException {
        return secrets.delete(jdbc, role, name) ? Optional.of(new AuditEvent.AdminChange(now, Optional.empty(), actor,
                AuditEvent.AdminAction.CREDENTIAL_REVOKED, name + " totp (" + role.key() + ")")) : Optional.empty();
    }

    public boolean enrolled(Principal principal) {
        return database.read(jdbc -> secrets.find(jdbc, Role.of(principal), principal.name()).isPresent());
    }

    /**
     * Whether {@code code} is the principal's current code (within the policy's window) and was not used
     * before. A matching code is used up, even when two logins race with it: only one wins.
     *
     * @throws io.vaultgate.core.GatewayException {@code UNAVAILABLE} on a node whose keystore copy lacks the KEK of the
     *                                            principal's secret ({@link MfaSecrets#findUsable})
     */
    public boolean verify(Principal principal, String code) {
        Role role = Role.of(principal);
        String name = principal.name();
        Optional<MfaSecrets.Stored> stored = database.read(jdbc -> secrets.findUsable(jdbc, role, name));
        if (stored.isEmpty()) {
            return false;
        }
        byte[] key = secrets.unwrap(role, name, stored.get().slot());
        OptionalLong step;
        try {
            step = Totp.match(key, code, clock.instant(), policy.window(), stored.get().lastStep());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        return step.isPresent() && database.inTransaction(jdbc -> secrets.use(jdbc, role, name, step.getAsLong()));
    }

    /**
     * Issues a token for {@code principal} valid for the policy's token lifetime; shown once.
     *
     * @throws IllegalArgumentException for a monitor (it gets no session token: {@link Role#of}), before anything is
     *                                  stored
     */
    public IssuedToken issueSessionToken(Principal principal) {
        String token = ApiTokens.generate(random);
        Instant now = clock.instant();
        Instant expires = now.plus(policy.tokenLifetime());
        TokenGrant grant = grantOf(principal);
        database.inTransaction(jdbc -> {
            tokens.insert(jdbc, ApiTokens.hash(token), grant, SESSION_TOKEN_LABEL, now, Optional.of(expires));
            return null;
        });
        return new IssuedToken(token, now, expires);
    }

    /** Whether the token with this hash was issued after a TOTP check. */
    public boolean isSessionToken(Jdbc jdbc, String tokenHash) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ? AND label = ? AND expires_at IS NOT "
                + "NULL", tokenHash, SESSION_TOKEN_LABEL) > 0;
    }

    /** Whom a session token is for; each kind is named (a monitor, or a kind unknown here, gets none). */
    private static TokenGrant grantOf(Principal principal) {
        if (principal instanceof OperatorPrincipal operator) {
            return new TokenGrant("operator", operator.operatorId());
        }
        if (principal instanceof ClientPrincipal client) {
            return new TokenGrant("account", client.accountId());
        }
        if (principal instanceof AdminPrincipal admin) {
            return new TokenGrant("admin", admin.name());
        }
        throw new IllegalArgumentException(Role.noRole(principal));
    }

    /**
     * A client account of a shredded tenant gets no new credential (the shred forgot them all for good), as
     * {@code Administration} refuses it the others; its tenant's status is read under the lock the shred's update
     * takes.
     */
    private void refuseIfShredded(Jdbc jdbc, String username) throws SQLException {
        Account account = accounts.findByUsername(jdbc, username).orElseThrow();
        tenants.lockNamesReading(jdbc, account.tenant())
                .ifPresent(tenant -> tenant.refuseIfShredded("given accounts or credentials"));
    }

    private static boolean exists(Jdbc jdbc, Role role, String name) throws SQLException {
        String table = switch (role) {
            case OPERATOR -> "operators WHERE username = ?";
            case ADMIN -> "admins WHERE name = ?";
            case CLIENT -> "accounts WHERE username = ?";
        };
        return jdbc.count("SELECT COUNT(*) FROM " + table, name) > 0;
    }

    /**
     * A bearer token and when it expires, on the core's clock (the catalog's time on a joined node, which every node
     * checks it against). Not a record: its text is a secret.
     */
    public static final class IssuedToken {
        private final String token;
        private final Instant issuedAt;
        private final Instant expiresAt;

        IssuedToken(String token, Instant issuedAt, Instant expiresAt) {
            this.token = token;
            this.issuedAt = issuedAt;
            this.expiresAt = expiresAt;
        }

        public String token() {
            return token;
        }

        public Instant expiresAt() {
            return expiresAt;
        }

        /**
         * How long the token is valid from its issue: what a client adds to its own clock (OAuth's {@code expires_in}),
         * right whatever the client's, the node's or the catalog's clock says.
         */
        public java.time.Duration lifetime() {
            return java.time.Duration.between(issuedAt, expiresAt);
        }

        @Override
        public String toString() {
            return "IssuedToken[expiresAt=" + expiresAt + "]";
        }
    }
}
