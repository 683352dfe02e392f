package io.vaultgate.server.tls;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes the replacements of one directory's server certificate, and the start's repair of one: across processes
 * (two {@code vaultgate tls} commands, or one and a starting gateway) with an exclusive lock on
 * {@code tls/.replace.lock}, and across the threads of one JVM, which a file lock cannot tell apart. Every replacement
 * stages its pair under the same {@code .new} names, so two at once could rename one's files after the other's audit
 * record (review32 M1).
 */
final class ReplacementLock {

    private static final Map<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    /** What runs under the lock. */
    interface Action<T> {
        T run() throws IOException;
    }

    private ReplacementLock() {
    }

    static <T> T around(Path tlsDir, Action<T> action) throws IOException {
        Path file = tlsDir.toAbsolutePath().normalize().resolve(".replace.lock");
        ReentrantLock local = LOCAL.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            local.unlock();
        }
    }
}
