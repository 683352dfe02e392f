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
 * Offboards an operator of a BPO site, in one transaction: every credential stops working (SSH keys deleted, API
 * tokens revoked, the TOTP secret deleted), the batches the operator holds go back to READY for the site's other
 * operators, and the operator can never log in again; the row stays for the audit trail and reports, and its
 * username is never given to anyone else. Live sessions end on this node at once and on every other node at its
 * next session check, as for any revoked credential. Each step is audited with the actor and the reason.
 */
public final class OperatorRemoval {

    /** What a removal did. */
    public record Removed(String username, String siteId, int credentialsRevoked, List<String> batchesReleased,
                          int sessionsEnded) {
        public Removed {
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

    public OperatorRemoval(Database database, OperatorRepository operators, BatchRepository batches,
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
    public Removed remove(String username, String reason, String actor) {
        String why = Lockdown.requireText(reason, "reason");
        Instant now = clock.instant();
        Removed removed = database.inTransaction(jdbc -> {
            OperatorRow operator = operators.findByUsername(jdbc, username)
                    .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "no operator named " + username));
            List<String> credentials = new ArrayList<>();
            for (String fingerprint : operators.sshKeys(jdbc, operator.id())) {
                credentials.add(Credentials.sshKey(fingerprint));
            }
            operators.deleteSshKeys(jdbc, operator.id());
            credentials.addAll(revocation.revokeTokens(jdbc, "operator", operator.id()));
            boolean totp = mfa.remove(jdbc, Role.OPERATOR, username, actor, now);
            revocation.record(jdbc, username, Optional.empty(), credentials, why, actor, now);
            operators.markRemoved(jdbc, operator.id(), now);
            List<String> released = releaseBatches(jdbc, operator, why, actor, now);
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.ACCOUNT_DELETED,
                    "operator " + username + " of " + operator.siteId() + ": " + why));
            return new Removed(username, operator.siteId(), credentials.size() + (totp ? 1 : 0), released, 0);
        });
        int ended = revocation.endSessions(username, "operator removed");
        return new Removed(removed.username(), removed.siteId(), removed.credentialsRevoked(),
                removed.batchesReleased(), ended);
    }

    /** The site's active operators (every site's when {@code siteId} is empty), by username. */
    public List<OperatorRow> operators(Optional<String> siteId) {
        return database.read(jdbc -> operators.active(jdbc, siteId));
    }

    private List<String> releaseBatches(Jdbc jdbc, OperatorRow operator, String why, String actor, Instant now)
            throws SQLException {
        List<String> released = new ArrayList<>();
        for (Batch batch : batches.claimedBy(jdbc, operator.id())) {
            if (batches.transition(jdbc, batch.id(), BatchState.CLAIMED, BatchState.READY, Optional.empty(),
                    Optional.empty(), now)) {
                audit.append(jdbc, new AuditEvent.BatchReleased(now, Optional.of(batch.tenant()), actor, batch.id(),
                        batch.siteId(), operator.username(), "operator removed: " + why));
                released.add(batch.id());
            }
        }
        return released;
    }
}
