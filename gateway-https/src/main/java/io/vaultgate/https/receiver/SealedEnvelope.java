package io.vaultgate.https.receiver;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.seal.DataKeySealer;
import io.vaultgate.crypto.seal.SealContext;
import io.vaultgate.crypto.seal.SealedDataKey;
import io.vaultgate.crypto.seal.SitePrivateKey;
import io.vaultgate.crypto.stream.EnvelopeReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Opens a sealed forward: the received envelope (ciphertext, in a temporary file) is decrypted with the
 * data key unsealed by the site's private key into the plaintext temporary file, hashing as it goes. The
 * envelope authenticates every segment and binds tenant and file id, so a wrong site key, another file's
 * envelope or any altered byte fails before a plaintext file is published. The plaintext file is created
 * {@code 0600} whatever the umask, as a plain forward's ({@link DropWrite}): it is the file that is published.
 */
final class SealedEnvelope {

    /** What was written: the plaintext's hex SHA-256 and size. */
    record Opened(String sha256, long size) {
    }

    private SealedEnvelope() {
    }

    /** @throws CryptoException.AuthenticationFailed if the key or the envelope does not authenticate */
    static Opened open(Path envelope, Path plaintext, SitePrivateKey siteKey, SealedDataKey sealed, SealContext context)
            throws IOException {
        DataKey dek = DataKeySealer.open(sealed, siteKey, context);
        MessageDigest sha256 = sha256();
        long size = 0;
        try (FileChannel in = FileChannel.open(envelope, StandardOpenOption.READ);
             EnvelopeReader reader = EnvelopeReader.open(dek, context.envelope(), in);
             FileChannel out = FileChannel.open(plaintext, Set.of(StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.WRITE), DropDirectory.PRIVATE_FILE)) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            int n;
            while ((n = reader.read(size, buffer)) > 0) {
                buffer.flip();
                sha256.update(buffer.duplicate());
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                size += n;
                buffer.clear();
            }
            out.force(true);
        } finally {
            dek.destroy();
        }
        return new Opened(HexFormat.of().formatHex(sha256.digest()), size);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
