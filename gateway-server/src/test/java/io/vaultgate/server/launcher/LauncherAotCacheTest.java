package io.vaultgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's AOT cache (docs/jvm.md): {@code ./vaultgate aot-train} runs the training on a JDK 25 or later with
 * {@code -XX:AOTCacheOutput} and keeps the cache under a name of that JDK and that jar; {@code run}, {@code demo} and
 * {@code receive} on the same JDK and jar start with {@code -XX:AOTMode=auto -XX:AOTCache=FILE}, and nothing else
 * does: not another JDK, not a rebuilt jar, not JDK 17, not the other commands, not a JVM given AOT options of the
 * user's own. The launcher runs as a copy in a temporary tree with a fake jar (newer than every source, so nothing is
 * built) and fake JDKs whose {@code java} reports its arguments and, when told to record, writes the cache file.
 */
class LauncherAotCacheTest {

    private static final Path LAUNCHER = Path.of("..", "vaultgate").toAbsolutePath().normalize();

    @TempDir
    Path tree;

    private Path jar;
    private Path jdks;
    private Path aot;

    @BeforeEach
    void repository() throws IOException {
        Files.copy(LAUNCHER, tree.resolve("vaultgate"));
        jar = tree.resolve("gateway-server/target/vaultgate.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        aot = jar.resolveSibling("aot");
        jdks = Files.createDirectories(tree.resolve("jdks"));
        fakeJdk("jdk-17", "17.0.15");
        fakeJdk("temurin-25", "25.0.3");
    }

    @Test
    void aotTrain_onJdk25_recordsACache_whichRunDemoAndReceiveStartWith_andNoOtherCommand() throws Exception {
        Launch training = launch(Map.of(), "aot-train");

        assertThat(training.exitCode()).as(training.stderr()).isZero();
        assertThat(training.stdout()).as("the JVM's own output goes to the log").isEmpty();
        assertThat(Files.readString(aot.resolve("training.log"))).startsWith("java of 25.0.3: "
                + "-XX:-CreateCoredumpOnCrash -Xms1024m -Xmx1024m -XX:AOTCacheOutput=" + aot + "/.training-")
                .endsWith(".aot -jar " + jar + " aot-train\n");
        Path cache = onlyCache();
        assertThat(cache.getFileName().toString()).matches("vaultgate-25\\.0\\.3-[0-9a-f]{16}\\.aot");
        assertThat(Files.readString(cache)).isEqualTo("trained\n");
        assertThat(training.stderr()).contains("AOT cache written: " + cache);
        for (String serving : List.of("run", "demo", "receive")) {
            assertThat(launch(Map.of(), serving).stdout()).isEqualTo("java of 25.0.3: -XX:-CreateCoredumpOnCrash "
                    + "-Xms1024m -Xmx1024m -XX:AOTMode=auto -XX:+VerifySharedSpaces -XX:AOTCache=" + cache + " -jar "
                    + jar + " " + serving);
        }
        assertThat(launch(Map.of(), "version").stdout())
                .isEqualTo("java of 25.0.3: -XX:-CreateCoredumpOnCrash -jar " + jar + " version");
    }

    /** The JVM would refuse the cache of another jar (its size and time stamp are checked): it is not offered. */
    @Test
    void aRebuiltJar_orAnotherJdk_startsWithoutTheCache() throws Exception {
        launch(Map.of(), "aot-train");
        fakeJdk("temurin-25.0.4", "25.0.4");

        Map<String, String> trained = Map.of("JAVA_HOME", jdks.resolve("temurin-25").toString());

        assertThat(launch(Map.of("JAVA_HOME", jdks.resolve("temurin-25.0.4").toString()), "run").stdout())
                .as("another JDK 25 build").startsWith("java of 25.0.4").doesNotContain("AOT");
        assertThat(launch(trained, "run").stdout()).contains("-XX:AOTCache=");

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
        assertThat(launch(trained, "run").stdout()).as("a rebuilt jar").doesNotContain("AOT");
    }

    @Test
    void onJdk17_nothingChanges_andAotTrainRefusesWithTheReason() throws Exception {
        launch(Map.of(), "aot-train");
        Map<String, String> jdk17 = Map.of("JAVA_HOME", jdks.resolve("jdk-17").toString());

        assertThat(launch(jdk17, "run").stdout()).isEqualTo("java of 17.0.15: -XX:-CreateCoredumpOnCrash "
                + "-Xms1024m -Xmx1024m -jar " + jar + " run");
        Launch refused = launch(jdk17, "aot-train");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains("AOT caches need JDK 25 or later").contains("is 17.0.15")
                .contains("nothing was done");
        assertThat(refused.stdout()).as("no JVM started").isEmpty();
    }

    @Test
    void aFailedTraining_leavesNoCache_andSaysWhy() throws Exception {
        Launch failed = launch(Map.of("FAKE_TRAINING_FAILS", "yes"), "aot-train");

        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.stderr()).contains("the gateway failed here").contains("aot-train failed (exit 3); no AOT "
                + "cache written");
        try (Stream<Path> files = Files.list(aot)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("training.log");
        }
        assertThat(launch(Map.of(), "run").stdout()).doesNotContain("AOT");
    }

    /** A cache made before the jar was is of an earlier build, which is never run again; another JDK's stays. */
    @Test
    void aNewTraining_removesTheCachesOfEarlierBuilds() throws Exception {
        Files.createDirectories(aot);
        Path earlier = Files.writeString(aot.resolve("vaultgate-25.0.3-0123456789abcdef.aot"), "old");
        Files.setLastModifiedTime(earlier, FileTime.from(Instant.now().minusSeconds(7200)));
        Path otherJdk = Files.writeString(aot.resolve("vaultgate-26.0.1-0123456789abcdef.aot"), "other JDK");

        launch(Map.of(), "aot-train");

        assertThat(earlier).doesNotExist();
        assertThat(otherJdk).exists();
    }

    /** AOT or CDS options given by the user are theirs: the launcher adds none, and will not train over them. */
    @Test
    void aotOptionsOfTheUsersOwn_areLeftAlone() throws Exception {
        launch(Map.of(), "aot-train");
        Map<String, String> own = Map.of("VAULTGATE_JAVA_OPTS", "-XX:AOTCache=/elsewhere/mine.aot");

        assertThat(launch(own, "run").stdout()).isEqualTo("java of 25.0.3: -XX:-CreateCoredumpOnCrash "
                + "-Xms1024m -Xmx1024m -XX:AOTCache=/elsewhere/mine.aot -jar " + jar + " run");
        assertThat(launch(Map.of("JDK_JAVA_OPTIONS", "-Xshare:off"), "run").stdout()).doesNotContain("AOTCache");
        Launch refused = launch(own, "aot-train");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains("already say -XX:AOTCache=/elsewhere/mine.aot");
    }

    @Test
    void theCacheDirectory_canBeChosen_andIsNotPassedOnToTheGateway() throws Exception {
        Path elsewhere = tree.resolve("cache-dir");
        Map<String, String> env = Map.of("VAULTGATE_AOT_DIR", elsewhere.toString());

        launch(env, "aot-train");

        try (Stream<Path> files = Files.list(elsewhere)) {
            assertThat(files.filter(f -> f.toString().endsWith(".aot"))).hasSize(1);
        }
        Launch run = launch(env, "run");
        assertThat(run.stdout()).contains("-XX:AOTCache=" + elsewhere + "/vaultgate-25.0.3-");
        assertThat(run.stderr()).as("unset before the JVM starts").doesNotContain("VAULTGATE_AOT_DIR");
    }

    /** A cache is code the JVM loads: none from a directory others can write to, none through a symlink. */
    @Test
    void aCacheOthersCouldHavePlanted_isNotUsed() throws Exception {
        launch(Map.of(), "aot-train");
        Path cache = onlyCache();

        Files.setPosixFilePermissions(aot, PosixFilePermissions.fromString("rwxrwxrwx"));
        Launch open = launch(Map.of(), "run");
        assertThat(open.stdout()).doesNotContain("AOTCache");
        assertThat(open.stderr()).contains("not using the AOT cache " + cache);
        assertThat(launch(Map.of(), "aot-train").exitCode()).as("nor trained into").isEqualTo(2);

        Files.setPosixFilePermissions(aot, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path planted = Files.move(cache, tree.resolve("planted.aot"));
        Files.createSymbolicLink(cache, planted);
        assertThat(launch(Map.of(), "run").stdout()).doesNotContain("AOTCache");

        assertThat(launch(Map.of("VAULTGATE_AOT_DIR", "gateway-server/target/aot"), "run").stdout())
                .as("a relative directory").doesNotContain("AOTCache");
    }

    /** A training that fails before writing a line (killed, say) still says so, with the JVM's exit code. */
    @Test
    void aTrainingKilledBeforeItsFirstLine_reportsItsExitCode() throws Exception {
        Launch killed = launch(Map.of("FAKE_TRAINING_KILLED", "yes"), "aot-train");

        assertThat(killed.exitCode()).isEqualTo(137);
        assertThat(killed.stderr()).contains("aot-train failed (exit 137); no AOT cache written");
    }

    private Path onlyCache() throws IOException {
        try (Stream<Path> files = Files.list(aot)) {
            List<Path> caches = files.filter(f -> f.toString().endsWith(".aot")).toList();
            assertThat(caches).hasSize(1);
            return caches.get(0);
        }
    }

    private record Launch(int exitCode, String stdout, String stderr) {
    }

    private Launch launch(Map<String, String> env, String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(tree.resolve("vaultgate").toString(), command);
        for (String variable : List.of("JAVA_HOME", "VAULTGATE_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
                "_JAVA_OPTIONS", "VAULTGATE_AOT_DIR")) {
            builder.environment().remove(variable);
        }
        Map<String, String> all = new HashMap<>(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(),
                "VAULTGATE_LAUNCHER_ROOT", bigMachine().toString()));
        all.putAll(env);
        builder.environment().putAll(all);
        Path err = Files.createTempFile(tree, "stderr", ".txt");
        Process process = builder.redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Launch(process.exitValue(), out.strip(), Files.readString(err).strip());
    }

    /** A machine of 64 GiB without cgroups, so that the heap is 1 GiB whatever machine runs the test. */
    private Path bigMachine() throws IOException {
        Path root = tree.resolve("machine");
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/meminfo"), "MemTotal:       67108864 kB\n");
        return root;
    }

    /**
     * A directory that looks like a JDK: a release file and a bin/java that reports itself, its arguments and
     * whether it saw VAULTGATE_AOT_DIR, and writes "trained" to the file of -XX:AOTCacheOutput (failing instead,
     * with exit code 3 and a line on standard error, when FAKE_TRAINING_FAILS is set; killed by SIGKILL before any
     * output when FAKE_TRAINING_KILLED is set).
     */
    private void fakeJdk(String name, String version) throws IOException {
        Path bin = Files.createDirectories(jdks.resolve(name).resolve("bin"));
        Files.writeString(jdks.resolve(name).resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        Path java = bin.resolve("java");
        Files.write(java, List.of("#!/bin/sh",
                "for arg in \"$@\"; do",
                "  case \"$arg\" in -XX:AOTCacheOutput=*)",
                "    if [ -n \"$FAKE_TRAINING_FAILS\" ]; then echo 'the gateway failed here' >&2; exit 3; fi",
                "    if [ -n \"$FAKE_TRAINING_KILLED\" ]; then kill -9 $$; fi",
                "    echo trained > \"${arg#*=}\" ;;",
                "  esac",
                "done",
                "[ -n \"$VAULTGATE_AOT_DIR\" ] && echo VAULTGATE_AOT_DIR >&2",
                "echo \"java of " + version + ": $*\""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
