package io.vaultgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher ({@code ./vaultgate}) builds the jar when it is missing and rebuilds it when a {@code pom.xml} or a
 * file under a module's {@code src/main} is newer than it, as after a {@code git pull}, saying so on standard error;
 * otherwise it runs the jar as built. It runs here as a copy in a temporary tree of the repository's shape, with a
 * fake {@code mvn} that records its arguments and writes the jar, and a fake JDK whose {@code java} reports what it
 * was given, so nothing of the real build is touched and each launch takes milliseconds.
 */
class LauncherRebuildTest {

    private static final Path LAUNCHER = Path.of("..", "vaultgate").toAbsolutePath().normalize();
    private static final Instant BUILT = Instant.now().minusSeconds(86_400);

    @TempDir
    Path tree;

    private Path jar;
    private Path mvnLog;

    @BeforeEach
    void repository() throws IOException {
        Files.copy(LAUNCHER, tree.resolve("vaultgate"));
        Path source = tree.resolve("gateway-core/src/main/java/io/vaultgate/core/Core.java");
        Path resource = tree.resolve("gateway-server/src/main/resources/logback.xml");
        Path test = tree.resolve("gateway-server/src/test/java/io/vaultgate/server/SomeTest.java");
        jar = tree.resolve("gateway-server/target/vaultgate.jar");
        for (Path file : List.of(tree.resolve("pom.xml"), tree.resolve("gateway-core/pom.xml"),
                tree.resolve("gateway-server/pom.xml"), source, resource, test, jar)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, file.getFileName().toString());
            Files.setLastModifiedTime(file, FileTime.from(BUILT.minusSeconds(3600)));
        }
        Files.setLastModifiedTime(jar, FileTime.from(BUILT));
        mvnLog = tree.resolve("mvn.log");
        Path bin = Files.createDirectories(tree.resolve("fake-bin"));
        executable(bin.resolve("mvn"), "#!/bin/sh", "echo \"mvn in $(pwd): $*\" >> '" + mvnLog + "'",
                "touch gateway-server/target/vaultgate.jar");
        Path jdk = Files.createDirectories(tree.resolve("fake-jdk/bin"));
        Files.writeString(jdk.resolveSibling("release"), "JAVA_VERSION=\"17.0.15\"\n");
        executable(jdk.resolve("java"), "#!/bin/sh", "echo \"java ran: $*\"", "echo \"core limit $(ulimit -c)\"");
    }

    /** The gateway's memory holds data keys and plaintext: a crash must not write it to a core file. */
    @Test
    void theGateway_runsWithoutCoreDumps() throws Exception {
        Launch launch = launch();

        assertThat(launch.stdout()).contains(" -XX:-CreateCoredumpOnCrash ").endsWith("\ncore limit 0");
    }

    @Test
    void aJarNewerThanEverySource_runsAsBuilt() throws Exception {
        Launch launch = launch();

        assertThat(launch.stdout()).startsWith("java ran: -XX:-CreateCoredumpOnCrash -jar " + jar + " version");
        assertThat(launch.stderr()).isEmpty();
        assertThat(mvnLog).doesNotExist();
    }

    @Test
    void aSourceChangedAfterTheBuild_rebuildsOnce_sayingWhy() throws Exception {
        touchAfterBuild("gateway-core/src/main/java/io/vaultgate/core/Core.java");

        Launch first = launch();
        Launch second = launch();

        assertThat(first.stderr()).contains("vaultgate: rebuilding " + jar + ": gateway-core/src/main/java/io/vaultgate/"
                + "core/Core.java is newer than it");
        assertThat(first.stdout()).startsWith("java ran: -XX:-CreateCoredumpOnCrash -jar " + jar);
        assertThat(Files.readAllLines(mvnLog)).containsExactly("mvn in " + tree + ": -B -q -DskipTests install");
        assertThat(second.stderr()).as("rebuilt once: the new jar is newer than the sources").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pom.xml", "gateway-server/pom.xml", "gateway-server/src/main/resources/logback.xml"})
    void aChangedPomOrResource_rebuilds(String file) throws Exception {
        touchAfterBuild(file);

        assertThat(launch().stderr()).contains("vaultgate: rebuilding " + jar + ": " + file + " is newer than it");
        assertThat(Files.readAllLines(mvnLog)).hasSize(1);
    }

    @Test
    void aChangedTest_doesNotRebuild() throws Exception {
        touchAfterBuild("gateway-server/src/test/java/io/vaultgate/server/SomeTest.java");

        assertThat(launch().stderr()).isEmpty();
        assertThat(mvnLog).doesNotExist();
    }

    @Test
    void noJar_buildsOnFirstRun() throws Exception {
        Files.delete(jar);

        Launch launch = launch();

        assertThat(launch.stderr()).contains("vaultgate: building " + jar + " (first run only");
        assertThat(Files.readAllLines(mvnLog)).hasSize(1);
        assertThat(launch.stdout()).startsWith("java ran: -XX:-CreateCoredumpOnCrash -jar " + jar);
    }

    @Test
    void aFailedRebuild_stopsWithoutRunningTheOldJar() throws Exception {
        executable(tree.resolve("fake-bin/mvn"), "#!/bin/sh", "echo 'COMPILATION ERROR' >&2", "exit 1");
        touchAfterBuild("gateway-core/src/main/java/io/vaultgate/core/Core.java");

        Launch launch = launch();

        assertThat(launch.exitCode()).isEqualTo(1);
        assertThat(launch.stderr()).contains("rebuilding").contains("COMPILATION ERROR");
        assertThat(launch.stdout()).doesNotContain("java ran");
    }

    /** Gives {@code file} a time a minute after the jar's, and still in the past (before any fake rebuild). */
    private void touchAfterBuild(String file) throws IOException {
        Files.setLastModifiedTime(tree.resolve(file), FileTime.from(BUILT.plusSeconds(60)));
    }

    private record Launch(int exitCode, String stdout, String stderr) {
    }

    private Launch launch() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(tree.resolve("vaultgate").toString(), "version");
        builder.environment().put("JAVA_HOME", tree.resolve("fake-jdk").toString());
        builder.environment().remove("VAULTGATE_JAVA_OPTS");
        builder.environment().put("PATH", tree.resolve("fake-bin") + ":" + System.getenv("PATH"));
        Path err = Files.createTempFile(tree, "stderr", ".txt");
        Process process = builder.redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Launch(process.exitValue(), out.strip(), Files.readString(err).strip());
    }

    private static void executable(Path file, String... lines) throws IOException {
        Files.write(file, List.of(lines));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
