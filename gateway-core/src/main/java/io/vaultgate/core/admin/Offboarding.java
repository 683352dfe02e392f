package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.Credentials;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.site.Route;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes operators and whole sites of BPO providers, each in one transaction, audited with its actor and reason.
 *
 * <p>An operator: every credential stops working (SSH keys deleted, API tokens revoked, the TOTP secret deleted),
 * the batches it holds go back to READY for the site's other operators, and it can never log in again; the row
 * stays for the audit trail and reports, and its username is never given to anyone else. Live sessions end on this
 * node at once and on every other node at its next session check, as for any revoked credential.
 *
 * <p>A site: only once nothing is left for it to do (no active route, no batch not completed, no forward not
 * settled), so that no tenant's file is stranded; then its operators are removed as above and the site takes no
 * route, operator or forwarding change again, nor is anything sent to it. Its id is never reused.
 */
public final class Offboarding {

    /** What an operator's removal did. */
    public record RemovedOperator(String username, String siteId, int credentialsRevoked,
                                  List<String> batchesReleased, int sessionsEnded) {
        public RemovedOperator {
            batchesReleased = List.copyOf(batchesReleased);
        }
    }

    /** What a site's removal did. */
    public record RemovedSite(String siteId, List<String> operatorsRemoved, int sessionsEnded) {
        public RemovedSite {
            operatorsRemoved = List.copyOf(operatorsRemoved);
        }
    }

    private static final List<BatchState> UNFINISHED = List.of(BatchState.OPEN, BatchState.READY, BatchState.CLAIMED);

    private final Database database;
    private final OperatorRepository operators;
    private final BatchRepository batches;
    private final RouteRepository routes;
    private final Outbox outbox;
    private final Revocation revocation;
    private final Mfa mfa;
    private final AuditLog audit;
    private final Clock clock;

    public Offboarding(Database database, OperatorRepository operators, BatchRepository batches,
                       RouteRepository routes, Outbox outbox, Revocation revocation, Mfa mfa, AuditLog audit,
                       Clock clock) {
        this.database = database;
        this.operators = operators;
        this.batches = batches;
        this.routes = routes;
        this.outbox = outbox;
        this.revocation = revocation;
        this.mfa = mfa;
        this.audit = audit;
        this.clock = clock;
    }

    /** Removes the operator named {@code username}; fails with NOT_FOUND if there is none (or it was removed). */
    public RemovedOperator removeOperator(String username, String reason, String actor) {
        String why = Lockdown.requireText(reason, "reason");
        Instant now = clock.instant();
        RemovedOperator removed = database.inTransaction(jdbc -> removeOperator(jdbc,
                operators.findByUsername(jdbc, username).orElseThrow(() ->
                        new GatewayException(Reason.NOT_FOUND, "no operator named " + username)), why, actor, now));
        int ended = revocation.endSessions(username, "operator removed");
        return new RemovedOperator(removed.username(), removed.siteId(), removed.credentialsRevoked(),
                removed.batchesReleased(), ended);
    }

    /**
     * Removes the site and its operators; fails with NOT_FOUND if there is no such site (or it was removed), and
     * with CONFLICT, changing nothing, while a tenant still routes to it or work for it is unfinished.
     */
    public RemovedSite removeSite(String siteId, String reason, String actor) {
        String why = Lockdown.requireText(reason, "reason");
        Instant now = clock.instant();
        List<String> removed = database.inTransaction(jdbc -> {
            if (!SiteAdministration.lockActiveSite(jdbc, siteId)) {
                throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
            }
            requireNothingLeft(jdbc, siteId);
            List<String> usernames = new ArrayList<>();
            for (OperatorRow operator : operators.active(jdbc, Optional.of(siteId))) {
                removeOperator(jdbc, operator, "site " + siteId + " removed: " + why, actor, now);
                usernames.add(operator.username());
            }
            jdbc.update("UPDATE sites SET removed_at = ? WHERE id = ?", now.toEpochMilli(), siteId);
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.SITE_UPDATED,
                    siteId + " removed: " + why));
            return usernames;
        });
        int ended = 0;
        for (String username : removed) {
            ended += revocation.endSessions(username, "site removed");
        }
        return new RemovedSite(siteId, removed, ended);
    }

    /** The site's active operators (every site's when {@code siteId} is empty), by username. */
    public List<OperatorRow> operators(Optional<String> siteId) {
        return database.read(jdbc -> operators.active(jdbc, siteId));
    }

    /**
     * Marks the operator removed first: that takes its row's lock, so a claim running at the same time on another
     * node either finished before (and its batch is released below) or waits and is refused; and of two removals
     * at once, the second finds nothing to remove.
     */
    private RemovedOperator removeOperator(Jdbc jdbc, OperatorRow operator, String why, String actor, Instant now)
            throws SQLException {
        if (!operators.markRemoved(jdbc, operator.id(), now)) {
            throw new GatewayException(Reason.NOT_FOUND, "no operator named " + operator.username());
        }
        List<String> credentials = new ArrayList<>();
        for (String fingerprint : operators.sshKeys(jdbc, operator.id())) {
            credentials.add(Credentials.sshKey(fingerprint));
        }
        operators.deleteSshKeys(jdbc, operator.id());
        credentials.addAll(revocation.revokeTokens(jdbc, "operator", operator.id()));
        boolean totp = mfa.remove(jdbc, Role.OPERATOR, operator.username(), actor, now);
        revocation.record(jdbc, operator.username(), Optional.empty(), credentials, why, actor, now);
        List<String> released = releaseBatches(jdbc, operator, actor, now);
        audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.ACCOUNT_DELETED,
                "operator " + operator.username() + " of " + operator.siteId() + ": " + why));
        return new RemovedOperator(operator.username(), operator.siteId(), credentials.size() + (totp ? 1 : 0),
                released, 0);
    }

    /** Refuses, naming what is left, while a tenant routes to the site or work for it is unfinished. */
    private void requireNothingLeft(Jdbc jdbc, String siteId) throws SQLException {
        List<String> left = new ArrayList<>();
        for (Route route : routes.activeBySite(jdbc, siteId)) {
            left.add("route " + route.id() + " of tenant " + route.tenant() + " (vaultgate site unroute --tenant "
                    + route.tenant() + " " + route.id() + ")");
        }
        int batchesLeft = 0;
        for (BatchState state : UNFINISHED) {
            batchesLeft += batches.bySiteAndState(jdbc, siteId, state).size();
        }
        if (batchesLeft > 0) {
            left.add(batchesLeft + " batch(es) not completed");
        }
        long forwards = outbox.unsettled(jdbc, siteId);
        if (forwards > 0) {
            left.add(forwards + " forward(s) not delivered");
        }
        if (!left.isEmpty()) {
            throw new GatewayException(Reason.CONFLICT, "site " + siteId + " still has " + String.join(", ", left)
                    + "; nothing was changed");
        }
    }

    /**
     * Returns the operator's batches to its site. The release's reason is fixed text: it reaches the tenants'
     * transparency reports, where an administrator's free-text reason about a person does not belong.
     */
    private List<String> releaseBatches(Jdbc jdbc, OperatorRow operator, String actor, Instant now)
            throws SQLException {
        List<String> released = new ArrayList<>();
        for (Batch batch : batches.claimedBy(jdbc, operator.id())) {
            if (batches.transition(jdbc, batch.id(), BatchState.CLAIMED, BatchState.READY, Optional.empty(),
                    Optional.empty(), now)) {
                audit.append(jdbc, new AuditEvent.BatchReleased(now, Optional.of(batch.tenant()), actor, batch.id(),
                        batch.siteId(), operator.username(), "operator removed"));
                released.add(batch.id());
            }
        }
        return released;
    }
}
