package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.https.tls.ServerTls;
import io.vaultgate.server.config.ConfigLoader;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The doctor's context for a test of one check: the configuration {@code settings} give (e.g. {@code home}),
 * {@code database} as the catalog, the system clock, a half-full disk of 100 bytes with 10 % required free, no
 * SSH host keys, and the HTTPS listener's default TLS protocols and cipher suites.
 */
final class DoctorContexts {

    private DoctorContexts() {
    }

    static DoctorContext of(Map<String, String> settings, Database database) {
        return new DoctorContext(ConfigLoader.load(Optional.empty(), Map.of(), settings), database, Clock.systemUTC(),
                path -> new DiskSpace.Usage("fs0", 50, 100), 10, List.of(), ServerTls.PROTOCOLS,
                ServerTls.CIPHER_SUITES);
    }
}
