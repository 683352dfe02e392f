package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connections per source address are capped from connect; the cap frees up when sessions end. */
class AddressLimitIT {

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withSettings(settings -> settings.withLimits(
            new SftpLimits(3, Duration.ofSeconds(10), Duration.ofMinutes(1), 8, 10, 2)));

    @Test
    void connectionOverThePerAddressCap_isDropped_andTheSlotComesBack() throws Exception {
        MinaSftp first = gateway.mina(TestSftpGateway.ALICE);
        MinaSftp second = gateway.mina(TestSftpGateway.BOB);
        assertThatThrownBy(() -> gateway.mina(TestSftpGateway.ALICE).close()).isInstanceOf(Exception.class);
        first.close();
        second.close();

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (MinaSftp again = gateway.mina(TestSftpGateway.ALICE)) {
                assertThat(again.sftp().stat("/inbox").isDirectory()).isTrue();
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        assertThat(gateway.isRunning()).isTrue();
    }
}
