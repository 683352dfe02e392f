package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stock OpenSSH {@code sftp} client against the gateway: uploads and downloads compared by SHA-256. */
class OpenSshRoundTripIT {

    @TempDir
    static Path directory;
    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65535, 65536, 65537, 3 * 1024 * 1024 + 7})
    void putThenGet_returnsTheSameBytes(int size) throws Exception {
        Path local = randomFile("up-" + size + ".bin", size);
        String remote = "/inbox/file-" + size + ".bin";

        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE)
                .batch("put " + local + " " + remote, "get " + remote + " " + local + ".back", "ls -l /inbox");

        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(sha256(local.resolveSibling(local.getFileName() + ".back"))).isEqualTo(sha256(local));
        assertThat(result.output()).contains("file-" + size + ".bin");
    }

    @Test
    void fiftyMebibytes_roundTripPipelined() throws Exception {
        Path local = randomFile("big.bin", 50 * 1024 * 1024);
        OpenSshSftp sftp = gateway.openSsh(TestSftpGateway.ALICE);
        long started = System.nanoTime();
        OpenSshSftp.Result put = sftp.batch("put " + local + " /inbox/big.bin");
        double upload = 50 / ((System.nanoTime() - started) / 1e9);
        started = System.nanoTime();
        OpenSshSftp.Result get = sftp.batch("get /inbox/big.bin " + local + ".back");
        double download = 50 / ((System.nanoTime() - started) / 1e9);
        System.out.printf("OpenSSH sftp 50 MiB (incl. connect): upload %.1f MiB/s, download %.1f MiB/s%n", upload,
                download);

        assertThat(put.succeeded()).as(put.output()).isTrue();
        assertThat(get.succeeded()).as(get.output()).isTrue();
        assertThat(sha256(local.resolveSibling("big.bin.back"))).isEqualTo(sha256(local));
    }

    @Test
    void meters_countLoginsTransfersAndBytes() throws Exception {
        Path local = randomFile("metered.bin", 70_000);
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE)
                .batch("put " + local + " /inbox/metered.bin", "get /inbox/metered.bin " + local + ".back");
        assertThat(result.succeeded()).as(result.output()).isTrue();

        var meters = gateway.meters();
        assertThat(meters.get("vaultgate.sftp.logins").tag("method", "publickey").tag("outcome", "success")
                .counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("vaultgate.sftp.transfers").tag("outcome", "upload_committed").counter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(meters.get("vaultgate.sftp.bytes").tag("direction", "in").counter().count())
                .isGreaterThanOrEqualTo(70_000);
        assertThat(meters.get("vaultgate.sftp.bytes").tag("direction", "out").counter().count())
                .isGreaterThanOrEqualTo(70_000);
        assertThat(meters.get("vaultgate.sftp.connections").counter().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void statReportsPlaintextSize() throws Exception {
        Path local = randomFile("sized.bin", 100_000);
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE)
                .batch("put " + local + " /inbox/sized.bin", "ls -l /inbox/sized.bin");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).contains("100000");
    }

    @Test
    void renameRemoveMkdirRmdir_work() throws Exception {
        Path local = randomFile("ops.bin", 1000);
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).batch(
                "mkdir /inbox/batch1",
                "put " + local + " /inbox/batch1/a.bin",
                "rename /inbox/batch1/a.bin /inbox/batch1/b.bin",
                "ls /inbox/batch1",
                "rm /inbox/batch1/b.bin",
                "rmdir /inbox/batch1",
                "ls /inbox");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).contains("/inbox/batch1/b.bin");
        String finalListing = result.output().substring(result.output().lastIndexOf("sftp> ls /inbox\n"));
        assertThat(finalListing).doesNotContain("batch1");
    }

    static Path randomFile(String name, int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Path file = Files.createDirectories(directory.resolve("local")).resolve(name);
        Files.write(file, bytes);
        return file;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
