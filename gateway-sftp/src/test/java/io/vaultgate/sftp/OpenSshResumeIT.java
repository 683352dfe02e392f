package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.metrics.GatewayMetrics;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An OpenSSH client killed mid-upload (writes in flight), then {@code reput} from the size the server reports. */
class OpenSshResumeIT {

    @TempDir
    Path directory;
    /** One per test (an instance field): the shutdown test stops the front-end. */
    @RegisterExtension
    final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @Test
    void clientKilledMidUpload_leavesAPartial_thatReputCompletes() throws Exception {
        byte[] data = new byte[40 * 1024 * 1024 + 99];
        new Random(3).nextBytes(data);
        Path local = Files.write(directory.resolve("big.bin"), data);

        // -l limits the client to about 10 MB/s, so it is surely mid-transfer when killed: once the gateway has taken
        // 8 MiB of the 40 (however long the client took to connect), about a second before it would be done
        Process client = gateway.openSsh(TestSftpGateway.ALICE).start(List.of("-l", "80000"),
                "put " + local + " /inbox/big.bin");
        awaitBytesReceived(8 * 1024 * 1024);
        client.destroyForcibly();
        assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();

        FileEntry partial = awaitPartial("/inbox/big.bin");
        assertThat(partial.partial()).isTrue();
        assertThat(partial.size()).isBetween(1L, (long) data.length - 1);

        byte[] tailOnly = data.clone();
        Arrays.fill(tailOnly, 0, (int) partial.size(), (byte) 0);
        Files.write(local, tailOnly);
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE)
                .batch("reput " + local + " /inbox/big.bin", "get /inbox/big.bin " + local + ".back");

        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(sha256(Files.readAllBytes(Path.of(local + ".back")))).isEqualTo(sha256(data));
        assertThat(gateway.core().files().stat(gateway.principal(TestSftpGateway.ALICE),
                PathPolicy.parse("/inbox/big.bin")).partial()).isFalse();
    }

    @Test
    void serverShutdownMidUpload_returnsOnlyOnceTheUploadIsKeptAsAResumablePartial() throws Exception {
        byte[] data = new byte[2 * 1024 * 1024];
        new Random(5).nextBytes(data);
        MinaSftp client = gateway.mina(TestSftpGateway.ALICE);
        SftpClient.CloseableHandle handle = client.sftp().open("/inbox/shutdown.bin",
                EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Create));
        client.sftp().write(handle, 0, data, 0, data.length / 2);

        gateway.stopSftp();

        // no waiting: the application closes the core right after the front-end, so the partial must be kept by now
        assertThat(gateway.core().uploads().active()).as("uploads still open").isZero();
        FileEntry partial = stat("/inbox/shutdown.bin").orElseThrow();
        assertThat(partial.partial()).isTrue();
        assertThat(partial.size()).isPositive().isLessThanOrEqualTo(data.length / 2);
        client.disconnectAbruptly();
    }

    private void awaitBytesReceived(double bytes) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received() < bytes) {
            assertThat(System.nanoTime()).as("%s bytes received within 30 s", bytes).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private double received() {
        return gateway.core().metrics().registry().find(GatewayMetrics.TRANSFER_BYTES.name())
                .tag(GatewayMetrics.DIRECTION, "in").counters().stream().mapToDouble(Counter::count).sum();
    }

    private FileEntry awaitPartial(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Optional<FileEntry> entry = stat(path);
            if (entry.isPresent() || System.nanoTime() > deadline) {
                return entry.orElseThrow();
            }
            Thread.sleep(100);
        }
    }

    private Optional<FileEntry> stat(String path) {
        try {
            return Optional.of(gateway.core().files().stat(gateway.principal(TestSftpGateway.ALICE),
                    PathPolicy.parse(path)));
        } catch (GatewayException e) {
            return Optional.empty();
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
