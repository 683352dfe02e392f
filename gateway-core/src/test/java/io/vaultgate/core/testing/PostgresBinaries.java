package io.vaultgate.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Where {@code initdb} and {@code postgres} are: {@code $VAULTGATE_PG_BIN}, the PATH, or the Debian layout. */
final class PostgresBinaries {

    private PostgresBinaries() {
    }

    static Path locate() {
        String configured = System.getenv("VAULTGATE_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return checked(Path.of(configured)).orElseThrow(() -> new IllegalStateException(
                    "VAULTGATE_PG_BIN=" + configured + " holds no initdb and postgres"));
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path initdb = Path.of(entry).resolve("initdb");
            if (!entry.isEmpty() && Files.isExecutable(initdb)) {
                try {
                    Optional<Path> bin = checked(initdb.toRealPath().getParent());
                    if (bin.isPresent()) {
                        return bin.get();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> checked(bin).isPresent())
                    .max(Comparator.comparingInt(PostgresBinaries::majorVersion))
                    .orElseThrow(PostgresBinaries::missing);
        } catch (IOException e) {
            throw missing();
        }
    }

    private static Optional<Path> checked(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres"))
                ? Optional.of(bin) : Optional.empty();
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static IllegalStateException missing() {
        return new IllegalStateException("PostgreSQL binaries (initdb, postgres) not found: install PostgreSQL "
                + "(Debian: apt-get install postgresql) or set VAULTGATE_PG_BIN to their directory");
    }
}
