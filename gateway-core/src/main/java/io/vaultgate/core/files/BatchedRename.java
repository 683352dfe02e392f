package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchAssignment;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.site.Route;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The batches of a file its owner renames, in the rename's transaction. A file in a CLAIMED batch is not renamed,
 * whatever the new name: its operator has seen it by its path. A file in an OPEN or READY batch (whose files' names
 * no operator has seen yet) leaves it and is assigned again under its new name ({@link BatchAssignment}, as a
 * committed file is), so a client that uploads to a temporary name and renames at the end (WinSCP's
 * {@code x.filepart}) has its file in a batch under its final name, also when its upload filled the batch. The
 * outcome never depends on other accounts' files: a new name another account's file of the open batch holds (or one
 * around it) closes that batch and starts the next, as an upload of that name would, instead of refusing the rename
 * and telling the client that name exists. Nor does it show the client a batch's state that other accounts' files
 * decided (an OPEN batch closed by another's file at a name the client tried).
 */
final class BatchedRename {

    private final FileRepository files;
    private final BatchRepository batches;
    private final RouteRepository routes;
    private final BatchAssignment assignment;

    BatchedRename(FileRepository files, BatchRepository batches, RouteRepository routes, BatchAssignment assignment) {
        this.files = files;
        this.batches = batches;
        this.routes = routes;
        this.assignment = assignment;
    }

    /** The file's batches an operator may still see (open, ready, claimed), as read now. */
    List<Batch> holding(Jdbc jdbc, FileRecord file) throws SQLException {
        List<Batch> holding = new ArrayList<>();
        for (String id : files.unfinishedBatchesOf(jdbc, file.id())) {
            batches.find(jdbc, id).ifPresent(holding::add);
        }
        return holding;
    }

    /**
     * Refuses the rename of a file in a batch an operator claimed, or in a ready batch of a route removed since (the
     * file could not be routed again on it, and a committed file is never unrouted), with one answer for every new
     * name.
     *
     * @throws GatewayException {@code ACCESS_DENIED}
     */
    void refuseIfHeld(Jdbc jdbc, VirtualPath from, List<Batch> holding) throws SQLException {
        for (Batch batch : holding) {
            if (batch.state() == BatchState.CLAIMED
                    || (batch.state() == BatchState.READY && !routes.isActive(jdbc, batch.routeId()))) {
                throw new GatewayException(Reason.ACCESS_DENIED, from + ": in batch " + batch.id() + " for a site; "
                        + "renames are refused until the batch is completed");
            }
        }
    }

    /**
     * Takes the file out of its open and ready batches, before its row is renamed; returns their routes, to assign
     * the renamed file to ({@link #assign}). Locks the tenant's routes and then the batches
     * ({@link BatchRepository#removeFile}), the order every commit and route removal takes them in, and checks again
     * under those locks that no batch was claimed meanwhile (on another node) nor its route removed; if one was, the
     * rename is refused and the transaction rolls back.
     */
    List<Route> leaveBatches(Jdbc jdbc, FileRecord file, VirtualPath from, List<Batch> holding)
            throws SQLException {
        if (holding.isEmpty()) {
            return List.of();
        }
        batches.removeFile(jdbc, file.tenant(), file.id(), file.size());
        List<Batch> locked = new ArrayList<>();
        for (Batch batch : holding) {
            batches.lock(jdbc, batch.id()).ifPresent(locked::add);
        }
        refuseIfHeld(jdbc, from, locked);
        List<Route> left = new ArrayList<>();
        for (Batch batch : locked) {
            if (batch.state() == BatchState.OPEN || batch.state() == BatchState.READY) {
                Optional<Route> route = routes.find(jdbc, batch.routeId());
                route.ifPresent(left::add);
            }
        }
        return left;
    }

    /** Assigns the renamed file (its row at the new path) to the open batches of the routes whose batches it left. */
    void assign(Jdbc jdbc, FileRecord renamed, List<Route> left, Instant now) throws SQLException {
        for (Route route : left) {
            assignment.assign(jdbc, route, renamed, now);
        }
    }
}
