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
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Stores objects as files ({@link FileStoreLayout}): {@code <root>/<tenant>/<object id>} when committed and
 * {@code <root>/<tenant>/.pending/<object id>} while being written; directories 0700, files 0600. Commit is an
 * fdatasync of the object issued together with its atomic rename and the directory's fsync, both awaited
 * ({@link FileCommit}). A large object is flushed in the background as it is written ({@link WritebackChannel}, every
 * {@value #WRITEBACK_EVERY_MIB} MiB), so the commit's flush waits for the last stretch only. The store's identity is
 * its marker, {@link #marker()}, checked at start by {@link StoreIdentity}.
 */
public final class FileSystemObjectStore implements ObjectStore {

    static final int WRITEBACK_EVERY_MIB = 32;
    private static final Executor WRITEBACK = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "object-writeback");
        thread.setDaemon(true);
        return thread;
    });
    /** See {@link FileCommit#OVERLAPPED_UP_TO}. */
    static final long OVERLAPPED_UP_TO = FileCommit.OVERLAPPED_UP_TO;
    /** Objects larger than this are read directly where they are written so: twice what goes through the cache. */
    static final long DIRECT_READ_ABOVE = 2 * WritebackChannel.SYNC_BYTES;

    private final FileStoreLayout layout;
    private final long writebackEvery;
    private final Executor flusher;
    private final WritebackChannel.Flush flush;
    private final FileCommit commit;
    private final FileStoreMarker marker;
    /** The block size of direct writes behind, or empty: written through the page cache. */
    private final OptionalInt directBlock;

    /** A store under {@code root} whose large objects are written directly where its file system allows it. */
    public FileSystemObjectStore(Path root) throws IOException {
        this(root, true);
    }

    /** As above, with direct writes only if {@code directIo} ({@code storage.direct-io}) and the root allows them. */
    public FileSystemObjectStore(Path root, boolean directIo) throws IOException {
        this(new FileStoreMarker(root), directIo);
    }

    /**
     * The store whose {@code marker} {@link StoreIdentity} checked (before this store was opened, so that nothing is
     * created or written in a root that is not the catalog's store): it is the one {@link #stillRecognized} reads.
     */
    public FileSystemObjectStore(FileStoreMarker marker, boolean directIo) throws IOException {
        this(marker, WRITEBACK_EVERY_MIB * (1L << 20), WRITEBACK, channel -> channel.force(false),
                FileCommit.SHARED_FLUSHERS, directIo);
    }

    /**
     * Whether the store whose marker is {@code marker} (its root) holds a committed object, for {@link StoreIdentity}
     * before the store is opened: a plain open, which creates nothing. The store later opened with the same marker
     * ({@link #FileSystemObjectStore(FileStoreMarker, boolean)}) is the one asked here.
     */
    public static StoreIdentity.Objects committedObjects(FileStoreMarker marker) {
        Path root = marker.root();
        return (tenant, id) -> {
            try (FileChannel ignored = FileChannel.open(FileStoreLayout.committed(root, tenant, id),
                    StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        };
    }

    /** With another background flush: every {@code writebackEvery} bytes, on {@code flusher}, by {@code flush}. */
    FileSystemObjectStore(Path root, long writebackEvery, Executor flusher, WritebackChannel.Flush flush)
            throws IOException {
        this(root, writebackEvery, flusher, flush, FileCommit.SHARED_FLUSHERS);
    }

    /** As above, a commit's data flush running on {@code commitFlush} (which may reject it: then on the caller). */
    FileSystemObjectStore(Path root, long writebackEvery, Executor flusher, WritebackChannel.Flush flush,
                          Executor commitFlush) throws IOException {
        this(new FileStoreMarker(root), writebackEvery, flusher, flush, commitFlush, true);
    }

    private FileSystemObjectStore(FileStoreMarker marker, long writebackEvery, Executor flusher,
                                  WritebackChannel.Flush flush, Executor commitFlush, boolean directIo)
            throws IOException {
        this.layout = new FileStoreLayout(marker.root());
        this.writebackEvery = writebackEvery;
        this.flusher = flusher;
        this.flush = flush;
        this.commit = new FileCommit(commitFlush);
        this.marker = marker;
        this.directBlock = directIo ? DirectIo.blockSize(layout.root()) : OptionalInt.empty();
    }

    /** Whether large objects are written, and objects read, with direct I/O here ({@link DirectIo} logs why not). */
    public boolean writesDirectly() {
        return directBlock.isPresent();
    }

    /** The store's marker, {@code <root>/.vaultgate-store}. */
    public StoreMarker marker() {
        return marker;
    }

    /** False once the marker the start's check read, or wrote, is gone or names another store. */
    @Override
    public boolean stillRecognized() throws IOException {
        return marker.stillNamesWhatItNamed();
    }

    @Override
    public PendingObject create(TenantId tenant, ObjectId id) throws IOException {
        Path pending = layout.pendingDir(tenant);
        FileStoreLayout.createPrivateDirectories(pending);
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
        Path file = layout.pendingDir(tenant).resolve(id.value());
        Path committed = layout.tenantDir(tenant).resolve(id.value());
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(committed, LinkOption.NOFOLLOW_LINKS)) {
            FileStoreLayout.createPrivateDirectories(file.getParent());
            Files.move(committed, file, StandardCopyOption.ATOMIC_MOVE);
            FileStoreLayout.fsyncDirectory(file.getParent());
            FileStoreLayout.fsyncDirectory(committed.getParent());
        }
        return pending(id, file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /** See {@link FileCommit}: data flush beside the rename and directory flush, both awaited; closes the object. */
    @Override
    public void commit(TenantId tenant, PendingObject object) throws IOException {
        commit.commit(layout, tenant, (FilePendingObject) object);
    }

    /**
     * Reads a committed object. One written mostly directly (more than {@link #DIRECT_READ_ABOVE} bytes: its first
     * MiB went through the page cache) is read directly too, in aligned chunks read ahead
     * ({@link DirectReadChannel}): it is not in the cache, where a buffered read of it would cost several times the
     * CPU. A smaller one was written through the cache and is likely still there: a plain read is cheaper for it,
     * and one disk read of its whole would add its latency to every small download or forward. The object is opened
     * plain, and its size taken from the open descriptor: no lookup of its path besides the open, and only a large
     * object is opened again, directly.
     */
    @Override
    public SeekableByteChannel open(TenantId tenant, ObjectId id) throws IOException {
        Path file = layout.committed(tenant, id);
        FileChannel plain = FileChannel.open(file, StandardOpenOption.READ);
        if (directBlock.isEmpty()) {
            return plain;
        }
        try {
            if (plain.size() <= DIRECT_READ_ABOVE) {
                return plain;
            }
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(plain, e);
            throw e;
        }
        plain.close();
        return DirectReadChannel.open(file, directBlock.getAsInt());
    }

    private static void closeAfterFailure(FileChannel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void delete(TenantId tenant, ObjectId id) throws IOException {
        Path dir = layout.tenantDir(tenant);
        boolean deleted = Files.deleteIfExists(dir.resolve(id.value()))
                | Files.deleteIfExists(layout.pendingDir(tenant).resolve(id.value()));
        if (deleted) {
            FileStoreLayout.fsyncDirectory(dir);
        }
    }

    @Override
    public int sweep(TenantId tenant, ReferencedObjects referenced) throws IOException {
        return sweepDir(layout.tenantDir(tenant), ids -> referenced.committed(tenant, ids))
                + sweepDir(layout.pendingDir(tenant), ids -> referenced.pending(tenant, ids));
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
            FileStoreLayout.fsyncDirectory(dir);
        }
        return removed;
    }
}
