package io.vaultgate.sftp.extensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link CheckFileBounds}: the defaults (the former constants), the limits of each bound, the refusals' wording. */
class CheckFileBoundsTest {

    @Test
    void defaults_areOneMebibytePerRequest_andEightPerConnection() {
        assertThat(CheckFileBounds.defaults()).isEqualTo(new CheckFileBounds(1L << 20, 8L << 20));
        assertThat(CheckFileBounds.defaults().rangeRefusal())
                .startsWith("check-file: at most 1048576 bytes (1 MiB) are hashed per request");
        assertThat(CheckFileBounds.defaults().connectionRefusal(5))
                .startsWith("check-file: at most 8388608 bytes (8 MiB) of ranges are hashed per connection, and this "
                        + "one has hashed 5;");
    }

    @Test
    void eachBound_isRefusedOutsideItsLimits() {
        assertThatThrownBy(() -> new CheckFileBounds((64L << 10) - 1, 8L << 20))
                .hasMessageStartingWith("sftp.check-file-max-request: 65535 bytes is not allowed; give 64 KiB to 16 MiB");
        assertThatThrownBy(() -> new CheckFileBounds((16L << 20) + 1, 1L << 30))
                .hasMessageStartingWith("sftp.check-file-max-request");
        assertThatThrownBy(() -> new CheckFileBounds(2L << 20, 1L << 20))
                .hasMessageStartingWith("sftp.check-file-max-per-connection: 1 MiB is not allowed; give at least "
                        + "sftp.check-file-max-request (2 MiB)");
        assertThatThrownBy(() -> new CheckFileBounds(1L << 20, (1L << 30) + 1))
                .hasMessageStartingWith("sftp.check-file-max-per-connection");
        assertThat(new CheckFileBounds(64L << 10, 64L << 10).rangeRefusal()).contains("65536 bytes (64 KiB)");
        assertThat(new CheckFileBounds(16L << 20, 1L << 30).connectionRefusal(0)).contains("(1 GiB)");
    }
}
