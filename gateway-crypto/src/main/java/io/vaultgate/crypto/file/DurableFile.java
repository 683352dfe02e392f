package io.vaultgate.crypto.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Writes a file so that a crash or power loss leaves either the old file (or none) or the whole new one under its name,
 * never a part, and the new one durable once a write returns: the content goes to a temporary file beside it (its mode
 * set at its creation, before any byte is written), which is flushed ({@code fsync}), renamed into place atomically,
 * and the directory flushed so the rename is durable too. Used for every key, secret and identity file the gateway
 * writes (keystore, master secret, token files, audit signing key, SSH host keys, TLS keys and certificates, node id).
 *
 * <p>The temporary file is {@code .<name>.tmp} unless the caller names one; a copy an interrupted write left there is
 * removed by the next write. With {@link Replace#NEVER} an existing file is not replaced: the new one is linked into
 * place (a hard link fails if the name exists), so two writers never both believe they wrote it.
 */
public final class DurableFile {

  /** The mode a file or directory is created with, from its creation on. */
  public enum Mode {
    /** Only the owner may read or write it: {@code 0600} a file, {@code 0700} a directory. Every secret. */
    OWNER_ONLY,
    /** What the process's umask leaves of {@code 0666} / {@code 0777}. */
    UMASK
  }

  /** Whether a write replaces a file already under the name. */
  public enum Replace {
    EXISTING,
    NEVER
  }

  /** Writes the content to the stream it is given; may throw, leaving nothing under the final name. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private DurableFile() {
  }

  /** Writes {@code text} (UTF-8; US-ASCII texts are the same bytes). */
  public static void writeString(Path file, String text, Mode mode, Replace replace)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    write(file, out -> out.write(bytes), mode, replace);
  }

  /** Writes what {@code content} writes, through {@code .<name>.tmp} beside {@code file}. */
  public static void write(Path file, Content content, Mode mode, Replace replace)
      throws IOException {
    Path absolute = file.toAbsolutePath();
    write(absolute, absolute.resolveSibling("." + absolute.getFileName() + ".tmp"), content, mode, replace);
  }

  /** As {@link #write(Path, Content, Mode, Replace)}, through {@code temporary} (in the same directory). */
  public static void write(Path file, Path temporary, Content content, Mode mode,
      Replace replace) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path tmp = temporary.toAbsolutePath();
    Path dir = absolute.getParent();
    if (!dir.equals(tmp.getParent())) {
      throw new IllegalArgumentException(tmp + " is not in the directory of " + absolute);
    }
    if (replace == Replace.NEVER && Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(absolute.toString());
    }
    Files.deleteIfExists(tmp); // a copy an interrupted write left
    try {
      try (FileChannel channel = FileChannel.open(tmp,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes(mode, "rw-------"))) {
        OutputStream out = Channels.newOutputStream(channel); // not closed apart: closing it closes the channel
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      if (replace == Replace.EXISTING) {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.createLink(absolute, tmp); // fails if the name exists meanwhile
        Files.delete(tmp);
      }
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(tmp); // nothing was renamed: the name holds the old file or none
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    forceDirectory(dir);
  }

  /**
   * Creates {@code dir} and any missing parent with {@code mode}, and flushes the
   * parent of each directory it created, so the new entries survive a power loss; does nothing if it exists.
   */
  public static Path createDirectories(Path dir, Mode mode) throws IOException {
    Path absolute = dir.toAbsolutePath();
    Deque<Path> missing = new ArrayDeque<>();
    for (Path at = absolute; at != null && !Files.isDirectory(at); at = at.getParent()) {
      missing.push(at);
    }
    while (!missing.isEmpty()) {
      Path next = missing.pop();
      try {
        Files.createDirectory(next, attributes(mode, "rwx------"));
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(next)) {
          throw e;
        }
        continue; // made meanwhile by another thread, which flushes its parent
      }
      forceDirectory(next.getParent());
    }
    return dir;
  }

  /** Flushes a directory, so the entries created, renamed or removed in it are durable. */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static FileAttribute<?>[] attributes(Mode mode, String ownerOnly) {
    if (mode == Mode.UMASK || !FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(ownerOnly))};
  }
}
