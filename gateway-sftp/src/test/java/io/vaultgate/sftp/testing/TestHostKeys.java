package io.vaultgate.sftp.testing;

import io.vaultgate.sftp.HostKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Host key files for a test server: {@link HostKeys#generate} once per JVM, then copies of those files (same names,
 * content and owner-only permissions) in each later directory. Generating the RSA-3072 key is a prime search, which
 * took 1.6-3.9 s of each gateway start at load 17 on the 2-core machine (16 s for a JVM's first, before the JIT has
 * compiled BigInteger's arithmetic), and no test here depends on a server having host keys of its own: the clients
 * accept any ({@code AcceptAllServerKeyVerifier}, OpenSSH with {@code StrictHostKeyChecking=no}). {@code HostKeysTest}
 * tests the generation itself.
 */
public final class TestHostKeys {

    /** The first generated keys' file names and contents. */
    private static List<Map.Entry<String, byte[]>> files;

    private TestHostKeys() {
    }

    /** Host key files in {@code dir} (created if missing), as {@link HostKeys#generate} writes them. */
    public static synchronized List<Path> in(Path dir) throws IOException {
        if (files == null) {
            List<Path> generated = HostKeys.generate(dir);
            List<Map.Entry<String, byte[]>> read = new ArrayList<>();
            for (Path key : generated) {
                read.add(Map.entry(key.getFileName().toString(), Files.readAllBytes(key)));
            }
            files = read;
            return generated;
        }
        Files.createDirectories(dir);
        List<Path> keys = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : files) {
            Path key = Files.createFile(dir.resolve(file.getKey()),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(key, file.getValue());
            keys.add(key);
        }
        return keys;
    }
}
