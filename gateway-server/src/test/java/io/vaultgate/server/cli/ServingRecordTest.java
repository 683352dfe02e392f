package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.ProcessIdentity;
import io.vaultgate.server.RunFile;
import io.vaultgate.server.RunRecord;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ServingRecord}: the run file of the gateway this process serves, and why the gateway serves without one. */
class ServingRecordTest {

    @TempDir
    Path home;

    @Test
    void written_isTheLiveRecordOfThisProcess_andRemovedAtTheStop() {
        RunFile runFile = RunFile.in(home);
        ProcessIdentity self = ProcessIdentity.current().orElseThrow();

        Optional<ServingRecord> written = ServingRecord.write(runFile, Optional.of(self), ServingRecordTest::record);

        assertThat(written).isPresent();
        assertThat(runFile.read()).isEqualTo(new RunFile.Live(record(self)));
        written.get().remove();
        assertThat(runFile.path()).doesNotExist();
    }

    /** A later gateway's record (a second start on this home) is not this process's to remove. */
    @Test
    void removed_leavesTheRecordOfAnotherProcess() throws Exception {
        RunFile runFile = RunFile.in(home);
        ProcessIdentity self = ProcessIdentity.current().orElseThrow();
        ServingRecord written = ServingRecord.write(runFile, Optional.of(self), ServingRecordTest::record)
                .orElseThrow();
        RunRecord later = record(new ProcessIdentity(self.bootId(), self.pid() + 1, self.startTicks()));
        runFile.write(later);
        String laterFile = Files.readString(runFile.path());

        written.remove();

        assertThat(runFile.path()).hasContent(laterFile);
    }

    /** The gateway serves on without a run file: status then needs --url, and the log says so. */
    @Test
    void anUnwritableRunDirectory_isNoRecord_andNoFailure() throws Exception {
        Files.writeString(home.resolve(RunFile.DIRECTORY), "a file where the directory belongs");

        assertThat(ServingRecord.write(RunFile.in(home), ProcessIdentity.current(), ServingRecordTest::record))
                .isEmpty();
    }

    @Test
    void noProcessIdentity_writesNothing() {
        assertThat(ServingRecord.write(RunFile.in(home), Optional.empty(), ServingRecordTest::record)).isEmpty();
        assertThat(home.resolve(RunFile.DIRECTORY)).doesNotExist();
    }

    private static RunRecord record(ProcessIdentity process) {
        return new RunRecord(process, "gw1-0a1b2c3d", Optional.of(URI.create("http://127.0.0.1:41234")),
                Optional.of(41235), Optional.of(41236));
    }
}
