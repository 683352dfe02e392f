package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ProcessIdentity}: boot, pid and start time of a real process, read from Linux's /proc. */
class ProcessIdentityTest {

    @Test
    void current_isThisProcess_asProcSays() throws Exception {
        ProcessIdentity self = ProcessIdentity.current().orElseThrow();

        assertThat(ProcessIdentity.checkable()).isTrue();
        assertThat(self.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(self.bootId()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip());
        assertThat(self.startTicks()).isPositive();
        assertThat(ProcessIdentity.running(self.pid())).contains(self);
    }

    @Test
    void aProcessThatEnded_isNotRunning() throws Exception {
        Process child = new ProcessBuilder("true").start();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(ProcessIdentity.running(child.pid())).isEmpty();
    }

    /** The command name may hold spaces and parentheses: the fields are counted from its last ')'. */
    @Test
    void parse_countsFieldsFromTheLastParenthesis() {
        String stat = "4242 (java (vault) gw) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 30 0 918273 "
                + "4096000 1000 18446744073709551615 1 1 0 0 0 0 0 4096 17922 0 0 0 17 1 0 0 0 0 0";

        assertThat(ProcessIdentity.parse("6f1c-ab", 4242, stat)).contains(new ProcessIdentity("6f1c-ab", 4242, 918273));
    }

    @Test
    void aZombie_isNotRunning() {
        String stat = "4242 (java) Z 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 918273 0 0";

        assertThat(ProcessIdentity.parse("6f1c-ab", 4242, stat)).isEmpty();
    }

    @Test
    void aTruncatedLine_isRefused() {
        assertThatThrownBy(() -> ProcessIdentity.parse("6f1c-ab", 4242, "4242 (java) S 1 4242"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fields after the name");
    }
}
