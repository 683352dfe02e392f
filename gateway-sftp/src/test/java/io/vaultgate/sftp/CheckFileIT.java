package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.vaultgate.core.metrics.GatewayMetrics;
import io.vaultgate.sftp.extensions.CheckFileBounds;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.CheckFileHandleExtension;
import org.apache.sshd.sftp.client.extensions.CheckFileNameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@code check-file} costs, asked by MINA's client of a real server: a request is answered on the session's
 * thread, ahead of the session's other requests, so what it may make the server decrypt is bounded. A whole file's
 * SHA-256 is the digest recorded at upload (no byte decrypted, however large the file); a range is hashed up to
 * 1 MiB per request and 8 MiB per connection, and a request for more is refused with a status that says so, before
 * anything is read. Before, MINA hashed whatever was asked (a whole 10 GiB file, as often as asked), decrypting it
 * on the session's thread.
 *
 * <p>Decryption is counted by the plaintext bytes the core's file service served
 * ({@code vaultgate.transfer.bytes}, direction {@code out}) and the downloads it began.
 */
class CheckFileIT {

    private static final long REQUEST_BOUND = 1L << 20;
    /** Just over the per-request bound, so that "to the end" from offset 1 is over it too. */
    private static final int LARGE = (int) REQUEST_BOUND + 2;

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    private static byte[] large;

    @BeforeAll
    static void uploadLargeFile() throws Exception {
        large = MinaTransferIT.random(LARGE);
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            upload(client.sftp(), "/inbox/large.bin", large);
        }
    }

    @Test
    void wholeFileSha256_isTheDigestRecordedAtUpload_andNothingIsDecrypted() throws Exception {
        byte[] data = MinaTransferIT.random(3 * 1024 * 1024 + 17);
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            upload(sftp, "/inbox/whole.bin", data);
            CheckFileNameExtension byName = sftp.getExtension(CheckFileNameExtension.class);
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/whole.bin")) {
                double servedBefore = served();
                double downloadsBefore = downloadsBegun();

                assertThat(hex(byName.checkFileName("/inbox/whole.bin", List.of("sha256"), 0, 0, 0)))
                        .as("to the end").containsExactly(sha256(data));
                assertThat(hex(byName.checkFileName("/inbox/whole.bin", List.of("sha256"), 0, 2L * data.length, 0)))
                        .as("a length past the end").containsExactly(sha256(data));
                assertThat(hex(byName.checkFileName("/inbox/large.bin", List.of("sha256", "md5"), 0, 0, 0)))
                        .as("a file over the per-request bound").containsExactly(sha256(large));
                assertThat(hex(sftp.getExtension(CheckFileHandleExtension.class)
                        .checkFileHandle(handle, List.of("sha256"), 0, 0, 0))).as("by handle")
                        .containsExactly(sha256(data));

                assertThat(served()).as("plaintext bytes served").isEqualTo(servedBefore);
                assertThat(downloadsBegun()).as("files opened for reading").isEqualTo(downloadsBefore);
            }
        }
    }

    /**
     * A length of 2^63 or more (a uint64; clients send 2^64 - 1 for "everything") is "to the end" (review24b L2): from
     * offset 0 in sha256, the whole file's digest recorded at upload, nothing decrypted; from another offset, the rest
     * of the file, bounded from its size. Failed before: the whole-file requests were refused SSH_FX_INVALID_PARAMETER
     * and the others SSH_FX_OP_UNSUPPORTED as over the bound, whatever the file's size.
     */
    /**
     * review25a L4: by name, sha256 from offset 0 with a length short of the file's size is a range, audited by the
     * range's own open and close only: no {@code file.downloaded} of 0 bytes, the whole-file answer's record. Failed
     * before: the recorded digest was read, and so audited, before the request was known to be a range. A length
     * reaching the end is the whole-file answer, with its record.
     */
    @Test
    void aShorterLengthFromOffset0_byName_isARange_auditedWithoutAWholeFileRecord() throws Exception {
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            CheckFileNameExtension byName = client.sftp().getExtension(CheckFileNameExtension.class);
            long before = wholeFileRecords("/inbox/large.bin");

            assertThat(hex(byName.checkFileName("/inbox/large.bin", List.of("sha256"), 0, 1000, 0)))
                    .as("the first 1000 bytes").containsExactly(sha256(Arrays.copyOf(large, 1000)));
            assertThat(wholeFileRecords("/inbox/large.bin")).as("no whole-file record for a range")
                    .isEqualTo(before);

            assertThat(hex(byName.checkFileName("/inbox/large.bin", List.of("sha256"), 0, LARGE, 0)))
                    .as("a length of the file's size").containsExactly(sha256(large));
            assertThat(wholeFileRecords("/inbox/large.bin")).as("the whole-file answer's record")
                    .isEqualTo(before + 1);
        }
    }

    /**
     * review25a L5: each whole-file answer by name is audited, so a connection is given at most
     * {@link CheckFileBounds#WHOLE_FILES_BY_NAME} of them, every one on record; the next is refused with a status
     * saying so, and writes nothing; a range is still answered, and a new connection has its own count. Failed
     * before: every answer was given (and audited), without end.
     */
    @Test
    void wholeFileAnswersByName_areEachAudited_atMost1024PerConnection_thenRefused() throws Exception {
        byte[] data = MinaTransferIT.random(5000);
        int bound = CheckFileBounds.WHOLE_FILES_BY_NAME;
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            upload(client.sftp(), "/inbox/often.bin", data);
            CheckFileNameExtension byName = client.sftp().getExtension(CheckFileNameExtension.class);
            long before = wholeFileRecords("/inbox/often.bin");
            for (int i = 0; i < bound; i++) {
                assertThat(hex(byName.checkFileName("/inbox/often.bin", List.of("sha256"), 0, 0, 0)))
                        .as("answer %d", i).containsExactly(sha256(data));
            }
            assertThat(wholeFileRecords("/inbox/often.bin")).as("one record per answer").isEqualTo(before + bound);

            assertThatThrownBy(() -> byName.checkFileName("/inbox/often.bin", List.of("sha256"), 0, -1L, 0))
                    .as("answer %d", bound).isInstanceOf(SftpException.class)
                    .hasMessageContaining("at most " + bound + " whole-file digests are answered by name per "
                            + "connection")
                    .satisfies(e -> assertThat(((SftpException) e).getStatus())
                            .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED));
            assertThat(wholeFileRecords("/inbox/often.bin")).as("no record for the refusal")
                    .isEqualTo(before + bound);
            assertThat(hex(byName.checkFileName("/inbox/often.bin", List.of("sha256"), 10, 100, 0)))
                    .as("a range is still answered")
                    .containsExactly(sha256(Arrays.copyOfRange(data, 10, 110)));
        }
        try (MinaSftp other = gateway.mina(TestSftpGateway.ALICE)) {
            assertThat(hex(other.sftp().getExtension(CheckFileNameExtension.class)
                    .checkFileName("/inbox/often.bin", List.of("sha256"), 0, 0, 0)))
                    .as("another connection").containsExactly(sha256(data));
        }
    }

    @Test
    void aLengthOf2To63OrMore_isToTheEndOfTheFile() throws Exception {
        byte[] small = MinaTransferIT.random(1000);
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            upload(sftp, "/inbox/everything.bin", small);
            CheckFileNameExtension byName = sftp.getExtension(CheckFileNameExtension.class);
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/large.bin")) {
                double servedBefore = served();

                assertThat(hex(byName.checkFileName("/inbox/large.bin", List.of("sha256"), 0, -1L, 0)))
                        .as("2^64 - 1 by name").containsExactly(sha256(large));
                assertThat(hex(sftp.getExtension(CheckFileHandleExtension.class).checkFileHandle(handle,
                        List.of("sha256"), 0, Long.MIN_VALUE, 0))).as("2^63 by handle").containsExactly(sha256(large));
                assertThat(served()).as("plaintext bytes served").isEqualTo(servedBefore);
            }
            assertThat(hex(byName.checkFileName("/inbox/everything.bin", List.of("sha1"), 10, -1L, 0)))
                    .as("the rest of a small file, in sha1")
                    .containsExactly(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                            .digest(Arrays.copyOfRange(small, 10, small.length))));
            assertThatThrownBy(() -> byName.checkFileName("/inbox/large.bin", List.of("sha256"), 1, -1L, 0))
                    .as("the rest of a file over the bound").isInstanceOf(SftpException.class)
                    .hasMessageContaining("at most " + REQUEST_BOUND + " bytes (1 MiB) are hashed per request");
        }
    }

    @Test
    void aRangeOverTheRequestBound_isRefusedWithAStatusSayingSo_beforeAnythingIsRead() throws Exception {
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            CheckFileNameExtension byName = sftp.getExtension(CheckFileNameExtension.class);
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/large.bin")) {
                CheckFileHandleExtension byHandle = sftp.getExtension(CheckFileHandleExtension.class);
                double servedBefore = served();
                Map<String, ThrowingCall> overBound = Map.of(
                        "to the end from offset 1", () -> byName.checkFileName("/inbox/large.bin",
                                List.of("sha256"), 1, 0, 0),
                        "the whole file in md5", () -> byName.checkFileName("/inbox/large.bin",
                                List.of("md5"), 0, 0, 0),
                        "a length over the bound", () -> byName.checkFileName("/inbox/large.bin",
                                List.of("sha256"), 1, REQUEST_BOUND + 1, 0),
                        "1024 blocks of 128 KiB", () -> byName.checkFileName("/inbox/large.bin",
                                List.of("sha256"), 0, 1024 * 131072, 131072),
                        "by handle, sha1", () -> byHandle.checkFileHandle(handle, List.of("sha1"), 5,
                                REQUEST_BOUND + 1, 0));
                for (Map.Entry<String, ThrowingCall> ask : overBound.entrySet()) {
                    assertThatThrownBy(ask.getValue()::call).as(ask.getKey())
                            .isInstanceOf(SftpException.class)
                            .hasMessageContaining("at most " + REQUEST_BOUND + " bytes (1 MiB) are hashed per request")
                            .satisfies(e -> assertThat(((SftpException) e).getStatus())
                                    .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED));
                }
                assertThat(served()).as("plaintext bytes served for the refused requests").isEqualTo(servedBefore);

                assertThat(hex(byName.checkFileName("/inbox/large.bin", List.of("sha256"), 1000, 1 << 19, 0)))
                        .as("a range within the bound")
                        .containsExactly(sha256(Arrays.copyOfRange(large, 1000, 1000 + (1 << 19))));
                assertThat(hex(byHandle.checkFileHandle(handle, List.of("sha256"), 0, 0, 0)))
                        .as("the whole file's sha256").containsExactly(sha256(large));
                assertThat(sftp.stat("/inbox/large.bin").getSize()).as("the session goes on").isEqualTo(LARGE);
            }
        }
    }

    @Test
    void theRangesOfOneConnection_areBoundedInAll_andANewConnectionHasItsOwnBound() throws Exception {
        long sessionBound = 8L << 20;
        int requests = (int) (sessionBound / REQUEST_BOUND);
        String expected = sha256(Arrays.copyOfRange(large, 1, 1 + (int) REQUEST_BOUND));
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            CheckFileNameExtension byName = client.sftp().getExtension(CheckFileNameExtension.class);
            for (int i = 0; i < requests; i++) {
                assertThat(hex(byName.checkFileName("/inbox/large.bin", List.of("sha256"), 1, REQUEST_BOUND, 0)))
                        .as("request %d of 1 MiB", i).containsExactly(expected);
            }
            assertThatThrownBy(() -> byName.checkFileName("/inbox/large.bin", List.of("sha256"), 1, 1, 0))
                    .as("one byte more than 8 MiB on this connection")
                    .isInstanceOf(SftpException.class)
                    .hasMessageContaining("at most " + sessionBound + " bytes (8 MiB) of ranges are hashed per"
                            + " connection")
                    .satisfies(e -> assertThat(((SftpException) e).getStatus())
                            .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED));
            assertThat(hex(byName.checkFileName("/inbox/large.bin", List.of("sha256"), 0, 0, 0)))
                    .as("the whole file's sha256 is still answered").containsExactly(sha256(large));
        }
        try (MinaSftp other = gateway.mina(TestSftpGateway.ALICE)) {
            assertThat(hex(other.sftp().getExtension(CheckFileNameExtension.class)
                    .checkFileName("/inbox/large.bin", List.of("sha256"), 1, REQUEST_BOUND, 0)))
                    .as("another connection").containsExactly(expected);
        }
    }

    @Test
    void aHandle_isHashedAsTheFileItReads_evenOnceAnotherUploadHasReplacedItsName() throws Exception {
        byte[] first = MinaTransferIT.random(200_000);
        byte[] second = MinaTransferIT.random(300_000);
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            upload(sftp, "/inbox/replaced.bin", first);
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/replaced.bin")) {
                upload(sftp, "/inbox/replaced.bin", second);
                CheckFileHandleExtension byHandle = sftp.getExtension(CheckFileHandleExtension.class);
                assertThat(hex(byHandle.checkFileHandle(handle, List.of("sha256"), 0, 0, 0)))
                        .as("whole file").containsExactly(sha256(first));
                assertThat(hex(byHandle.checkFileHandle(handle, List.of("sha256"), 10, 1000, 0)))
                        .as("a range").containsExactly(sha256(Arrays.copyOfRange(first, 10, 1010)));
            }
            assertThat(hex(sftp.getExtension(CheckFileNameExtension.class)
                    .checkFileName("/inbox/replaced.bin", List.of("sha256"), 0, 0, 0)))
                    .as("the name: the file that replaced it").containsExactly(sha256(second));
        }
    }

    @Test
    void anUploadHandle_isRefused() throws Exception {
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            upload(sftp, "/inbox/written.bin", MinaTransferIT.random(1000));
            try (SftpClient.CloseableHandle writing = sftp.open("/inbox/written-2.bin", SftpClient.OpenMode.Write,
                    SftpClient.OpenMode.Create)) {
                sftp.write(writing, 0, new byte[100]);
                assertThatThrownBy(() -> sftp.getExtension(CheckFileHandleExtension.class)
                        .checkFileHandle(writing, List.of("sha256"), 0, 0, 0))
                        .isInstanceOf(SftpException.class)
                        .satisfies(e -> assertThat(((SftpException) e).getStatus())
                                .isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED));
            }
        }
    }

    /** A check-file call, for a table of them. */
    @FunctionalInterface
    private interface ThrowingCall {
        Object call() throws Exception;
    }

    private static List<String> hex(Map.Entry<String, Collection<byte[]>> answer) {
        return answer.getValue().stream().map(HexFormat.of()::formatHex).toList();
    }

    private static String sha256(byte[] data) throws Exception {
        return MinaTransferIT.sha256(data);
    }

    private static double served() {
        return gateway.core().metrics().registry().find(GatewayMetrics.TRANSFER_BYTES.name())
                .tag(GatewayMetrics.DIRECTION, "out").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static double downloadsBegun() {
        return gateway.core().metrics().registry().find(GatewayMetrics.TRANSFERS_STARTED.name())
                .tag(GatewayMetrics.DIRECTION, "out").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The whole-file answers by name audited for {@code path}: {@code file.downloaded} records of 0 bytes. */
    private static long wholeFileRecords(String path) throws Exception {
        Path catalog = gateway.directory().resolve("core").resolve("catalog.db"); // SQLite, as these tests run
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM audit_events WHERE kind = "
                     + "'file.downloaded' AND event LIKE ? AND event LIKE '%\"bytes\":0%'")) {
            query.setString(1, "%\"path\":\"" + path + "\"%");
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void upload(SftpClient sftp, String path, byte[] data) throws Exception {
        try (OutputStream out = sftp.write(path)) {
            out.write(data);
        }
    }
}
