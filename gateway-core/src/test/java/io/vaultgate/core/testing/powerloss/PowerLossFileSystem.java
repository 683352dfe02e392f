package io.vaultgate.core.testing.powerloss;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A file system for tests that simulates a power loss over a real directory: everything written under its
 * {@link #root()} goes to the disk as usual, while a {@link DurableImage} records what a strict POSIX file system
 * would still hold after the power went off, and {@link #restart()} puts exactly that back on the disk.
 *
 * <h2>The model (strict, as the ALICE and CrashMonkey papers' "POSIX-honest" file system)</h2>
 * <ul>
 *   <li>A file's data and size are durable only as of its last {@code fsync}/{@code fdatasync}
 *       ({@code FileChannel.force(true)} or {@code force(false)}, on any descriptor of the file: durability belongs
 *       to the inode). Everything written since is lost at a cut: the file comes back with exactly the content it had
 *       at its last flush, or <b>empty</b> if it was never flushed (what ext4's delayed allocation leaves for a new
 *       file whose entry another flush committed). No torn or reordered blocks are modelled: a cut loses the whole
 *       unflushed tail of a file, which is the strictest choice for the code under test, since it never reads torn
 *       content back as valid (a torn block is the AEAD's case, tested elsewhere).</li>
 *   <li>A directory's entries (a create, {@code mkdir}, link, rename, unlink in it) are durable only as of its last
 *       flush ({@code FileChannel.open(dir, READ).force(..)}, as {@code DurableFile} and the object store do). A file's
 *       {@code fsync} does not make its name durable, nor a directory's flush the data of the files it names. A
 *       rename between two directories is two entry changes, each made durable by a flush of its own directory: after
 *       a cut the file may have the new name, the old one, both (two links to one inode) or neither.</li>
 *   <li>A file's mode is what it had when last seen by a flush (of itself or of its directory).</li>
 *   <li>A writeback error ({@link #failFileFlushAfter}) is modelled as Linux has it since 4.13: the failing
 *       {@code fsync} reports it once; the bytes written since the file's previous flush are never written (the
 *       kernel marks the failed pages clean), so a later {@code fsync} succeeds without them; they keep what the disk
 *       held (zeros past it) until written again.</li>
 *   <li>The root directory itself always survives. Symbolic links and memory-mapped writes are refused
 *       (outside the model). {@code O_DIRECT} is dropped from an open's options: a direct write is not durable before
 *       a flush either (the disk's cache, the file's size), so it is modelled as any write.</li>
 * </ul>
 *
 * <h2>Injecting the cut</h2>
 * {@link #cutAfter(int)} arms the cut: that many more mutating operations run (an open that may create or truncate, a
 * write, a truncation, a flush, a mkdir, delete, rename, link), then the next one throws {@link PowerCut} instead of
 * running, and so does every later operation, from any thread, until {@link #restart()}. A test counts the
 * operations of a run once ({@link #operations()}), then repeats it with the cut after each of them. Operations run one
 * at a time (a lock), so a flush sees one consistent state even when the code under test flushes on other threads.
 *
 * <h2>Limits</h2>
 * Only code that reaches the disk through {@code java.nio.file} with these paths is modelled: not a
 * {@code java.io.File}, not native code (SQLite does its own flushes: the catalog is outside the model), not a path
 * turned into a URI. Reads are not counted and never fail before the cut. The mode of a directory is not restored.
 * Flushes are not passed to the disk (the image decides what survives; a test does not wait for the device).
 */
public final class PowerLossFileSystem extends FileSystem {

    private final Path realRoot;
    private final PowerLossProvider provider;
    private final DurableImage image;
    private final Object lock = new Object();
    private final List<String> trace = new ArrayList<>();
    private final Set<PowerLossChannel> open = new HashSet<>();
    private long epoch;
    private boolean powered = true;
    private int remaining = -1;
    private int operations;
    private int flushesBeforeFailure = -1;

    private PowerLossFileSystem(Path realRoot) throws IOException {
        this.realRoot = realRoot.toAbsolutePath().normalize();
        this.provider = new PowerLossProvider(this);
        this.image = new DurableImage(this.realRoot);
    }

    /** A power-loss file system over {@code realRoot} (an existing directory), whose content is taken as durable. */
    public static PowerLossFileSystem over(Path realRoot) throws IOException {
        if (!Files.isDirectory(realRoot)) {
            throw new IOException(realRoot + " is not a directory");
        }
        return new PowerLossFileSystem(realRoot);
    }

    /** The root directory: every path under it is on this file system. */
    public Path root() {
        return new PowerLossPath(this, realRoot);
    }

    /** After {@code count} more mutating operations, the power is cut (see the class comment). */
    public void cutAfter(int count) {
        synchronized (lock) {
            if (count < 0) {
                throw new IllegalArgumentException("negative count " + count);
            }
            remaining = count;
        }
    }

    /**
     * The file flush after {@code flushes} more file flushes (0: the next one) fails with an I/O error, as a
     * writeback error does: the bytes written since the file's last flush are never written to the disk, and a later
     * flush, which succeeds, does not write them either (Linux marks the failed pages clean; see the class comment).
     */
    public void failFileFlushAfter(int flushes) {
        synchronized (lock) {
            flushesBeforeFailure = flushes;
        }
    }

    /** Whether this file flush is the one to fail (called under the lock, by each file flush). */
    boolean takeFlushFailure() {
        if (flushesBeforeFailure < 0) {
            return false;
        }
        return flushesBeforeFailure-- == 0;
    }

    /** Cuts the power now. */
    public void cutPower() {
        synchronized (lock) {
            powered = false;
        }
    }

    /** Whether the power was cut (by {@link #cutPower} or an armed {@link #cutAfter}) and not yet restored. */
    public boolean powerWasCut() {
        synchronized (lock) {
            return !powered;
        }
    }

    /**
     * The power comes back: the tree under the root becomes what was durable (see the class comment), the count of
     * operations starts again, no cut is armed, and channels opened before fail with {@link PowerCut} forever.
     * Also after a run that the cut never reached: then only what was not flushed is lost.
     */
    public void restart() throws IOException {
        synchronized (lock) {
            powered = false;
            epoch++;
            for (PowerLossChannel channel : open) {
                channel.closeDescriptors(); // the dead process's descriptors, as its exit closes them
            }
            open.clear();
            image.rollBack();
            trace.clear();
            operations = 0;
            remaining = -1;
            flushesBeforeFailure = -1;
            powered = true;
        }
    }

    /** The mutating operations run since the file system was made or restarted. */
    public int operations() {
        synchronized (lock) {
            return operations;
        }
    }

    /** What those operations were, one line each (for a failure's message). */
    public List<String> trace() {
        synchronized (lock) {
            return List.copyOf(trace);
        }
    }

    /** An action on the disk that may fail. */
    @FunctionalInterface
    interface DiskAction<T> {
        T run() throws IOException;
    }

    /** Runs one mutating operation of a channel of {@code epoch} (or of the provider: the current one). */
    <T> T step(long epoch, String what, DiskAction<T> action) throws IOException {
        synchronized (lock) {
            requirePower(epoch, what);
            if (remaining == 0) {
                powered = false;
                throw new PowerCut(what);
            }
            if (remaining > 0) {
                remaining--;
            }
            operations++;
            trace.add(what);
            return action.run();
        }
    }

    /** Runs an operation that changes nothing on the disk (fails once the power is cut). */
    <T> T read(long epoch, String what, DiskAction<T> action) throws IOException {
        synchronized (lock) {
            requirePower(epoch, what);
            return action.run();
        }
    }

    void opened(PowerLossChannel channel) {
        synchronized (lock) {
            open.add(channel);
        }
    }

    void closed(PowerLossChannel channel) {
        synchronized (lock) {
            open.remove(channel);
        }
    }

    long epoch() {
        synchronized (lock) {
            return epoch;
        }
    }

    DurableImage image() {
        return image; // used under the lock, from step
    }

    /** Refuses a change outside the root: it would be outside the model. */
    Path realUnderRoot(Path path) throws IOException {
        Path real = PowerLossPath.unwrap(path).toAbsolutePath().normalize();
        if (!real.startsWith(realRoot)) {
            throw new IOException(real + " is outside the power-loss file system's root " + realRoot);
        }
        return real;
    }

    private void requirePower(long epoch, String what) throws PowerCut {
        if (!powered || epoch != this.epoch) {
            throw new PowerCut(what);
        }
    }

    @Override
    public PowerLossProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("a power-loss file system is not closed");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return FileSystems.getDefault().getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        FileSystems.getDefault().getRootDirectories().forEach(root -> roots.add(new PowerLossPath(this, root)));
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return FileSystems.getDefault().getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return FileSystems.getDefault().supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return new PowerLossPath(this, FileSystems.getDefault().getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
        return path -> matcher.matches(PowerLossPath.unwrap(path));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return FileSystems.getDefault().getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("a power-loss file system has no watch service");
    }
}
