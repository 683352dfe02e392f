package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A refused request answers the status SFTP defines for its cause, not a neighbouring one (MINA's client speaks
 * version 6, so the codes are not lowered), and changes nothing. Every test uses its own names.
 */
class RefusalStatusIT {

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();
    static MinaSftp alice;

    @BeforeAll
    static void connect() throws Exception {
        alice = gateway.mina(TestSftpGateway.ALICE);
    }

    @Test
    void write_onAReadHandle_isPermissionDenied_andTheFileIsUnchanged() throws Exception {
        alice.put("/inbox/read-only.txt", "content");

        try (SftpClient.CloseableHandle handle = sftp().open("/inbox/read-only.txt", EnumSet.of(OpenMode.Read))) {
            assertStatus(() -> sftp().write(handle, 0, bytes("X")), SftpConstants.SSH_FX_PERMISSION_DENIED);
        }
        assertThat(alice.get("/inbox/read-only.txt")).isEqualTo("content");
    }

    @Test
    void rmdir_ofANonEmptyDirectory_isDirNotEmpty_andRemovesNothing() throws Exception {
        sftp().mkdir("/inbox/full-dir");
        alice.put("/inbox/full-dir/f.txt", "f");

        assertStatus(() -> sftp().rmdir("/inbox/full-dir"), SftpConstants.SSH_FX_DIR_NOT_EMPTY);
        assertThat(alice.get("/inbox/full-dir/f.txt")).isEqualTo("f");
    }

    @Test
    void openForReading_ofADirectory_isFileIsADirectory() throws Exception {
        sftp().mkdir("/inbox/a-dir");

        assertStatus(() -> sftp().open("/inbox/a-dir", EnumSet.of(OpenMode.Read)),
                SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY);
        assertStatus(() -> sftp().open("/inbox", EnumSet.of(OpenMode.Read)), SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY);
    }

    @Test
    void rename_ofADirectory_isUnsupported_notNoSuchFile_andTheDirectoryStays() throws Exception {
        sftp().mkdir("/inbox/old-dir");
        alice.put("/inbox/old-dir/f.txt", "f");

        assertStatus(() -> sftp().rename("/inbox/old-dir", "/inbox/new-dir"), SftpConstants.SSH_FX_OP_UNSUPPORTED);
        assertThat(alice.get("/inbox/old-dir/f.txt")).isEqualTo("f");
        assertStatus(() -> sftp().stat("/inbox/new-dir"), SftpConstants.SSH_FX_NO_SUCH_FILE);
    }

    @Test
    void setstatOfTimes_onAMissingName_isNoSuchFile_andCreatesNothing() throws Exception {
        assertStatus(() -> sftp().setStat("/inbox/no-such-name.txt", new SftpClient.Attributes().modifyTime(1000)),
                SftpConstants.SSH_FX_NO_SUCH_FILE);
        assertStatus(() -> sftp().stat("/inbox/no-such-name.txt"), SftpConstants.SSH_FX_NO_SUCH_FILE);
    }

    /**
     * The STAT of a new name (SFTP's put sends one before every upload): no such file, with the text MINA's STAT has
     * always answered (its existence check turns the file system's answer into its own "no such file"), whether the
     * gateway found the name missing by a core exception (before) or without one (now).
     */
    @Test
    void stat_ofANewName_isNoSuchFile_withTheSameText() {
        for (String path : new String[] {"/inbox/never-uploaded.txt", "/inbox/no/such/dir.txt", "/elsewhere/x.txt"}) {
            assertThatThrownBy(() -> sftp().stat(path)).as(path).isInstanceOfSatisfying(SftpException.class, e -> {
                assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_NO_SUCH_FILE);
                assertThat(e.getMessage()).isEqualTo("No such file or directory");
            });
        }
    }

    @Test
    void setstatOfTimes_onAnOpenUploadsHandle_isAccepted_andTheUploadCommits() throws Exception {
        try (SftpClient.CloseableHandle handle = sftp().open("/inbox/stamped.txt",
                EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate))) {
            sftp().write(handle, 0, bytes("stamped"));
            sftp().setStat(handle, new SftpClient.Attributes().modifyTime(1000));
        }
        assertThat(alice.get("/inbox/stamped.txt")).isEqualTo("stamped");
    }

    @Test
    void rmdir_ofADirectoryThatOnlyAnUploadBelowItMade_isDirNotEmpty_notNoSuchFile() throws Exception {
        alice.put("/inbox/implicit/below/f.txt", "f");
        assertThat(sftp().stat("/inbox/implicit/below").isDirectory()).isTrue();

        assertStatus(() -> sftp().rmdir("/inbox/implicit/below"), SftpConstants.SSH_FX_DIR_NOT_EMPTY);
        assertThat(alice.get("/inbox/implicit/below/f.txt")).isEqualTo("f");
    }

    private static void assertStatus(ThrowingCallable call, int status) {
        assertThatThrownBy(call).isInstanceOf(SftpException.class)
                .satisfies(e -> assertThat(((SftpException) e).getStatus()).as(e.getMessage()).isEqualTo(status));
    }

    private static SftpClient sftp() {
        return alice.sftp();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
