package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret files {@code init} writes (master secret, admin and token files: {@link DataDirectory#writeSecret}) and
 * the node id are written durably through a temporary copy renamed into place ({@code DurableFile}; crash-consistency
 * audit M1: the master secret was created under its name and never flushed, so a power loss soon after init could
 * leave a durable keystore behind an empty or missing secret). A copy an interrupted write left is gone afterwards,
 * secrets are 0600 in a 0700 directory, and a rewrite replaces the old content whole.
 */
class HomeSecretFilesTest {

    @TempDir
    Path home;

    @Test
    void writeSecret_goesThroughATemporaryCopy_ownerOnly_andReplacesTheOldSecretWhole() throws IOException {
        Path file = home.resolve("secrets").resolve("master.key");
        DataDirectory.writeSecret(file, "first");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(file.resolveSibling(".master.key.tmp"), "half a secret an interrupted write left");

        DataDirectory.writeSecret(file, "second");

        assertThat(names(file.getParent())).containsExactly("master.key");
        assertThat(Files.readString(file)).isEqualTo("second\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void nodeId_goesThroughATemporaryCopy_andIsTheSameAfterARestart() throws IOException {
        Files.writeString(home.resolve(".node-id.tmp"), "half an id an interrupted write left");

        String id = NodeId.stable(home);

        assertThat(names(home)).containsExactly("node-id");
        assertThat(Files.readString(home.resolve("node-id"))).isEqualTo(id + "\n");
        assertThat(NodeId.stable(home)).isEqualTo(id);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
