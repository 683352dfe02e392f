package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.CheckFileNameExtension;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Uploads and downloads through MINA's SFTP client: reordered writes, interruption and resume, quota. */
class MinaTransferIT {

    private static final int CHUNK = 32 * 1024;

    @TempDir
    static Path directory;
    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @Test
    void largeFile_writtenOutOfOrderWithinTheWindow_readsBackIdentical() throws Exception {
        byte[] data = random(50 * 1024 * 1024 + 123);
        long started = System.nanoTime();
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/big.bin",
                    EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate))) {
                writeShuffled(sftp, handle, data, 0, 2 * 1024 * 1024);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("MINA upload 50 MiB, reordered 32 KiB writes: %.1f MiB/s%n", 50 / seconds);

            assertThat(sftp.stat("/inbox/big.bin").getSize()).isEqualTo(data.length);
            started = System.nanoTime();
            assertThat(sha256(sftp.read("/inbox/big.bin"))).isEqualTo(sha256(data));
            System.out.printf("MINA download 50 MiB: %.1f MiB/s%n", 50 / ((System.nanoTime() - started) / 1e9));
        }
    }

    @Test
    void abruptDisconnect_leavesAPartialOnlyItsUploaderSees_andReputFinishesIt() throws Exception {
        byte[] data = random(3 * 1024 * 1024 + 17);
        int sent = 1024 * 1024 + 100;
        MinaSftp interrupted = gateway.mina(TestSftpGateway.ALICE);
        SftpClient.CloseableHandle handle = interrupted.sftp().open("/inbox/resumable.bin",
                EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate));
        for (int offset = 0; offset < sent; offset += CHUNK) {
            interrupted.sftp().write(handle, offset, data, offset, Math.min(CHUNK, sent - offset));
        }
        interrupted.disconnectAbruptly();

        long partialSize = awaitPartial("/inbox/resumable.bin");
        assertThat(partialSize).isBetween(1L, (long) sent);
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            assertThatThrownBy(() -> alice.sftp().read("/inbox/resumable.bin").readAllBytes())
                    .isInstanceOf(SftpException.class);
        }
        try (MinaSftp bob = gateway.mina(TestSftpGateway.BOB)) {
            assertThatThrownBy(() -> bob.sftp().stat("/inbox/resumable.bin")).isInstanceOf(SftpException.class);
        }

        // The local copy has zeros where the server already holds data: only a true resume (which sends
        // the tail alone) yields the original bytes on the server.
        byte[] tailOnly = data.clone();
        java.util.Arrays.fill(tailOnly, 0, (int) partialSize, (byte) 0);
        Path local = Files.write(directory.resolve("resumable.bin"), tailOnly);
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE)
                .batch("reput " + local + " /inbox/resumable.bin", "get /inbox/resumable.bin " + local + ".back");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(sha256(Files.readAllBytes(Path.of(local + ".back")))).isEqualTo(sha256(data));
    }

    @Test
    void reget_continuesADownload() throws Exception {
        byte[] data = random(300_000);
        Path local = Files.write(directory.resolve("reget.bin"), data);
        assertThat(gateway.openSsh(TestSftpGateway.ALICE).batch("put " + local + " /inbox/reget.bin").succeeded())
                .isTrue();
        Path partial = Files.write(directory.resolve("reget.part"), java.util.Arrays.copyOf(data, 100_000));
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE)
                .batch("reget /inbox/reget.bin " + partial);
        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(sha256(Files.readAllBytes(partial))).isEqualTo(sha256(data));
    }

    @Test
    void quotaExceededMidStream_failsTheWriteAndLeavesNothing() throws Exception {
        Path key = gateway.addClient("small-co", "carol");
        gateway.core().administration().setQuota(TenantId.of("small-co"), new Quota(256 * 1024, 0));
        byte[] data = random(1024 * 1024);
        try (MinaSftp carol = MinaSftp.connect(gateway.port(), "carol", key)) {
            SftpClient sftp = carol.sftp();
            SftpClient.CloseableHandle handle = sftp.open("/inbox/too-big.bin",
                    EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate));
            assertThatThrownBy(() -> {
                for (int offset = 0; offset < data.length; offset += CHUNK) {
                    sftp.write(handle, offset, data, offset, CHUNK);
                }
            }).isInstanceOf(SftpException.class).hasMessageContaining("quota");
            assertThatThrownBy(handle::close).isInstanceOf(SftpException.class);
            assertThatThrownBy(() -> sftp.stat("/inbox/too-big.bin")).isInstanceOf(SftpException.class);
        }
    }

    @Test
    void writeBeyondTheReorderWindow_isRefused_andTheUploadLeavesNothing() throws Exception {
        byte[] chunk = random(CHUNK);
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = alice.sftp();
            SftpClient.CloseableHandle handle = sftp.open("/inbox/gap.bin",
                    EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate));
            sftp.write(handle, 0, chunk, 0, CHUNK);
            assertThatThrownBy(() -> sftp.write(handle, 512L * 1024 * 1024, chunk, 0, CHUNK))
                    .isInstanceOf(SftpException.class).hasMessageContaining("too far ahead");
            assertThatThrownBy(handle::close).isInstanceOf(SftpException.class);
            assertThatThrownBy(() -> sftp.stat("/inbox/gap.bin")).isInstanceOf(SftpException.class);
        }
    }

    @Test
    void setstatOfTimes_isAccepted_butPermissionsAndSizeAreRefused() throws Exception {
        Path local = Files.write(directory.resolve("attrs.bin"), random(10));
        assertThat(gateway.openSsh(TestSftpGateway.ALICE).batch("put " + local + " /inbox/attrs.bin").succeeded())
                .isTrue();
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = alice.sftp();
            FileTime time = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
            sftp.setStat("/inbox/attrs.bin", new SftpClient.Attributes().modifyTime(time).accessTime(time));
            assertThatThrownBy(() -> sftp.setStat("/inbox/attrs.bin", new SftpClient.Attributes().perms(0777)))
                    .isInstanceOf(SftpException.class);
            assertThatThrownBy(() -> sftp.setStat("/inbox/attrs.bin", new SftpClient.Attributes().size(0)))
                    .isInstanceOf(SftpException.class);
            assertThat(sftp.stat("/inbox/attrs.bin").getSize()).isEqualTo(10);
        }
    }

    @Test
    void checkFile_returnsTheSha256OfThePlaintext() throws Exception {
        byte[] data = random(200_000);
        Path local = Files.write(directory.resolve("digest.bin"), data);
        assertThat(gateway.openSsh(TestSftpGateway.ALICE).batch("put " + local + " /inbox/digest.bin").succeeded())
                .isTrue();
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            var result = alice.sftp().getExtension(CheckFileNameExtension.class)
                    .checkFileName("/inbox/digest.bin", List.of("sha256"), 0, 0, 0);
            assertThat(result.getKey()).isEqualTo("sha256");
            assertThat(HexFormat.of().formatHex(result.getValue().iterator().next())).isEqualTo(sha256(data));
        }
    }

    /** Writes {@code data} in 32 KiB chunks, shuffled within each window, as a pipelining client may. */
    static void writeShuffled(SftpClient sftp, SftpClient.Handle handle, byte[] data, int from, int window)
            throws Exception {
        Random random = new Random(7);
        for (int windowStart = from; windowStart < data.length; windowStart += window) {
            List<Integer> offsets = new ArrayList<>();
            for (int offset = windowStart; offset < Math.min(data.length, windowStart + window); offset += CHUNK) {
                offsets.add(offset);
            }
            Collections.shuffle(offsets, random);
            for (int offset : offsets) {
                sftp.write(handle, offset, data, offset, Math.min(CHUNK, data.length - offset));
            }
        }
    }

    @Test
    void interruptedReplacementOfAnExistingFile_isFinishedByReput() throws Exception {
        Path previous = Files.write(directory.resolve("daily-previous.csv"), random(1000));
        assertThat(gateway.openSsh(TestSftpGateway.ALICE).batch("put " + previous + " /inbox/daily.csv").succeeded())
                .isTrue();
        byte[] data = random(2 * 1024 * 1024 + 5);
        int sent = 1024 * 1024 + 100;
        MinaSftp interrupted = gateway.mina(TestSftpGateway.ALICE);
        SftpClient.CloseableHandle handle = interrupted.sftp().open("/inbox/daily.csv",
                EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate));
        for (int offset = 0; offset < sent; offset += CHUNK) {
            interrupted.sftp().write(handle, offset, data, offset, Math.min(CHUNK, sent - offset));
        }
        interrupted.disconnectAbruptly();
        long partialSize = awaitListedPartial("daily.csv");

        byte[] tailOnly = data.clone();
        java.util.Arrays.fill(tailOnly, 0, (int) partialSize, (byte) 0);
        Path local = Files.write(directory.resolve("daily.csv"), tailOnly);
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE)
                .batch("reput " + local + " /inbox/daily.csv", "get /inbox/daily.csv " + local + ".back");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(sha256(Files.readAllBytes(Path.of(local + ".back")))).isEqualTo(sha256(data));
    }

    /** The size of the interrupted upload {@code name} in alice's inbox, once her listing shows it. */
    private static long awaitListedPartial(String name) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            var partial = gateway.core().files().list(gateway.principal(TestSftpGateway.ALICE),
                    io.vaultgate.core.path.PathPolicy.parse("/inbox")).stream()
                    .filter(entry -> entry.name().equals(name) && entry.partial()).findFirst();
            if (partial.isPresent()) {
                return partial.get().size();
            }
            assertThat(Instant.now()).as("a partial within 20 s").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static long awaitPartial(String path) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
                return alice.sftp().stat(path).getSize();
            } catch (SftpException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
