package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Review33 L3: an account of one tenant that writes one byte ahead of a gap into segment after segment, on handle
 * after handle, and keeps them open, holds no more than its tenant's share of the reorder memory (a quarter by
 * default, here 2 of 8 segments); an account of another tenant still uploads out of order meanwhile. Before the
 * share, {@code mallory} held all 8 segments and {@code alice}'s first early write was refused.
 */
class ReorderMemoryTenantsIT {

    private static final int SEGMENT = 64 * 1024;
    private static final EnumSet<OpenMode> CREATE = EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate);

    @RegisterExtension
    final TestSftpGateway gateway = TestSftpGateway.withDefaults()
            .withCoreSettings(settings -> settings.withReorderMemory(8L * SEGMENT));

    @Test
    void anotherTenantsAccount_isRefusedPastItsShare_andThisTenantsOutOfOrderUploadGoesThrough() throws Exception {
        gateway.addClient("globex", "mallory");
        try (MinaSftp mallory = gateway.mina("mallory"); MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient evil = mallory.sftp();
            List<SftpException> refused = new ArrayList<>();
            int held = 0;
            for (int h = 0; h < 4; h++) { // 8 one-byte writes, each a segment ahead of a gap; handles left open
                SftpClient.Handle handle = evil.open("/inbox/hold" + h, CREATE);
                for (int k = 1; k < 3; k++) {
                    try {
                        evil.write(handle, (long) k * SEGMENT, new byte[] {1}, 0, 1);
                        held++;
                    } catch (SftpException e) {
                        refused.add(e);
                    }
                }
            }
            assertThat(held).as("globex's share: a quarter of 8 segments").isEqualTo(2);
            assertThat(refused).hasSize(6).allSatisfy(e -> assertThat(e.getStatus())
                    .isEqualTo(SftpConstants.SSH_FX_FAILURE));
            assertThat(refused.get(0)).hasMessageContaining("this tenant's share")
                    .hasMessageContaining("uploads.reorder-memory-per-tenant");

            SftpClient sftp = alice.sftp();
            byte[] content = new byte[5 * SEGMENT + 17];
            new Random(5).nextBytes(content);
            try (SftpClient.CloseableHandle honest = sftp.open("/inbox/honest.bin", CREATE)) {
                for (int k : new int[] {2, 1, 0, 4, 3, 5}) { // up to two segments ahead of a gap: acme's share
                    int from = k * SEGMENT;
                    sftp.write(honest, from, content, from, Math.min(SEGMENT, content.length - from));
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
