package io.vaultgate.core.storage;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.node.NodeStatus;
import io.vaultgate.core.node.Nodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code vaultgate store adopt}: records the store the configuration names as the catalog's, for a store restored or
 * copied without its marker, or moved to a new bucket or directory (the gateway stopped). It checks what a start
 * checks before it records anything: the marker, if there is one, must be a marker, and the store must hold more
 * than half of the objects of the catalog's files committed last ({@link StoreIdentity}); a catalog without a
 * committed file cannot be shown to be the store's, and is refused. The store's own marker id is kept; a store
 * without one gets a new one. One transaction replaces the catalog's row (confirmed; the row stays locked until it
 * ends), writes that marker, reads it back and audits the change; a refusal in it comes before the marker is written,
 * so a refused adoption changes nothing. A crash between the marker's write and the commit leaves a marker the
 * catalog does not record: a start refuses it, and the command run again adopts it.
 *
 * <p>Nothing is adopted while a node of the catalog runs: a node alive by the nodes' own measure ({@link
 * Nodes#alive}, a heartbeat within {@code catalog.node-dead-after}) is named and the command refused, at the start
 * and again in the transaction that would record the store. A node that is starting beats only once it has
 * recognized its store: it is seen while it has recorded an id it has not confirmed yet (younger than {@link
 * StoreIdentity#GRACE}), and a start that records, takes over or confirms an id meanwhile makes the transaction's
 * compare-and-set of the row refuse; a start that only reads a confirmed row and its marker leaves no trace before
 * its first heartbeat, and is not seen.
 */
public final class StoreAdoption {

    /** What was adopted: the store's id, whether its marker was written now, and the id the catalog held before. */
    public record Adopted(StoreId id, boolean markerWritten, Optional<StoreId> replaced, boolean alreadyRecorded) {
    }

    private final Database database;
    private final StoreIdentity.Objects objects;
    private final StoreMarker marker;
    private final AuditLog audit;
    private final Clock clock;
    private final NodeSettings judge;
    private final StoreIdentityRecords records = new StoreIdentityRecords();

    /** @param judge whose dead-after time tells a live node ({@code catalog.node-dead-after}) */
    public StoreAdoption(Database database, StoreIdentity.Objects objects, StoreMarker marker, AuditLog audit,
                         Clock clock, NodeSettings judge) {
        this.database = database;
        this.objects = objects;
        this.marker = marker;
        this.audit = audit;
        this.clock = clock;
        this.judge = judge;
    }

    /**
     * Adopts the store; {@link StoreNotRecognized} when it does not show it holds the catalog's objects, or a node
     * runs ({@link StoreNotRecognized.Reason#NODES_RUNNING}).
     */
    public Adopted adopt(String actor) throws IOException {
        List<NodeStatus> live = database.read(jdbc -> Nodes.alive(jdbc, judge));
        if (!live.isEmpty()) {
            throw StoreNotRecognized.nodesRunning(marker.location(), live);
        }
        Optional<StoreId> found = marker.read();
        Optional<StoreIdentityRecords.Recorded> recorded = database.read(records::read);
        if (found.isPresent() && recorded.isPresent() && recorded.get().id().equals(found.get())
                && recorded.get().confirmed()) {
            return new Adopted(found.get(), false, Optional.empty(), true);
        }
        if (recorded.isPresent() && !recorded.get().confirmed()
                && recorded.get().age().compareTo(StoreIdentity.GRACE) < 0) { // a start between its record and confirm
            throw StoreNotRecognized.nodeStarting(marker.location(), recorded.get().id(), recorded.get().age());
        }
        if (database.read(jdbc -> records.lastCommitted(jdbc, 1)).isEmpty()) {
            throw StoreNotRecognized.notAdoptable(marker.location());
        }
        new StoreIdentity(database, objects, marker).prove();
        StoreId id = found.orElseGet(StoreId::random);
        Optional<StoreId> before = recorded.map(StoreIdentityRecords.Recorded::id);
        String subject = "store " + id + " at " + marker.location()
                + before.filter(old -> !old.equals(id)).map(old -> " (was " + old + ")").orElse("");
        boolean written;
        try {
            written = database.inTransaction(jdbc -> {
                List<NodeStatus> joined = Nodes.alive(jdbc, judge); // a node started meanwhile
                if (!joined.isEmpty()) {
                    throw new UncheckedIOException(StoreNotRecognized.nodesRunning(marker.location(), joined));
                }
                Instant now = clock.instant();
                if (!records.replace(jdbc, recorded, id, now)) { // the row, locked until this transaction ends
                    throw new UncheckedIOException(StoreNotRecognized.changedWhileAdopting(marker.location()));
                }
                boolean wrote = found.isEmpty() && write(id); // a failure rolls the row back
                audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor,
                        AuditEvent.AdminAction.STORE_ADOPTED, subject));
                return wrote;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        marker.cleanUp();
        return new Adopted(id, written, before.filter(old -> !old.equals(id)), false);
    }

    /**
     * Writes {@code id} as the store's marker where none is, and reads it back: true if this call wrote it. Inside the
     * transaction that records it, once nothing can refuse the adoption but a failure of the marker itself.
     */
    private boolean write(StoreId id) {
        try {
            boolean written = marker.write(id);
            Optional<StoreId> back = marker.read();
            if (back.isEmpty()) {
                throw StoreNotRecognized.markerMissing(marker.location(), id);
            }
            if (!back.get().equals(id)) { // another process wrote one meanwhile: nothing recorded, run again
                throw StoreNotRecognized.differentStore(marker.location(), back.get(), id);
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
