package io.vaultgate.core.audit;

import io.vaultgate.crypto.file.DurableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * The audit key's files: the private key as unencrypted PKCS#8 PEM ({@code PRIVATE KEY}), mode 0600, and
 * beside it the public key to publish ({@code audit-signing.key} → {@code audit-signing.pub}). Both are
 * what OpenSSL reads and writes ({@code openssl genpkey -algorithm ed25519}). A private key file that
 * group or others can read is refused, as SSH does.
 */
public final class AuditKeys {

    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32-byte key follows. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private AuditKeys() {
    }

    /** Loads the key at {@code keyFile}, or generates one there (and its public key file) if it is absent. */
    public static AuditSigningKey loadOrCreate(Path keyFile, SecureRandom random) throws IOException {
        if (Files.exists(keyFile)) {
            return load(keyFile);
        }
        AuditSigningKey key = AuditSigningKey.generate(random);
        write(key, keyFile);
        return key;
    }

    /**
     * Writes a new key file (0600 from its creation, in a 0700 directory if it creates one) and, first, its public key
     * file, both durably ({@link DurableFile}: a crash leaves the whole key or none, never an empty key file that a
     * start would refuse; crash-consistency audit M1). An existing key file is never overwritten.
     */
    public static void write(AuditSigningKey key, Path keyFile) throws IOException {
        Path dir = keyFile.toAbsolutePath().getParent();
        DurableFile.createDirectories(dir, DurableFile.Mode.OWNER_ONLY);
        if (Files.exists(keyFile)) {
            throw new FileAlreadyExistsException(keyFile + ": an audit key is already there; it is never overwritten");
        }
        DurableFile.writeString(publicKeyFile(keyFile), key.publicKey().toPem(), DurableFile.Mode.UMASK,
                DurableFile.Replace.EXISTING);
        DurableFile.writeString(keyFile, PemText.encode("PRIVATE KEY", key.privateKey().getEncoded()),
                DurableFile.Mode.OWNER_ONLY, DurableFile.Replace.NEVER);
    }

    /** Reads a PKCS#8 PEM Ed25519 private key. */
    public static AuditSigningKey load(Path keyFile) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile);
        if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IOException(keyFile + ": the audit signing key is readable by others ("
                    + PosixFilePermissions.toString(mode) + "); run chmod 600 on it");
        }
        byte[] der = decode(keyFile, "PRIVATE KEY");
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(der));
            byte[] seed = ((EdECPrivateKey) privateKey).getBytes()
                    .orElseThrow(() -> new IOException(keyFile + ": the private key bytes are not available"));
            byte[] raw = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
            byte[] spki = new byte[SPKI_PREFIX.length + raw.length];
            System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
            System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, raw.length);
            java.util.Arrays.fill(seed, (byte) 0);
            return new AuditSigningKey(privateKey,
                    new AuditPublicKey(factory.generatePublic(new X509EncodedKeySpec(spki))));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException(keyFile + ": not an Ed25519 private key (PKCS#8 PEM)", e);
        }
    }

    /** Reads a published PEM public key. */
    public static AuditPublicKey readPublicKey(Path file) throws IOException {
        try {
            return AuditPublicKey.fromPem(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Where the public key of {@code keyFile} is published: the same name with {@code .pub}. */
    public static Path publicKeyFile(Path keyFile) {
        String name = keyFile.getFileName().toString();
        String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
        return keyFile.resolveSibling(base + ".pub");
    }

    private static byte[] decode(Path file, String label) throws IOException {
        try {
            return PemText.decode(Files.readString(file, StandardCharsets.US_ASCII), label);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
