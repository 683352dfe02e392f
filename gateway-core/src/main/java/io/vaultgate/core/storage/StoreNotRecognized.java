package io.vaultgate.core.storage;

import io.vaultgate.core.node.NodeStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The object store is not the one the catalog's objects were written to, or cannot show that it is
 * ({@link StoreIdentity}): the node must not start on it. The message names the store's marker, the ids involved and
 * what to do; {@link #problem()} and {@link #fix()} give its two halves, for a start-up line.
 */
public final class StoreNotRecognized extends IOException {

    /** Why the store was refused. */
    public enum Reason {
        /** The catalog records an id and the store has no marker: an empty mount point, or a wrong root or prefix. */
        MARKER_MISSING,
        /** The store's marker names another id than the catalog. */
        DIFFERENT_STORE,
        /** The catalog is new (no file) and the store already belongs to an installation. */
        FOREIGN_STORE,
        /** An existing catalog without a recorded id, and a store that does not show the catalog's objects. */
        NOT_PROVEN,
        /** The marker's content is not a marker's text. */
        MARKER_UNREADABLE,
        /** {@code vaultgate store adopt} only: a node of the catalog is alive (its heartbeat is fresh). */
        NODES_RUNNING
    }

    private final Reason reason;
    private final String problem;
    private final String fix;

    private StoreNotRecognized(Reason reason, String problem, String fix) {
        super(problem + "; " + fix);
        this.reason = reason;
        this.problem = problem;
        this.fix = fix;
    }

    static StoreNotRecognized markerMissing(String marker, StoreId recorded) {
        return new StoreNotRecognized(Reason.MARKER_MISSING, "no store marker at " + marker + " while the catalog "
                + "records store " + recorded + ": this is not the store the catalog's objects were written to (its "
                + "file system not mounted yet? a wrong storage path, bucket or prefix?)", "mount the store, or "
                + "point the configuration at it, and start again; if its objects were restored from a backup "
                + "without the marker, see docs/operations.md, \"Store identity\"");
    }

    static StoreNotRecognized differentStore(String marker, StoreId found, StoreId recorded) {
        return new StoreNotRecognized(Reason.DIFFERENT_STORE, "the store marker at " + marker + " names store "
                + found + " while the catalog records store " + recorded + ": this is another store than the one "
                + "the catalog's objects were written to", "point the configuration at the catalog's own store (or "
                + "the catalog at this store's own catalog) and start again (docs/operations.md, \"Store identity\")");
    }

    static StoreNotRecognized foreignStore(String marker, StoreId found) {
        return new StoreNotRecognized(Reason.FOREIGN_STORE, "the store marker at " + marker + " names store " + found
                + ", which this new catalog does not record: the store belongs to another installation, whose objects "
                + "this catalog would take for orphans", "give a new installation an empty store, or open the "
                + "store with its own catalog (docs/operations.md, \"Store identity\")");
    }

    static StoreNotRecognized notProven(String marker, String what) {
        return new StoreNotRecognized(Reason.NOT_PROVEN, "the catalog records no store yet (it predates store "
                + "markers) and " + what + ", so " + marker + " is not written: the store may not be the one the "
                + "catalog's objects were written to (its file system not mounted yet? a wrong storage path, bucket or "
                + "prefix?)", "mount the store, or point the configuration at it, and start again "
                + "(docs/operations.md, \"Store identity\")");
    }

    public static StoreNotRecognized unreadableMarker(String marker) {
        return new StoreNotRecognized(Reason.MARKER_UNREADABLE, "the store marker at " + marker + " is not a "
                + "Vaultgate store marker", "check what wrote it; the store's marker is one line, \"vaultgate-store "
                + "<id>\" (docs/format.md, \"Store identity\")");
    }

    /** {@code vaultgate store adopt} on a catalog without a committed file: nothing the store could show. */
    static StoreNotRecognized changedWhileAdopting(String marker) {
        return new StoreNotRecognized(Reason.NOT_PROVEN, "the catalog's store id changed while the store at " + marker
                + " was being adopted (a node started meanwhile?); nothing was recorded", "stop every node of the "
                + "catalog and run vaultgate store adopt again");
    }

    /**
     * {@code store adopt} while nodes run: {@code live} beat within the time after which the nodes take one another
     * for dead ({@link NodeStatus#alive}).
     */
    static StoreNotRecognized nodesRunning(String marker, List<NodeStatus> live) {
        return new StoreNotRecognized(Reason.NODES_RUNNING, live.stream().map(node -> "node " + node.id()
                + " heartbeat " + node.silence().toSeconds() + " s ago").collect(Collectors.joining(", "))
                + ": the store at " + marker + " is not adopted while a node serves the catalog (it reads and writes "
                + "the store it recognized; a node still starting is not named here, as it beats only once its store "
                + "is recognized); nothing was recorded", "stop every node, then run vaultgate store adopt again");
    }

    /**
     * {@code store adopt} while a start records the store's id: the catalog holds an id not confirmed yet, recorded
     * {@code age} ago, less than {@link StoreIdentity#GRACE} (a starting node has no heartbeat yet).
     */
    static StoreNotRecognized nodeStarting(String marker, StoreId recorded, Duration age) {
        return new StoreNotRecognized(Reason.NODES_RUNNING, "a start recorded store id " + recorded + " "
                + age.toSeconds() + " s ago and has not confirmed it: a node is starting, and the store at " + marker
                + " is not adopted while one is; nothing was recorded", "stop every node, then run vaultgate store "
                + "adopt again (a start that stopped before confirming its id counts as stopped "
                + StoreIdentity.GRACE.toSeconds() + " s after it recorded it)");
    }

    static StoreNotRecognized notAdoptable(String marker) {
        return new StoreNotRecognized(Reason.NOT_PROVEN, "the catalog has no committed file whose object the store "
                + "at " + marker + " could show, so it cannot be shown to be the catalog's store", "a new "
                + "installation records its store at its first start; for a catalog with uploads in progress only, "
                + "see docs/operations.md, \"Store identity\"");
    }

    /** A marker larger than a marker can be, refused without reading it whole. */
    public static StoreNotRecognized oversizedMarker(String marker, int maxBytes) {
        return new StoreNotRecognized(Reason.MARKER_UNREADABLE, "the store marker at " + marker + " is larger than "
                + maxBytes + " bytes, so it is not a Vaultgate store marker", "check what wrote it; the store's "
                + "marker is one line, \"vaultgate-store <id>\" (docs/format.md, \"Store identity\")");
    }

    public Reason reason() {
        return reason;
    }

    /** What is wrong, naming the marker and the ids. */
    public String problem() {
        return problem;
    }

    /** What the operator does about it. */
    public String fix() {
        return fix;
    }
}
