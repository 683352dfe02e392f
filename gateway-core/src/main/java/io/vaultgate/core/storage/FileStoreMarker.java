package io.vaultgate.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The marker of a file-system store, {@code <root>/.vaultgate-store}, mode 0600. Written to a temporary name,
 * flushed, renamed over the marker's name and the root directory flushed: after a power loss the marker is there
 * whole, or not at all.
 */
public final class FileStoreMarker implements StoreMarker {

    private final Path root;
    private final Path file;
    /** The id this marker named when first read or written here: the start's check of the store. */
    private final AtomicReference<StoreId> recognized = new AtomicReference<>();

    public FileStoreMarker(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.file = this.root.resolve(NAME);
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
     * Each write has its own temporary file (processes starting at once on one root each write the same id; a shared
     * temporary name would be renamed away under one of them); one left by a crash is a few bytes, never read.
     */
    @Override
    public void write(StoreId id) throws IOException {
        Path next = Files.createTempFile(root, NAME + ".", ".new",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
                ByteBuffer content = ByteBuffer.wrap(id.markerBytes());
                while (content.hasRemaining()) {
                    channel.write(content);
                }
                channel.force(true);
            }
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(next);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        FileStoreLayout.fsyncDirectory(root);
        recognized.compareAndSet(null, id);
    }
}
