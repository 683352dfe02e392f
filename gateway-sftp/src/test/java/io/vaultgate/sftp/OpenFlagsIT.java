package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The flags of a write OPEN keep their SFTP meaning over files that can only be replaced whole or resumed: CREAT,
 * EXCL, TRUNC and APPEND, with the status codes SFTP defines (MINA's client speaks version 6, so the codes are not
 * lowered). Every test uses its own names.
 */
class OpenFlagsIT {

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();
    static MinaSftp alice;
    static MinaSftp aliceAgain;

    @BeforeAll
    static void connect() throws Exception {
        alice = gateway.mina(TestSftpGateway.ALICE);
        aliceAgain = gateway.mina(TestSftpGateway.ALICE);
    }

    @Test
    void exclusiveCreate_ofAnExistingFile_isFileAlreadyExists_andTheFileIsUnchanged() throws Exception {
        alice.put("/inbox/excl.txt", "original");

        assertThatThrownBy(() -> sftp().open("/inbox/excl.txt", EnumSet.of(OpenMode.Write, OpenMode.Create,
                OpenMode.Exclusive))).isInstanceOf(SftpException.class)
                .satisfies(e -> assertThat(((SftpException) e).getStatus())
                        .isEqualTo(SftpConstants.SSH_FX_FILE_ALREADY_EXISTS));
        assertThat(alice.get("/inbox/excl.txt")).isEqualTo("original");
    }

    @Test
    void exclusiveCreate_losesToAFileCommittedWhileItStreamed_andKeepsThatFile() throws Exception {
        SftpClient.CloseableHandle exclusive = sftp().open("/inbox/excl-race.txt",
                EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Exclusive));
        sftp().write(exclusive, 0, bytes("late"));
        try (OutputStream out = aliceAgain.sftp().write("/inbox/excl-race.txt")) {
            out.write(bytes("first"));
        }

        assertThatThrownBy(exclusive::close).isInstanceOf(SftpException.class)
                .satisfies(e -> assertThat(((SftpException) e).getStatus())
                        .isEqualTo(SftpConstants.SSH_FX_FILE_ALREADY_EXISTS));
        assertThat(alice.get("/inbox/excl-race.txt")).isEqualTo("first");
    }

    @Test
    void openWithoutCreate_ofAMissingFile_isNoSuchFile_andCreatesNothing() throws Exception {
        for (EnumSet<OpenMode> modes : List.of(EnumSet.of(OpenMode.Write),
                EnumSet.of(OpenMode.Write, OpenMode.Truncate))) {
            assertThatThrownBy(() -> sftp().open("/inbox/never-created.txt", modes)).as(modes.toString())
                    .isInstanceOf(SftpException.class)
                    .satisfies(e -> assertThat(((SftpException) e).getStatus())
                            .isEqualTo(SftpConstants.SSH_FX_NO_SUCH_FILE));
        }
        assertThatThrownBy(() -> sftp().stat("/inbox/never-created.txt")).isInstanceOf(SftpException.class);
    }

    @Test
    void openWithoutCreate_ofAnExistingFile_replacesIt() throws Exception {
        alice.put("/inbox/existing.txt", "old content");

        try (SftpClient.CloseableHandle handle = sftp().open("/inbox/existing.txt",
                EnumSet.of(OpenMode.Write, OpenMode.Truncate))) {
            sftp().write(handle, 0, bytes("new"));
        }

        assertThat(alice.get("/inbox/existing.txt")).isEqualTo("new");
    }

    @Test
    void openWithoutTruncate_closedWithoutWriting_leavesTheFileUnchanged() throws Exception {
        alice.put("/inbox/untouched.txt", "keep me");
        for (EnumSet<OpenMode> modes : List.of(EnumSet.of(OpenMode.Write), EnumSet.of(OpenMode.Write,
                OpenMode.Create), EnumSet.of(OpenMode.Read, OpenMode.Write))) {
            sftp().open("/inbox/untouched.txt", modes).close();

            assertThat(alice.get("/inbox/untouched.txt")).as(modes.toString()).isEqualTo("keep me");
        }
    }

    @Test
    void openWithTruncate_closedWithoutWriting_leavesAnEmptyFile() throws Exception {
        alice.put("/inbox/emptied.txt", "content");

        sftp().open("/inbox/emptied.txt", EnumSet.of(OpenMode.Write, OpenMode.Truncate)).close();

        assertThat(alice.get("/inbox/emptied.txt")).isEmpty();
    }

    @Test
    void appendWithCreate_ofANewName_uploadsTheFile() throws Exception {
        try (SftpClient.CloseableHandle handle = sftp().open("/inbox/appended-new.txt",
                EnumSet.of(OpenMode.Write, OpenMode.Append, OpenMode.Create))) {
            sftp().write(handle, 0, bytes("first "));
            sftp().write(handle, 6, bytes("upload"));
        }

        assertThat(alice.get("/inbox/appended-new.txt")).isEqualTo("first upload");
    }

    @Test
    void append_toACompleteFile_isUnsupported_andTheFileIsUnchanged() throws Exception {
        alice.put("/inbox/complete.txt", "complete");

        assertThatThrownBy(() -> sftp().open("/inbox/complete.txt", EnumSet.of(OpenMode.Write, OpenMode.Append)))
                .isInstanceOf(SftpException.class).hasMessageContaining("interrupted upload")
                .satisfies(e -> assertThat(((SftpException) e).getStatus())
                        .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED));
        assertThat(alice.get("/inbox/complete.txt")).isEqualTo("complete");
    }

    @Test
    void appendWithoutCreate_ofAMissingFile_isNoSuchFile() throws Exception {
        assertThatThrownBy(() -> sftp().open("/inbox/nothing-to-append.txt",
                EnumSet.of(OpenMode.Write, OpenMode.Append))).isInstanceOf(SftpException.class)
                .satisfies(e -> assertThat(((SftpException) e).getStatus())
                        .isEqualTo(SftpConstants.SSH_FX_NO_SUCH_FILE));
    }

    @Test
    void appendWriteAtAnotherOffsetThanTheUploadsEnd_isRefused_andTheUploadStaysResumable() throws Exception {
        byte[] data = new byte[100_000];
        new java.util.Random(7).nextBytes(data);
        MinaSftp interrupted = gateway.mina(TestSftpGateway.ALICE);
        SftpClient.CloseableHandle first = interrupted.sftp().open("/inbox/resume-me.bin",
                EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate));
        interrupted.sftp().write(first, 0, data, 0, 70_000);
        interrupted.disconnectAbruptly();
        long stored = awaitSize("/inbox/resume-me.bin");

        SftpClient.CloseableHandle wrong = sftp().open("/inbox/resume-me.bin", EnumSet.of(OpenMode.Write,
                OpenMode.Append));
        assertThatThrownBy(() -> sftp().write(wrong, 1000, data, 1000, 5000)).isInstanceOf(SftpException.class)
                .satisfies(e -> assertThat(((SftpException) e).getStatus())
                        .isEqualTo(SftpConstants.SSH_FX_INVALID_PARAMETER));
        assertThatThrownBy(wrong::close).as("nothing published").isInstanceOf(SftpException.class);
        assertThat(awaitSize("/inbox/resume-me.bin")).as("still the interrupted upload").isEqualTo(stored);

        try (SftpClient.CloseableHandle right = sftp().open("/inbox/resume-me.bin", EnumSet.of(OpenMode.Write,
                OpenMode.Append))) {
            sftp().write(right, stored, data, (int) stored, data.length - (int) stored);
        }
        try (InputStream in = sftp().read("/inbox/resume-me.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void sessionLostBeforeAnyWrite_leavesNoEmptyPartial_thatWouldHideTheFileInListings() throws Exception {
        alice.put("/inbox/blip.txt", "content");
        double before = openConnections();
        MinaSftp dropped = gateway.mina(TestSftpGateway.ALICE);
        dropped.sftp().open("/inbox/blip.txt", EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate));
        dropped.disconnectAbruptly();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (openConnections() > before) {
            assertThat(System.nanoTime()).as("the server ends the session within 20 s").isLessThan(deadline);
            Thread.sleep(50);
        }

        SftpClient.DirEntry listed = java.util.stream.StreamSupport.stream(sftp().readDir("/inbox").spliterator(),
                false).filter(entry -> entry.getFilename().equals("blip.txt")).findFirst().orElseThrow();
        assertThat(listed.getAttributes().getSize()).as("the committed file, not an empty partial").isEqualTo(7);
        assertThat(alice.get("/inbox/blip.txt")).isEqualTo("content");
    }

    private static double openConnections() {
        return gateway.meters().get("vaultgate.sftp.connections.open").gauge().value();
    }

    /** The size {@code stat} reports for an interrupted upload, once the server has kept it. */
    private static long awaitSize(String path) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return sftp().stat(path).getSize();
            } catch (SftpException e) {
                assertThat(System.nanoTime()).as("a partial within 20 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    private static SftpClient sftp() {
        return alice.sftp();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
