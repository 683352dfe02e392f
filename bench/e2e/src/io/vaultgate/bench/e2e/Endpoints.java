package io.vaultgate.bench.e2e;

import java.nio.file.Path;
import java.util.List;

/** Where and how clients reach one server under test. */
final class Endpoints {
    private Endpoints() {
    }

    /**
     * An SFTP server: {@code sftp -i key -P port user@127.0.0.1}, files go below {@code dir}. Parallel clients
     * take the logins in turn (the gateway allows 16 sessions per account by default). {@code clientOptions}
     * go to {@code sftp} before the destination (e.g. {@code -c aes128-gcm@openssh.com}).
     */
    record Sftp(int port, List<Login> logins, String dir, List<String> clientOptions) {
        Login login(int client) {
            return logins.get(client % logins.size());
        }
    }

    record Login(String user, Path key) {
    }

    /** An HTTPS server: {@code PUT putBase + name}, {@code GET getBase + name}, trusting {@code caCert}. */
    record Https(String putBase, String getBase, Path caCert, List<String> headers) {
    }
}
