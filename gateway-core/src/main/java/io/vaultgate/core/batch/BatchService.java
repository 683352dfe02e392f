package io.vaultgate.core.batch;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.policy.Policies;
import io.vaultgate.core.policy.PolicyGate;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What operators do with batches: list what is ready for their site, claim one (a lease), complete it.
 * A batch of another site, or of a locked tenant, cannot be claimed; a batch claimed by someone else is
 * reported as not found, and so is a READY batch left without files ({@link Batch#isOffered()}, {@link EmptyBatches}).
 * An operator must first acknowledge the tenant's current data-handling policy ({@link Policies}, enforced by
 * {@link PolicyGate}). {@link #maintain()} closes idle batches, returns expired leases to READY and ends READY batches
 * without files (EMPTIED).
 */
public final class BatchService {

    private final Database database;
    private final BatchRepository batches;
    private final RouteRepository routes;
    private final TenantRepository tenants;
    private final Duration lease;
    private final AuditLog audit;
    private final Clock clock;
    private final Policies policies;
    private final PolicyGate policyGate = new PolicyGate();
    private final OperatorRepository operators = new OperatorRepository();
    private final EmptyBatches empty;

    public BatchService(Database database, BatchRepository batches, RouteRepository routes, TenantRepository tenants,
                        Duration lease, AuditLog audit, Clock clock, Policies policies) {
        this.database = database;
        this.batches = batches;
        this.routes = routes;
        this.tenants = tenants;
        this.lease = lease;
        this.audit = audit;
        this.clock = clock;
        this.policies = policies;
        this.empty = new EmptyBatches(batches, audit);
    }

    /** The data-handling policies operators read and acknowledge before they claim (for the operator API). */
    public Policies policies() {
        return policies;
    }

    /**
     * Batches ready for the operator's site, and those it holds, of active tenants only: a locked or shredded
     * tenant's batches can be neither claimed nor read, so their ids, counts and sizes are not shown either. A READY
     * batch left without files is not ready ({@link Batch#isOffered()}): it is not shown, whatever its tenant.
     */
    public List<Batch> available(OperatorPrincipal operator) {
        return database.read(jdbc -> {
            List<Batch> all = new ArrayList<>(batches.bySiteAndState(jdbc, operator.siteId(), BatchState.READY)
                    .stream().filter(Batch::isOffered).toList());
            all.addAll(batches.claimedBy(jdbc, operator.operatorId()));
            Map<TenantId, Boolean> active = new HashMap<>();
            List<Batch> shown = new ArrayList<>();
            for (Batch batch : all) {
                Boolean tenantActive = active.get(batch.tenant());
                if (tenantActive == null) {
                    tenantActive = tenants.find(jdbc, batch.tenant()).map(Tenant::isActive).orElse(false);
                    active.put(batch.tenant(), tenantActive);
                }
                if (tenantActive) {
                    shown.add(batch);
                }
            }
            return shown;
        });
    }

    /** Takes a ready batch for {@link #lease}; renews the lease of a batch the operator already holds. */
    public Batch claim(OperatorPrincipal operator, String batchId) {
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            Batch batch = visible(jdbc, operator, batchId);
            requireActiveTenant(jdbc, batch);
            policyGate.requireAcknowledged(jdbc, operator, batch.tenant());
            // a renewal moves the expiry only; a claim (of a ready batch, or again after the lease ran out) starts a
            // new lease, which reads opened under the old one see (Lease); both compare the holder, not the state only
            String me = operator.operatorId();
            Optional<Instant> expiry = Optional.of(now.plus(lease));
            boolean taken = batch.isHeldBy(me, now) ? batches.renew(jdbc, batchId, me, expiry.get())
                    : batch.isClaimedBy(me)
                    ? batches.transitionClaimed(jdbc, batchId, me, BatchState.CLAIMED, Optional.of(me), expiry, now)
                    : batches.transition(jdbc, batchId, BatchState.READY, BatchState.CLAIMED, Optional.of(me), expiry,
                            now);
            if (!taken) {
                throw new GatewayException(Reason.CONFLICT, "batch " + batchId + " is not ready to be claimed");
            }
            audit.append(jdbc, new AuditEvent.BatchClaimed(now, Optional.of(batch.tenant()), operator.name(), batchId,
                    batch.siteId()));
            return batches.find(jdbc, batchId).orElseThrow();
        });
    }

    /**
     * Completes a batch the operator holds. Refused, as a claim is, while the tenant is locked or after it was shredded:
     * a lockdown pauses the tenant's batches where they are, and a completion would be the operator's word on work done
     * with data it may no longer touch. Refused too until the operator acknowledged the tenant's current data-handling
     * policy ({@link PolicyGate}): work finished under a version it has not seen is not reported done.
     */
    public Batch complete(OperatorPrincipal operator, String batchId) {
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            Batch batch = visible(jdbc, operator, batchId);
            requireActiveTenant(jdbc, batch);
            policyGate.requireAcknowledged(jdbc, operator, batch.tenant());
            if (batch.isClaimedBy(operator.operatorId()) && !batch.isHeldBy(operator.operatorId(), now)) {
                throw new GatewayException(Reason.CONFLICT, "batch " + batchId + ": your lease ran out; claim it "
                        + "again to complete it");
            }
            if (!batch.isClaimedBy(operator.operatorId())
                    || !batches.transitionClaimed(jdbc, batchId, operator.operatorId(), BatchState.COMPLETED,
                    batch.claimedBy(), Optional.empty(), now)) {
                throw new GatewayException(Reason.CONFLICT, "batch " + batchId + " is not claimed by you");
            }
            audit.append(jdbc, new AuditEvent.BatchCompleted(now, Optional.of(batch.tenant()), operator.name(),
                    batchId, batch.siteId()));
            return batches.find(jdbc, batchId).orElseThrow();
        });
    }

    /** Refuses with {@code TENANT_LOCKED} unless the batch's tenant is active (not locked, not shredded). */
    private void requireActiveTenant(Jdbc jdbc, Batch batch) throws SQLException {
        Tenant tenant = tenants.find(jdbc, batch.tenant()).orElseThrow();
        if (!tenant.isActive()) {
            throw new GatewayException(Reason.TENANT_LOCKED, "batch " + batch.id() + ": the tenant is locked");
        }
    }

    /** Every batch of a tenant, oldest first (for admins). */
    public List<Batch> byTenant(io.vaultgate.core.tenant.TenantId tenant) {
        return database.read(jdbc -> batches.byTenant(jdbc, tenant));
    }

    /**
     * Closes an open batch now (admin command or API), audited as done by {@code actor} with the files it holds: its
     * row is read locked, so a file joining it on another node is either counted or, once it is closed, not let in.
     * An open batch holding no file (every file it had left it) is not closed: it would be offered with nothing in it
     * ({@code CONFLICT}); it stays the route's open batch, which the route's next file joins.
     */
    public Batch close(String batchId, String actor) {
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            Batch batch = batches.lock(jdbc, batchId)
                    .orElseThrow(() -> GatewayException.notFound("batch " + batchId));
            if (batch.state() == BatchState.OPEN && batch.fileCount() == 0) {
                throw new GatewayException(Reason.CONFLICT, "batch " + batchId + " holds no files; it stays open for "
                        + "its route's next file");
            }
            if (!closeIfOpen(jdbc, batch, actor, "closed by an administrator", now)) {
                throw new GatewayException(Reason.CONFLICT, "batch " + batchId + " is not open");
            }
            return batches.find(jdbc, batchId).orElseThrow();
        });
    }

    /**
     * Closes batches idle past their route's limit (an open batch holding no file is not closed: it waits for its
     * route's next file), returns expired leases and ends READY batches holding no file (EMPTIED, {@link EmptyBatches}):
     * a claimed batch whose files all left it while it was held is released, as any, and then ended, in this
     * transaction, so nobody sees it offered empty. Returns how many batches changed.
     */
    public int maintain() {
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            int changed = 0;
            for (Batch batch : batches.byState(jdbc, BatchState.OPEN)) {
                Optional<Route> route = routes.find(jdbc, batch.routeId());
                // idle time compared, not a deadline computed: updatedAt + an idle-close of centuries overflows
                if (route.isPresent() && !route.get().idleClose().isZero() && batch.fileCount() > 0
                        && Duration.between(batch.updatedAt(), now).compareTo(route.get().idleClose()) >= 0) {
                    changed += closeIfOpen(jdbc, batch, AuditEvents.SYSTEM, "idle for "
                            + route.get().idleClose(), now) ? 1 : 0;
                }
            }
            for (Batch batch : batches.byState(jdbc, BatchState.CLAIMED)) {
                if (batch.leaseExpiresAt().filter(expiry -> !expiry.isAfter(now)).isPresent()
                        && batches.transition(jdbc, batch.id(), BatchState.CLAIMED, BatchState.READY,
                        Optional.empty(), Optional.empty(), now)) {
                    audit.append(jdbc, new AuditEvent.BatchReleased(now, Optional.of(batch.tenant()),
                            AuditEvents.SYSTEM, batch.id(), batch.siteId(), holder(jdbc, batch), "lease expired"));
                    changed++;
                }
            }
            return changed + empty.settleAll(jdbc, now);
        });
    }

    /** The username of the operator holding the batch (its id if the operator is gone). */
    private String holder(Jdbc jdbc, Batch batch) throws SQLException {
        String id = batch.claimedBy().orElse("-");
        return operators.findById(jdbc, id).map(OperatorRepository.OperatorRow::username).orElse(id);
    }

    private boolean closeIfOpen(Jdbc jdbc, Batch batch, String actor, String reason, Instant now)
            throws SQLException {
        if (!batches.transition(jdbc, batch.id(), BatchState.OPEN, BatchState.READY, Optional.empty(),
                Optional.empty(), now)) {
            return false;
        }
        audit.append(jdbc, new AuditEvent.BatchClosed(now, Optional.of(batch.tenant()), actor, batch.id(),
                batch.siteId(), batch.fileCount(), reason));
        return true;
    }

    /**
     * The batch, if the operator may act on it (of its site, and offered, or claimed by it); otherwise not found, also
     * when it is READY without files: a claim racing the removal of its last file either waits for the removal and
     * answers so, or claims it first and holds it while its files go (then the batch ends EMPTIED at its release). The
     * operator's row is locked first, so that a claim and the operator's removal ({@code vaultgate operator remove})
     * on another node never both win: a removed operator's live session, until it ends, claims nothing, and a claim
     * that committed first is released by the removal. Then the batch's row ({@link BatchRepository#lock}): what the
     * caller decides on (who holds it, whether the lease ran out) stays so until it commits, so a release of an
     * expired lease and another operator's claim on another node are either read or wait for this action.
     */
    private Batch visible(Jdbc jdbc, OperatorPrincipal operator, String batchId) throws SQLException {
        if (!operators.lockActive(jdbc, operator.operatorId())) {
            throw new GatewayException(Reason.ACCESS_DENIED, "operator " + operator.name() + " was removed");
        }
        return batches.lock(jdbc, batchId)
                .filter(batch -> batch.siteId().equals(operator.siteId()))
                .filter(batch -> batch.isOffered() || batch.isClaimedBy(operator.operatorId()))
                .orElseThrow(() -> GatewayException.notFound("batch " + batchId));
    }
}
