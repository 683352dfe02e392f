package io.vaultgate.core.batch;

import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.site.Route;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Puts an inbox file into a pull route's open batch, inside the caller's transaction: what {@link Router} does for a
 * committed file, and {@code CatalogFileService.rename} for a file it took out of an open or ready batch to route again
 * under its new name. A file joins the route's open batch (one is started if none is open); the batch becomes ready
 * when the route's size or count limit is reached. A file named {@code *.ready} is a marker: it closes the open batch
 * instead of joining it. A file whose path clashes with one in the open batch ({@link FileRepository#clashesInBatch},
 * another account's file at that path, around it, or under the name its operator sees it by) closes that batch and
 * starts the next, so that a batch never holds two files at one name, whoever of the tenant sent them.
 */
public final class BatchAssignment {

    private final RouteRepository routes;
    private final BatchRepository batches;
    private final FileRepository files;
    private final SecureRandom random;

    public BatchAssignment(RouteRepository routes, BatchRepository batches, FileRepository files, SecureRandom random) {
        this.routes = routes;
        this.batches = batches;
        this.files = files;
        this.random = random;
    }

    /**
     * Adds {@code file} (its row as committed, at the path it has now) to the open batch of pull {@code route}. Locks
     * the route's row and then its open batch ({@link BatchRepository#openBatch}); nothing when the route was removed
     * meanwhile (its open batch was closed with it).
     */
    public void assign(Jdbc jdbc, Route route, FileRecord file, Instant now) throws SQLException {
        Optional<Batch> open = batches.openBatch(jdbc, route.id());
        if (!routes.isActive(jdbc, route.id())) {
            return; // removed while this transaction waited for the route's lock: its open batch is closed
        }
        if (file.path().fileName().endsWith(Router.READY_MARKER_SUFFIX)) {
            if (open.isPresent() && open.get().fileCount() > 0) {
                close(jdbc, open.get(), now);
            }
            return;
        }
        if (open.isPresent() && files.clashesInBatch(jdbc, file.tenant(), open.get().id(), file.id(), file.path())) {
            close(jdbc, open.get(), now);
            open = Optional.empty();
        }
        Batch batch = open.isPresent() ? open.get() : start(jdbc, route, now);
        batches.addFile(jdbc, batch.id(), file.id(), file.size(), now);
        if (route.isFull(batch.fileCount() + 1, batch.totalBytes() + file.size())) {
            close(jdbc, batch, now);
        }
    }

    private void close(Jdbc jdbc, Batch batch, Instant now) throws SQLException {
        batches.transition(jdbc, batch.id(), BatchState.OPEN, BatchState.READY, Optional.empty(), Optional.empty(), now);
    }

    private Batch start(Jdbc jdbc, Route route, Instant now) throws SQLException {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        Batch batch = new Batch("b_" + HexFormat.of().formatHex(bytes), route.id(), route.tenant(), route.siteId(),
                BatchState.OPEN, 0, 0, Optional.empty(), Optional.empty(), now, now);
        batches.insert(jdbc, batch);
        return batch;
    }
}
