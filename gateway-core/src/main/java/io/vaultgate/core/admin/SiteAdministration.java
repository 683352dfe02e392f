package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.batch.EmptyBatches;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.catalog.SiteRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.catalog.TokenRepository.TokenGrant;
import io.vaultgate.core.catalog.Usernames;
import io.vaultgate.core.forward.ForwardingSites;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.site.Site;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.seal.SitePublicKey;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** What administrators do to BPO sites: register them, their operators, and the routes that feed them. */
public final class SiteAdministration {

    /** The length of {@code sites.allowed_cidrs} (V35). */
    static final int MAX_SOURCES_TEXT = 2000;

    private final Database database;
    private final TenantRepository tenants;
    private final OperatorRepository operators;
    private final RouteRepository routes;
    private final BatchRepository batches = new BatchRepository();
    private final Usernames usernames = new Usernames();
    private final ForwardingSites forwardingSites = new ForwardingSites();
    private final SiteRepository sites = new SiteRepository();
    private final TokenRepository tokens;
    private final SecureRandom random;
    private final AuditLog audit;
    private final String actor;
    private final Clock clock;

    public SiteAdministration(Database database, TenantRepository tenants, OperatorRepository operators,
                              RouteRepository routes, TokenRepository tokens, SecureRandom random, AuditLog audit,
                              String actor, Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.operators = operators;
        this.routes = routes;
        this.tokens = tokens;
        this.random = random;
        this.audit = audit;
        this.actor = actor;
        this.clock = clock;
    }

    /** The same administration, recording {@code actor} (e.g. {@code admin:alice}) on every change it audits. */
    public SiteAdministration as(String actor) {
        return new SiteAdministration(database, tenants, operators, routes, tokens, random, audit, actor, clock);
    }

    public void createSite(String id, String name) {
        createSite(id, name, Optional.empty());
    }

    /**
     * Registers a site, receiving sealed envelopes to {@code recipientKey} from the start where one is given: the
     * site and its key in one transaction, audited {@code SITE_CREATED} and, for the key, {@code SITE_UPDATED} as
     * {@link #setRecipientKey} is.
     */
    public void createSite(String id, String name, Optional<SitePublicKey> recipientKey) {
        database.inTransaction(jdbc -> {
            if (jdbc.count("SELECT COUNT(*) FROM sites WHERE id = ?", id) > 0) {
                throw new GatewayException(Reason.CONFLICT, "site " + id + " already exists (a removed site's id is "
                        + "never given to another)");
            }
            jdbc.update("INSERT INTO sites (id, name, created_at) VALUES (?, ?, ?)",
                    TenantId.of(id).value(), name, clock.instant().toEpochMilli());
            audited(jdbc, Optional.empty(), AdminAction.SITE_CREATED, id);
            if (recipientKey.isPresent()) {
                recipientKey(jdbc, id, recipientKey);
            }
            return null;
        });
    }

    /**
     * Makes a site receive sealed envelopes, to this X25519 key, or plaintext over mutual TLS again (empty): who can
     * read what is forwarded to the site changes, so the change is audited ({@code admin.change} {@code SITE_UPDATED},
     * subject {@code site S sealed to X25519 key K}, {@code ... (was K0)} where it replaces a key, or {@code site S
     * unsealed (was K0)}) in its own transaction. Setting the key it has changes and audits nothing; returns whether
     * it changed. The site's receiver holds the private key; the gateway never does.
     *
     * @throws GatewayException NOT_FOUND for an unknown or removed site
     */
    public boolean setRecipientKey(String siteId, Optional<SitePublicKey> key) {
        return database.inTransaction(jdbc -> {
            if (!lockActiveSite(jdbc, siteId)) {
                throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
            }
            return recipientKey(jdbc, siteId, key);
        });
    }

    /** {@link #setRecipientKey} in the caller's transaction, the site's row locked and active. */
    private boolean recipientKey(Jdbc jdbc, String siteId, Optional<SitePublicKey> key) throws SQLException {
        Optional<String> was = forwardingSites.recipientKey(jdbc, siteId);
        Optional<String> next = key.map(SitePublicKey::toBase64);
        if (was.equals(next)) {
            return false;
        }
        forwardingSites.setRecipientKey(jdbc, siteId, next);
        String previous = was.map(old -> " (was " + old + ")").orElse("");
        audited(jdbc, Optional.empty(), AdminAction.SITE_UPDATED, next.map(k -> "site " + siteId
                + " sealed to X25519 key " + k + previous).orElse("site " + siteId + " unsealed" + previous));
        return true;
    }

    /** The sites not removed, by id. */
    public List<Site> sites() {
        return database.read(sites::active);
    }

    /** The site, unless it is unknown or removed. */
    public Optional<Site> site(String id) {
        return database.read(jdbc -> sites.find(jdbc, id));
    }

    /**
     * Sets the networks the site's operators may log in from (empty: any address), the counterpart of a tenant's
     * allowlist for the people a tenant's batches go to: a login of one of its operators from elsewhere, by SSH key or
     * API token, is refused as {@code SOURCE_NOT_ALLOWED}. Audited ({@code admin.change} {@code SITE_UPDATED}, subject
     * {@code site S operator sources [N, ...] (was any)}) in its own transaction; setting the list it has changes and
     * audits nothing. Returns whether it changed.
     *
     * @throws GatewayException NOT_FOUND for an unknown or removed site
     * @throws IllegalArgumentException for a list longer than the catalog stores ({@value #MAX_SOURCES_TEXT}
     *         characters written out)
     */
    public boolean setAllowedSources(String siteId, List<Cidr> sources) {
        String written = sources.stream().map(Cidr::toString).collect(java.util.stream.Collectors.joining(","));
        if (written.length() > MAX_SOURCES_TEXT) {
            throw new IllegalArgumentException("too many networks: " + written.length() + " characters written out, at "
                    + "most " + MAX_SOURCES_TEXT + "; give wider networks");
        }
        return database.inTransaction(jdbc -> {
            if (!lockActiveSite(jdbc, siteId)) {
                throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
            }
            List<Cidr> was = sites.allowedSources(jdbc, siteId);
            if (was.equals(List.copyOf(sources))) {
                return false;
            }
            sites.setAllowedSources(jdbc, siteId, sources);
            audited(jdbc, Optional.empty(), AdminAction.SITE_UPDATED, "site " + siteId + " operator sources "
                    + describe(sources) + " (was " + describe(was) + ")");
            return true;
        });
    }

    private static String describe(List<Cidr> sources) {
        return sources.isEmpty() ? "any" : sources.toString();
    }

    public boolean siteExists(String id) {
        return database.read(jdbc -> siteExists(jdbc, id));
    }

    public OperatorRow createOperator(String siteId, String username) {
        OperatorRow operator = new OperatorRow(newId("op"), siteId, username);
        io.vaultgate.core.tenant.Account.validateUsername(username);
        database.inTransaction(jdbc -> {
            if (!lockActiveSite(jdbc, siteId)) {
                throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
            }
            if (usernames.take(jdbc, username, Usernames.Kind.OPERATOR, operator.id()).isPresent()) {
                throw new GatewayException(Reason.CONFLICT, "username " + username + " is taken");
            }
            operators.insert(jdbc, operator, clock.instant());
            audited(jdbc, Optional.empty(), AdminAction.ACCOUNT_CREATED, "operator " + username + " of " + siteId);
            return null;
        });
        return operator;
    }

    public SshPublicKey addOperatorSshKey(String username, String authorizedKeysLine) {
        SshPublicKey key = SshPublicKey.parse(authorizedKeysLine);
        database.inTransaction(jdbc -> {
            OperatorRow operator = operator(jdbc, username);
            if (!operators.hasSshKey(jdbc, operator.id(), key.fingerprint())) {
                operators.addSshKey(jdbc, operator.id(), key, clock.instant());
                audited(jdbc, Optional.empty(), AdminAction.CREDENTIAL_ADDED,
                        "operator " + username + " ssh-key " + key.fingerprint());
            }
            return null;
        });
        return key;
    }

    /** Issues an API token for an operator; returned once, stored hashed. */
    public String issueOperatorToken(String username, String label) {
        String token = ApiTokens.generate(random);
        database.inTransaction(jdbc -> {
            tokens.insert(jdbc, ApiTokens.hash(token), new TokenGrant("operator", operator(jdbc, username).id()),
                    label, clock.instant(), Optional.empty());
            audited(jdbc, Optional.empty(), AdminAction.CREDENTIAL_ADDED, "operator " + username + " api-token");
            return null;
        });
        return token;
    }

    /** Routes a tenant's files below {@code prefix} to a site, grouped into batches by the given limits. */
    public Route addRoute(TenantId tenant, String siteId, RouteMode mode, VirtualPath prefix, long maxFiles,
                          long maxBytes, Duration idleClose) {
        Route route = new Route(newId("rt"), tenant, siteId, mode, prefix, maxFiles, maxBytes, idleClose);
        database.inTransaction(jdbc -> {
            if (tenants.find(jdbc, tenant).isEmpty()) {
                throw new GatewayException(Reason.NOT_FOUND, "tenant " + tenant + " does not exist");
            }
            if (!lockActiveSite(jdbc, siteId)) {
                throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
            }
            routes.insert(jdbc, route, clock.instant());
            audited(jdbc, Optional.of(tenant), AdminAction.ROUTE_CHANGED, route.id() + " -> " + siteId);
            return null;
        });
        return route;
    }

    /**
     * Removes a route: files committed from now on are not routed by it. Its open batch, if any, becomes ready,
     * so the site's operators still process what was routed; batches formed before stay as they are, and so do
     * forwards already queued for a push route (they drain; {@code vaultgate forward list} shows them).
     */
    public Route removeRoute(TenantId tenant, String routeId) {
        return database.inTransaction(jdbc -> {
            Route route = routes.find(jdbc, routeId).filter(found -> found.tenant().equals(tenant))
                    .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "tenant " + tenant + " has no route "
                            + routeId));
            Instant now = clock.instant();
            if (!routes.retire(jdbc, tenant, routeId, now)) {
                throw new GatewayException(Reason.NOT_FOUND, "route " + routeId + " of tenant " + tenant
                        + " was already removed");
            }
            Optional<Batch> open = batches.openBatch(jdbc, routeId);
            if (open.isPresent()) {
                batches.transition(jdbc, open.get().id(), BatchState.OPEN, BatchState.READY, Optional.empty(),
                        Optional.empty(), now);
                // an open batch whose files all left it is not offered empty: it ends EMPTIED
                new EmptyBatches(batches, audit).settle(jdbc, tenant, actor, now);
            }
            audited(jdbc, Optional.of(tenant), AdminAction.ROUTE_CHANGED, routeId + " removed (was -> "
                    + route.siteId() + ")");
            return route;
        });
    }

    /** The tenant's routes that route new files. */
    public List<Route> routes(TenantId tenant) {
        return database.read(jdbc -> routes.activeByTenant(jdbc, tenant));
    }

    private OperatorRow operator(Jdbc jdbc, String username) throws SQLException {
        return operators.findByUsername(jdbc, username)
                .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "no operator named " + username));
    }

    private static boolean siteExists(Jdbc jdbc, String id) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM sites WHERE id = ? AND removed_at IS NULL", id) > 0;
    }

    /**
     * Whether the site exists and was not removed, locking its row until the transaction ends: adding an operator
     * or a route and removing the site take this lock, so on PostgreSQL one waits for the other and then sees its
     * outcome (a route added meanwhile refuses the removal; a removal refuses the route).
     */
    static boolean lockActiveSite(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT id FROM sites WHERE id = ? AND removed_at IS NULL" + jdbc.dialect().forUpdate(),
                row -> row.getString(1), id).isPresent();
    }

    private void audited(io.vaultgate.core.catalog.Jdbc jdbc, Optional<TenantId> tenant, AdminAction action,
                         String subject) throws java.sql.SQLException {
        audit.append(jdbc, new AuditEvent.AdminChange(clock.instant(), tenant, actor, action, subject));
    }

    private String newId(String prefix) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }
}
