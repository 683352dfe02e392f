package io.vaultgate.core.batch;

import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.files.Area;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Hands a newly committed inbox file to its tenant's routes, inside the commit's own transaction, so a
 * file is never committed without being routed: a push route queues a forward job in the durable outbox,
 * a pull route adds it to a batch ({@link BatchAssignment}). A file joins the route's open batch (one is started if
 * none is open); the batch becomes ready when the route's size or count limit is reached. A file named
 * {@code *.ready} is a marker: it closes the open batch instead of joining it. A batch holds at most one file
 * per path, the name its operator knows the file by, and no file where another's directory is, nor files below both
 * {@code /inbox/results} and {@code /inbox/inbox-results}, which its operator sees under one name ({@link BatchLayout}):
 * a file whose path clashes so with one in the open batch (sent by another account of the tenant) closes that batch
 * and starts the next. {@code CatalogFileService.rename} keeps it so: a file renamed in an open or ready batch leaves
 * it and is assigned again under its new name, the same way. An account's own earlier file at the path was
 * replaced: deleting it took it out of its batches, counters included ({@link BatchRepository#removeFile}), before the
 * new one is routed, so a route's limits count the files its site gets.
 */
public final class Router {

    public static final String READY_MARKER_SUFFIX = ".ready";

    private final RouteRepository routes;
    private final Outbox outbox;
    private final BatchAssignment assignment;

    public Router(RouteRepository routes, BatchRepository batches, FileRepository files, Outbox outbox,
                  SecureRandom random) {
        this.routes = routes;
        this.outbox = outbox;
        this.assignment = new BatchAssignment(routes, batches, files, random);
    }

    public void route(Jdbc jdbc, FileRecord file, Instant now) throws SQLException {
        if (Area.of(file.path()) != Area.INBOX) {
            return;
        }
        for (Route route : routes.activeByTenant(jdbc, file.tenant())) {
            if (!route.matches(file.path())) {
                continue;
            }
            if (route.mode() == RouteMode.PUSH) {
                // the route was read without a lock: a removal committing meanwhile (then its site's) would miss
                // a forward queued here, which would wait for ever on a removed site
                if (routes.lockIfActive(jdbc, route.id())) {
                    outbox.enqueue(jdbc, file, route.siteId(), now);
                }
                continue;
            }
            assignment.assign(jdbc, route, file, now);
        }
    }
}
