package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * What the checks look at: the configuration, the data directory and its catalog, the algorithm lists the
 * listeners will offer, a clock and a way to read free disk space (both replaceable in tests).
 *
 * @param minFreePercent below this share of free space a file system is "nearly full"
 */
public record DoctorContext(VaultgateConfig config, Database database, Clock clock, DiskSpace disk,
                            int minFreePercent, List<String> sshAlgorithms, List<String> tlsProtocols,
                            List<String> tlsCipherSuites) {

    public DoctorContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(disk, "disk");
        if (minFreePercent < 0 || minFreePercent > 100) {
            throw new IllegalArgumentException("--min-free must be a percentage from 0 to 100, was " + minFreePercent);
        }
        sshAlgorithms = List.copyOf(sshAlgorithms);
        tlsProtocols = List.copyOf(tlsProtocols);
        tlsCipherSuites = List.copyOf(tlsCipherSuites);
    }

    public DataDirectory home() {
        return new DataDirectory(config);
    }

    /** {@code path} relative to the data directory when it is inside it, for short, stable messages. */
    public String show(Path path) {
        Path home = config.home();
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(home) ? home.relativize(absolute).toString() : absolute.toString();
    }
}
