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
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.mfa.Role;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes operators of BPO providers, each in one transaction, audited with its actor and reason. Whole sites are
 * {@link SiteRemoval}'s job, which removes their operators through this class.
 *
 * <p>An operator: every credential stops working (SSH keys deleted, API tokens revoked, the TOTP secret deleted),
 * the batches it holds go back to READY for the site's other operators, and it can never log in again; the row
 * stays for the audit trail and reports, and its username is never given to anyone else. Live sessions end on this
 * node at once and on every other node at its next session check, as for any revoked credential.
 */
public final class Offboarding {

    /** What an operator's removal did. */
    public record RemovedOperator(String username, String siteId, int credentialsRevoked,
                                  List<String> batchesReleased, int sessionsEnded) {
        public RemovedOperator {
            batchesReleased = List.copyOf(batchesReleased);
        }
    }

    private final Database database;
    private final OperatorRepository operators;
    private final BatchRepository batches;
    private final Revocation revocation;
    private final Mfa mfa;
    private final AuditLog audit;
    private final Clock clock;

    public Offboarding(Database database, OperatorRepository operators, BatchRepository batches,
                       Revocation revocation, Mfa mfa, AuditLog audit, Clock clock) {
        this.database = database;
        this.operators = operators;
        this.batches = batches;
        this.revocation = revocation;
        this.mfa = mfa;
        this.audit = audit;
        this.clock = clock;
    }

    /** Removes the operator named {@code username}; fails with NOT_FOUND if there is none (or it was removed). */
    public RemovedOperator removeOperator(String username, String reason, String actor) {
        String why = Lockdown.requireText(reason, "reason");
        Instant now = clock.instant();
        RemovedOperator removed = database.inTransaction(jdbc -> {
            List<AuditEvent> events = new ArrayList<>();
            RemovedOperator operator = removeOperator(jdbc, operators.findByUsername(jdbc, username).orElseThrow(() ->
                    new GatewayException(Reason.NOT_FOUND, "no operator named " + username)), why, actor, now, events);
            audit.appendAll(jdbc, events);
            return operator;
        });
        int ended = revocation.endSessions(username, "operator removed");
        return new RemovedOperator(removed.username(), removed.siteId(), removed.credentialsRevoked(),
                removed.batchesReleased(), ended);
    }

    /** Locks the site's active operators, in the order {@link OperatorRepository#active} reads them. */
    List<OperatorRow> lockOperators(Jdbc jdbc, String siteId) throws SQLException {
        List<OperatorRow> siteOperators = new ArrayList<>();
        for (OperatorRow operator : operators.active(jdbc, Optional.of(siteId))) {
            if (operators.lockActive(jdbc, operator.id())) {
                siteOperators.add(operator);
            }
        }
        return siteOperators;
    }

    /** Ends the live sessions of the operators named {@code usernames}, for {@code why}; returns how many ended. */
    int endSessions(List<String> usernames, String why) {
        int ended = 0;
        for (String username : usernames) {
            ended += revocation.endSessions(username, why);
        }
        return ended;
    }

    /** The site's active operators (every site's when {@code siteId} is empty), by username. */
    public List<OperatorRow> operators(Optional<String> siteId) {
        return database.read(jdbc -> operators.active(jdbc, siteId));
    }

    /**
     * Marks the operator removed first: that takes its row's lock, so a claim running at the same time on another
     * node either finished before (and its batch is released below) or waits and is refused; and of two removals
     * at once, the second finds nothing to remove. Makes only row changes: its audit events are added to
     * {@code events}, in order, for the caller to append after every row change of its transaction.
     */
    RemovedOperator removeOperator(Jdbc jdbc, OperatorRow operator, String why, String actor, Instant now,
                                   List<AuditEvent> events) throws SQLException {
        if (!operators.markRemoved(jdbc, operator.id(), now)) {
            throw new GatewayException(Reason.NOT_FOUND, "no operator named " + operator.username());
        }
        List<String> credentials = new ArrayList<>();
        for (String fingerprint : operators.sshKeys(jdbc, operator.id())) {
            credentials.add(Credentials.sshKey(fingerprint));
        }
        operators.deleteSshKeys(jdbc, operator.id());
        credentials.addAll(revocation.revokeTokens(jdbc, "operator", operator.id()));
        Optional<AuditEvent> totp = mfa.remove(jdbc, Role.OPERATOR, operator.username(), actor, now);
        totp.ifPresent(events::add);
        events.addAll(revocation.recordUnaudited(jdbc, operator.username(), Optional.empty(), credentials, why, actor,
                now));
        List<String> released = releaseBatches(jdbc, operator, actor, now, events);
        events.add(new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.ACCOUNT_DELETED,
                "operator " + operator.username() + " of " + operator.siteId() + ": " + why));
        return new RemovedOperator(operator.username(), operator.siteId(),
                credentials.size() + (totp.isPresent() ? 1 : 0), released, 0);
    }

    /**
     * Returns the operator's batches to its site. The release's reason is fixed text: it reaches the tenants'
     * transparency reports, where an administrator's free-text reason about a person does not belong. Each one's
     * audit event is added to {@code events}.
     */
    private List<String> releaseBatches(Jdbc jdbc, OperatorRow operator, String actor, Instant now,
                                        List<AuditEvent> events) throws SQLException {
        List<String> released = new ArrayList<>();
        for (Batch batch : batches.claimedBy(jdbc, operator.id())) {
            // compared with the holder: a lease that ran out was released and claimed by another since the read
            if (batches.transitionClaimed(jdbc, batch.id(), operator.id(), BatchState.READY, Optional.empty(),
                    Optional.empty(), now)) {
                events.add(new AuditEvent.BatchReleased(now, Optional.of(batch.tenant()), actor, batch.id(),
                        batch.siteId(), operator.username(), "operator removed"));
                released.add(batch.id());
            }
        }
        return released;
    }
}
