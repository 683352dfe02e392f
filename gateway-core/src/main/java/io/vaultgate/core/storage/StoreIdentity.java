package io.vaultgate.core.storage;

import io.vaultgate.core.catalog.Database;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Checks, at every start and before anything reads or writes an object, that the object store is the one the
 * catalog's objects were written to: the store's {@link StoreMarker} must name the {@link StoreId} the catalog
 * records. A store without the marker (a file system not mounted yet shows its empty mount point), or with another
 * one (another installation's store, a wrong bucket or prefix), is refused with {@link StoreNotRecognized}: the node
 * does not start, so it neither writes new uploads to the wrong place nor takes interrupted uploads for gone.
 *
 * <p>Recording a new id goes catalog first, then store: the id is recorded unconfirmed ({@code INSERT ... ON CONFLICT
 * DO NOTHING}, so nodes starting at once all take the first one's), then written as the marker, read back, and
 * confirmed. A start that stopped in between is completed by the next one: an unconfirmed id with the same marker is
 * confirmed; one without a marker has the marker written (the start that recorded it never served, so no object was
 * written under it). The marker is read before the catalog's row: a node that sees another's marker then sees its
 * row too. Once confirmed, a missing marker is a refusal.
 *
 * <p>A catalog without an id predates the marker (an upgrade) or is new. A new one (no file) adopts the store it is
 * given, unless the store holds another installation's marker. An existing one adopts the store only if more than
 * half of the objects of its {@value #SAMPLE} files committed last are found there; a catalog with files in progress
 * but none committed cannot be proven, and is refused.
 */
public final class StoreIdentity {

    /** How many of the catalog's files committed last an upgraded catalog's store is asked for. */
    static final int SAMPLE = 16;

    /** What a start found. */
    public enum Outcome {
        /** The marker names the recorded id. */
        VERIFIED,
        /** A new id recorded and written (a new installation, or an upgraded one whose store proved itself). */
        RECORDED,
        /** The store's marker recorded by a catalog that had none (an upgraded catalog whose store proved itself). */
        ADOPTED
    }

    /** The store's id and how it was established. */
    public record Result(StoreId id, Outcome outcome) {
    }

    private final Database database;
    private final ObjectStore store;
    private final StoreMarker marker;
    private final Clock clock;
    private final StoreIdentityRecords records = new StoreIdentityRecords();

    public StoreIdentity(Database database, ObjectStore store, StoreMarker marker, Clock clock) {
        this.database = database;
        this.store = store;
        this.marker = marker;
        this.clock = clock;
    }

    /** The check; throws {@link StoreNotRecognized} for a store this node must not start on. */
    public Result check() throws IOException {
        Optional<StoreId> found = marker.read(); // first: see the class comment
        Optional<StoreIdentityRecords.Recorded> recorded = database.read(records::read);
        boolean proven = false;
        if (recorded.isEmpty()) {
            if (found.isPresent() && !database.read(records::anyFile)) {
                throw StoreNotRecognized.foreignStore(marker.location(), found.get());
            }
            prove();
            proven = true;
            StoreId candidate = found.orElseGet(StoreId::random);
            database.inTransaction(jdbc -> {
                records.recordIfAbsent(jdbc, candidate, clock.instant());
                return null;
            });
            recorded = Optional.of(database.read(records::read).orElseThrow(() -> new IllegalStateException(
                    "the store's id was recorded but is not found in the catalog")));
        }
        StoreId id = recorded.get().id();
        if (found.isEmpty() && recorded.get().confirmed()) {
            found = marker.read(); // a node starting at the same time may have written it since it was read above
        }
        if (found.isPresent()) {
            if (!found.get().equals(id)) {
                throw StoreNotRecognized.differentStore(marker.location(), found.get(), id);
            }
            if (!recorded.get().confirmed()) {
                confirm(id);
                return new Result(id, proven ? Outcome.ADOPTED : Outcome.RECORDED);
            }
            return new Result(id, Outcome.VERIFIED);
        }
        if (recorded.get().confirmed()) {
            throw StoreNotRecognized.markerMissing(marker.location(), id);
        }
        if (!proven) {
            prove(); // recorded by a start that stopped before the marker: an upgraded catalog proves its store again
        }
        marker.write(id);
        Optional<StoreId> back = marker.read();
        if (back.isEmpty()) {
            throw StoreNotRecognized.markerMissing(marker.location(), id);
        }
        if (!back.get().equals(id)) {
            throw StoreNotRecognized.differentStore(marker.location(), back.get(), id);
        }
        confirm(id);
        return new Result(id, Outcome.RECORDED);
    }

    private void confirm(StoreId id) {
        database.inTransaction(jdbc -> {
            records.confirm(jdbc, id, clock.instant());
            return null;
        });
    }

    /**
     * Nothing to prove for a catalog without files; otherwise more than half of the objects of its files committed
     * last must be found in the store.
     */
    private void prove() throws IOException {
        List<StoreIdentityRecords.StoredObject> sample = database.read(jdbc -> records.lastCommitted(jdbc, SAMPLE));
        if (sample.isEmpty()) {
            if (database.read(records::anyFile)) {
                throw StoreNotRecognized.notProven(marker.location(), "it lists uploads in progress but no committed "
                        + "file, whose object the store could show");
            }
            return;
        }
        int present = 0;
        for (StoreIdentityRecords.StoredObject object : sample) {
            present += holds(object) ? 1 : 0;
        }
        if (present * 2 <= sample.size()) {
            throw StoreNotRecognized.notProven(marker.location(), "the store holds " + present + " of the objects of "
                    + "the " + sample.size() + " files it committed last (more than half must be there)");
        }
    }

    private boolean holds(StoreIdentityRecords.StoredObject object) throws IOException {
        try (SeekableByteChannel ignored = store.open(object.tenant(), object.id())) {
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
