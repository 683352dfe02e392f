package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.Usernames;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's accounts: listed, and created under a free username, with or without a first password and client
 * certificate, in one transaction each that leaves no account behind when a credential is refused.
 */
public final class AccountCreation {

    private final AdminWrites writes;
    private final AccountCredentials credentials;
    private final SecureRandom random;
    private final Usernames usernames = new Usernames();

    /** @param credentials stores the first credentials, checked as it checks those of an existing account */
    AccountCreation(AdminWrites writes, AccountCredentials credentials, SecureRandom random) {
        this.writes = writes;
        this.credentials = credentials;
        this.random = random;
    }

    public List<Account> accounts(TenantId tenant) {
        return writes.database().read(jdbc -> writes.accounts().listByTenant(jdbc, tenant));
    }

    public Account createAccount(TenantId tenant, String username) {
        return created(tenant, username, Optional.empty(), Optional.empty());
    }

    /**
     * Creates an account with its password ({@code vaultgate account add --password-stdin}) in one transaction,
     * which checks the password as {@link AccountCredentials#setPassword} does, under the tenant's row lock, before it
     * writes anything: a refused password leaves no account behind, also where the tenant is switched to refusing
     * passwords at the same moment (the account is made with its password before the switch, or not at all; review31
     * L6). Audited as the account's creation and as its password.
     *
     * @throws GatewayException as {@link AccountCredentials#setPassword} does (too short; {@link
     *                          PasswordLoginRefused}); {@code NOT_FOUND} for no such tenant, {@code CONFLICT} for a
     *                          shredded one and for a taken username
     */
    public Account createAccount(TenantId tenant, String username, char[] password) {
        return created(tenant, username, Optional.of(credentials.hashed(password)), Optional.empty());
    }

    /**
     * Creates an account with a client certificate ({@code vaultgate account add --client-cert}) in one transaction,
     * under the tenant's row lock: a certificate refused as {@link AccountCredentials#addClientCertificate} refuses it
     * (expired, or held by another account, also one that registers it at the same moment) leaves no account behind.
     * Audited as the account's creation and as its certificate.
     *
     * @throws GatewayException as {@link AccountCredentials#addClientCertificate} does; {@code NOT_FOUND} for no such
     *                          tenant, {@code CONFLICT} for a shredded one and for a taken username
     */
    public RegisteredCertificate createAccount(TenantId tenant, String username, X509Certificate certificate) {
        RegisteredCertificate registering = credentials.registering(certificate);
        created(tenant, username, Optional.empty(), Optional.of(certificate));
        return registering;
    }

    /**
     * Creates an account with a client certificate and a password, in one transaction, refused as both
     * {@link #createAccount(TenantId, String, char[])} and {@link #createAccount(TenantId, String, X509Certificate)}
     * refuse: either refusal leaves no account behind.
     */
    public RegisteredCertificate createAccount(TenantId tenant, String username, X509Certificate certificate,
                                               char[] password) {
        TenantPasswordLogin.requireLength(password); // a short password is refused first, an expired certificate next
        RegisteredCertificate registering = credentials.registering(certificate);
        created(tenant, username, Optional.of(credentials.hashed(password)), Optional.of(certificate));
        return registering;
    }

    /** The one transaction that creates an account, with the password hash and the certificate given. */
    private Account created(TenantId tenant, String username, Optional<String> passwordHash,
                            Optional<X509Certificate> certificate) {
        Account account = new Account(newId("acc"), tenant, username, Optional.empty(), writes.clock().instant());
        writes.database().inTransaction(jdbc -> {
            Tenant writable = writes.writable(jdbc, tenant);
            if (passwordHash.isPresent()) {
                TenantPasswordLogin.requireAllowed(writable);
            }
            inserted(jdbc, account);
            if (passwordHash.isPresent()) {
                credentials.passwordStored(jdbc, account, passwordHash.get());
            }
            if (certificate.isPresent()) {
                credentials.certificateStored(jdbc, account, certificate.get());
            }
            return null;
        });
        return account;
    }

    /** Records a new account under its username, which must be free, and audits it. */
    private void inserted(Jdbc jdbc, Account account) throws SQLException {
        if (usernames.take(jdbc, account.username(), Usernames.Kind.ACCOUNT, account.id()).isPresent()) {
            throw new GatewayException(Reason.CONFLICT, "username " + account.username() + " is taken");
        }
        writes.accounts().insert(jdbc, account);
        writes.audited(jdbc, Optional.of(account.tenant()), AdminAction.ACCOUNT_CREATED, account.username());
    }

    private String newId(String prefix) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }
}
