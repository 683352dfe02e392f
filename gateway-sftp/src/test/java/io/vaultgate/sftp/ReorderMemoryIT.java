package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The protocol review's amplification, through MINA's client: one-byte WRITEs into every segment of the reorder
 * window, on several handles, make the gateway hold a 64 KiB buffer per segment. The shared reorder memory
 * ({@code uploads.reorder-memory}, here 8 segments, all of which this one tenant may hold) refuses what goes past it
 * with a status, and gives it back when those uploads end, so an honest out-of-order upload then goes through.
 */
class ReorderMemoryIT {

    private static final int SEGMENT = 64 * 1024;
    private static final EnumSet<OpenMode> CREATE = EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate);

    @RegisterExtension
    final TestSftpGateway gateway = TestSftpGateway.withDefaults()
            .withCoreSettings(settings -> settings.withReorderMemory(8L * SEGMENT)
                    .withReorderMemoryPerTenant(8L * SEGMENT));

    @Test
    void oneByteWritesAheadOfAGap_onManyHandles_areRefusedPastTheSharedMemory_andItIsGivenBackAtClose()
            throws Exception {
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = alice.sftp();
            List<SftpClient.Handle> handles = new ArrayList<>();
            int accepted = 0;
            SftpException refused = null;
            for (int h = 0; h < 4 && refused == null; h++) {
                SftpClient.Handle handle = sftp.open("/inbox/amp" + h, CREATE);
                handles.add(handle);
                for (int k = 1; k < 4; k++) {
                    try {
                        sftp.write(handle, (long) k * SEGMENT, new byte[] {1}, 0, 1);
                        accepted++;
                    } catch (SftpException e) {
                        refused = e;
                        break;
                    }
                }
            }
            assertThat(accepted).as("8 segments of memory, one per one-byte write").isEqualTo(8);
            assertThat(refused).isNotNull();
            assertThat(refused.getStatus()).isEqualTo(SftpConstants.SSH_FX_FAILURE);
            for (SftpClient.Handle handle : handles) {
                assertThatThrownBy(() -> sftp.close(handle)).as("a file with a gap is not committed")
                        .isInstanceOf(SftpException.class);
            }

            byte[] content = new byte[5 * SEGMENT + 17];
            new Random(5).nextBytes(content);
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/honest.bin", CREATE)) {
                for (int k : new int[] {1, 3, 2, 0, 5, 4}) { // each segment ahead of the gap until 0 arrives
                    int from = k * SEGMENT;
                    sftp.write(handle, from, content, from, Math.min(SEGMENT, content.length - from));
                }
            }
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            try (InputStream in = sftp.read("/inbox/honest.bin")) {
                in.transferTo(read);
            }
            assertThat(read.toByteArray()).isEqualTo(content);
        }
    }
}
