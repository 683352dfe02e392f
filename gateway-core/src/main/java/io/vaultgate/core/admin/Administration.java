package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.auth.PasswordHasher;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.catalog.TokenRepository.TokenGrant;
import io.vaultgate.core.catalog.Usernames;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.kek.TenantKeyCreation;
import io.vaultgate.core.metrics.CoreHealth;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * What administrators do to tenants and accounts. Each call is one catalog transaction; a new tenant gets
 * its own key-encryption key before anything can be uploaded for it.
 */
public final class Administration {

    private final Database database;
    private final TenantRepository tenants;
    private final AccountRepository accounts;
    private final Usernames usernames = new Usernames();
    private final TokenRepository tokens;
    private final PasswordHasher hasher;
    private final SecureRandom random;
    private final AuditLog audit;
    private final String actor;
    private final Clock clock;
    private final KekCatalog kekCatalog;
    private final TenantPasswordLogin passwordLogin;

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
        this.actor = actor;
        this.clock = clock;
        this.kekCatalog = kekCatalog;
        this.passwordLogin = new TenantPasswordLogin(database, tenants, audit, actor, clock);
    }

    /** The same administration, recording {@code actor} (e.g. {@code admin:alice}) on every change it audits. */
    public Administration as(String actor) {
        return new Administration(database, tenants, accounts, tokens, hasher, random, audit, actor, clock, kekCatalog);
    }

    /**
     * Creates a tenant named {@code name}, with or without password login: {@link #addTenant(NewTenant)} stating both,
     * for the gateway's own callers (the demo set-up, tests). Run for a tenant an older gateway left half-created, it
     * completes it only where both are the recorded ones, and is refused ({@code CONFLICT}, cause
     * {@link TenantSettingsRecorded}) where either differs: never silently kept (review22c L5, review23b). A
     * completion stating nothing, as {@code vaultgate tenant add ID} asks it, is {@code addTenant(NewTenant.of(id))}.
     */
    public Tenant createTenant(TenantId id, String name, boolean passwordLogin) {
        return addTenant(NewTenant.of(id).named(name, "name").withPasswordLogin(passwordLogin, "passwordLogin"))
                .tenant();
    }

    /**
     * Creates the tenant and its first KEK version in one transaction ({@link TenantKeyCreation#createFirst}): the
     * catalog records both or neither, so no node ever holds an unrecorded version 1 that another node could make
     * again with another key unnoticed. Of two creations of one id at once (two nodes, two commands) one creates it;
     * the other waits for it and is refused as existing. Run again for a tenant whose creation was interrupted between
     * its row and its key (by a gateway before this one, which made the key after its transaction; the catalog then
     * records no KEK version of it), it completes the creation instead of refusing, on a node that holds the tenant's
     * key: it records that key and returns the tenant as first recorded. A node holding no key of it refuses
     * ({@link TenantKeyCreation#complete}). With {@link NewTenant#newKey}, a tenant left without a recorded key is
     * completed with a new version 1 made on this node where this node holds no key of it: for a tenant whose
     * interrupted creation never made a key on any node, as the administrator states ({@code vaultgate tenant add
     * --new-key}). Still refused while the catalog holds data keys wrapped with the tenant's KEK. A node that holds
     * a key of the tenant records its own, with or without {@code newKey}, where it opens the tenant's stored data
     * keys (or none are stored). Audited once, naming the versions recorded and the administrator's statement.
     *
     * <p>As an administrator asks it ({@code vaultgate tenant add}, {@code POST /v1/admin/tenants}), telling whether
     * it created the tenant or completed one left half-created, and what the completion recorded. Its maximum file
     * size, where stated, is set in the same transaction, audited {@code TENANT_UPDATED} as {@link #setMaxFileSize}
     * is, on a new tenant and a completed one alike. A completion keeps the name and password login first recorded:
     * where the request states another ({@link NewTenant#stated}), it is refused before anything changes
     * ({@code CONFLICT}, cause {@link TenantSettingsRecorded} naming each option), never silently ignored (review22c
     * L5).
     *
     * @throws GatewayException {@code INVALID_REQUEST} for the id {@value CoreHealth#PROBE_TENANT}, under which the
     *                          store's readiness probe writes: a tenant of that id would share its storage space;
     *                          {@code CONFLICT} for a tenant that exists with its key, and, caused by {@link
     *                          io.vaultgate.core.kek.TenantKeyElsewhere}, for one without a recorded key whose key
     *                          this node does not hold, and, caused by {@link io.vaultgate.core.kek.TenantKeyMismatch},
     *                          for one whose stored data keys this node's key does not open, and, caused by
     *                          {@link io.vaultgate.core.kek.TenantKeyPartlyOpened}, for one of whose stored data keys
     *                          it opens only some, unless {@link NewTenant#acceptFork}
     */
    public TenantAdded addTenant(NewTenant request) {
        TenantId id = request.id();
        if (id.value().equals(CoreHealth.PROBE_TENANT)) {
            throw new GatewayException(Reason.INVALID_REQUEST, "tenant id " + id + " is reserved for the gateway's "
                    + "store readiness probe; choose another id");
        }
        Tenant tenant = Tenant.create(id, request.name(), clock.instant()).withPasswordLogin(request.passwordLogin());
        return database.inTransaction(jdbc -> {
            // under the row's lock (as every change of the row): a completion writes the whole row from this read
            Optional<Tenant> existing = tenants.lockNamesReading(jdbc, id);
            if (existing.isPresent()) {
                return completed(jdbc, existing.get(), request);
            }
            if (!tenants.insertIfAbsent(jdbc, tenant)) { // created meanwhile: PostgreSQL waited for its commit
                throw exists(id);
            }
            if (!kekCatalog.creation().createFirst(jdbc, id.value())) {
                throw new GatewayException(Reason.CONFLICT, "the catalog records KEK versions of tenant " + id
                        + " already, without the tenant; choose another id");
            }
            // audited after the keystore was written: the audit chain's head stays locked (PostgreSQL) only until
            // the commit, not while the keystore file is rewritten
            audited(jdbc, Optional.of(id), AdminAction.TENANT_CREATED, id.value());
            return new TenantAdded(maxFileSize(jdbc, tenant, request), Optional.empty());
        });
    }

    /**
     * The creation of {@code existing} run again: completed where it lacks a recorded key, refused otherwise, and
     * refused, changing nothing, where {@code request} states a name or password login other than the recorded ones.
     */
    private TenantAdded completed(io.vaultgate.core.catalog.Jdbc jdbc, Tenant existing, NewTenant request)
            throws java.sql.SQLException {
        TenantId id = existing.id();
        if (existing.status() == io.vaultgate.core.tenant.TenantStatus.SHREDDED
                || !kekCatalog.creation().lacksKey(jdbc, id.value())) {
            throw exists(id);
        }
        Optional<TenantSettingsRecorded> kept = TenantSettingsRecorded.of(existing, request);
        if (kept.isPresent()) { // before the completion, which may write the keystore (--new-key)
            throw kept.get().toAdministrator();
        }
        TenantKeyCreation.Completion completion = kekCatalog.creation().complete(jdbc, id.value(), request.newKey(),
                request.acceptFork());
        if (completion.outcome() == TenantKeyCreation.Outcome.RECORDED_BEFORE) {
            throw exists(id);
        }
        // one record per completion, in its transaction: what was recorded, whose key, the administrator's statement
        audited(jdbc, Optional.of(id), AdminAction.TENANT_UPDATED, completion.audited());
        return new TenantAdded(maxFileSize(jdbc, existing, request), Optional.of(completion));
    }

    /** {@code tenant} with the request's maximum file size, where stated and not its own already: updated, audited. */
    private Tenant maxFileSize(io.vaultgate.core.catalog.Jdbc jdbc, Tenant tenant, NewTenant request)
            throws java.sql.SQLException {
        if (request.maxFileBytes().isEmpty() || request.maxFileBytes().get() == tenant.maxFileSize()) {
            return tenant;
        }
        Tenant changed = tenant.withMaxFileSize(request.maxFileBytes().get());
        tenants.update(jdbc, changed);
        audited(jdbc, Optional.of(tenant.id()), AdminAction.TENANT_UPDATED, tenant.id().value());
        return changed;
    }

    private static GatewayException exists(TenantId id) {
        return new GatewayException(Reason.CONFLICT, "tenant " + id + " already exists");
    }

    public Tenant setQuota(TenantId id, io.vaultgate.core.tenant.Quota quota) {
        return updateTenant(id, tenant -> tenant.withQuota(quota));
    }

    /** @param bytes the largest file the tenant's principals may upload; 0 for no limit of the tenant's own */
    public Tenant setMaxFileSize(TenantId id, long bytes) {
        return updateTenant(id, tenant -> tenant.withMaxFileSize(bytes));
    }

    public Tenant setRetention(TenantId id, java.time.Duration retention) {
        return updateTenant(id, tenant -> tenant.withRetention(retention));
    }

    /** Locks a tenant: its principals can no longer log in or move data. */
    public Tenant lock(TenantId id) {
        return updateTenant(id, tenant -> tenant.withStatus(io.vaultgate.core.tenant.TenantStatus.LOCKED));
    }

    public Tenant unlock(TenantId id) {
        return updateTenant(id, tenant -> tenant.withStatus(io.vaultgate.core.tenant.TenantStatus.ACTIVE));
    }

    /**
     * Allows or refuses password login for the tenant's accounts, audited once where it changes ({@link
     * TenantPasswordLogin#set}).
     *
     * @throws GatewayException {@code NOT_FOUND} for no such tenant, {@code CONFLICT} for a shredded one
     */
    public Tenant setPasswordLogin(TenantId id, boolean allowed) {
        return passwordLogin.set(id, allowed);
    }

    private Tenant updateTenant(TenantId id, java.util.function.UnaryOperator<Tenant> change) {
        return database.inTransaction(jdbc -> {
            // read under the row's lock: the update writes the whole row from this read, and read without it on
            // PostgreSQL, a lockdown committed meanwhile by another node was written back as it was before
            Tenant tenant = tenants.lockNamesReading(jdbc, id)
                    .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "tenant " + id + " does not exist"));
            tenant.refuseIfShredded("changed");
            Tenant changed = change.apply(tenant);
            tenants.update(jdbc, changed);
            audited(jdbc, Optional.of(id), changed.status() == tenant.status() ? AdminAction.TENANT_UPDATED
                    : changed.isActive() ? AdminAction.TENANT_UNLOCKED : AdminAction.TENANT_LOCKED, id.value());
            return changed;
        });
    }

    public Optional<Tenant> tenant(TenantId id) {
        return database.read(jdbc -> tenants.find(jdbc, id));
    }

    public List<Tenant> tenants() {
        return database.read(tenants::list);
    }

    public List<Account> accounts(TenantId tenant) {
        return database.read(jdbc -> accounts.listByTenant(jdbc, tenant));
    }

    public Account createAccount(TenantId tenant, String username) {
        return created(tenant, username, Optional.empty(), Optional.empty());
    }

    /**
     * Creates an account with its password ({@code vaultgate account add --password-stdin}) in one transaction,
     * which checks the password as {@link #setPassword} does, under the tenant's row lock, before it writes anything:
     * a refused password leaves no account behind, also where the tenant is switched to refusing passwords at the
     * same moment (the account is made with its password before the switch, or not at all; review31 L6). Audited as
     * the account's creation and as its password.
     *
     * @throws GatewayException as {@link #setPassword} does (too short; {@link PasswordLoginRefused}); {@code NOT_FOUND}
     *                          for no such tenant, {@code CONFLICT} for a shredded one and for a taken username
     */
    public Account createAccount(TenantId tenant, String username, char[] password) {
        TenantPasswordLogin.requireLength(password);
        return created(tenant, username, Optional.of(hasher.hash(password)), Optional.empty());
    }

    /**
     * Creates an account with a client certificate ({@code vaultgate account add --client-cert}) in one transaction,
     * under the tenant's row lock: a certificate refused as {@link #addClientCertificate} refuses it (expired, or
     * held by another account, also one that registers it at the same moment) leaves no account behind. Audited as
     * the account's creation and as its certificate.
     *
     * @throws GatewayException as {@link #addClientCertificate} does; {@code NOT_FOUND} for no such tenant,
     *                          {@code CONFLICT} for a shredded one and for a taken username
     */
    public RegisteredCertificate createAccount(TenantId tenant, String username, X509Certificate certificate) {
        RegisteredCertificate registering = registering(certificate);
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
        TenantPasswordLogin.requireLength(password);
        RegisteredCertificate registering = registering(certificate);
        created(tenant, username, Optional.of(hasher.hash(password)), Optional.of(certificate));
        return registering;
    }

    /** The one transaction that creates an account, with the password hash and the certificate given. */
    private Account created(TenantId tenant, String username, Optional<String> passwordHash,
                            Optional<X509Certificate> certificate) {
        Account account = new Account(newId("acc"), tenant, username, Optional.empty(), clock.instant());
        database.inTransaction(jdbc -> {
            Tenant writable = writable(jdbc, tenant);
            if (passwordHash.isPresent()) {
                TenantPasswordLogin.requireAllowed(writable);
            }
            inserted(jdbc, account);
            if (passwordHash.isPresent()) {
                passwordStored(jdbc, account, passwordHash.get());
            }
            if (certificate.isPresent()) {
                certificateStored(jdbc, account, certificate.get());
            }
            return null;
        });
        return account;
    }

    /** Records a new account under its username, which must be free, and audits it. */
    private void inserted(io.vaultgate.core.catalog.Jdbc jdbc, Account account) throws java.sql.SQLException {
        if (usernames.take(jdbc, account.username(), Usernames.Kind.ACCOUNT, account.id()).isPresent()) {
            throw new GatewayException(Reason.CONFLICT, "username " + account.username() + " is taken");
        }
        accounts.insert(jdbc, account);
        audited(jdbc, Optional.of(account.tenant()), AdminAction.ACCOUNT_CREATED, account.username());
    }

    public SshPublicKey addSshKey(String username, String authorizedKeysLine) {
        SshPublicKey key = SshPublicKey.parse(authorizedKeysLine);
        database.inTransaction(jdbc -> {
            Account account = writableAccount(jdbc, username);
            if (!accounts.hasSshKey(jdbc, account.id(), key.fingerprint())) {
                accounts.addSshKey(jdbc, account.id(), key, clock.instant());
                audited(jdbc, Optional.of(account.tenant()), AdminAction.CREDENTIAL_ADDED,
                        username + " ssh-key " + key.fingerprint());
            }
            return null;
        });
        return key;
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
        database.inTransaction(jdbc -> {
            certificateStored(jdbc, writableAccount(jdbc, username), certificate);
            return null;
        });
        return registering;
    }

    private RegisteredCertificate registering(X509Certificate certificate) {
        return RegisteredCertificate.unlessExpired(certificate, clock.instant());
    }

    /** Registers the certificate to {@code account}, audited, unless it is its already; refused if another holds it. */
    private void certificateStored(io.vaultgate.core.catalog.Jdbc jdbc, Account account, X509Certificate certificate)
            throws java.sql.SQLException {
        String fingerprint = Fingerprints.sha256(certificate);
        Optional<Account> holder = accounts.addCertificate(jdbc, account.id(), certificate, clock.instant());
        if (holder.isEmpty()) {
            audited(jdbc, Optional.of(account.tenant()), AdminAction.CREDENTIAL_ADDED,
                    account.username() + " client-certificate " + fingerprint);
        } else if (!holder.get().id().equals(account.id())) {
            throw CertificateTaken.refuse(fingerprint, account.tenant(), holder.get());
        }
    }

    /** Who holds which credentials, read on this administration's clock ({@code account show}, the admin API). */
    public CredentialInventory credentials() {
        return new CredentialInventory(database, clock);
    }

    /** Restricts the tenant's logins to these networks; an empty list allows any address. */
    public Tenant setAllowedSources(TenantId id, List<io.vaultgate.core.tenant.Cidr> sources) {
        return updateTenant(id, tenant -> tenant.withAllowedSources(sources));
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
        TenantPasswordLogin.requireLength(password);
        String hash = hasher.hash(password);
        database.inTransaction(jdbc -> {
            Account account = account(jdbc, username);
            TenantPasswordLogin.requireAllowed(writable(jdbc, account.tenant()));
            passwordStored(jdbc, account, hash);
            return null;
        });
    }

    private void passwordStored(io.vaultgate.core.catalog.Jdbc jdbc, Account account, String hash)
            throws java.sql.SQLException {
        accounts.setPasswordHash(jdbc, account.id(), hash);
        audited(jdbc, Optional.of(account.tenant()), AdminAction.CREDENTIAL_ADDED, account.username() + " password");
    }

    /** Issues an API token for an account; the token is returned once and stored only hashed. */
    public String issueAccountToken(String username, String label) {
        String token = ApiTokens.generate(random);
        database.inTransaction(jdbc -> {
            Account account = writableAccount(jdbc, username);
            tokens.insert(jdbc, ApiTokens.hash(token), new TokenGrant("account", account.id()),
                    label, clock.instant(), Optional.empty());
            audited(jdbc, Optional.of(account.tenant()), AdminAction.CREDENTIAL_ADDED, username + " api-token");
            return null;
        });
        return token;
    }

    public List<String> sshKeyFingerprints(String username) {
        return database.read(jdbc -> accounts.sshKeyFingerprints(jdbc, account(jdbc, username).id()));
    }

    /**
     * The account, for a change of its credentials: refused ({@link Tenant#refuseIfShredded}) when its tenant
     * was shredded, whose accounts' credentials the shred forgot for good.
     */
    private Account writableAccount(io.vaultgate.core.catalog.Jdbc jdbc, String username)
            throws java.sql.SQLException {
        Account account = account(jdbc, username);
        writable(jdbc, account.tenant());
        return account;
    }

    /**
     * Refuses a new account or credential of a shredded tenant (a locked one may get them: credentials are replaced
     * during an incident). The status is read under the lock the shred's update of the tenant takes
     * ({@link TenantRepository#lockNamesReading}), so a credential added at the same moment either commits first, and the
     * shred's purge, which comes after its update, forgets it, or sees the tenant shredded.
     */
    private Tenant writable(io.vaultgate.core.catalog.Jdbc jdbc, TenantId id) throws java.sql.SQLException {
        Tenant tenant = tenants.lockNamesReading(jdbc, id)
                .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "tenant " + id + " does not exist"));
        tenant.refuseIfShredded("given accounts or credentials");
        return tenant;
    }

    private Account account(io.vaultgate.core.catalog.Jdbc jdbc, String username) throws java.sql.SQLException {
        return accounts.findByUsername(jdbc, username)
                .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "no account named " + username));
    }

    private void audited(io.vaultgate.core.catalog.Jdbc jdbc, Optional<TenantId> tenant, AdminAction action,
                         String subject) throws java.sql.SQLException {
        audit.append(jdbc, new AuditEvent.AdminChange(clock.instant(), tenant, actor, action, subject));
    }

    private String newId(String prefix) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return prefix + "_" + java.util.HexFormat.of().formatHex(bytes);
    }
}
