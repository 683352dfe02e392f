package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileShredder;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.testing.FileContents;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestServiceTest {

    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        alice = test.client("acme", "alice", Protocol.SFTP);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void committedUpload_readsBackIdentically_withItsDigest() throws Exception {
        byte[] data = randomBytes(300_000, 1);
        Receipt receipt = upload(alice, REPORT, data);

        assertThat(receipt.size()).isEqualTo(data.length);
        assertThat(receipt.sha256()).isEqualTo(sha256(data));
        assertThat(read(alice, REPORT)).isEqualTo(data);
        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox")))
                .extracting(FileEntry::name, FileEntry::size, FileEntry::partial)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("report.csv", (long) data.length, false));
    }

    @Test
    void outOfOrderWrites_withinTheWindow_produceTheSameFile() throws Exception {
        byte[] data = randomBytes(2_000_000, 2);
        List<Integer> chunks = new ArrayList<>();
        for (int offset = 0; offset < data.length; offset += 32_768) {
            chunks.add(offset);
        }
        Collections.shuffle(chunks.subList(0, 40), new Random(3));
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            for (int offset : chunks) {
                upload.write(offset, ByteBuffer.wrap(data, offset, Math.min(32_768, data.length - offset)));
            }
            assertThat(upload.commit().sha256()).isEqualTo(sha256(data));
        }
        assertThat(read(alice, REPORT)).isEqualTo(data);
    }

    @Test
    void abortedUpload_leavesNoRowAndNoObject() throws Exception {
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(randomBytes(100_000, 4)));
            upload.abort();
        }
        assertThatThrownBy(() -> test.core().files().stat(alice, REPORT)).isInstanceOf(GatewayException.class);
        assertThat(objectFiles()).isEmpty();
    }

    @Test
    void commitWithTheAnnouncedDigest_publishes_andAMismatchLeavesNothing() throws Exception {
        byte[] data = randomBytes(100_000, 6);
        byte[] right = HexFormat.of().parseHex(sha256(data));
        byte[] wrong = right.clone();
        wrong[0] ^= 1;
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(data));
            assertThatThrownBy(() -> upload.commit(CommitChecks.digests(List.of(right, wrong)))).isInstanceOfSatisfying(
                    GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INTEGRITY));
        }
        assertThatThrownBy(() -> test.core().files().stat(alice, REPORT)).isInstanceOf(GatewayException.class);
        assertThat(objectFiles()).as("the mismatching upload is discarded, not kept as a partial").isEmpty();

        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(data));
            assertThat(upload.commit(CommitChecks.digests(List.of(right, right))).sha256()).isEqualTo(sha256(data));
        }
        assertThat(read(alice, REPORT)).isEqualTo(data);
    }

    @Test
    void createOnlyCommit_losesTheRaceToAFileCommittedMeanwhile_andChangesNothing() throws Exception {
        byte[] mine = randomBytes(1000, 10);
        byte[] theirs = randomBytes(2000, 11);
        try (Upload createOnly = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            createOnly.write(0, ByteBuffer.wrap(mine));
            upload(alice, REPORT, theirs); // another connection of the same account commits first

            assertThatThrownBy(() -> createOnly.commit(CommitChecks.NONE.replacingOnlyIf(Optional::isEmpty)))
                    .isInstanceOfSatisfying(GatewayException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.PRECONDITION_FAILED));
        }
        assertThat(read(alice, REPORT)).as("the file committed meanwhile stays").isEqualTo(theirs);
        assertThat(objectFiles()).as("the refused upload leaves no object").hasSize(1);

        String current = sha256(theirs);
        try (Upload replace = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            replace.write(0, ByteBuffer.wrap(mine));
            replace.commit(CommitChecks.NONE.replacingOnlyIf(sha -> sha.equals(Optional.of(current))));
        }
        assertThat(read(alice, REPORT)).as("replacing the file it names is allowed").isEqualTo(mine);
    }

    @Test
    void aFileAndADirectory_neverShareAName() throws Exception {
        upload(alice, PathPolicy.parse("/inbox/f.bin"), randomBytes(10, 7));
        upload(alice, PathPolicy.parse("/inbox/sub/y.txt"), randomBytes(10, 8));
        test.core().files().createDirectory(alice, PathPolicy.parse("/inbox/empty"));

        for (String path : List.of("/inbox/f.bin/y.txt", "/inbox/sub", "/inbox/empty")) {
            assertThatThrownBy(() -> test.core().ingest().open(alice, PathPolicy.parse(path), UploadMode.CREATE))
                    .as(path).isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                        assertThat(e.clientMessage()).contains(path);
                    });
        }
        ClientPrincipal bob = test.client("acme", "bob", Protocol.SFTP);
        upload(bob, PathPolicy.parse("/inbox/f.bin/y.txt"), randomBytes(10, 9));
        assertThat(read(bob, PathPolicy.parse("/inbox/f.bin/y.txt"))).as("another account's inbox is its own")
                .hasSize(10);
    }

    @Test
    void aFileWhoseNameBecameADirectoryWhileItStreamed_isRefusedAtCommit_andLeavesNothing() throws Exception {
        VirtualPath x = PathPolicy.parse("/inbox/x");
        try (Upload late = test.core().ingest().open(alice, x, UploadMode.CREATE)) {
            late.write(0, ByteBuffer.wrap(randomBytes(100, 12)));
            upload(alice, PathPolicy.parse("/inbox/x/y.csv"), randomBytes(10, 13)); // x is a directory now

            assertThatThrownBy(late::commit).isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
        }
        assertThat(test.core().files().stat(alice, x).directory()).isTrue();
        assertThat(read(alice, PathPolicy.parse("/inbox/x/y.csv"))).hasSize(10);
        assertThat(objectFiles()).as("the refused upload leaves no object").hasSize(1);
    }

    @Test
    void aRenameBelowAFile_isRefused_andTheFileStaysWhereItWas() throws Exception {
        upload(alice, PathPolicy.parse("/inbox/a.csv"), randomBytes(10, 14));
        upload(alice, PathPolicy.parse("/inbox/b.csv"), randomBytes(20, 15));

        assertThatThrownBy(() -> test.core().files().rename(alice, PathPolicy.parse("/inbox/a.csv"),
                PathPolicy.parse("/inbox/b.csv/a.csv"))).isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));

        assertThat(read(alice, PathPolicy.parse("/inbox/a.csv"))).hasSize(10);
        assertThat(test.core().files().stat(alice, PathPolicy.parse("/inbox/b.csv")).directory()).isFalse();
    }

    @Test
    void progress_followsOneUploadByItsId_andForgetsItOnceAnotherUploadOfThePathReplacesIt() throws Exception {
        String first;
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(randomBytes(300, 16)));
            first = upload.fileId();
        } // dropped: a partial of 300 bytes
        assertThat(test.core().ingest().progress(alice, REPORT, first))
                .contains(new UploadProgress(first, false, 300));
        ClientPrincipal bob = test.client("acme", "bob", Protocol.SFTP);
        assertThat(test.core().ingest().progress(bob, REPORT, first)).as("not bob's upload").isEmpty();

        String second;
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(randomBytes(200, 17)));
            upload.commit();
            second = upload.fileId();
        }

        assertThat(test.core().ingest().progress(alice, REPORT, first)).as("replaced by the second").isEmpty();
        assertThat(test.core().ingest().progress(alice, REPORT, second)).contains(new UploadProgress(second, true, 200));
        assertThat(test.core().ingest().progress(alice, PathPolicy.parse("/inbox/other.csv"), second)).isEmpty();
    }

    @Test
    void aPartialResumedAfterTheExpiryPassListedIt_isNotShredded_andItsUploadCompletes() throws Exception {
        byte[] data = randomBytes(200, 22);
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(data, 0, 100));
        } // dropped: a partial
        FileRecord listed = test.database().read(jdbc -> new FileRepository().findOwned(jdbc, alice.tenant(),
                alice.accountId(), REPORT, FileState.PARTIAL)).orElseThrow();
        FileShredder shredder = new FileShredder(test.database(), new FileRepository(), test.store(),
                test.core().audit());
        AuditEvent why = new AuditEvent.UploadAborted(Instant.now(), Optional.of(alice.tenant()), "system",
                listed.id(), REPORT.toString(), "partial upload expired");

        try (Upload resumed = test.core().ingest().open(alice, REPORT, UploadMode.RESUME)) {
            assertThat(shredder.shredExpiredPartial(listed, Instant.now().plusSeconds(3600), why))
                    .as("resumed between the expiry pass's listing and its delete").isFalse();
            resumed.write(100, ByteBuffer.wrap(data, 100, 100));
            resumed.commit();
        }

        assertThat(read(alice, REPORT)).isEqualTo(data);
    }

    @Test
    void interruptedUpload_isAPartialOnlyItsUploaderSees_andResumes() throws Exception {
        byte[] data = randomBytes(500_000, 5);
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(data, 0, 200_000));
        } // closed without commit: the connection dropped

        FileEntry partial = test.core().files().stat(alice, REPORT);
        assertThat(partial.partial()).isTrue();
        assertThat(partial.size()).isEqualTo(200_000);
        ClientPrincipal bob = test.client("acme", "bob", Protocol.SFTP);
        assertThatThrownBy(() -> test.core().files().stat(bob, REPORT)).isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> test.core().files().open(alice, REPORT)).isInstanceOf(GatewayException.class);

        try (Upload resumed = test.core().ingest().open(alice, REPORT, UploadMode.RESUME)) {
            assertThat(resumed.resumeOffset()).isEqualTo(200_000);
            resumed.write(200_000, ByteBuffer.wrap(data, 200_000, data.length - 200_000));
            assertThat(resumed.commit().sha256()).isEqualTo(sha256(data));
        }
        assertThat(read(alice, REPORT)).isEqualTo(data);
    }

    @Test
    void interruptedReplacementOfAFile_isWhatStatResumableShows_whileStatAndOpenKeepTheCommittedFile()
            throws Exception {
        byte[] previous = randomBytes(1000, 8);
        upload(alice, REPORT, previous);
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(randomBytes(300_000, 9)));
        } // closed without commit: the connection dropped

        FileEntry resumable = test.core().files().statResumable(alice, REPORT);
        assertThat(resumable.partial()).isTrue();
        assertThat(resumable.size()).isEqualTo(300_000);
        assertThat(test.core().files().stat(alice, REPORT).size()).isEqualTo(1000);
        assertThat(read(alice, REPORT)).isEqualTo(previous);
        ClientPrincipal bob = test.client("acme", "bob", Protocol.SFTP);
        assertThatThrownBy(() -> test.core().files().statResumable(bob, REPORT)).isInstanceOf(GatewayException.class);
    }

    @Test
    void exceedingTheByteQuota_failsWhileStreaming_andLeavesNothing() throws Exception {
        test.core().administration().setQuota(alice.tenant(), new Quota(100_000, 0));
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(randomBytes(60_000, 6)));
            assertThatThrownBy(() -> upload.write(60_000, ByteBuffer.wrap(randomBytes(60_000, 7))))
                    .isInstanceOfSatisfying(GatewayException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.QUOTA_EXCEEDED));
        }
        assertThatThrownBy(() -> test.core().files().stat(alice, REPORT)).isInstanceOf(GatewayException.class);
        assertThat(objectFiles()).isEmpty();
    }

    @Test
    void uploadsThatEachFitTheByteQuotaButNotTogether_theLaterCommitIsRefused_andLeavesNothing() throws Exception {
        test.core().administration().setQuota(alice.tenant(), new Quota(100_000, 0));
        VirtualPath second = PathPolicy.parse("/inbox/second.csv");
        try (Upload one = test.core().ingest().open(alice, REPORT, UploadMode.CREATE);
             Upload two = test.core().ingest().open(alice, second, UploadMode.CREATE)) {
            one.write(0, ByteBuffer.wrap(randomBytes(60_000, 18)));
            two.write(0, ByteBuffer.wrap(randomBytes(60_000, 19))); // each fits while the other is not stored
            one.commit();

            assertThatThrownBy(two::commit).isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.QUOTA_EXCEEDED));
        }
        assertThat(read(alice, REPORT)).hasSize(60_000);
        assertThatThrownBy(() -> test.core().files().stat(alice, second)).isInstanceOf(GatewayException.class);
        assertThat(test.database().read(jdbc -> new FileRepository().usage(jdbc, alice.tenant()))[0])
                .isEqualTo(60_000);
        assertThat(objectFiles()).as("the refused upload leaves no object").hasSize(1);
    }

    @Test
    void replacingAFile_withinTheQuota_isCommitted() throws Exception {
        test.core().administration().setQuota(alice.tenant(), new Quota(100_000, 0));
        upload(alice, REPORT, randomBytes(30_000, 20));

        upload(alice, REPORT, randomBytes(40_000, 21)); // 30 000 + 40 000 while both exist

        assertThat(read(alice, REPORT)).hasSize(40_000);
    }

    @Test
    void lockedTenant_cannotUploadOrDownload() {
        upload(alice, REPORT, new byte[10]);
        test.core().administration().lock(alice.tenant());
        assertThatThrownBy(() -> test.core().ingest().open(alice, REPORT, UploadMode.CREATE))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TENANT_LOCKED));
        assertThatThrownBy(() -> test.core().files().open(alice, REPORT))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TENANT_LOCKED));
    }

    @Test
    void storedBytes_neverContainThePlaintext() throws Exception {
        byte[] marker = "VAULTGATE-PLAINTEXT-MARKER-7f3a".repeat(2000).getBytes(StandardCharsets.US_ASCII);
        upload(alice, REPORT, marker);
        byte[] needle = "VAULTGATE-PLAINTEXT-MARKER".getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(indexOf(Files.readAllBytes(file), needle)).as(file.toString()).isEqualTo(-1);
            }
        }
    }

    @Test
    void newUploadToTheSamePath_replacesTheOldFile_andFreesItsObject() throws Exception {
        upload(alice, REPORT, randomBytes(10_000, 8));
        byte[] second = randomBytes(20_000, 9);
        upload(alice, REPORT, second);
        assertThat(read(alice, REPORT)).isEqualTo(second);
        assertThat(objectFiles()).hasSize(1);
    }

    @Test
    void aNewUploadOverTheOwnersPartial_deletesThePartialsObject_andAuditsIt() throws Exception {
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(randomBytes(100_000, 30)));
        } // dropped: a partial
        String partial = test.database().read(jdbc -> new FileRepository().findOwned(jdbc, alice.tenant(),
                alice.accountId(), REPORT, FileState.PARTIAL)).orElseThrow().id();
        byte[] data = randomBytes(10_000, 31);

        upload(alice, REPORT, data);

        assertThat(read(alice, REPORT)).isEqualTo(data);
        assertThat(objectFiles()).as("the partial's object went with its row").hasSize(1);
        List<String> aborted = test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = "
                + "'upload.aborted'", row -> row.getString(1)));
        assertThat(aborted).singleElement().satisfies(event -> assertThat(event).contains(partial,
                "replaced by a new upload"));
    }

    private Receipt upload(ClientPrincipal who, VirtualPath path, byte[] data) {
        try (Upload upload = test.core().ingest().open(who, path, UploadMode.CREATE)) {
            for (int offset = 0; offset < data.length; offset += 50_000) {
                upload.write(offset, ByteBuffer.wrap(data, offset, Math.min(50_000, data.length - offset)));
            }
            return upload.commit();
        }
    }

    private byte[] read(ClientPrincipal who, VirtualPath path) throws IOException {
        return FileContents.readAll(test.core(), who, path);
    }

    private List<Path> objectFiles() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "lists the files of a directory store");
        try (Stream<Path> files = Files.walk(home.resolve("objects"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
