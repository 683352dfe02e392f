package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.sftp.extensions.CheckFileBounds;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.CheckFileNameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The check-file bounds are settings ({@code sftp.check-file-max-request}, {@code sftp.check-file-max-per-connection},
 * {@link SftpLimits#checkFile}): a server given 256 KiB per request and 512 KiB per connection refuses a range one byte
 * longer than 256 KiB, on what the request names and from the file's size, and the third 256 KiB range of a
 * connection, each with a status naming its bound. Failed before: the bounds were constants (1 MiB, 8 MiB).
 */
class CheckFileSettingsIT {

    private static final long REQUEST = 256L << 10;
    private static final long CONNECTION = 512L << 10;

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withSettings(settings -> settings.withLimits(
            SftpLimits.defaults().withCheckFile(new CheckFileBounds(REQUEST, CONNECTION))));

    @Test
    void theConfiguredBounds_areThoseApplied() throws Exception {
        byte[] data = MinaTransferIT.random((int) REQUEST + 10);
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            try (OutputStream out = sftp.write("/inbox/bounded.bin")) {
                out.write(data);
            }
            CheckFileNameExtension byName = sftp.getExtension(CheckFileNameExtension.class);
            assertThatThrownBy(() -> byName.checkFileName("/inbox/bounded.bin", List.of("sha256"), 1, REQUEST + 1, 0))
                    .as("a named length over the bound").isInstanceOf(SftpException.class)
                    .hasMessageContaining("at most " + REQUEST + " bytes (256 KiB) are hashed per request");
            assertThatThrownBy(() -> byName.checkFileName("/inbox/bounded.bin", List.of("sha256"), 1, 0, 0))
                    .as("to the end, over the bound from the file's size").isInstanceOf(SftpException.class)
                    .hasMessageContaining("at most " + REQUEST + " bytes (256 KiB) are hashed per request");

            String expected = MinaTransferIT.sha256(Arrays.copyOfRange(data, 3, 3 + (int) REQUEST));
            for (int i = 0; i < CONNECTION / REQUEST; i++) {
                assertThat(byName.checkFileName("/inbox/bounded.bin", List.of("sha256"), 3, REQUEST, 0).getValue()
                        .stream().map(HexFormat.of()::formatHex).toList()).as("range %d", i).containsExactly(expected);
            }
            assertThatThrownBy(() -> byName.checkFileName("/inbox/bounded.bin", List.of("sha256"), 3, 1, 0))
                    .as("past the connection's bound").isInstanceOf(SftpException.class)
                    .hasMessageContaining("at most " + CONNECTION + " bytes (512 KiB) of ranges are hashed per"
                            + " connection")
                    .satisfies(e -> assertThat(((SftpException) e).getStatus())
                            .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED));
        }
    }
}
