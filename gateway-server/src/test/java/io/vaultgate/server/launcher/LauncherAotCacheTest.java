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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's AOT cache (docs/jvm.md): {@code ./vaultgate aot-train} runs the training on a JDK 25 or later with
 * {@code -XX:AOTCacheOutput} and keeps the cache under a name of that JDK and that jar; {@code run}, {@code demo} and
 * {@code receive} on the same JDK and jar start with {@code -XX:AOTMode=auto -XX:AOTCache=FILE}, and nothing else
 * does: not another JDK, not a rebuilt jar, not JDK 17, not the other commands, not a JVM given AOT options of the
 * user's own; one JDK has one cache however JAVA_HOME spells it, and a training deletes only its own installation's
 * stale caches. The launcher runs as a copy in a temporary tree with a fake jar (newer than every source, so nothing
 * is built) and fake JDKs whose {@code java} reports its arguments and, when told to record, writes the cache file.
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
        assertThat(cache.getFileName().toString()).matches("vaultgate-25\\.0\\.3-[0-9a-f]{16}-[0-9a-f]{16}\\.aot");
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

    /**
     * One JDK, one name: JAVA_HOME is made canonical before the cache is named, so a trailing slash, a symlink or a
     * relative path to the JDK the cache was trained on finds it (before, each spelling had a cache of its own).
     */
    @Test
    void theSameJdk_spelledAnotherWay_findsTheCache() throws Exception {
        Path jdk = jdks.resolve("temurin-25");
        Files.createSymbolicLink(jdks.resolve("current"), jdk);
        Launch training = launch(Map.of("JAVA_HOME", jdk + "/"), "aot-train");
        assertThat(training.exitCode()).as(training.stderr()).isZero();
        Path cache = onlyCache();

        for (String spelling : List.of(jdk.toString(), jdk + "/", jdks.resolve("current").toString(),
                jdks.resolve("current") + "/", jdks.resolve("jdk-17/../temurin-25").toString())) {
            assertThat(launch(Map.of("JAVA_HOME", spelling), "run").stdout()).as(spelling)
                    .contains("-XX:AOTCache=" + cache + " ");
        }
        assertThat(launch(Map.of(), "run").stdout()).as("found in the JDK directories")
                .contains("-XX:AOTCache=" + cache + " ");
        ProcessBuilder relative = new ProcessBuilder(tree.resolve("vaultgate").toString(), "run")
                .directory(jdks.toFile());
        assertThat(launch(relative, Map.of("JAVA_HOME", "current")).stdout()).as("relative to the working directory")
                .contains("-XX:AOTCache=" + cache + " ");
        assertThat(launch(relative, Map.of("JAVA_HOME", "jdk-17")).stdout()).startsWith("java of 17.0.15")
                .doesNotContain("AOT");
    }

    /**
     * Review22a: one installation reached through a symlink is one installation. The launcher's directory is made
     * canonical ({@code pwd -P}), so a cache trained through one path is found through the other, and the JVM is given
     * one jar path; before, each path was an owner of its own (its own cache, and a training through one left the
     * other's caches behind).
     */
    @Test
    void oneInstallation_reachedThroughASymlink_isOneOwner() throws Exception {
        Path link = Files.createSymbolicLink(tree.resolve("current"), tree);
        Launch training = launch(link.resolve("vaultgate"), Map.of(), "aot-train");
        assertThat(training.exitCode()).as(training.stderr()).isZero();
        Path cache = onlyCache();

        assertThat(launch(Map.of(), "run").stdout()).as("through the real path")
                .contains("-XX:AOTCache=" + cache + " -jar " + jar + " run");
        assertThat(launch(link.resolve("vaultgate"), Map.of(), "run").stdout()).as("through the symlink")
                .contains("-XX:AOTCache=" + cache + " -jar " + jar + " run");
        ProcessBuilder relative = new ProcessBuilder("bash", "current/vaultgate", "run").directory(tree.toFile());
        assertThat(launch(relative, Map.of()).stdout()).as("through the symlink, relative")
                .contains("-XX:AOTCache=" + cache + " -jar " + jar + " run");
    }

    /**
     * Review22a: a directory above the cache's that others can write to lets them rename the cache's directory and put
     * one of their own there. Every directory up to / is checked (as OpenSSH's StrictModes does): owned by this user or
     * root, and writable by no one else unless sticky (/tmp, above every test's directory, is). Before, only the
     * cache's own directory was.
     */
    @Test
    void aCacheBelowADirectoryOthersCanWriteTo_isNotUsed_unlessThatDirectoryIsSticky() throws Exception {
        Path parent = Files.createDirectories(tree.resolve("shared/parent"));
        Path caches = parent.resolve("caches");
        Map<String, String> env = Map.of("VAULTGATE_AOT_DIR", caches.toString());
        Launch training = launch(env, "aot-train");
        assertThat(training.exitCode()).as(training.stderr()).isZero();
        Path cache = cacheOf(launch(env, "run"));

        for (String mode : List.of("rwxrwxrwx", "rwxrwxr-x", "rwxr-xrwx")) {
            Files.setPosixFilePermissions(tree.resolve("shared"), PosixFilePermissions.fromString(mode));
            Launch open = launch(env, "run");
            assertThat(open.stdout()).as(mode).doesNotContain("AOTCache");
            assertThat(open.stderr()).as(mode).contains("not using the AOT cache " + cache)
                    .contains("every directory above it");
            Launch refused = launch(env, "aot-train");
            assertThat(refused.exitCode()).as("nor trained into, " + mode).isEqualTo(2);
            assertThat(refused.stderr()).contains("every directory above it");
        }

        Files.setPosixFilePermissions(tree.resolve("shared"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(cacheOf(launch(env, "run"))).isEqualTo(cache);
        chmod("1777", tree.resolve("shared"));
        assertThat(cacheOf(launch(env, "run"))).as("below a sticky directory, as /tmp").isEqualTo(cache);
        chmod("1777", caches);
        assertThat(launch(env, "run").stdout()).as("the cache's own directory sticky but writable by all")
                .doesNotContain("AOTCache");
    }

    /**
     * Review23b M: a checkout made with umask 002 (Debian and Ubuntu users' default: git clone and Maven make 775
     * directories) is refused, and the refusal names the first directory that fails, from / down, with its mode, and
     * the chmod that fixes every one of them; the check is made on the nearest directory that exists before anything
     * is created. Before, the message named the cache's directory (which was fine) and that directory had been made
     * by then, though it said "nothing was done".
     */
    @Test
    void aCheckoutMadeWithUmask002_isRefused_namingTheFirstDirectoryThatFails_andItsFix() throws Exception {
        Path module = tree.resolve("gateway-server");
        Path target = module.resolve("target");
        Files.setPosixFilePermissions(module, PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxrwxr-x"));

        Launch refused = launch(Map.of(), "aot-train");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains(module + " is group-writable (drwxrwxr-x ")
                .contains("fix: chmod g-w,o-w " + module + " " + target + " ").contains("nothing was done")
                .doesNotContain(aot + " must be");
        assertThat(aot).as("nothing created").doesNotExist();
        assertThat(refused.stdout()).as("no JVM started").isEmpty();

        Files.setPosixFilePermissions(module, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cache = cacheOf(launchTrained());
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxrwxrwx"));
        Launch skipped = launch(Map.of(), "run");
        assertThat(skipped.stdout()).doesNotContain("AOTCache");
        assertThat(skipped.stderr()).contains("not using the AOT cache " + cache + ": " + target
                + " is group-writable and writable by others (drwxrwxrwx ").contains("fix: chmod g-w,o-w " + target
                + " ");

        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(aot, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(launch(Map.of(), "demo").stderr()).as("the first from / down")
                .contains(": " + tree + " is group-writable (drwxrwx--- ").contains("chmod g-w,o-w " + tree + " (");
    }

    /**
     * Guards existing behaviour: on such a checkout, where no cache was ever trained, run and demo start without a
     * word about a cache (there is none to warn about).
     */
    @Test
    void noCacheEverTrained_belowGroupWritableDirectories_startsWithoutAWordAboutIt() throws Exception {
        Files.setPosixFilePermissions(tree.resolve("gateway-server"), PosixFilePermissions.fromString("rwxrwxr-x"));
        for (String serving : List.of("run", "demo")) {
            Launch start = launch(Map.of(), serving);
            assertThat(start.stdout()).as(serving).isEqualTo("java of 25.0.3: -XX:-CreateCoredumpOnCrash "
                    + "-Xms1024m -Xmx1024m -jar " + jar + " " + serving);
            assertThat(start.stderr()).as(serving).isEmpty();
        }
    }

    /**
     * Review23b L: a symlink to the launcher script itself (/usr/local/bin/vaultgate, say) runs the installation it
     * points to. Before, the installation was the link's directory: the jar was looked for, and built, there.
     */
    @Test
    void aSymlinkToTheScript_elsewhere_runsTheInstallationItPointsTo() throws Exception {
        Path bin = Files.createDirectories(tree.resolve("usr-local-bin"));
        Path noMaven = Files.createDirectories(tree.resolve("no-maven"));
        Path mvn = Files.writeString(noMaven.resolve("mvn"), "#!/bin/sh\necho \"mvn run in $PWD\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("PATH", noMaven + ":" + System.getenv("PATH"));
        Path absolute = Files.createSymbolicLink(bin.resolve("vaultgate"), tree.resolve("vaultgate"));
        Path chained = Files.createSymbolicLink(bin.resolve("vg"), Path.of("vaultgate"));
        assertThat(launchTrained().exitCode()).isZero();

        for (Path link : List.of(absolute, chained)) {
            Launch run = launch(link, env, "run");
            assertThat(run.stderr()).as(link.toString()).doesNotContain("mvn run in").doesNotContain("building");
            assertThat(run.stdout()).as(link.toString()).contains("-XX:AOTCache=" + aot + "/vaultgate-25.0.3-")
                    .endsWith(" -jar " + jar + " run");
        }
        ProcessBuilder relative = new ProcessBuilder("bash", "usr-local-bin/vg", "version").directory(tree.toFile());
        assertThat(launch(relative, env).stdout()).as("through a relative path")
                .isEqualTo("java of 25.0.3: -XX:-CreateCoredumpOnCrash -jar " + jar + " version");
    }

    /**
     * The cache's directory reached through a symlinked directory above it: the directories checked are those of its
     * canonical path, and that path is what the JVM is given (not one through a symlink that could change after).
     */
    @Test
    void aCacheDirectoryBelowASymlink_isCheckedAndGivenByItsCanonicalPath() throws Exception {
        Path real = Files.createDirectories(tree.resolve("real"));
        Path link = Files.createSymbolicLink(tree.resolve("link"), real);
        Map<String, String> env = Map.of("VAULTGATE_AOT_DIR", link.resolve("caches").toString());
        Launch training = launch(env, "aot-train");
        assertThat(training.exitCode()).as(training.stderr()).isZero();

        Path cache = cacheOf(launch(env, "run"));
        assertThat(cache.getParent()).isEqualTo(real.resolve("caches"));
        assertThat(cache).exists();

        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(launch(env, "run").stdout()).as("the real directory above it writable by all")
                .doesNotContain("AOTCache");
    }

    /**
     * A new training deletes this installation's caches of earlier builds of the jar on the same JDK, which it never
     * runs again, and keeps its caches of other JDKs; caches named without an owner (by launchers before session 22)
     * are deleted from the default directory, the installation's own, when older than the jar.
     */
    @Test
    void aNewTraining_removesTheCachesOfEarlierBuilds() throws Exception {
        Files.createDirectories(aot);
        Path unownedEarlier = Files.writeString(aot.resolve("vaultgate-25.0.3-0123456789abcdef.aot"), "old");
        Files.setLastModifiedTime(unownedEarlier, FileTime.from(Instant.now().minusSeconds(7200)));
        Path unownedLater = Files.writeString(aot.resolve("vaultgate-26.0.1-0123456789abcdef.aot"), "other JDK");
        fakeJdk("temurin-25.0.4", "25.0.4");
        Map<String, String> otherJdk = Map.of("JAVA_HOME", jdks.resolve("temurin-25.0.4").toString());
        Map<String, String> trainedJdk = Map.of("JAVA_HOME", jdks.resolve("temurin-25").toString());
        assertThat(launch(otherJdk, "aot-train").exitCode()).isZero();
        assertThat(launch(trainedJdk, "aot-train").exitCode()).isZero();
        Path ofOtherJdk = cacheOf(launch(otherJdk, "run"));
        Path earlier = cacheOf(launch(trainedJdk, "run"));
        assertThat(unownedEarlier).doesNotExist();
        assertThat(unownedLater).exists();

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));  // rebuilt
        assertThat(launch(trainedJdk, "run").stdout()).doesNotContain("AOT");
        assertThat(launch(trainedJdk, "aot-train").exitCode()).isZero();

        Path rebuilt = cacheOf(launch(trainedJdk, "run"));
        assertThat(rebuilt).isNotEqualTo(earlier).exists();
        assertThat(earlier).doesNotExist();
        assertThat(ofOtherJdk).as("another JDK's, trained before the rebuild").exists();
    }

    /**
     * Installations sharing a cache directory: a training deletes only caches of its own installation, never those
     * of another (before, every cache older than the training one's jar went), nor caches named without an owner.
     */
    @Test
    void installationsSharingACacheDirectory_keepEachOthersCaches() throws Exception {
        Path shared = tree.resolve("shared-aot");
        Map<String, String> env = Map.of("VAULTGATE_AOT_DIR", shared.toString());
        Path second = Files.createDirectories(tree.resolve("second"));
        Files.copy(LAUNCHER, second.resolve("vaultgate"));
        Path secondJar = second.resolve("gateway-server/target/vaultgate.jar");
        Files.createDirectories(secondJar.getParent());
        Files.writeString(secondJar, "another jar");
        Files.setLastModifiedTime(secondJar, FileTime.from(Instant.now().minusSeconds(1800)));
        Files.createDirectories(shared);
        Path unowned = Files.writeString(shared.resolve("vaultgate-25.0.3-0123456789abcdef.aot"), "old");
        Files.setLastModifiedTime(unowned, FileTime.from(Instant.now().minusSeconds(7200)));

        assertThat(launch(env, "aot-train").exitCode()).isZero();
        Path first = cacheOf(launch(env, "run"));
        // trained before the second installation's jar was built
        Files.setLastModifiedTime(first, FileTime.from(Instant.now().minusSeconds(3600)));
        assertThat(launch(second.resolve("vaultgate"), env, "aot-train").exitCode()).isZero();
        Path secondCache = cacheOf(launch(second.resolve("vaultgate"), env, "run"));
        assertThat(secondCache).isNotEqualTo(first);

        assertThat(first).as("the first installation's cache").exists();
        assertThat(launch(env, "run").stdout()).contains("-XX:AOTCache=" + first + " ");
        assertThat(unowned).as("whose it is cannot be said").exists();

        Files.setLastModifiedTime(secondJar, FileTime.from(Instant.now().minusSeconds(60)));  // the second rebuilt
        assertThat(launch(second.resolve("vaultgate"), env, "aot-train").exitCode()).isZero();
        assertThat(secondCache).as("the second's earlier build").doesNotExist();
        assertThat(first).exists();
        try (Stream<Path> files = Files.list(shared)) {
            assertThat(files.filter(f -> f.toString().endsWith(".aot"))).hasSize(3);
        }
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

    /** Trains a cache in the default directory and returns the run that uses it. */
    private Launch launchTrained() throws Exception {
        Launch training = launch(Map.of(), "aot-train");
        assertThat(training.exitCode()).as(training.stderr()).isZero();
        return launch(Map.of(), "run");
    }

    /** Sets a mode Java's POSIX permissions cannot say (the sticky bit). */
    private static void chmod(String mode, Path path) throws Exception {
        Process chmod = new ProcessBuilder("chmod", mode, path.toString()).inheritIO().start();
        assertThat(chmod.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(chmod.exitValue()).isZero();
    }

    /** The cache a launch passed to the JVM. */
    private static Path cacheOf(Launch launch) {
        Matcher cache = Pattern.compile("-XX:AOTCache=(\\S+) ").matcher(launch.stdout());
        assertThat(cache.find()).as(launch.stdout()).isTrue();
        return Path.of(cache.group(1));
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
        return launch(tree.resolve("vaultgate"), env, command);
    }

    private Launch launch(Path launcher, Map<String, String> env, String command) throws Exception {
        return launch(new ProcessBuilder(launcher.toString(), command), env);
    }

    private Launch launch(ProcessBuilder builder, Map<String, String> env) throws Exception {
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
