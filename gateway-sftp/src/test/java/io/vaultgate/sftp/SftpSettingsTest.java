package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SftpSettingsTest {

    @Test
    void defaults_areBounded() {
        SftpLimits limits = SftpLimits.defaults();
        assertThat(limits.maxAuthAttempts()).isLessThanOrEqualTo(10);
        assertThat(limits.authTimeout()).isLessThanOrEqualTo(Duration.ofMinutes(1));
        assertThat(limits.maxHandlesPerSession()).isPositive();
    }

    @Test
    void zeroLimit_namesTheKeyAndTheFix() {
        assertThatThrownBy(() -> new SftpLimits(0, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1, 1))
                .hasMessageContaining("sftp.limits.maxAuthAttempts").hasMessageContaining("give 1 or more");
    }

    @Test
    void zeroTimeout_isRefused() {
        assertThatThrownBy(() -> new SftpLimits(1, Duration.ZERO, Duration.ofSeconds(1), 1, 1, 1))
                .hasMessageContaining("sftp.limits.authTimeout");
    }

    @Test
    void missingHostKeys_tellsHowToMakeThem() {
        assertThatThrownBy(() -> SftpSettings.loopback(List.of()))
                .hasMessageContaining("sftp.hostKeys").hasMessageContaining("vaultgate init");
    }

    @Test
    void tinyWindow_isRefusedWithTheRange() {
        assertThatThrownBy(() -> new SftpTuning(1024, 32768, 32768))
                .hasMessageContaining("sftp.tuning.windowSize").hasMessageContaining("out of range");
    }

    @Test
    void listingPageOutsideOneToAThousand_isRefusedWithTheRange() {
        assertThatThrownBy(() -> SftpTuning.defaults().withListingPage(0))
                .hasMessageContaining("sftp.tuning.listingPage").hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> SftpTuning.defaults().withListingPage(1001)).hasMessageContaining("out of range");
        assertThat(SftpTuning.defaults().listingPage()).isEqualTo(1000);
    }

    @Test
    void portOutOfRange_isRefused() {
        assertThatThrownBy(() -> new SftpSettings("127.0.0.1", 70000, List.of(Path.of("/k")), true,
                SftpLimits.defaults(), SftpAlgorithms.hardened(), SftpTuning.defaults()))
                .hasMessageContaining("sftp.port");
    }
}
