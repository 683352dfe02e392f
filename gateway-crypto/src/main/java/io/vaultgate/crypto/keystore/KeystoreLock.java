package io.vaultgate.crypto.keystore;

import io.vaultgate.crypto.CryptoException;
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
import java.util.function.Supplier;

/**
 * Serializes the changes to one keystore file: across processes (the gateway and a CLI command run beside
 * it) with an exclusive lock on a sibling {@code .lock} file, and across the providers of this JVM, which a
 * file lock cannot tell apart. A change under this lock re-reads the file first, so none is lost.
 */
final class KeystoreLock {

  private static final Map<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

  private KeystoreLock() {}

  static <T> T around(Path keystore, Supplier<T> change) {
    Path file = keystore.toAbsolutePath().normalize();
    ReentrantLock local = LOCAL.computeIfAbsent(file, f -> new ReentrantLock());
    local.lock();
    try (FileChannel channel = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        FileLock ignored = channel.lock()) {
      return change.get();
    } catch (IOException e) {
      throw new CryptoException.ProviderUnavailable("cannot lock keystore " + file + " for a change", e);
    } finally {
      local.unlock();
    }
  }
}
