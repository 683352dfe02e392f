package io.vaultgate.core.storage;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, at every start and before anything reads or writes an object, that the object store is the one the
 * catalog's objects were written to: the store's {@link StoreMarker} must name the {@link StoreId} the catalog
 * records. A store without the marker (a file system not mounted yet shows its empty mount point), or with another
 * one (another installation's store, a wrong bucket or prefix), is refused with {@link StoreNotRecognized}: the node
 * does not start, so it neither writes new uploads to the wrong place nor takes interrupted uploads for gone.
 *
 * <p>Recording a new id goes catalog first, then store: the id is recorded unconfirmed ({@code INSERT ... ON CONFLICT
 * DO NOTHING}, so nodes starting at once all take the first one's), then the start that recorded it writes it as the
 * marker (only where none is: {@link StoreMarker#write}), reads it back, and confirms it. The marker is read before
 * the catalog's row: a node that sees another's marker then sees its row too.
 *
 * <p>An unconfirmed id that another start recorded (one running now, or one that stopped before confirming) is
 * never marked by this start on its word alone: while it is younger than {@link #GRACE} this start waits for it to be
 * confirmed, and then checks its own store against it (a node of a shared catalog with a directory of its own finds
 * no marker there and is refused, so exactly one store ends up recorded: review25a L1). Older, its start is taken
 * for stopped, and the id is replaced by a new one ({@link StoreIdentityRecords#takeOver}, one winner) that this
 * start writes. An unconfirmed id whose marker the store holds is confirmed (a start stopped after writing it). Once
 * confirmed, a missing marker is a refusal.
 *
 * <p>A catalog without an id predates the marker (an upgrade) or is new. A new one (no file) adopts the store it is
 * given, unless the store holds another installation's marker. An existing one adopts the store only if more than
 * half of the objects of its {@value #SAMPLE} files committed last are found there; a catalog with files in progress
 * but none committed cannot be proven, and is refused.
 *
 * <p>The row's times ({@code recorded_at}, {@code confirmed_at}, and the age a start judges) are the catalog's own
 * ({@link io.vaultgate.core.catalog.Dialect#nowMillis()}): a start runs before its node has measured its clock against
 * the catalog's, and a host clock off by an hour dated the confirmation an hour off the recording.
 */
public final class StoreIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(StoreIdentity.class);

    /** How many of the catalog's files committed last an upgraded catalog's store is asked for. */
    static final int SAMPLE = 16;
    /**
     * How long an id another start recorded is left to it: far longer than a start takes from recording the id to
     * confirming it (a marker write and read), short enough that a start after a crash in between is not held long.
     */
    public static final Duration GRACE = Duration.ofSeconds(60);
    /** How often a start waiting for another's id reads the catalog's row again. */
    static final Duration POLL = Duration.ofMillis(200);

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

    /** Whether the store holds a committed object: a plain open, which creates nothing. */
    @FunctionalInterface
    public interface Objects {
        boolean holds(TenantId tenant, ObjectId id) throws IOException;
    }

    /** How a start waits for another's id to be confirmed. */
    @FunctionalInterface
    interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Database database;
    private final Objects objects;
    private final StoreMarker marker;
    private final Duration grace;
    private final Pause pause;
    private final StoreIdentityRecords records = new StoreIdentityRecords();

    public StoreIdentity(Database database, ObjectStore store, StoreMarker marker) {
        this(database, objectsOf(store), marker);
    }

    /** Before the store itself is opened: {@code objects} tells whether it holds an object. */
    public StoreIdentity(Database database, Objects objects, StoreMarker marker) {
        this(database, objects, marker, GRACE, duration -> Thread.sleep(duration.toMillis()));
    }

    StoreIdentity(Database database, Objects objects, StoreMarker marker, Duration grace, Pause pause) {
        this.database = database;
        this.objects = objects;
        this.marker = marker;
        this.grace = grace;
        this.pause = pause;
    }

    /** A plain open of the object in {@code store}. */
    public static Objects objectsOf(ObjectStore store) {
        return (tenant, id) -> {
            try (SeekableByteChannel ignored = store.open(tenant, id)) {
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        };
    }

    /** The check; throws {@link StoreNotRecognized} for a store this node must not start on. */
    public Result check() throws IOException {
        boolean sampled = false; // prove() has run
        boolean adopted = false; // and found the catalog's committed objects in the store (an upgraded catalog)
        StoreId waitingFor = null; // another start's unconfirmed id this start waits for
        long waitingSince = 0; // System.nanoTime() when it began to wait for that id
        while (true) {
            Optional<StoreId> found = marker.read(); // first: see the class comment
            Optional<StoreIdentityRecords.Recorded> recorded = database.read(records::read);
            StoreId mine = null; // the id this start recorded, or took over: the one it may write as the marker
            if (recorded.isEmpty()) {
                if (found.isPresent() && !database.read(records::anyFile)) {
                    throw StoreNotRecognized.foreignStore(marker.location(), found.get());
                }
                if (!sampled) {
                    adopted = prove();
                    sampled = true;
                }
                StoreId candidate = found.orElseGet(StoreId::random);
                database.inTransaction(jdbc -> {
                    records.recordIfAbsent(jdbc, candidate);
                    return null;
                });
                recorded = Optional.of(database.read(records::read).orElseThrow(() -> new IllegalStateException(
                        "the store's id was recorded but is not found in the catalog")));
                mine = recorded.get().id().equals(candidate) ? candidate : null;
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
                    return done(new Result(id, adopted ? Outcome.ADOPTED : Outcome.RECORDED));
                }
                return done(new Result(id, Outcome.VERIFIED));
            }
            if (recorded.get().confirmed()) {
                throw StoreNotRecognized.markerMissing(marker.location(), id);
            }
            if (mine == null) { // another start's id, not confirmed yet, and not in this store
                Duration age = recorded.get().age(); // on the catalog's clock (review26a M2)
                if (!id.equals(waitingFor)) { // the first id waited for, or one that replaced it: a wait of its own
                    waitingFor = id; // (review26a M1: a wait for a replaced id let the next be taken over at once)
                    waitingSince = System.nanoTime();
                    if (age.compareTo(grace) < 0) {
                        LOG.info("storage: store id {} was recorded {} ms ago by another start, not confirmed yet; "
                                + "waiting for it (up to {} s) before checking {} against it", id, age.toMillis(),
                                grace.toSeconds(), marker.location());
                    }
                }
                boolean waitedOut = System.nanoTime() - waitingSince >= grace.toNanos();
                if (age.compareTo(grace) < 0 && !waitedOut) {
                    pauseFor(POLL);
                    continue;
                }
                if (!sampled) {
                    adopted = prove(); // an upgraded catalog proves its store before marking it
                    sampled = true;
                }
                StoreId fresh = StoreId.random();
                boolean taken = database.inTransaction(jdbc -> records.takeOver(jdbc, id, fresh));
                if (!taken) {
                    continue; // another start took it over, or confirmed it, first: check against that
                }
                LOG.info("storage: store id {} was recorded {} s ago by a start that never confirmed it; replaced by "
                        + "{}", id, age.toSeconds(), fresh);
                mine = fresh;
            }
            return done(new Result(mine, mark(mine)));
        }
    }

    /** Writes {@code id}, this start's own, as the marker, reads it back and confirms it. */
    private Outcome mark(StoreId id) throws IOException {
        marker.write(id); // only where no marker is: one written since it was read above is read back below
        Optional<StoreId> back = marker.read();
        if (back.isEmpty()) {
            throw StoreNotRecognized.markerMissing(marker.location(), id);
        }
        if (!back.get().equals(id)) {
            throw StoreNotRecognized.differentStore(marker.location(), back.get(), id);
        }
        confirm(id);
        return Outcome.RECORDED;
    }

    /**
     * Confirms {@code id}, which the marker names; the row may have been confirmed by another node of the same store
     * meanwhile (fine), or taken over by a start that took this one for stopped (then this store is not the one).
     */
    private void confirm(StoreId id) throws StoreNotRecognized {
        boolean confirmed = database.inTransaction(jdbc -> records.confirm(jdbc, id));
        if (!confirmed) {
            StoreIdentityRecords.Recorded now = database.read(records::read).orElseThrow(() ->
                    new IllegalStateException("the store's id is no longer found in the catalog"));
            if (!now.id().equals(id)) {
                throw StoreNotRecognized.differentStore(marker.location(), id, now.id());
            }
        }
    }

    private Result done(Result result) {
        marker.cleanUp();
        return result;
    }

    private void pauseFor(Duration duration) throws InterruptedIOException {
        try {
            pause.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for another start to confirm the store's id");
        }
    }

    /**
     * Nothing to prove for a catalog without files (false); otherwise more than half of the objects of its files
     * committed last must be found in the store (true), else {@link StoreNotRecognized}.
     */
    boolean prove() throws IOException {
        List<StoreIdentityRecords.StoredObject> sample = database.read(jdbc -> records.lastCommitted(jdbc, SAMPLE));
        if (sample.isEmpty()) {
            if (database.read(records::anyFile)) {
                throw StoreNotRecognized.notProven(marker.location(), "it lists uploads in progress but no committed "
                        + "file, whose object the store could show");
            }
            return false;
        }
        int present = 0;
        for (StoreIdentityRecords.StoredObject object : sample) {
            present += objects.holds(object.tenant(), object.id()) ? 1 : 0;
        }
        if (present * 2 <= sample.size()) {
            throw StoreNotRecognized.notProven(marker.location(), "the store holds " + present + " of the objects of "
                    + "the " + sample.size() + " files it committed last (more than half must be there)");
        }
        return true;
    }
}
