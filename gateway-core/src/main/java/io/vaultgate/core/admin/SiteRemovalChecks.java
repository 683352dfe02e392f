package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.SiteRemoval.UnfinishedWork;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.site.Route;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What refuses a site's removal ({@link SiteRemoval}), checked within the caller's transaction: the site must exist
 * and be active (its row locked, as a route's addition does and a dead forward's retry shares), no tenant may route
 * to it, and, unless its work is to be abandoned, none of its batches or forwards may be unfinished. A refusal names
 * what is left and how to resolve it.
 */
final class SiteRemovalChecks {

    private static final List<BatchState> UNFINISHED = List.of(BatchState.OPEN, BatchState.READY, BatchState.CLAIMED);

    private final BatchRepository batches;
    private final RouteRepository routes;
    private final Outbox outbox;

    SiteRemovalChecks(BatchRepository batches, RouteRepository routes, Outbox outbox) {
        this.batches = batches;
        this.routes = routes;
        this.outbox = outbox;
    }

    /**
     * Locks the active site's row and refuses its removal while anything is left ({@link #requireNothingLeft});
     * NOT_FOUND if there is no such active site.
     */
    void requireRemovable(Jdbc jdbc, String siteId, UnfinishedWork work, long abandonedBefore) throws SQLException {
        if (!SiteAdministration.lockActiveSite(jdbc, siteId)) {
            throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
        }
        requireNothingLeft(jdbc, siteId, work, abandonedBefore);
    }

    /**
     * Refuses, naming what is left, while a tenant routes to the site or (unless it is to be abandoned) work for it
     * is unfinished. Routes are never abandoned: files committed after the removal would still be routed there.
     */
    private void requireNothingLeft(Jdbc jdbc, String siteId, UnfinishedWork work, long abandonedBefore)
            throws SQLException {
        List<String> left = new ArrayList<>();
        for (Route route : routes.activeBySite(jdbc, siteId)) {
            left.add("route " + route.id() + " of tenant " + route.tenant() + " (vaultgate site unroute --tenant "
                    + route.tenant() + " " + route.id() + ")");
        }
        List<String> unfinished = work == UnfinishedWork.REFUSE ? unfinishedWork(jdbc, siteId) : List.of();
        if (left.isEmpty() && unfinished.isEmpty()) {
            return;
        }
        String hint = !unfinished.isEmpty() ? " (a site that will never finish its work is removed with "
                + "--abandon-work, or \"abandonWork\": true in the admin API)"
                : work == UnfinishedWork.ABANDON ? " (routes are never abandoned, or new files would still go to the "
                + "site: move or remove them first)" : "";
        left.addAll(unfinished);
        String changed = abandonedBefore == 0 ? "nothing was changed"
                : "nothing more was changed (the " + abandonedBefore + " forward(s) this removal abandoned before, "
                + "each audited, stay abandoned; the site is not removed: run the removal again once this is resolved)";
        throw new GatewayException(Reason.CONFLICT, "site " + siteId + " still has " + String.join(", ", left)
                + "; " + changed + hint);
    }

    /** The site's batches not completed and forwards not settled, counted, if there are any. */
    private List<String> unfinishedWork(Jdbc jdbc, String siteId) throws SQLException {
        List<String> left = new ArrayList<>();
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
        return left;
    }
}
