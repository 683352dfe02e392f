package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory listed a page at a time gives every child once, in code point order, whatever page size: files,
 * directories implied by deeper files and explicit directories merge across page boundaries, an interrupted
 * replacement counts as its one name, and a cursor whose name was deleted still marks the place. Runs on SQLite and,
 * in the {@code postgresql} execution, on PostgreSQL, where the order must be the same ({@code COLLATE "C"}).
 */
class DirectoryPagingTest {

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T09:00:00Z"));
    private TestCore test;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16), clock);
        alice = test.client("acme", "alice", Protocol.HTTPS);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void everyPageSize_walksFilesImpliedAndExplicitDirectoriesOnce_inNameOrder() {
        upload(alice, "/inbox/b.csv");
        upload(alice, "/inbox/d/deep/1.csv");
        upload(alice, "/inbox/d/deep/2.csv");
        upload(alice, "/inbox/d/3.csv");
        upload(alice, "/inbox/f.csv");
        mkdir("/inbox/h");
        upload(alice, "/inbox/h/4.csv");
        mkdir("/inbox/a");
        mkdir("/inbox/e");
        mkdir("/inbox/e/sub");
        mkdir("/inbox/g");
        mkdir("/inbox/i");
        mkdir("/inbox/i/j");
        List<String> expected = List.of("a", "b.csv", "d", "e", "f.csv", "g", "h", "i");

        for (int limit = 1; limit <= expected.size() + 1; limit++) {
            assertThat(names(walk(alice, "/inbox", limit))).as("pages of %d", limit).isEqualTo(expected);
        }
        assertThat(walk(alice, "/inbox", 3)).filteredOn(entry -> entry.name().equals("d")).singleElement()
                .satisfies(d -> assertThat(d.directory()).isTrue());
    }

    @Test
    void anInterruptedReplacement_isOneNameOnItsPage_listedAsThePartial() {
        upload(alice, "/inbox/a.csv");
        upload(alice, "/inbox/daily.csv");
        interrupt("/inbox/daily.csv", 300);
        upload(alice, "/inbox/z.csv");

        List<FileEntry> walked = walk(alice, "/inbox", 1);

        assertThat(walked).extracting(FileEntry::name, FileEntry::partial).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a.csv", false), org.assertj.core.groups.Tuple.tuple("daily.csv", true),
                org.assertj.core.groups.Tuple.tuple("z.csv", false));
        assertThat(walked.get(1).size()).isEqualTo(300);
    }

    @Test
    void aPageHoldsAtMostItsLimit_andOnlyTheLastPageHasNoCursor() {
        for (int i = 0; i < 7; i++) {
            upload(alice, "/inbox/f" + i + ".csv");
        }

        DirectoryPage first = test.core().files().list(alice, PathPolicy.parse("/inbox"), PageRequest.first(3));
        DirectoryPage second = test.core().files().list(alice, PathPolicy.parse("/inbox"), PageRequest.first(3).after(first.next().orElseThrow()));
        DirectoryPage third = test.core().files().list(alice, PathPolicy.parse("/inbox"), PageRequest.first(3).after(second.next().orElseThrow()));

        assertThat(names(first.entries())).containsExactly("f0.csv", "f1.csv", "f2.csv");
        assertThat(first.next()).contains("f2.csv");
        assertThat(names(second.entries())).containsExactly("f3.csv", "f4.csv", "f5.csv");
        assertThat(names(third.entries())).containsExactly("f6.csv");
        assertThat(third.next()).isEmpty();
    }

    @Test
    void aCursorWhoseNameWasDeletedBetweenPages_continuesWithTheNameAfterIt() {
        for (String name : List.of("a.csv", "b.csv", "c.csv", "d.csv")) {
            upload(alice, "/inbox/" + name);
        }
        DirectoryPage first = test.core().files().list(alice, PathPolicy.parse("/inbox"), PageRequest.first(2));
        test.core().files().delete(alice, PathPolicy.parse("/inbox/b.csv"));
        upload(alice, "/inbox/bb.csv");

        DirectoryPage second = test.core().files().list(alice, PathPolicy.parse("/inbox"), PageRequest.first(2).after(first.next().orElseThrow()));

        assertThat(first.next()).contains("b.csv");
        assertThat(names(second.entries())).containsExactly("bb.csv", "c.csv");
    }

    @Test
    void namesSortByCodePoint_soCaseAccentsAndCharactersOutsideTheBmpKeepOneOrderAcrossPages() {
        List<String> expected = List.of("A.csv", "Z.csv", "a.csv", "z.csv", "\u00e9.csv", "\uff21.csv",
                "\uD83D\uDCC1.csv", "\uD83D\uDCC1x");
        upload(alice, "/inbox/\uD83D\uDCC1x/inside.csv");
        for (String name : expected.subList(0, 7)) {
            upload(alice, "/inbox/" + name);
        }

        for (int limit = 1; limit <= 3; limit++) {
            assertThat(names(walk(alice, "/inbox", limit))).as("pages of %d", limit).isEqualTo(expected);
        }
        assertThat(expected).isSortedAccordingTo(NameOrder.BINARY);
    }

    @Test
    void outboxResults_andAnOperatorsBatchView_arePagedToo() {
        ClientPrincipal client = test.client("acme", "acme-upload", Protocol.SFTP);
        OperatorPrincipal operator = test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 4, 0,
                Duration.ofMinutes(10));
        upload(client, "/inbox/in1.csv");
        upload(client, "/inbox/in2.csv");
        upload(client, "/inbox/sub/deep/in3.csv");
        upload(client, "/inbox/sub/in4.csv");
        upload(client, "/inbox/notInTheBatch.csv");
        String batch = test.core().batches().available(operator).get(0).id();
        test.core().batches().claim(operator, batch);
        for (String result : List.of("r1.txt", "r2.txt", "sub/r3.txt", "r4.txt")) {
            upload(operator, "/acme/" + batch + "/results/" + result);
        }

        assertThat(names(walk(operator, "/acme/" + batch, 1))).containsExactly("in1.csv", "in2.csv", "results", "sub");
        assertThat(names(walk(operator, "/acme/" + batch + "/sub", 1))).containsExactly("deep", "in4.csv");
        assertThat(names(walk(operator, "/acme", 1))).containsExactly(batch);
        assertThat(names(walk(operator, "/", 1))).containsExactly("acme");
        assertThatThrownBy(() -> walk(operator, "/acme/" + batch + "/nothing", 1))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThat(test.core().files().list(operator, PathPolicy.parse("/acme/" + batch), new PageRequest("zzz", 1))
                .entries()).isEmpty();
        assertThat(names(walk(operator, "/acme/" + batch + "/results", 2)))
                .containsExactly("r1.txt", "r2.txt", "r4.txt", "sub");
        assertThat(names(walk(client, "/outbox/" + batch, 1))).containsExactly("r1.txt", "r2.txt", "r4.txt", "sub");
        assertThat(names(walk(client, "/", 1))).containsExactly("inbox", "outbox");
    }

    @Test
    void badPageRequests_areRefusedWithTheRule() {
        for (int limit : new int[] {0, -1, PageRequest.MAX_LIMIT + 1}) {
            assertThatThrownBy(() -> PageRequest.first(limit)).isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.getMessage()).contains("1 to 1000 entries"));
        }
        for (String cursor : List.of("a/b", "nul\0", "x".repeat(256), "\uD83D")) {
            assertThatThrownBy(() -> new PageRequest(cursor, 10)).isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST));
        }
        assertThatThrownBy(() -> test.core().files().list(alice, PathPolicy.parse("/inbox/none"), PageRequest.first()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void anEmptyPageAfterTheLastName_isAnsweredForAnExistingDirectory() {
        upload(alice, "/inbox/a.csv");

        DirectoryPage after = test.core().files().list(alice, PathPolicy.parse("/inbox"), new PageRequest("zzz", 5));

        assertThat(after.entries()).isEmpty();
        assertThat(after.next()).isEmpty();
    }

    @Test
    void aDirectoryWithSomethingBelowIt_isNotRemoved_andAnEmptyOneIs() {
        mkdir("/inbox/full");
        mkdir("/inbox/full/inner");
        mkdir("/inbox/hollow");
        mkdir("/inbox/kept");
        upload(alice, "/inbox/kept/x.csv");

        for (String full : List.of("/inbox/full", "/inbox/kept")) {
            assertThatThrownBy(() -> test.core().files().delete(alice, PathPolicy.parse(full)))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
        }
        test.core().files().delete(alice, PathPolicy.parse("/inbox/hollow"));
        assertThat(names(walk(alice, "/inbox", 10))).containsExactly("full", "kept");
    }

    /** Every entry of a directory, read page by page, checking each page's bound. */
    private List<FileEntry> walk(Principal who, String directory, int limit) {
        List<FileEntry> all = new ArrayList<>();
        PageRequest request = PageRequest.first(limit);
        for (int pages = 0; pages < 100; pages++) {
            DirectoryPage page = test.core().files().list(who, PathPolicy.parse(directory), request);
            assertThat(page.entries()).hasSizeLessThanOrEqualTo(limit);
            all.addAll(page.entries());
            if (page.next().isEmpty()) {
                return all;
            }
            assertThat(page.next()).contains(page.entries().get(page.entries().size() - 1).name());
            request = request.after(page.next().get());
        }
        throw new AssertionError("no last page after 100 pages of " + directory);
    }

    private static List<String> names(List<FileEntry> entries) {
        return entries.stream().map(FileEntry::name).toList();
    }

    private void mkdir(String path) {
        test.core().files().createDirectory(alice, PathPolicy.parse(path));
    }

    private void interrupt(String path, int size) {
        try (Upload upload = test.core().ingest().open(alice, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[size]));
        }
    }

    private void upload(Principal who, String path) {
        try (Upload upload = test.core().ingest().open(who, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1}));
            upload.commit();
        }
    }
}
