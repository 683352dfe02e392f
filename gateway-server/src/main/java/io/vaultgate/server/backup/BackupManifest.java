package io.vaultgate.server.backup;

import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.core.audit.AuditSigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A backup's list of files with their SHA-256 digests, in {@code sha256sum} format ({@code HEX  relative/path}, so
 * {@code sha256sum -c MANIFEST.sha256} checks it without Vaultgate), and its Ed25519 signature by the gateway's audit
 * key in {@code MANIFEST.sha256.sig} (base64), which shows who wrote it and that nothing was changed since.
 */
public final class BackupManifest {

    public static final String FILE = "MANIFEST.sha256";
    public static final String SIGNATURE = FILE + ".sig";

    private BackupManifest() {
    }

    /** Digests every file under {@code backup} and writes the signed manifest. */
    static int write(Path backup, AuditSigningKey key) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path file : files(backup)) {
            lines.add(sha256(file) + "  " + relative(backup, file));
        }
        byte[] manifest = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.write(backup.resolve(FILE), manifest);
        Files.writeString(backup.resolve(SIGNATURE), Base64.getEncoder().encodeToString(key.sign(manifest)) + "\n",
                StandardCharsets.US_ASCII);
        return lines.size();
    }

    /**
     * What is wrong with {@code backup}: a bad signature, files missing, changed or added since it was written.
     * Empty when it is intact and signed by {@code trusted}.
     */
    public static List<String> problems(Path backup, AuditPublicKey trusted) throws IOException {
        List<String> problems = new ArrayList<>();
        Path manifestFile = backup.resolve(FILE);
        if (!Files.isRegularFile(manifestFile) || !Files.isRegularFile(backup.resolve(SIGNATURE))) {
            return List.of(backup + ": no " + FILE + " and " + SIGNATURE + " (not a Vaultgate backup?)");
        }
        byte[] manifest = Files.readAllBytes(manifestFile);
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(Files.readString(backup.resolve(SIGNATURE)).trim());
        } catch (IllegalArgumentException e) {
            signature = new byte[0];
        }
        if (!trusted.verify(manifest, signature)) {
            problems.add(FILE + ": the signature does not verify with the given audit key");
        }
        Set<String> listed = new TreeSet<>();
        for (String line : new String(manifest, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String digest = line.substring(0, Math.min(64, line.length()));
            String name = line.length() > 66 ? line.substring(66) : "";
            listed.add(name);
            Path file = backup.resolve(name).normalize();
            if (name.isEmpty() || !file.startsWith(backup)) {
                problems.add(FILE + ": a line names no file inside the backup");
            } else if (!Files.isRegularFile(file)) {
                problems.add(name + ": missing");
            } else if (!sha256(file).equals(digest)) {
                problems.add(name + ": changed (its SHA-256 differs from the manifest)");
            }
        }
        for (Path file : files(backup)) {
            if (!listed.contains(relative(backup, file))) {
                problems.add(relative(backup, file) + ": not in the manifest");
            }
        }
        return problems;
    }

    /** Every regular file under {@code backup} but the manifest and its signature, in name order. */
    private static List<Path> files(Path backup) throws IOException {
        try (Stream<Path> all = Files.walk(backup)) {
            return all.filter(Files::isRegularFile)
                    .filter(f -> !f.equals(backup.resolve(FILE)) && !f.equals(backup.resolve(SIGNATURE)))
                    .sorted().toList();
        }
    }

    private static String relative(Path backup, Path file) {
        return backup.relativize(file).toString();
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
