package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunFile}: believed only while the very process that wrote it runs. */
class RunFileTest {

    private static final URI OPS = URI.create("http://127.0.0.1:41234");

    @TempDir
    Path home;

    @Test
    void theRecordOfThisProcess_isLive_andOwnerOnly_withoutSecrets() throws Exception {
        RunFile runFile = RunFile.in(home);
        RunRecord record = record(self());

        runFile.write(record);

        assertThat(runFile.read()).isEqualTo(new RunFile.Live(record));
        assertThat(runFile.path()).isEqualTo(home.resolve("run/gateway.json"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runFile.path()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("run"))))
                .isEqualTo("rwx------");
        assertThat(Files.readString(runFile.path())).isEqualTo("{\"pid\":" + self().pid() + ",\"bootId\":\""
                + self().bootId() + "\",\"processStart\":" + self().startTicks() + ",\"nodeId\":\"gw1-0a1b2c3d\","
                + "\"ops\":\"http://127.0.0.1:41234\",\"https\":41235,\"sftp\":41236}\n");
    }

    @Test
    void aRecordOfAProcessThatEnded_isIgnored_namingThePid() throws Exception {
        Process child = new ProcessBuilder("true").start();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        RunFile runFile = RunFile.in(home);
        runFile.write(record(new ProcessIdentity(self().bootId(), child.pid(), self().startTicks())));

        assertThat(runFile.read()).isEqualTo(new RunFile.Ignored(runFile.path() + " names pid " + child.pid()
                + ", which is not running (the gateway stopped without removing it)"));
    }

    /** A pid given to another process since (here: this one) is not the gateway that wrote the file. */
    @Test
    void aRecordOfARecycledPid_isIgnored() throws Exception {
        RunFile runFile = RunFile.in(home);
        runFile.write(record(new ProcessIdentity(self().bootId(), self().pid(), self().startTicks() - 1)));

        assertThat(runFile.read()).isInstanceOf(RunFile.Ignored.class).extracting(Object::toString).asString()
                .contains("names pid " + self().pid() + ", which is another process now (it started at another time");
    }

    @Test
    void aRecordFromBeforeTheLastBoot_isIgnored() throws Exception {
        RunFile runFile = RunFile.in(home);
        runFile.write(record(new ProcessIdentity("00000000-0000-0000-0000-000000000000", self().pid(),
                self().startTicks())));

        assertThat(runFile.read()).isInstanceOf(RunFile.Ignored.class).extracting(Object::toString).asString()
                .contains("was written before the machine last started");
    }

    @Test
    void aMissingOrGarbledFile_isIgnored_sayingWhy() throws Exception {
        RunFile runFile = RunFile.in(home);
        assertThat(runFile.read()).isEqualTo(new RunFile.Ignored("there is no " + runFile.path()
                + " (no gateway serving from this data directory recorded where it listens)"));

        Files.createDirectories(runFile.path().getParent());
        Files.writeString(runFile.path(), "{\"pid\":\"1\"}");

        assertThat(runFile.read()).isEqualTo(new RunFile.Ignored(runFile.path() + " is not a run file: no \"bootId\" "
                + "text"));
    }

    /** status sends an administrator's token where the file points: one others could rewrite is not believed. */
    @Test
    void aFileOthersMayWrite_isIgnored() throws Exception {
        RunFile runFile = RunFile.in(home);
        runFile.write(record(self()));
        Files.setPosixFilePermissions(runFile.path(), PosixFilePermissions.fromString("rw-rw-r--"));

        assertThat(runFile.read()).isInstanceOf(RunFile.Ignored.class).extracting(Object::toString).asString()
                .contains("may be written by group or others");

        Files.setPosixFilePermissions(runFile.path(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(runFile.read()).isEqualTo(new RunFile.Live(record(self())));
    }

    /**
     * review32 L6: a run file (or run directory) another user made, in a home whose owner let them write into it, is
     * not believed. Changing a file's owner needs root: skipped otherwise.
     */
    @Test
    void aFileOfAnotherUserThanTheHomesOwner_isIgnored() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
        RunFile runFile = RunFile.in(home);
        runFile.write(record(self()));
        UserPrincipal nobody = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(runFile.path(), nobody);

        assertThat(runFile.read()).isInstanceOf(RunFile.Ignored.class).extracting(Object::toString).asString()
                .contains("is not owned by root, the owner of the home");

        Files.setOwner(runFile.path(), Files.getOwner(home));
        Files.setOwner(runFile.path().getParent(), nobody);
        assertThat(runFile.read()).isInstanceOf(RunFile.Ignored.class);
        Files.setOwner(runFile.path().getParent(), Files.getOwner(home));
        assertThat(runFile.read()).isEqualTo(new RunFile.Live(record(self())));
    }

    /** A stale or garbled file never stops a start: it is replaced. */
    @Test
    void write_replacesWhateverIsThere() throws Exception {
        RunFile runFile = RunFile.in(home);
        Files.createDirectories(runFile.path().getParent());
        Files.writeString(runFile.path(), "left by a crash");

        runFile.write(record(self()));

        assertThat(runFile.read()).isEqualTo(new RunFile.Live(record(self())));
    }

    @Test
    void remove_removesOnlyTheFileOfTheProcessGiven() throws Exception {
        RunFile runFile = RunFile.in(home);
        runFile.write(record(self()));

        runFile.remove(new ProcessIdentity(self().bootId(), self().pid(), self().startTicks() + 1));
        assertThat(runFile.path()).exists();

        runFile.remove(self());
        assertThat(runFile.path()).doesNotExist();
        runFile.remove(self()); // nothing left to remove
    }

    private static ProcessIdentity self() {
        return ProcessIdentity.current().orElseThrow();
    }

    private static RunRecord record(ProcessIdentity process) {
        return new RunRecord(process, "gw1-0a1b2c3d", Optional.of(OPS), Optional.of(41235), Optional.of(41236));
    }
}
