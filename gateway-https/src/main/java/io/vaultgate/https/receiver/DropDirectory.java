package io.vaultgate.https.receiver;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The receiver's drop directory. Received files appear at {@code <drop>/<tenant>/<account>/<path>} only once they
 * are complete and verified: they are written under {@code .vaultgate/tmp}, fsynced, renamed atomically
 * into place, and the directory is fsynced (and so, before that, is the parent of every directory made for it).
 * Then a marker {@code .vaultgate/received/<key>} records the idempotency key with the digest, size and place, so
 * a repeated delivery is recognized without rewriting the file. (A crash between the rename and the marker makes the next delivery rewrite the same
 * bytes in the same place: still exactly once in effect.) What the receiver creates is its user's alone,
 * whatever the umask: files {@code 0600}, directories {@code 0700} (they hold the clients' plaintext).
 */
class DropDirectory {

    /** Directories the receiver creates: {@code rwx------}. */
    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    /** Files the receiver creates: {@code rw-------}. */
    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** What a marker says about an earlier delivery. */
    record Received(String sha256, long size, String place) {
    }

    private final Path root;
    private final Path temporary;
    private final Path markers;
    private final Object creatingDirectories = new Object();

    DropDirectory(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.temporary = this.root.resolve(".vaultgate").resolve("tmp");
        this.markers = this.root.resolve(".vaultgate").resolve("received");
        createMissing(temporary);
        createMissing(markers);
        try (var leftovers = Files.list(temporary)) {
            for (Path leftover : (Iterable<Path>) leftovers::iterator) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    Path root() {
        return root;
    }

    Optional<Received> received(String key) throws IOException {
        Path marker = markers.resolve(key);
        if (!Files.exists(marker)) {
            return Optional.empty();
        }
        String[] fields = Files.readString(marker, StandardCharsets.UTF_8).strip().split(" ", 3);
        return Optional.of(new Received(fields[0], Long.parseLong(fields[1]), fields.length > 2 ? fields[2] : ""));
    }

    /** A new temporary file for an incoming body. */
    Path newTemporary() {
        return temporary.resolve(UUID.randomUUID() + ".part");
    }

    /**
     * Makes a complete, verified temporary file visible at {@code target} and records its key. The marker is
     * written (and synced) before the file is moved, so a full disk fails the delivery before anything is
     * visible; a failure after that leaves the complete file in place without a marker (the gateway's retry
     * writes the same bytes again). The marker's temporary file never stays behind.
     */
    void publish(Path written, Path target, String key, String sha256, long size) throws IOException {
        Path marker = newTemporary();
        try {
            String place = root.relativize(target).toString();
            try (FileChannel channel = FileChannel.open(marker, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PRIVATE_FILE)) {
                channel.write(StandardCharsets.UTF_8.encode(sha256 + " " + size + " " + place + "\n"));
                channel.force(true);
            }
            place(written, target);
            fsyncDirectory(target.getParent());
            Files.move(marker, markers.resolve(key), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(markers);
        } finally {
            Files.deleteIfExists(marker);
        }
    }

    /**
     * Moves the file to {@code target}, creating the directories above it. When that fails because of what is on
     * disk at that path, not for want of space (a file where a directory is needed, a directory where the file
     * goes, a path over the file system's limits), the failure is {@link Unplaceable}: this delivery can never
     * succeed until someone at the site clears the way, so it must not be answered as a passing shortage.
     */
    private void place(Path written, Path target) throws IOException {
        try {
            createParents(target);
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Optional<String> why = obstacle(target, e);
            if (why.isPresent()) {
                throw new Unplaceable(root.relativize(target) + ": " + why.get(), e);
            }
            throw e;
        }
    }

    /**
     * Creates the missing directories above {@code target} one level at a time, from the tenant's down, and syncs
     * the directory each new one is made in before making the next: the file's rename, its directory's sync and the
     * marker come after, so a power loss can never keep the marker ("already received") but lose a directory entry
     * on the way to the file. An existing parent costs one stat and no sync. Creation is serialized, so no upload
     * goes on under a directory another upload has made but not yet synced. Something in the way (a file where a
     * directory is needed) fails here ("file exists" or "not a directory"), for {@link #obstacle} to name.
     */
    private void createParents(Path target) throws IOException {
        Path parent = target.getParent();
        synchronized (creatingDirectories) {
            if (!Files.isDirectory(parent)) {
                createMissing(parent);
            }
        }
    }

    /**
     * Creates {@code directory} and the missing ones above it, top down, syncing the directory each is made in before
     * making the next. Also the drop directory and its {@code .vaultgate} area at start: a marker must never outlive,
     * after a power loss, the directory entry that leads to it.
     */
    private void createMissing(Path directory) throws IOException {
        Path existing = directory;
        while (existing.getParent() != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing.equals(directory)) {
            return;
        }
        Path at = existing;
        for (Path name : existing.relativize(directory)) {
            at = at.resolve(name);
            Files.createDirectory(at, PRIVATE_DIRECTORY);
            fsyncDirectory(at.getParent());
        }
    }

    /** What at or above {@code target} (below the root) stands in the way, if that is why {@code failure} happened. */
    private Optional<String> obstacle(Path target, IOException failure) {
        for (Path at = root.resolve(root.relativize(target).getName(0)); !at.equals(target);
                at = at.resolve(target.getName(at.getNameCount()))) {
            if (Files.exists(at, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(at)) {
                return Optional.of(root.relativize(at) + " is a file where a directory is needed");
            }
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("a directory is in the file's place");
        }
        if (failure instanceof FileSystemException fs && fs.getReason() != null
                && fs.getReason().toLowerCase(java.util.Locale.ROOT).contains("name too long")) {
            return Optional.of("the path is too long for the drop directory's file system");
        }
        return Optional.empty();
    }

    /** The file cannot be put at its path as the drop directory stands; the message is safe to send. */
    static final class Unplaceable extends IOException {
        Unplaceable(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** Makes {@code directory}'s entries durable (what was created, renamed or removed in it). */
    void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
