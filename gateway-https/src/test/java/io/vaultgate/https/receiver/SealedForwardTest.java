package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Forwarder;
import io.vaultgate.crypto.seal.SitePrivateKey;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sealed forwarding end to end over mutual TLS: the gateway sends the stored envelope with the data key
 * sealed to the site's X25519 key; only the receiver holding that key writes a readable file.
 */
class SealedForwardTest {

    @TempDir
    Path home;
    private ReceiverFixture fixture;
    private Forwarder forwarder;
    private final SitePrivateKey siteKey = SitePrivateKey.generate(new java.security.SecureRandom());

    @BeforeEach
    void setUp() {
        fixture = new ReceiverFixture(home);
        forwarder = fixture.forwarder("node-a");
        fixture.test.core().sites().setRecipientKey(ReceiverFixture.SITE, Optional.of(siteKey.publicKey()));
    }

    @AfterEach
    void tearDown() {
        forwarder.close();
        fixture.close();
    }

    @Test
    void holderOfTheSiteKey_receivesTheReadablePlaintext_withTheSameDigest() throws Exception {
        fixture.startSealedReceiver(siteKey);
        byte[] content = fixture.randomBytes(5 * 1024 * 1024 + 77);
        FileRecord file = fixture.uploadAndQueue("/inbox/2026/payroll.csv", content);

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(Files.readAllBytes(fixture.drop.resolve("acme/acme-upload/inbox/2026/payroll.csv"))).isEqualTo(content);
        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(job.siteDigest()).contains(RawPut.sha256(content));
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void openedPlaintext_isTheReceiversUsersAlone_whateverTheUmask() throws Exception {
        fixture.startSealedReceiver(siteKey);
        FileRecord file = fixture.uploadAndQueue("/inbox/2026/payroll.csv", fixture.randomBytes(1000));
        Path probe = Files.createFile(home.resolve("umask-probe"));
        String umaskMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(probe));

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                fixture.drop.resolve("acme/acme-upload/inbox/2026/payroll.csv"))))
                .as("the published plaintext (a file created under this umask is %s)", umaskMode)
                .isEqualTo("rw-------");
        for (String dir : List.of("acme", "acme/acme-upload", "acme/acme-upload/inbox/2026")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.drop.resolve(dir))))
                    .as(dir).isEqualTo("rwx------");
        }
    }

    @Test
    void emptyFile_isSealedAndDeliveredToo() throws Exception {
        fixture.startSealedReceiver(siteKey);
        FileRecord file = fixture.uploadAndQueue("/inbox/empty.csv", new byte[0]);

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(Files.size(fixture.drop.resolve("acme/acme-upload/inbox/empty.csv"))).isZero();
    }

    @Test
    void receiverWithAnotherSiteKey_cannotOpenIt_andWritesNothing() throws Exception {
        fixture.startSealedReceiver(SitePrivateKey.generate(new java.security.SecureRandom()));
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", fixture.randomBytes(200_000));

        assertThat(forwarder.runDue()).isEqualTo(1);

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.PENDING);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error).contains("400")
                .contains("does not open with this site's key"));
        assertThat(droppedFiles()).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    /**
     * Two sites given the same recipient key: a file for the other site, sent with that site's own certificate to
     * this site's receiver, is refused (its certificate names the other site), though the key would open it.
     */
    @Test
    void fileForAnotherSiteWithTheSameRecipientKey_isRefused_byItsCertificate_andNothingIsWritten() throws Exception {
        fixture.startSealedReceiver(siteKey);
        fixture.configure(ReceiverFixture.OTHER_SITE, fixture.endpoint(), fixture.otherSite(), fixture.otherSiteKey());
        fixture.test.core().sites().setRecipientKey(ReceiverFixture.OTHER_SITE, Optional.of(siteKey.publicKey()));
        FileRecord file = fixture.uploadAndQueue(fixture.client, "/inbox/a.csv", fixture.randomBytes(1000),
                ReceiverFixture.OTHER_SITE);

        forwarder.runDue();

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.PENDING);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error).contains("the site answered 403",
                "is not the forwarder certificate of site manila"));
        assertThat(droppedFiles()).isEmpty();
    }

    /**
     * The same, sent with this site's certificate (a gateway whose settings for the other site name this site's
     * certificate and endpoint): the file names the other site, so it is misdirected, refused for good and goes DEAD
     * with the receiver's reason; the sealed key is never opened as the other site's.
     */
    @Test
    void fileSealedForAnotherSite_underThisSitesCertificate_isMisdirected_andGoesDeadAtOnce() throws Exception {
        fixture.startSealedReceiver(siteKey);
        fixture.otherSite();
        fixture.configure(ReceiverFixture.OTHER_SITE, fixture.endpoint(), fixture.clientCertificate, fixture.clientKey);
        fixture.test.core().sites().setRecipientKey(ReceiverFixture.OTHER_SITE, Optional.of(siteKey.publicKey()));
        FileRecord file = fixture.uploadAndQueue(fixture.client, "/inbox/a.csv", fixture.randomBytes(1000),
                ReceiverFixture.OTHER_SITE);

        forwarder.runDue();

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).as("misdirected: no retry can change it").isEqualTo(ForwardState.DEAD);
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error).contains("the site answered 421",
                "this receiver serves site manila, not site pune", "final"));
        assertThat(droppedFiles()).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void receiverWithoutASiteKey_refusesSealedFiles() throws Exception {
        fixture.startReceiver();
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", fixture.randomBytes(1000));

        forwarder.runDue();

        assertThat(fixture.job(file).lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("has no site key"));
        assertThat(droppedFiles()).isEmpty();
    }

    @Test
    void receiverWithASiteKey_refusesPlainFiles_soNoPlaintextIsTakenFromAMisconfiguredGateway() throws Exception {
        fixture.test.core().sites().setRecipientKey(ReceiverFixture.SITE, Optional.empty());
        fixture.startSealedReceiver(siteKey);
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", fixture.randomBytes(1000));

        forwarder.runDue();

        assertThat(fixture.job(file).lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("is not sealed", "site seal"));
        assertThat(droppedFiles()).isEmpty();
    }

    @Test
    void tamperedStoredEnvelope_failsAtTheSite_andNothingIsWritten() throws Exception {
        fixture.startSealedReceiver(siteKey);
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", fixture.randomBytes(300_000));
        Path object = storedObject();
        try (RandomAccessFile raw = new RandomAccessFile(object.toFile(), "rw")) {
            raw.seek(100_000);
            int b = raw.read();
            raw.seek(100_000);
            raw.write(b ^ 0x20);
        }

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);
        assertThat(droppedFiles()).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    /** Ways the stored envelope (sent as it is) can be altered; 300 000 bytes make 5 segments of 64 KiB. */
    enum Tamper {
        HEADER_BYTE, LAST_BYTE, TAIL_CUT, LAST_SEGMENT_DROPPED, BYTES_APPENDED
    }

    @ParameterizedTest
    @EnumSource(Tamper.class)
    void alteredEnvelope_isRefusedByTheSite_andNothingIsWritten(Tamper tamper) throws Exception {
        fixture.startSealedReceiver(siteKey);
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", fixture.randomBytes(300_000));
        try (RandomAccessFile raw = new RandomAccessFile(storedObject().toFile(), "rw")) {
            long length = raw.length();
            switch (tamper) {
                case HEADER_BYTE -> flip(raw, 10);
                case LAST_BYTE -> flip(raw, length - 1);
                case TAIL_CUT -> raw.setLength(length - 100);
                case LAST_SEGMENT_DROPPED -> raw.setLength(length - (300_000 - 4 * 65_536) - 28);
                case BYTES_APPENDED -> {
                    raw.seek(length);
                    raw.write(new byte[100]);
                }
                default -> throw new IllegalStateException();
            }
        }

        forwarder.runDue();

        assertThat(fixture.job(file).state()).isNotEqualTo(ForwardState.DELIVERED);
        assertThat(droppedFiles()).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    private static void flip(RandomAccessFile raw, long at) throws IOException {
        raw.seek(at);
        int b = raw.read();
        raw.seek(at);
        raw.write(b ^ 0x01);
    }

    @Test
    void clearingTheRecipientKey_sendsPlaintextAgain() throws Exception {
        fixture.test.core().sites().setRecipientKey(ReceiverFixture.SITE, Optional.empty());
        fixture.startReceiver();
        byte[] content = fixture.randomBytes(1000);
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", content);

        forwarder.runDue();

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(Files.readAllBytes(fixture.drop.resolve("acme/acme-upload/inbox/a.csv"))).isEqualTo(content);
    }

    private Path storedObject() throws IOException {
        try (Stream<Path> files = Files.walk(fixture.objects())) {
            List<Path> objects = files.filter(Files::isRegularFile).toList();
            assertThat(objects).hasSize(1);
            return objects.get(0);
        }
    }

    private List<Path> droppedFiles() throws IOException {
        if (!Files.exists(fixture.drop.resolve("acme"))) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(fixture.drop.resolve("acme"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(fixture.drop.resolve(".vaultgate").resolve("tmp"))) {
            return files.toList();
        }
    }
}
