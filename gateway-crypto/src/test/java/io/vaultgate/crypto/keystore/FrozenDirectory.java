package io.vaultgate.crypto.keystore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * A directory in which no file can be created, renamed or deleted until {@link #close()}: where a
 * keystore rewrite fails the way it does on a full or read-only disk. Mode r-x for an ordinary user;
 * root ignores modes, so for root the immutable attribute ({@code chattr +i}) is set instead. The
 * test is skipped where neither works.
 */
final class FrozenDirectory implements AutoCloseable {
  private final Path dir;
  private final Set<PosixFilePermission> mode;
  private boolean immutable;

  private FrozenDirectory(Path dir) throws IOException {
    this.dir = dir;
    this.mode = Files.getPosixFilePermissions(dir);
  }

  static FrozenDirectory freeze(Path dir) throws IOException, InterruptedException {
    FrozenDirectory frozen = new FrozenDirectory(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
    if (!frozen.writable()) {
      return frozen;
    }
    frozen.immutable = run("chattr", "+i", dir.toString());
    if (frozen.immutable && !frozen.writable()) {
      return frozen;
    }
    frozen.close();
    Assumptions.abort("cannot make a directory unwritable here (root without chattr +i)");
    return frozen;
  }

  private boolean writable() throws IOException {
    try {
      Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    if (immutable) {
      try {
        run("chattr", "-i", dir.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      immutable = false;
    }
    Files.setPosixFilePermissions(dir, mode);
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false; // no chattr on this machine
    }
  }
}
