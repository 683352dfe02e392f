package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.auth.PasswordHasher;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.catalog.TokenRepository.TokenGrant;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.Account;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * An existing account's credentials: its password, SSH keys, client certificates and API tokens, each added in one
 * transaction, audited {@code CREDENTIAL_ADDED}, and refused for an account of a shredded tenant. {@link
 * AccountCreation} stores a new account's first credentials the same way, in the account's transaction.
 */
public final class AccountCredentials {

    private final AdminWrites writes;
    private final TokenRepository tokens;
    private final PasswordHasher hasher;
    private final SecureRandom random;

    AccountCredentials(AdminWrites writes, TokenRepository tokens, PasswordHasher hasher, SecureRandom random) {
        this.writes = writes;
        this.tokens = tokens;
        this.hasher = hasher;
        this.random = random;
    }

    public SshPublicKey addSshKey(String username, String authorizedKeysLine) {
        SshPublicKey key = SshPublicKey.parse(authorizedKeysLine);
        writes.database().inTransaction(jdbc -> {
            Account account = writes.writableAccount(jdbc, username);
            if (!writes.accounts().hasSshKey(jdbc, account.id(), key.fingerprint())) {
                writes.accounts().addSshKey(jdbc, account.id(), key, writes.clock().instant());
                writes.audited(jdbc, Optional.of(account.tenant()), AdminAction.CREDENTIAL_ADDED,
                        username + " ssh-key " + key.fingerprint());
            }
            return null;
        });
        return key;
    }

    public List<String> sshKeyFingerprints(String username) {
        return writes.database().read(jdbc -> writes.accounts().sshKeyFingerprints(jdbc,
                writes.account(jdbc, username).id()));
    }

    /**
     * Lets an account log in over HTTPS with this client certificate (issued by the gateway's client CA). A
     * certificate logs in as one account: registered again to its account, nothing changes; held by another account,
     * it is refused. An expired certificate is refused before anything is read (no login could ever use it); one that
     * is not valid yet is registered, and the answer says so ({@link RegisteredCertificate#state}).
     *
     * @throws GatewayException {@code CONFLICT} caused by {@link CertificateTaken} if another account holds it;
     *                          {@code INVALID_REQUEST} caused by {@link CertificateExpired} if it has expired
     */
    public RegisteredCertificate addClientCertificate(String username, X509Certificate certificate) {
        RegisteredCertificate registering = registering(certificate);
        writes.database().inTransaction(jdbc -> {
            certificateStored(jdbc, writes.writableAccount(jdbc, username), certificate);
            return null;
        });
        return registering;
    }

    /**
     * Sets (or replaces) an account's password.
     *
     * @throws GatewayException {@code INVALID_REQUEST} for fewer than 12 characters; {@code CONFLICT} caused by
     *                          {@link PasswordLoginRefused} where the account's tenant refuses password login (a password
     *                          no login would accept), checked under the tenant's row lock, so that a password set while
     *                          the tenant is being switched to refusing is either set before it or refused
     */
    public void setPassword(String username, char[] password) {
        String hash = hashed(password);
        writes.database().inTransaction(jdbc -> {
            Account account = writes.account(jdbc, username);
            TenantPasswordLogin.requireAllowed(writes.writable(jdbc, account.tenant()));
            passwordStored(jdbc, account, hash);
            return null;
        });
    }

    /** Issues an API token for an account; the token is returned once and stored only hashed. */
    public String issueAccountToken(String username, String label) {
        String token = ApiTokens.generate(random);
        writes.database().inTransaction(jdbc -> {
            Account account = writes.writableAccount(jdbc, username);
            tokens.insert(jdbc, ApiTokens.hash(token), new TokenGrant("account", account.id()),
                    label, writes.clock().instant(), Optional.empty());
            writes.audited(jdbc, Optional.of(account.tenant()), AdminAction.CREDENTIAL_ADDED, username + " api-token");
            return null;
        });
        return token;
    }

    /** Who holds which credentials, read on this administration's clock ({@code account show}, the admin API). */
    public CredentialInventory inventory() {
        return new CredentialInventory(writes.database(), writes.clock());
    }

    /** The certificate as it registers now, refused ({@link CertificateExpired}) if it has expired. */
    RegisteredCertificate registering(X509Certificate certificate) {
        return RegisteredCertificate.unlessExpired(certificate, writes.clock().instant());
    }

    /** The password's hash, refused ({@link TenantPasswordLogin#requireLength}) if it is too short. */
    String hashed(char[] password) {
        TenantPasswordLogin.requireLength(password);
        return hasher.hash(password);
    }

    /** Registers the certificate to {@code account}, audited, unless it is its already; refused if another holds it. */
    void certificateStored(Jdbc jdbc, Account account, X509Certificate certificate) throws SQLException {
        String fingerprint = Fingerprints.sha256(certificate);
        Optional<Account> holder = writes.accounts().addCertificate(jdbc, account.id(), certificate,
                writes.clock().instant());
        if (holder.isEmpty()) {
            writes.audited(jdbc, Optional.of(account.tenant()), AdminAction.CREDENTIAL_ADDED,
                    account.username() + " client-certificate " + fingerprint);
        } else if (!holder.get().id().equals(account.id())) {
            throw CertificateTaken.refuse(fingerprint, account.tenant(), holder.get());
        }
    }

    void passwordStored(Jdbc jdbc, Account account, String hash) throws SQLException {
        writes.accounts().setPasswordHash(jdbc, account.id(), hash);
        writes.audited(jdbc, Optional.of(account.tenant()), AdminAction.CREDENTIAL_ADDED,
                account.username() + " password");
    }
}
