package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.pki.CertificateState;
import io.vaultgate.core.pki.Validity;
import io.vaultgate.core.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds which credentials, for an administrator's review ({@code vaultgate account show|list}, {@code operator
 * show}): read-only, and never a secret. It reads fingerprints, certificate subjects, token labels and dates, and
 * whether a password hash or a TOTP secret exists; never a hash, a token or a wrapped secret. Client certificates
 * whose validity ends soon are found across accounts by {@link ExpiringClientCertificates}.
 */
public final class CredentialInventory {

    /** An SSH key by its {@code SHA256:...} fingerprint and its type ({@code ssh-ed25519}, ...). */
    public record SshKey(String fingerprint, String type, Instant added) {
    }

    /**
     * A client certificate by the SHA-256 of its DER encoding (hex) and its subject, with its validity as it was
     * registered: empty ("unknown") for one registered before V34, as the catalog never stored the certificate.
     */
    public record ClientCertificate(String fingerprint, String subject, Instant added, Optional<Validity> validity) {

        /** The columns {@link #read} reads, first, of {@code account_certificates} as {@code c}. */
        static final String COLUMNS = "c.fingerprint, c.subject, c.created_at, c.not_before, c.not_after";

        public ClientCertificate {
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(validity, "validity");
        }

        /** Expired at {@code now}: the TLS handshake refuses it, so no mutual-TLS login with it succeeds. */
        public boolean expiredAt(Instant now) {
            return stateAt(now) == CertificateState.EXPIRED;
        }

        /** Valid, expired or not yet valid at {@code now}, as the handshake judges it; unknown before V34. */
        public CertificateState stateAt(Instant now) {
            return validity.map(v -> v.stateAt(now)).orElse(CertificateState.UNKNOWN);
        }

        static ClientCertificate read(ResultSet rs) throws SQLException {
            Optional<Validity> validity = rs.getObject(5) == null ? Optional.empty() : Optional.of(new Validity(
                    Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5))));
            return new ClientCertificate(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                    validity);
        }
    }

    /**
     * The client certificates of a tenant's accounts, by username (accounts without one are absent), and the instant
     * {@code at} whose clock their states are judged on ({@link ClientCertificate#stateAt}).
     */
    public record TenantCertificates(Instant at, Map<String, List<ClientCertificate>> byUsername) {
        public TenantCertificates {
            Objects.requireNonNull(at, "at");
            byUsername = byUsername.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                    Map.Entry::getKey, entry -> List.copyOf(entry.getValue())));
        }

        /** The certificates {@code username} holds, oldest first; empty for none. */
        public List<ClientCertificate> of(String username) {
            return byUsername.getOrDefault(username, List.of());
        }
    }

    /** A live API token (not revoked, not expired), by its label and dates; its text is never stored. */
    public record Token(String label, Instant created, Optional<Instant> expires) {
    }

    /**
     * A login name and what it may log in with.
     *
     * @param role        {@code client} (an account) or {@code operator}, as {@code access.mfa.required-for} names them
     * @param scope       the account's tenant, or the operator's site
     * @param state       {@code active}, or why its logins are refused: {@code expired} (an account past its expiry),
     *                    {@code locked} or {@code shredded} (its tenant), {@code removed} (an offboarded operator)
     * @param passwordSet whether a password hash is stored (accounts only; operators log in without one)
     * @param passwordLogin whether the account's tenant allows password login at all (false for operators)
     */
    public record Holder(Role role, String username, String scope, String state, Instant created,
                         Optional<Instant> expires, List<SshKey> sshKeys, List<ClientCertificate> certificates,
                         boolean passwordSet, boolean passwordLogin, List<Token> tokens, boolean totpEnrolled) {
        public Holder {
            Objects.requireNonNull(role, "role");
            sshKeys = List.copyOf(sshKeys);
            certificates = List.copyOf(certificates);
            tokens = List.copyOf(tokens);
        }
    }

    private static final String ACCOUNTS = "SELECT a.id, a.username, a.tenant_id, t.status, a.created_at, "
            + "a.expires_at, a.password_hash IS NOT NULL, t.password_login FROM accounts a "
            + "JOIN tenants t ON t.id = a.tenant_id ";
    private static final String OPERATORS = "SELECT id, username, site_id, removed_at, created_at FROM operators ";

    private final Database database;
    private final Clock clock;

    public CredentialInventory(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** The account named {@code username}, if there is one. */
    public Optional<Holder> account(String username) {
        Instant now = clock.instant();
        return database.read(jdbc -> {
            Optional<Row> row = jdbc.queryOne(ACCOUNTS + "WHERE a.username = ?", CredentialInventory::account,
                    username);
            return row.isEmpty() ? Optional.empty() : Optional.of(accountHolder(jdbc, row.get(), now));
        });
    }

    /**
     * The accounts of {@code tenant}, by username.
     *
     * @throws GatewayException {@code NOT_FOUND} if there is no such tenant
     */
    public List<Holder> accounts(TenantId tenant) {
        Instant now = clock.instant();
        return database.read(jdbc -> {
            if (jdbc.count("SELECT COUNT(*) FROM tenants WHERE id = ?", tenant.value()) == 0) {
                throw new GatewayException(GatewayException.Reason.NOT_FOUND, "tenant " + tenant
                        + " does not exist");
            }
            List<Holder> holders = new ArrayList<>();
            for (Row row : jdbc.query(ACCOUNTS + "WHERE a.tenant_id = ? ORDER BY a.username",
                    CredentialInventory::account, tenant.value())) {
                holders.add(accountHolder(jdbc, row, now));
            }
            return holders;
        });
    }

    /**
     * The client certificates of {@code tenant}'s accounts, in one query, for the admin API's account list. An
     * unknown tenant has none.
     */
    public TenantCertificates clientCertificates(TenantId tenant) {
        Instant now = clock.instant();
        Map<String, List<ClientCertificate>> byUsername = new java.util.HashMap<>();
        database.read(jdbc -> jdbc.query("SELECT " + ClientCertificate.COLUMNS + ", a.username FROM "
                + "account_certificates c JOIN accounts a ON a.id = c.account_id WHERE a.tenant_id = ? "
                + "ORDER BY a.username, c.created_at, c.fingerprint", rs -> byUsername.computeIfAbsent(
                        rs.getString(6), username -> new ArrayList<>()).add(ClientCertificate.read(rs)),
                tenant.value()));
        return new TenantCertificates(now, byUsername);
    }

    /** The operator named {@code username}, removed ones included, if there is one. */
    public Optional<Holder> operator(String username) {
        Instant now = clock.instant();
        return database.read(jdbc -> {
            Optional<Row> row = jdbc.queryOne(OPERATORS + "WHERE username = ?", rs -> new Row(rs.getString(1),
                    rs.getString(2), rs.getString(3), rs.getObject(4) == null ? "active" : "removed",
                    Instant.ofEpochMilli(rs.getLong(5)), Optional.empty(), false, false), username);
            if (row.isEmpty()) {
                return Optional.empty();
            }
            Row operator = row.get();
            return Optional.of(new Holder(Role.OPERATOR, operator.username(), operator.scope(), operator.state(),
                    operator.created(), Optional.empty(), sshKeys(jdbc, "operator_ssh_keys", "operator_id",
                    operator.id()), List.of(), false, false, tokens(jdbc, "operator", operator.id(), now),
                    totp(jdbc, Role.OPERATOR, operator.username())));
        });
    }

    /** One row of {@code accounts} or {@code operators}, before its credentials are read. */
    private record Row(String id, String username, String scope, String state, Instant created,
                       Optional<Instant> expires, boolean passwordSet, boolean passwordLogin) {
    }

    private static Row account(ResultSet rs) throws SQLException {
        Optional<Instant> expires = rs.getObject(6) == null ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(rs.getLong(6)));
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), // state decided below
                Instant.ofEpochMilli(rs.getLong(5)), expires, rs.getBoolean(7), rs.getBoolean(8));
    }

    private Holder accountHolder(Jdbc jdbc, Row row, Instant now) throws SQLException {
        String state = switch (row.state()) {
            case "SHREDDED" -> "shredded";
            case "LOCKED" -> "locked";
            default -> row.expires().map(now::isAfter).orElse(false) ? "expired" : "active";
        };
        List<ClientCertificate> certificates = jdbc.query("SELECT " + ClientCertificate.COLUMNS + " FROM "
                        + "account_certificates c WHERE c.account_id = ? ORDER BY c.created_at, c.fingerprint",
                ClientCertificate::read, row.id());
        return new Holder(Role.CLIENT, row.username(), row.scope(), state, row.created(), row.expires(),
                sshKeys(jdbc, "account_ssh_keys", "account_id", row.id()), certificates, row.passwordSet(),
                row.passwordLogin(), tokens(jdbc, "account", row.id(), now), totp(jdbc, Role.CLIENT, row.username()));
    }

    /** The type is the first word of the stored {@code authorized_keys} line; the key itself is not returned. */
    private static List<SshKey> sshKeys(Jdbc jdbc, String table, String owner, String id) throws SQLException {
        return jdbc.query("SELECT fingerprint, public_key, created_at FROM " + table + " WHERE " + owner + " = ? "
                        + "ORDER BY created_at, fingerprint",
                rs -> new SshKey(rs.getString(1), rs.getString(2).strip().split("\\s+", 2)[0],
                        Instant.ofEpochMilli(rs.getLong(3))), id);
    }

    private static List<Token> tokens(Jdbc jdbc, String kind, String id, Instant now) throws SQLException {
        return jdbc.query("SELECT label, created_at, expires_at FROM api_tokens WHERE principal_kind = ? AND "
                        + "principal_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) "
                        + "ORDER BY created_at",
                rs -> new Token(rs.getString(1) == null ? "" : rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getObject(3) == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(rs.getLong(3)))),
                kind, id, now.toEpochMilli());
    }

    private static boolean totp(Jdbc jdbc, Role role, String username) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM mfa_secrets WHERE principal_kind = ? AND principal_name = ?",
                role.key(), username) > 0;
    }
}
