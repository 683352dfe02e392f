package io.vaultgate.crypto.keystore;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.file.DurableFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The keystore file: a small prefix naming the Argon2id parameters, then a standard PKCS#12 store
 * whose password is the Argon2id-stretched master secret.
 *
 * <pre>
 * offset size  field
 *      0    4  magic "VGKS"
 *      4    1  file version (1)
 *      5    1  KDF id (1 = Argon2id, version 0x13)
 *      6    4  Argon2id memory in KiB, u32 big-endian
 *     10    4  Argon2id iterations, u32
 *     14    1  Argon2id parallelism, u8
 *     15   16  Argon2id salt
 *     31    …  PKCS#12 (password = base64url, unpadded, of the 32-byte Argon2id output)
 * </pre>
 *
 * <p>Written atomically (temporary file with mode 0600, fsync, rename, directory fsync). Opening
 * refuses a file readable by anyone but its owner.
 *
 * <p>The temporary file has one name per keystore, {@code .keystore-<file name>.tmp} beside it. A crash
 * between its flush and the rename leaves a whole copy of the store there, with every tenant's KEKs: each
 * rewrite replaces it and {@link KeystoreKeyProvider#open} removes it (both under {@link KeystoreLock}), with
 * the randomly named copies earlier versions left ({@code .keystore-<digits>.tmp}), so a crypto-shred does
 * not leave its keys behind in a copy.
 */
final class KeystoreFile {
  private static final byte[] MAGIC = {'V', 'G', 'K', 'S'};
  private static final int VERSION = 1;
  private static final int KDF_ARGON2ID = 1;
  static final int SALT_SIZE = 16;
  private static final int PREFIX_SIZE = 31;
  private static final long MAX_FILE_SIZE = 64L * 1024 * 1024;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final String TEMPORARY_PREFIX = ".keystore-";
  private static final Pattern EARLIER_TEMPORARY = Pattern.compile("\\.keystore-[0-9]+\\.tmp");

  /** A loaded store and the parameters that protect it. */
  record Loaded(KdfParams params, byte[] salt, KeyStore keyStore) {}

  private KeystoreFile() {}

  static Loaded load(Path path, MasterSecret secret) {
    Contents contents = Contents.read(path);
    char[] password = password(secret, contents.params, contents.salt);
    try {
      return new Loaded(contents.params, contents.salt, contents.open(password));
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * Loads the file again with the password derived when it was opened, after another process changed it.
   *
   * @throws CryptoException.ProviderUnavailable if it is now protected differently (its master secret was
   *     rotated elsewhere): this process must be restarted with the new secret
   */
  static KeyStore reload(Path path, byte[] salt, char[] password) {
    Contents contents = Contents.read(path);
    if (!Arrays.equals(contents.salt, salt)) {
      throw new CryptoException.ProviderUnavailable("keystore " + path + " was re-protected by another process "
          + "(master secret rotated); restart with the new secret");
    }
    return contents.open(password);
  }

  /**
   * The aliases of the store's entries, read without the master secret: PKCS#12 keeps each entry's name in the clear
   * beside its separately encrypted key. Not authenticated (checking the MAC needs the password), so for reports
   * only, never for a decision about keys ({@link KeystoreInventory}).
   *
   * @throws CryptoException.ProviderUnavailable if the file is missing, not private to its owner, or not readable
   *     as a keystore
   */
  static List<String> aliases(Path path) {
    return Contents.read(path).aliases();
  }

  /** The parsed header and the raw bytes of a keystore file. */
  private record Contents(Path path, byte[] bytes, KdfParams params, byte[] salt) {

    static Contents read(Path path) {
      checkPermissions(path);
      byte[] bytes;
      try {
        if (Files.size(path) > MAX_FILE_SIZE) {
          throw new CryptoException.ProviderUnavailable("keystore " + path + " is implausibly large");
        }
        bytes = Files.readAllBytes(path);
      } catch (IOException e) {
        throw new CryptoException.ProviderUnavailable("cannot read keystore " + path, e);
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (bytes.length < PREFIX_SIZE) {
        throw new CryptoException.UnsupportedFormat("not a Vaultgate keystore file: " + path);
      }
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)
          || (b.get() & 0xff) != VERSION || (b.get() & 0xff) != KDF_ARGON2ID) {
        throw new CryptoException.UnsupportedFormat("not a Vaultgate keystore file: " + path);
      }
      KdfParams params;
      try {
        params = new KdfParams(b.getInt(), b.getInt(), b.get() & 0xff);
      } catch (IllegalArgumentException e) {
        throw new CryptoException.UnsupportedFormat("keystore " + path + ": " + e.getMessage());
      }
      byte[] salt = new byte[SALT_SIZE];
      b.get(salt);
      return new Contents(path, bytes, params, salt);
    }

    KeyStore open(char[] password) {
      requireIntegrityCheck();
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(bytes, PREFIX_SIZE, bytes.length - PREFIX_SIZE), password);
        return ks;
      } catch (IOException | GeneralSecurityException e) {
        throw new CryptoException.ProviderUnavailable(
            "cannot open keystore " + path + ": wrong master secret or corrupted file");
      }
    }

    List<String> aliases() {
      requireIntegrityCheck();
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(bytes, PREFIX_SIZE, bytes.length - PREFIX_SIZE), null);
        return Collections.list(ks.aliases());
      } catch (IOException | GeneralSecurityException e) {
        throw new CryptoException.ProviderUnavailable("cannot read keystore " + path + ": corrupted file");
      }
    }

    /**
     * The JDK's PKCS#12 loader checks the MAC only when the file has one. Without it nothing binds the
     * separately encrypted KEKs to their aliases: whoever may write the file, master secret or not, could
     * drop the MAC and file one tenant's KEK under another tenant's name. Every store this class writes has one.
     */
    private void requireIntegrityCheck() {
      boolean hasMac;
      try {
        hasMac = Pfx.getInstance(Arrays.copyOfRange(bytes, PREFIX_SIZE, bytes.length)).getMacData() != null;
      } catch (RuntimeException e) {
        throw new CryptoException.ProviderUnavailable(
            "cannot open keystore " + path + ": wrong master secret or corrupted file");
      }
      if (!hasMac) {
        throw new CryptoException.ProviderUnavailable("cannot open keystore " + path
            + ": it has no integrity check (PKCS#12 MAC), so it may have been altered; refusing it");
      }
    }
  }

  static void store(Path path, KdfParams params, byte[] salt, KeyStore ks, char[] password) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer prefix = ByteBuffer.allocate(PREFIX_SIZE);
    prefix.put(MAGIC).put((byte) VERSION).put((byte) KDF_ARGON2ID);
    prefix.putInt(params.memoryKiB()).putInt(params.iterations()).put((byte) params.parallelism());
    prefix.put(salt);
    out.writeBytes(prefix.array());
    try {
      ks.store(out, password);
      removeTemporaryCopies(path);
      byte[] bytes = out.toByteArray();
      DurableFile.write(path, temporary(path), stream -> stream.write(bytes), DurableFile.Mode.OWNER_ONLY,
          DurableFile.Replace.EXISTING);
    } catch (IOException | GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot write keystore " + path, e);
    }
  }

  /** Where a rewrite of {@code path} writes the new store before renaming it into place. */
  static Path temporary(Path path) {
    Path file = path.toAbsolutePath();
    return file.resolveSibling(TEMPORARY_PREFIX + file.getFileName() + ".tmp");
  }

  /**
   * Whether a copy of the store that a rewrite interrupted by a crash left beside {@code path} is there: this
   * version's temporary file, or one with the random name earlier versions used.
   */
  static boolean hasTemporaryCopies(Path path) {
    return !temporaryCopies(path).isEmpty();
  }

  /**
   * Deletes what {@link #hasTemporaryCopies} finds; the caller holds {@link KeystoreLock}, so no rewrite of
   * this keystore is writing one.
   *
   * @throws CryptoException.ProviderUnavailable if one cannot be deleted
   */
  static void removeTemporaryCopies(Path path) {
    for (Path copy : temporaryCopies(path)) {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException e) {
        throw new CryptoException.ProviderUnavailable("cannot remove " + copy + ", a copy of keystore " + path
            + " an interrupted rewrite left (it holds the keys the keystore held then): remove it", e);
      }
    }
  }

  private static List<Path> temporaryCopies(Path path) {
    Path temporary = temporary(path);
    List<Path> copies = new ArrayList<>();
    if (Files.exists(temporary, LinkOption.NOFOLLOW_LINKS)) {
      copies.add(temporary);
    }
    try (DirectoryStream<Path> earlier = Files.newDirectoryStream(temporary.getParent(),
        entry -> EARLIER_TEMPORARY.matcher(entry.getFileName().toString()).matches())) {
      earlier.forEach(copies::add);
    } catch (NoSuchFileException e) {
      return copies; // no directory, no keystore: opening it says so
    } catch (IOException e) {
      throw new CryptoException.ProviderUnavailable("cannot list the directory of keystore " + path, e);
    }
    return copies;
  }

  /** Derives the PKCS#12 password from the master secret. The caller zeroes the result. */
  static char[] password(MasterSecret secret, KdfParams params, byte[] salt) {
    byte[] s = secret.toByteArray(InsecureKeyAccess.get());
    byte[] derived = new byte[32];
    try {
      Argon2BytesGenerator gen = new Argon2BytesGenerator();
      gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
          .withVersion(Argon2Parameters.ARGON2_VERSION_13)
          .withMemoryAsKB(params.memoryKiB())
          .withIterations(params.iterations())
          .withParallelism(params.parallelism())
          .withSalt(salt)
          .build());
      gen.generateBytes(s, derived);
      byte[] encoded = Base64.getUrlEncoder().withoutPadding().encode(derived);
      CharBuffer chars = StandardCharsets.US_ASCII.decode(ByteBuffer.wrap(encoded));
      char[] password = Arrays.copyOf(chars.array(), chars.limit());
      Arrays.fill(encoded, (byte) 0);
      Arrays.fill(chars.array(), '\0');
      return password;
    } finally {
      Arrays.fill(s, (byte) 0);
      Arrays.fill(derived, (byte) 0);
    }
  }

  /** Refuses a keystore that anyone but its owner can read or write. */
  static void checkPermissions(Path path) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(path);
    } catch (NoSuchFileException e) {
      throw new CryptoException.ProviderUnavailable(
          "keystore " + path + " does not exist; create it first");
    } catch (AccessDeniedException e) {
      throw new CryptoException.ProviderUnavailable("keystore " + path + " is not readable");
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to check
    } catch (IOException e) {
      throw new CryptoException.ProviderUnavailable("cannot stat keystore " + path, e);
    }
    if (!OWNER_ONLY.containsAll(perms)) {
      throw new CryptoException.ProviderUnavailable("keystore " + path + " has permissions "
          + PosixFilePermissions.toString(perms) + "; it must be private to its owner: chmod 600 "
          + path);
    }
  }
}
