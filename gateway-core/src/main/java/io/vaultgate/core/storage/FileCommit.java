package io.vaultgate.core.storage;

import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The commit of a {@link FileSystemObjectStore}'s object: two flushes of the store (the catalog's commit is the
 * third), the data ({@code fdatasync}, which includes the file size) and the tenant directory after the rename, which
 * makes the committed name durable. They are issued together, the data flush on a {@link #COMMIT_FLUSHERS commit
 * flusher} thread while the committing thread renames and flushes the directory, and both are awaited: {@link #commit}
 * returns, and the caller's catalog commit starts, only once the data and the name are on disk, so an acknowledged
 * file survives a power loss exactly as when the flushes ran one after the other; only the wait is shorter (the
 * longer of the two instead of their sum).
 *
 * <p>Only objects of {@link #OVERLAPPED_UP_TO} or less (small files) are flushed so; a larger one, or one whose
 * flush finds every flusher busy, is flushed before the rename, as before. What a power loss during a small
 * object's commit can now leave: the committed name durable over data that is not (the rename reached the disk,
 * the data flush had not returned). The catalog still says UPLOADING then (its commit comes after this), and that is
 * the case {@link FileSystemObjectStore#reopen} handles for a crash between the rename and the catalog's commit: the
 * object goes back to {@code .pending} and recovery authenticates it. Recovery keeps the run of segments from
 * segment 0 that authenticates and truncates the rest; an object whose header or segment 0 is torn is discarded,
 * audited, instead of kept resumable (review22d M1). The client had no answer either way; only a small upload can
 * be lost to this, which its client sends again whole in less time than a resume would save. The
 * {@code .pending} directory is not flushed: a rename within one file system is atomic, so after a power loss
 * the object has its committed name (the directory flush above); were the old name ever to reappear next to it,
 * the start-up sweep removes it, as it removes every pending object the catalog does not list as in progress.
 * A failed data flush fails the commit and moves the object back to its pending name (the caller discards the
 * upload, which deletes the object under either name).
 *
 * <p>The object is closed whether the commit succeeds or fails (review22d L2), once no flush of it runs; a
 * closed object is refused ({@link ObjectNotFlushed}).
 */
final class FileCommit {

    /** Commits whose data flush can run beside their rename at once; a commit past them flushes first, as before. */
    static final int COMMIT_FLUSHERS = 8;
    /**
     * The largest object whose data flush runs beside the rename: 1 MiB, what the caller writes in one piece (every
     * small file), so a power loss during its commit costs at most that much to send again.
     */
    static final long OVERLAPPED_UP_TO = 1 << 20;
    /**
     * Runs a commit's data flush while the committing thread renames the object and flushes the directory. No queue:
     * with every thread busy the committing thread flushes the data itself, before the rename (never waits for a
     * thread).
     */
    static final Executor SHARED_FLUSHERS = new ThreadPoolExecutor(0, COMMIT_FLUSHERS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "object-commit-flush");
                thread.setDaemon(true);
                return thread;
            });

    private final Executor flushers;

    /** Data flushes beside the rename on {@code flushers} (which may reject one: then on the committing thread). */
    FileCommit(Executor flushers) {
        this.flushers = flushers;
    }

    /**
     * Makes {@code pending} final as its id's entry in the tenant's directory of {@code layout} (made if missing),
     * then closes it (also when the commit fails, making the directory included: review25a L3).
     */
    void commit(FileStoreLayout layout, TenantId tenant, FilePendingObject pending) throws IOException {
        try {
            makeFinal(layout.tenantDir(tenant), pending);
        } catch (Throwable failure) { // every way out of a failed commit closes the object (review22d L2)
            closeAfterFailure(pending, failure);
            throw failure;
        }
        pending.close();
    }

    /**
     * The commit but its close: on a failure the object is under its pending name again (or never left it), and no
     * flush of it is still running.
     */
    private void makeFinal(Path dir, FilePendingObject pending) throws IOException {
        pending.requireOpen("the commit's data flush");
        CommitDataFlush data = new CommitDataFlush(pending);
        if (pending.channel().size() > OVERLAPPED_UP_TO || !started(data)) {
            data.run(); // flushed before the rename, as a large object always is
            data.await();
        }
        Path target = dir.resolve(pending.id().value());
        try {
            Files.move(pending.file(), target, StandardCopyOption.ATOMIC_MOVE);
            FileStoreLayout.fsyncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            data.awaitQuietly(e);
            throw e;
        }
        try {
            data.await();
        } catch (IOException | Error e) {
            uncommit(target, pending.file(), e);
            throw e;
        }
    }

    private boolean started(CommitDataFlush data) {
        try {
            flushers.execute(data);
            return true;
        } catch (RejectedExecutionException allBusy) {
            return false;
        }
    }

    /**
     * Closes the object of a failed commit at once, rather than leaving its file open until the collector finds it:
     * the caller discards the upload, which deletes the file but not an open descriptor of it (its blocks stay
     * allocated while the descriptor lives), and nothing else ever closes it. Its own failure is added to the
     * commit's.
     */
    private static void closeAfterFailure(FilePendingObject pending, Throwable failure) {
        try {
            pending.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** After a failed data flush: the object back under its pending name, as a commit that failed leaves it. */
    private static void uncommit(Path committed, Path pending, Throwable failure) {
        try {
            Files.move(committed, pending, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e); // the caller's discard deletes it under either name
        }
    }
}
