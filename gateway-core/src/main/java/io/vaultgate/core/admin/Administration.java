package io.vaultgate.core.admin;

import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.PasswordHasher;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What administrators do to tenants and accounts, acting as one actor ({@link #as}): the entry to four services,
 * each with one job, which do the work: {@link TenantCreation} (a tenant and its first key), {@link TenantSettings}
 * (quota, limits, status, password login, source networks), {@link AccountCreation} (accounts with their first
 * credentials) and {@link AccountCredentials} (an account's password, SSH keys, certificates, tokens). Each change is
 * one catalog transaction, audited as the actor. The methods below only delegate, for the callers that use several
 * services (tests, the demo set-up); the CLI and the admin API call the services.
 */
public final class Administration {

    private final Database database;
    private final TenantRepository tenants;
    private final AccountRepository accounts;
    private final TokenRepository tokens;
    private final PasswordHasher hasher;
    private final SecureRandom random;
    private final AuditLog audit;
    private final Clock clock;
    private final KekCatalog kekCatalog;
    private final TenantCreation tenantCreation;
    private final TenantSettings tenantSettings;
    private final AccountCreation accountCreation;
    private final AccountCredentials accountCredentials;

    /** @param kekCatalog this node's, where a new tenant's KEK version is recorded */
    public Administration(Database database, TenantRepository tenants, AccountRepository accounts,
                          TokenRepository tokens, PasswordHasher hasher, SecureRandom random, AuditLog audit, String actor, Clock clock,
                          KekCatalog kekCatalog) {
        this.database = database;
        this.tenants = tenants;
        this.accounts = accounts;
        this.tokens = tokens;
        this.hasher = hasher;
        this.random = random;
        this.audit = audit;
        this.clock = clock;
        this.kekCatalog = kekCatalog;
        AdminWrites writes = new AdminWrites(database, tenants, accounts, audit, actor, clock);
        this.tenantCreation = new TenantCreation(writes, kekCatalog);
        this.tenantSettings = new TenantSettings(writes);
        this.accountCredentials = new AccountCredentials(writes, tokens, hasher, random);
        this.accountCreation = new AccountCreation(writes, accountCredentials, random);
    }

    /** The same administration, recording {@code actor} (e.g. {@code admin:alice}) on every change it audits. */
    public Administration as(String actor) {
        return new Administration(database, tenants, accounts, tokens, hasher, random, audit, actor, clock, kekCatalog);
    }

    public TenantCreation tenantCreation() {
        return tenantCreation;
    }

    public TenantSettings tenantSettings() {
        return tenantSettings;
    }

    public AccountCreation accountCreation() {
        return accountCreation;
    }

    public AccountCredentials accountCredentials() {
        return accountCredentials;
    }

    /** @see TenantCreation#createTenant */
    public Tenant createTenant(TenantId id, String name, boolean passwordLogin) {
        return tenantCreation.createTenant(id, name, passwordLogin);
    }

    /** @see TenantCreation#addTenant */
    public TenantAdded addTenant(NewTenant request) {
        return tenantCreation.addTenant(request);
    }

    public Optional<Tenant> tenant(TenantId id) {
        return tenantSettings.tenant(id);
    }

    public List<Tenant> tenants() {
        return tenantSettings.tenants();
    }

    public Tenant setQuota(TenantId id, Quota quota) {
        return tenantSettings.setQuota(id, quota);
    }

    /** @see TenantSettings#setMaxFileSize */
    public Tenant setMaxFileSize(TenantId id, long bytes) {
        return tenantSettings.setMaxFileSize(id, bytes);
    }

    public Tenant setRetention(TenantId id, Duration retention) {
        return tenantSettings.setRetention(id, retention);
    }

    /** @see TenantSettings#lock */
    public Tenant lock(TenantId id) {
        return tenantSettings.lock(id);
    }

    public Tenant unlock(TenantId id) {
        return tenantSettings.unlock(id);
    }

    /** @see TenantSettings#setPasswordLogin */
    public Tenant setPasswordLogin(TenantId id, boolean allowed) {
        return tenantSettings.setPasswordLogin(id, allowed);
    }

    /** @see TenantSettings#setAllowedSources */
    public Tenant setAllowedSources(TenantId id, List<Cidr> sources) {
        return tenantSettings.setAllowedSources(id, sources);
    }

    public List<Account> accounts(TenantId tenant) {
        return accountCreation.accounts(tenant);
    }

    public Account createAccount(TenantId tenant, String username) {
        return accountCreation.createAccount(tenant, username);
    }

    /** @see AccountCreation#createAccount(TenantId, String, char[]) */
    public Account createAccount(TenantId tenant, String username, char[] password) {
        return accountCreation.createAccount(tenant, username, password);
    }

    /** @see AccountCreation#createAccount(TenantId, String, X509Certificate) */
    public RegisteredCertificate createAccount(TenantId tenant, String username, X509Certificate certificate) {
        return accountCreation.createAccount(tenant, username, certificate);
    }

    /** @see AccountCreation#createAccount(TenantId, String, X509Certificate, char[]) */
    public RegisteredCertificate createAccount(TenantId tenant, String username, X509Certificate certificate,
                                               char[] password) {
        return accountCreation.createAccount(tenant, username, certificate, password);
    }

    public SshPublicKey addSshKey(String username, String authorizedKeysLine) {
        return accountCredentials.addSshKey(username, authorizedKeysLine);
    }

    public List<String> sshKeyFingerprints(String username) {
        return accountCredentials.sshKeyFingerprints(username);
    }

    /** @see AccountCredentials#addClientCertificate */
    public RegisteredCertificate addClientCertificate(String username, X509Certificate certificate) {
        return accountCredentials.addClientCertificate(username, certificate);
    }

    /** @see AccountCredentials#setPassword */
    public void setPassword(String username, char[] password) {
        accountCredentials.setPassword(username, password);
    }

    /** @see AccountCredentials#issueAccountToken */
    public String issueAccountToken(String username, String label) {
        return accountCredentials.issueAccountToken(username, label);
    }

    /** @see AccountCredentials#inventory */
    public CredentialInventory credentials() {
        return accountCredentials.inventory();
    }
}
