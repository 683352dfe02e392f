package io.vaultgate.server.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data-dir-mode}: the data directory and each directory below it, and the object store's when it is
 * elsewhere, are owner-only ({@code rwx------}, as {@code init} creates them); one that group or others may read,
 * search or write, as after a {@code chmod -R 755} or a restore under another umask, is named with its mode and the fix.
 */
class DataDirectoryModesTest {

    private static final List<String> DIRECTORIES = List.of("secrets", "keys", "ssh", "tls", "objects",
            "objects/acme", "objects/acme/pending", "demo");

    @TempDir
    Path home;

    @TempDir
    Path elsewhere;

    private Database database;

    @BeforeEach
    void ownerOnlyHome() throws Exception {
        for (String dir : DIRECTORIES) {
            Files.createDirectories(home.resolve(dir));
            mode(home.resolve(dir), "rwx------");
        }
        mode(home, "rwx------");
        Files.writeString(home.resolve("objects/acme/pending/0123"), "ciphertext");
        mode(home.resolve("objects/acme/pending/0123"), "rw-r--r--");
        database = Database.sqlite(home.resolve("catalog.db"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void ownerOnlyDirectories_giveNoFinding() throws Exception {
        assertThat(new DataDirectoryModes().run(context(Map.of()))).isEmpty();
    }

    @Test
    void afterAChmodR755_everyDirectoryIsNamed_withItsModeAndTheFix() throws Exception {
        mode(home, "rwxr-xr-x");
        for (String dir : DIRECTORIES) {
            mode(home.resolve(dir), "rwxr-xr-x");
        }

        List<Finding> findings = new DataDirectoryModes().run(context(Map.of()));

        assertThat(findings).extracting(Finding::subject).containsExactlyInAnyOrder(home.toString(), "secrets", "keys",
                "ssh", "tls", "objects", "objects/acme", "objects/acme/pending", "demo");
        assertThat(findings).allSatisfy(finding -> {
            assertThat(finding.check()).isEqualTo("data-dir-mode");
            assertThat(finding.problem()).isEqualTo("directory open to group or others (rwxr-xr-x, should be "
                    + "rwx------)");
            assertThat(finding.fix()).isEqualTo("run chmod 700 on it (chmod -R go-rwx " + home
                    + " fixes the whole data directory)");
        });
        assertThat(findings.get(0).line()).startsWith("data-dir-mode: " + home + ": directory open to group or others");
    }

    @Test
    void anyGroupOrOthersBit_isAFinding_andChmod700EndsIt() throws Exception {
        for (String mode : List.of("rwxrwx---", "rwx-----x", "rwx---rw-", "rwx--x---")) {
            mode(home.resolve("keys"), mode);
            assertThat(new DataDirectoryModes().run(context(Map.of()))).as(mode).singleElement()
                    .satisfies(finding -> assertThat(finding.line()).startsWith("data-dir-mode: keys: directory open "
                            + "to group or others (" + mode + ","));
        }
        mode(home.resolve("keys"), "rwx------");
        assertThat(new DataDirectoryModes().run(context(Map.of()))).isEmpty();
    }

    @Test
    void anObjectStoreOutsideTheHome_isCheckedToo() throws Exception {
        Path store = Files.createDirectories(elsewhere.resolve("objects/acme"));
        mode(elsewhere, "rwx------");
        mode(elsewhere.resolve("objects"), "rwx------");
        mode(store, "rwxr-x---");

        assertThat(new DataDirectoryModes().run(context(Map.of("storage.path", elsewhere.resolve("objects")
                .toString())))).singleElement().satisfies(finding -> assertThat(finding.subject())
                .isEqualTo(store.toString()));
    }

    @Test
    void symbolicLinks_areNotFollowed() throws Exception {
        Path open = Files.createDirectories(elsewhere.resolve("open"));
        mode(open, "rwxrwxrwx");
        Files.createSymbolicLink(home.resolve("keys/link"), open);

        assertThat(new DataDirectoryModes().run(context(Map.of()))).isEmpty();
    }

    @Test
    void theDoctorRunsIt() {
        mode(home.resolve("secrets"), "rwxr-xr-x");

        assertThat(Doctor.examine(context(Map.of()))).filteredOn(finding -> finding.check().equals("data-dir-mode"))
                .extracting(Finding::subject).containsExactly("secrets");
    }

    private DoctorContext context(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(overrides);
        all.put("home", home.toString());
        return DoctorContexts.of(all, database);
    }

    private static void mode(Path path, String mode) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
