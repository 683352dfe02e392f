package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory lists its own files and the directories below it, each once, however deep the files below them
 * lie; names with LIKE wildcards or characters outside the BMP do not confuse it. Runs on SQLite and, in the
 * {@code postgresql} execution, on PostgreSQL (the catalog groups the subdirectories).
 */
class DirectoryListingTest {

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
    private TestCore test;
    private ClientPrincipal alice;
    private ClientPrincipal bob;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16), clock);
        alice = test.client("acme", "alice", Protocol.HTTPS);
        bob = test.client("acme", "bob", Protocol.HTTPS);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aDirectoryListsItsFilesAndEachSubdirectoryOnce_withTheNewestChangeBelowIt() {
        upload(alice, "/inbox/top.csv", 3);
        upload(alice, "/inbox/2026/01/a.csv", 1);
        clock.advance(Duration.ofHours(1));
        upload(alice, "/inbox/2026/02/deep/er/b.csv", 2);
        upload(alice, "/inbox/2025/c.csv", 1);
        upload(bob, "/inbox/bobs/d.csv", 1);
        test.core().files().createDirectory(alice, PathPolicy.parse("/inbox/empty"));

        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox")))
                .extracting(FileEntry::name, FileEntry::directory)
                .containsExactly(tuple("2025", true), tuple("2026", true), tuple("empty", true), tuple("top.csv", false));
        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox")).get(1).modified())
                .isEqualTo(clock.instant());
        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox/2026")))
                .extracting(FileEntry::name).containsExactly("01", "02");
        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox/2026/02")))
                .extracting(FileEntry::name, FileEntry::directory).containsExactly(tuple("deep", true));
    }

    @Test
    void namesWithWildcardsOrOutsideTheBmp_areListedUnderTheirOwnDirectoryOnly() {
        upload(alice, "/inbox/100%_done/a.csv", 1);
        upload(alice, "/inbox/100x-done/b.csv", 1);
        upload(alice, "/inbox/\uD83D\uDCC1 files/\u00e9t\u00e9/c.csv", 1);
        upload(alice, "/inbox/\uD83D\uDCC1 files/d.csv", 1);

        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox/100%_done")))
                .extracting(FileEntry::name).containsExactly("a.csv");
        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox/\uD83D\uDCC1 files")))
                .extracting(FileEntry::name, FileEntry::directory)
                .containsExactly(tuple("d.csv", false), tuple("\u00e9t\u00e9", true));
        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox")))
                .extracting(FileEntry::name).containsExactly("100%_done", "100x-done", "\uD83D\uDCC1 files");
    }

    @Test
    void aFileIsNotADirectory_aMissingDirectoryIsNotFound_andNobodySeesAnothersInbox() {
        upload(alice, "/inbox/x.csv", 1);

        assertThatThrownBy(() -> test.core().files().list(alice, PathPolicy.parse("/inbox/x.csv")))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST));
        assertThatThrownBy(() -> test.core().files().list(alice, PathPolicy.parse("/inbox/nothing")))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThat(test.core().files().list(bob, PathPolicy.parse("/inbox"))).isEmpty();
    }

    @Test
    void aDirectoryIsOnlyWhatItsExactNameHoldsBelow_notANameThatDiffersInCase() {
        upload(alice, "/inbox/Reports/q1.csv", 1);
        test.core().files().createDirectory(alice, PathPolicy.parse("/inbox/Archive"));
        test.core().files().createDirectory(alice, PathPolicy.parse("/inbox/Archive/2026"));

        assertThat(test.core().files().stat(alice, PathPolicy.parse("/inbox/Reports")).directory()).isTrue();
        assertThatThrownBy(() -> test.core().files().stat(alice, PathPolicy.parse("/inbox/reports")))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> test.core().files().stat(alice, PathPolicy.parse("/inbox/archive")))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        upload(alice, "/inbox/reports", 2);
        upload(alice, "/inbox/archive", 3);

        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox")))
                .extracting(FileEntry::name, FileEntry::directory)
                .containsExactly(tuple("Archive", true), tuple("Reports", true), tuple("archive", false),
                        tuple("reports", false));
    }

    @Test
    void anInterruptedReplacement_isWhatItsUploaderSeesListed_onceAndPartial() {
        upload(alice, "/inbox/daily.csv", 1000);
        try (Upload replacement = test.core().ingest().open(alice, PathPolicy.parse("/inbox/daily.csv"),
                UploadMode.CREATE)) {
            replacement.write(0, ByteBuffer.wrap(new byte[300]));
        } // dropped

        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox")))
                .extracting(FileEntry::name, FileEntry::size, FileEntry::partial)
                .containsExactly(tuple("daily.csv", 300L, true));
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    private void upload(ClientPrincipal who, String path, int size) {
        try (Upload upload = test.core().ingest().open(who, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[size]));
            upload.commit();
        }
    }
}
