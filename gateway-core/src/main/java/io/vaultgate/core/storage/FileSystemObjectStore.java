package io.vaultgate.core.storage;

import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Stores objects as files: {@code <root>/<tenant>/<object id>} when committed and
 * {@code <root>/<tenant>/.pending/<object id>} while being written. Directories are created 0700 and
 * files 0600; commit is an fdatasync of the object issued together with its atomic rename and the directory's fsync
 * (both awaited, see {@link #commit}). A large object is flushed in the background as it is written
 * ({@link WritebackChannel}, every {@value #WRITEBACK_EVERY_MIB} MiB), so the commit's flush waits for the last
 * stretch only.
 */
public final class FileSystemObjectStore implements ObjectStore {

    private static final String PENDING = PendingDirectories.NAME;
    static final int WRITEBACK_EVERY_MIB = 32;
    private static final Executor WRITEBACK = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "object-writeback");
        thread.setDaemon(true);
        return thread;
    });
    /** Commits whose data flush can run beside their rename at once; a commit past them flushes first, as before. */
    static final int COMMIT_FLUSHERS = 8;

    /**
     * The largest object whose data flush runs beside the rename ({@link #commit}): 1 MiB, what the caller writes in
     * one piece (every small file), so a power loss during its commit costs at most that much to send again.
     */
    static final long OVERLAPPED_UP_TO = 1 << 20;
    /** Objects larger than this are read directly where they are written so: twice what goes through the cache. */
    static final long DIRECT_READ_ABOVE = 2 * WritebackChannel.SYNC_BYTES;
    /**
     * Runs a commit's data flush while the committing thread renames the object and flushes the directory. No queue:
     * with every thread busy the committing thread flushes the data itself, before the rename (never waits for a
     * thread).
     */
    private static final Executor COMMIT_FLUSH = new ThreadPoolExecutor(0, COMMIT_FLUSHERS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "object-commit-flush");
                thread.setDaemon(true);
                return thread;
            });
    private final Path root;
    private final long writebackEvery;
    private final Executor flusher;
    private final WritebackChannel.Flush flush;
    private final Executor commitFlush;
    /** The block size of direct writes behind, or empty: written through the page cache. */
    private final OptionalInt directBlock;

    /** A store under {@code root} whose large objects are written directly where its file system allows it. */
    public FileSystemObjectStore(Path root) throws IOException {
        this(root, true);
    }

    /** As above, with direct writes only if {@code directIo} ({@code storage.direct-io}) and the root allows them. */
    public FileSystemObjectStore(Path root, boolean directIo) throws IOException {
        this(root, WRITEBACK_EVERY_MIB * (1L << 20), WRITEBACK, channel -> channel.force(false), COMMIT_FLUSH,
                directIo);
    }

    /** With another background flush: every {@code writebackEvery} bytes, on {@code flusher}, by {@code flush}. */
    FileSystemObjectStore(Path root, long writebackEvery, Executor flusher, WritebackChannel.Flush flush)
            throws IOException {
        this(root, writebackEvery, flusher, flush, COMMIT_FLUSH);
    }

    /** As above, a commit's data flush running on {@code commitFlush} (which may reject it: then on the caller). */
    FileSystemObjectStore(Path root, long writebackEvery, Executor flusher, WritebackChannel.Flush flush,
                          Executor commitFlush) throws IOException {
        this(root, writebackEvery, flusher, flush, commitFlush, true);
    }

    private FileSystemObjectStore(Path root, long writebackEvery, Executor flusher, WritebackChannel.Flush flush,
                                  Executor commitFlush, boolean directIo) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.writebackEvery = writebackEvery;
        this.flusher = flusher;
        this.flush = flush;
        this.commitFlush = commitFlush;
        createPrivateDirectories(this.root);
        this.directBlock = directIo ? DirectIo.blockSize(this.root) : OptionalInt.empty();
    }

    /** Whether large objects are written, and objects read, with direct I/O here (for the start-up log line). */
    public boolean writesDirectly() {
        return directBlock.isPresent();
    }

    @Override
    public PendingObject create(TenantId tenant, ObjectId id) throws IOException {
        Path pending = pendingDir(tenant);
        createPrivateDirectories(pending);
        Path file = pending.resolve(id.value());
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return pending(id, file, channel);
    }

    private FilePendingObject pending(ObjectId id, Path file, FileChannel channel) {
        WritebackChannel.DirectWrites direct = directBlock.isPresent()
                ? new WritebackChannel.DirectWrites(file, directBlock.getAsInt()) : null;
        return new FilePendingObject(id, file, new WritebackChannel(channel, direct, writebackEvery, flusher, flush,
                WritebackChannel.Behind.DEFAULT));
    }

    /**
     * Reopens {@code .pending/<id>}. Only an upload's id is ever reopened (an interrupted upload at recovery, a
     * partial being resumed), so an object under its committed name belongs to an upload the catalog never
     * published: the process died between {@link #commit}'s rename and the catalog's transaction. It is moved back
     * to {@code .pending} (both directories flushed) and reopened, so the upload stays resumable, as it does on S3,
     * where an object has one key whether committed or not.
     */
    @Override
    public PendingObject reopen(TenantId tenant, ObjectId id) throws IOException {
        Path file = pendingDir(tenant).resolve(id.value());
        Path committed = tenantDir(tenant).resolve(id.value());
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(committed, LinkOption.NOFOLLOW_LINKS)) {
            createPrivateDirectories(file.getParent());
            Files.move(committed, file, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(file.getParent());
            fsyncDirectory(committed.getParent());
        }
        return pending(id, file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /**
     * Two flushes of the store (the catalog's commit is the third): the data ({@code fdatasync}, which includes the
     * file size) and the tenant directory after the rename, which makes the committed name durable. They are issued
     * together, the data flush on a {@link #COMMIT_FLUSHERS commit flusher} thread while this thread renames and
     * flushes the directory, and both are awaited: the method returns, and the caller's catalog commit starts, only
     * once the data and the name are on disk, so an acknowledged file survives a power loss exactly as when the
     * flushes ran one after the other; only the wait is shorter (the longer of the two instead of their sum).
     *
     * <p>Only objects of {@link #OVERLAPPED_UP_TO} or less (small files) are flushed so; a larger one, or one whose
     * flush finds every flusher busy, is flushed before the rename, as before. What a power loss during a small
     * object's commit can now leave: the committed name durable over data that is not (the rename reached the disk,
     * the data flush had not returned). The catalog still says UPLOADING then (its commit comes after this method),
     * and that is the case {@link #reopen} handles for a crash between the rename and the catalog's commit: the
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
    @Override
    public void commit(TenantId tenant, PendingObject object) throws IOException {
        FilePendingObject pending = (FilePendingObject) object;
        try {
            makeFinal(tenant, pending);
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
    private void makeFinal(TenantId tenant, FilePendingObject pending) throws IOException {
        pending.requireOpen("the commit's data flush");
        Path dir = tenantDir(tenant);
        DataFlush data = new DataFlush(pending);
        if (pending.channel().size() > OVERLAPPED_UP_TO || !started(data)) {
            data.run(); // flushed before the rename, as a large object always is
            data.await();
        }
        Path target = dir.resolve(pending.id().value());
        try {
            Files.move(pending.file(), target, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(dir);
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

    private boolean started(DataFlush data) {
        try {
            commitFlush.execute(data);
            return true;
        } catch (RejectedExecutionException allBusy) {
            return false;
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

    /** A commit's flush of the object's data, run once, by a commit flusher or by the committing thread itself. */
    private static final class DataFlush implements Runnable {
        private final FilePendingObject object;
        private final CountDownLatch done = new CountDownLatch(1);
        private Throwable failure; // written before done counts down, read after it did

        DataFlush(FilePendingObject object) {
            this.object = object;
        }

        @Override
        public void run() {
            try {
                object.syncData();
            } catch (Throwable e) { // whatever it is, the committing thread must not take the data as flushed
                failure = e;
            } finally {
                done.countDown();
            }
        }

        /** Waits for the flush (not interruptible: the object must not be closed under it) and throws its failure. */
        void await() throws IOException {
            awaitDone();
            if (failure instanceof IOException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IOException("the object's data flush failed: " + failure, failure);
            }
        }

        /** Waits for the flush after the rename or directory flush failed with {@code primary}; adds its failure. */
        void awaitQuietly(Exception primary) {
            awaitDone();
            if (failure != null) {
                primary.addSuppressed(failure);
            }
        }

        private void awaitDone() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Reads a committed object. One written mostly directly (more than {@link #DIRECT_READ_ABOVE} bytes: its first
     * MiB went through the page cache) is read directly too, in aligned chunks read ahead
     * ({@link DirectReadChannel}): it is not in the cache, where a buffered read of it would cost several times the
     * CPU. A smaller one was written through the cache and is likely still there: a plain read is cheaper for it,
     * and one disk read of its whole would add its latency to every small download or forward.
     */
    @Override
    public SeekableByteChannel open(TenantId tenant, ObjectId id) throws IOException {
        Path file = tenantDir(tenant).resolve(id.value());
        if (directBlock.isPresent() && Files.size(file) > DIRECT_READ_ABOVE) {
            return DirectReadChannel.open(file, directBlock.getAsInt());
        }
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /** An object missing while the tenant's .pending directory is missing too proves nothing (root not mounted). */
    @Override
    public boolean provesGone(TenantId tenant) {
        return PendingDirectories.present(root, tenant);
    }

    @Override
    public void delete(TenantId tenant, ObjectId id) throws IOException {
        boolean deleted = Files.deleteIfExists(tenantDir(tenant).resolve(id.value()))
                | Files.deleteIfExists(pendingDir(tenant).resolve(id.value()));
        if (deleted) {
            fsyncDirectory(tenantDir(tenant));
        }
    }

    @Override
    public int sweep(TenantId tenant, ReferencedObjects referenced) throws IOException {
        return sweepDir(tenantDir(tenant), ids -> referenced.committed(tenant, ids))
                + sweepDir(pendingDir(tenant), ids -> referenced.pending(tenant, ids));
    }

    private int sweepDir(Path dir, Function<List<ObjectId>, Set<ObjectId>> referenced) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        SweepBatch<Path> batch = new SweepBatch<>(referenced, Files::deleteIfExists);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isRegularFile)) {
            for (Path entry : entries) {
                Optional<ObjectId> id = ObjectId.parse(entry.getFileName().toString());
                if (id.isPresent()) {
                    batch.add(id.get(), entry);
                } else {
                    batch.deleteStray(entry);
                }
            }
        }
        int removed = batch.finish();
        if (removed > 0) {
            fsyncDirectory(dir);
        }
        return removed;
    }

    private Path tenantDir(TenantId tenant) throws IOException {
        Path dir = root.resolve(tenant.value());
        createPrivateDirectories(dir);
        return dir;
    }

    private Path pendingDir(TenantId tenant) throws IOException {
        return tenantDir(tenant).resolve(PENDING);
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (NoSuchFileException gone) {
            // nothing to make durable
        }
    }

    /**
     * A pending object's file. Its flushes fail on a closed object ({@link ObjectNotFlushed}, review22d L4): closing
     * does not flush, so a closed object's bytes may not be on disk, and a flush that did not happen must not look
     * like one that did.
     */
    private record FilePendingObject(ObjectId id, Path file, WritebackChannel channel) implements PendingObject {
        @Override
        public void sync() throws IOException {
            requireOpen("a flush");
            channel.forceAll();
        }

        /** The data and the metadata needed to read it back (size), not the times ({@code fdatasync}). */
        void syncData() throws IOException {
            requireOpen("a data flush");
            channel.forceData();
        }

        void requireOpen(String flush) throws ObjectNotFlushed {
            if (!channel.isOpen()) {
                throw new ObjectNotFlushed(id, flush);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
