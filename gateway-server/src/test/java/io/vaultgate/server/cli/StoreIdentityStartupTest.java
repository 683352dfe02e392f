package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * review24b M2: {@code vaultgate run} checks the object store's marker against the catalog's store id before anything
 * reads or writes an object. {@code init} records the store; a start on an empty mount point (the store's file system
 * not mounted) or on another store's root stops with one line, exit 2. Each {@code run} is given an SFTP port another
 * socket holds, so a start that passes the check stops at that port instead of serving.
 */
class StoreIdentityStartupTest {

    private static final Pattern MARKER = Pattern.compile("vaultgate-store ([0-9a-f-]{36})\n");

    @TempDir
    Path home;

    private CliHarness cli;
    private ServerSocket busy;

    @BeforeEach
    void initialized() throws IOException {
        cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void free() throws IOException {
        busy.close();
    }

    @Test
    void init_recordsTheStore_andARunOnItPassesTheCheck() throws IOException {
        assertThat(MARKER.matcher(Files.readString(objects().resolve(".vaultgate-store"), StandardCharsets.US_ASCII))
                .matches()).isTrue();

        CliHarness.Result run = run();
        assertThat(run.err()).as("past the store check, stopped at the busy port").contains("sftp.port");
    }

    @Test
    void run_onAnEmptyMountPoint_refusesToStart_namingTheRootAndWhatToDo() throws IOException {
        String id = recordedId();
        Files.move(objects(), home.resolve("objects-filesystem")); // not mounted: an empty directory in its place
        Files.createDirectory(objects());

        CliHarness.Result run = run();
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("storage.path " + objects(), "no store marker at "
                + objects().resolve(".vaultgate-store"), id, "not mounted", "mount the store");
        assertThat(run.err().strip().lines()).hasSize(1);
        try (var made = Files.list(objects())) {
            assertThat(made).as("nothing written to the mount point").isEmpty();
        }
    }

    /**
     * review25a L2: the check comes before the store is opened: a storage.path that does not exist (a mount point
     * gone, a wrong path) is refused and not created, and nothing (no direct-I/O probe) is written anywhere there.
     */
    @Test
    void run_withAStoragePathThatDoesNotExist_refusesToStart_andDoesNotCreateIt() throws IOException {
        String id = recordedId();
        Files.move(objects(), home.resolve("objects-filesystem"));

        CliHarness.Result run = run();
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("storage.path " + objects(), "no store marker at", id, "not mounted");
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(objects()).as("storage.path not created").doesNotExist();
    }

    @Test
    void run_onAnotherStoresRoot_refusesToStart_namingBothIds() throws IOException {
        String ours = recordedId();
        String theirs = "0b1e6a52-6c0e-4d7c-9a53-0123456789ab";
        Files.writeString(objects().resolve(".vaultgate-store"), "vaultgate-store " + theirs + "\n");

        CliHarness.Result run = run();
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("storage.path", theirs, ours);
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    /** review25a L2: nothing is written into a root whose marker names another store (no direct-I/O probe). */
    @Test
    void run_onAnotherStoresRoot_writesNothingThere() throws IOException {
        Files.delete(objects().resolve(".vaultgate-store"));
        Files.writeString(objects().resolve(".vaultgate-store"),
                "vaultgate-store 0b1e6a52-6c0e-4d7c-9a53-0123456789ab\n");
        FileTime before = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(objects(), before);

        CliHarness.Result run = run();
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(Files.getLastModifiedTime(objects())).as("no entry created or deleted in the root")
                .isEqualTo(before);
    }

    /** review25a L7: a marker that cannot be read is named, with what to check, not taken for an unwritable root. */
    @Test
    void run_withAMarkerThatCannotBeRead_refusesToStart_namingTheMarker() throws IOException {
        Path marker = objects().resolve(".vaultgate-store");
        Files.delete(marker);
        Files.createDirectory(marker); // reading it fails with an I/O error, as a marker the gateway may not read

        CliHarness.Result run = run();
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("storage.path", "the store's marker at " + marker + " could not be read",
                "may read and write the store");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    private Path objects() {
        return home.resolve("objects");
    }

    private String recordedId() throws IOException {
        Matcher matcher = MARKER.matcher(Files.readString(objects().resolve(".vaultgate-store")));
        assertThat(matcher.matches()).isTrue();
        return matcher.group(1);
    }

    private CliHarness.Result run() {
        return Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli.run("run",
                "--set", "sftp.bind=127.0.0.1", "--set", "sftp.port=" + busy.getLocalPort(),
                "--set", "https.bind=127.0.0.1", "--set", "https.port=0", "--set", "ops.port=0"));
    }
}
