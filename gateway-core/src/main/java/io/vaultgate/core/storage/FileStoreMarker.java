package io.vaultgate.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The marker of a file-system store, {@code <root>/.vaultgate-store}, mode 0600. Written to a temporary name,
 * flushed, linked to the marker's name (never replacing one) and the root directory flushed: after a power loss the
 * marker is there whole, or not at all. Reading it creates nothing: a missing root reads as no marker.
 */
public final class FileStoreMarker implements StoreMarker {

    private static final Logger LOG = LoggerFactory.getLogger(FileStoreMarker.class);
    /** A temporary file of {@link #write}: {@link Files#createTempFile} puts an unsigned random long in between. */
    private static final Pattern LEFTOVER = Pattern.compile(Pattern.quote(NAME) + "\\.[0-9]+\\.new");

    private final Path root;
    private final Path file;
    /** The id this marker named when first read or written here: the start's check of the store. */
    private final AtomicReference<StoreId> recognized = new AtomicReference<>();

    public FileStoreMarker(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.file = this.root.resolve(NAME);
    }

    /** The store's root (it may not exist). */
    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public Optional<StoreId> read() throws IOException {
        byte[] content;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocate(StoreId.MARKER_MAX_BYTES + 1);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // a marker is a few dozen bytes; one more than the most it can be tells a file that is not one
            }
            content = Arrays.copyOf(buffer.array(), buffer.position());
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
        if (content.length > StoreId.MARKER_MAX_BYTES) {
            throw StoreNotRecognized.oversizedMarker(location(), StoreId.MARKER_MAX_BYTES);
        }
        Optional<StoreId> id = StoreId.fromMarker(content);
        if (id.isEmpty()) {
            throw StoreNotRecognized.unreadableMarker(location());
        }
        recognized.compareAndSet(null, id.get());
        return id;
    }

    /**
     * False once this marker, read or written before, no longer names the id it named then (gone with its file
     * system's unmount, or another store's); true while it does, and for a marker never read here.
     */
    boolean stillNamesWhatItNamed() throws IOException {
        StoreId before = recognized.get();
        return before == null || read().filter(before::equals).isPresent();
    }

    /**
     * Each write has its own temporary file, {@code .vaultgate-store.<random>.new} (processes starting at once on one
     * root each write their own), flushed, then linked to the marker's name: the link fails where a marker is already
     * there, so a marker is never replaced (review25a L1), and is whole or absent after a power loss. The root is
     * created (0700) if missing: only a new installation's start, or one completing it, writes a marker.
     */
    @Override
    public boolean write(StoreId id) throws IOException {
        FileStoreLayout.createPrivateDirectories(root);
        Path next = Files.createTempFile(root, NAME + ".", ".new",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        boolean written;
        try {
            try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
                ByteBuffer content = ByteBuffer.wrap(id.markerBytes());
                while (content.hasRemaining()) {
                    channel.write(content);
                }
                channel.force(true);
            }
            written = link(next);
        } finally {
            Files.deleteIfExists(next);
        }
        FileStoreLayout.fsyncDirectory(root);
        if (written) {
            recognized.compareAndSet(null, id);
        }
        return written;
    }

    /** Links the marker's name to {@code next}; false where a marker is there already. */
    private boolean link(Path next) throws IOException {
        try {
            Files.createLink(file, next);
            return true;
        } catch (FileAlreadyExistsException there) {
            return false;
        } catch (NoSuchFileException gone) { // a start that found the marker in place removed our temporary file
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            throw gone;
        } catch (FileSystemException | UnsupportedOperationException noLinks) { // review26a L3: SMB, some FUSE mounts
            throw new IOException("cannot write the store marker " + file + ": it is made as a hard link, so that a "
                    + "marker another start wrote is never replaced, and the file system of " + root + " refused one ("
                    + noLinks.getMessage() + "); put storage.path on a file system with hard links (ext4, XFS, NFS)",
                    noLinks);
        }
    }

    /**
     * Deletes temporary marker files a crash mid-write left in the root (review25a L8): only names of the form
     * {@code .vaultgate-store.<digits>.new}, which nothing but {@link #write} creates.
     */
    @Override
    public void cleanUp() {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, NAME + ".*.new")) {
            for (Path leftover : leftovers) {
                if (LEFTOVER.matcher(leftover.getFileName().toString()).matches()
                        && Files.isRegularFile(leftover, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(leftover);
                    LOG.info("storage: deleted {}, a temporary store marker file an interrupted write left", leftover);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            LOG.warn("storage: could not delete the temporary store marker files in {}: {}", root, e.toString());
        }
    }
}
