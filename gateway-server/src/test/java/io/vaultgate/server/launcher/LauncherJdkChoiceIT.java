package io.vaultgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher ({@code ./vaultgate} at the repository root) chooses the JVM: {@code JAVA_HOME} when set, else
 * the newest JDK of release 17 or later found in the JDK directories (by its full version), and passes
 * {@code VAULTGATE_JAVA_OPTS} to it without leaving the variable to the gateway, a maximum heap given alone as the
 * minimum heap too, and a fixed heap for the serving commands where none is given. The JDKs here are fakes whose
 * {@code java} prints who it is and what it was given (and a default maximum heap when asked for its flags), so the
 * choice is observed directly (runs after {@code package}: the launcher needs the built jar, or it would build it).
 */
class LauncherJdkChoiceIT {

    private static final Path LAUNCHER = Path.of("..", "vaultgate").toAbsolutePath().normalize();

    @TempDir
    Path jdks;

    @BeforeEach
    void fakeJdks() throws IOException {
        fakeJdk("jdk-11", "11.0.22");
        fakeJdk("jdk-17", "17.0.15");
        fakeJdk("temurin-25", "25.0.3");
        fakeJdk("jdk-21", "21.0.5");
        Files.createSymbolicLink(jdks.resolve("default-java"), jdks.resolve("jdk-17"));
        Files.createDirectories(jdks.resolve("not-a-jdk"));
    }

    @Test
    void withoutJavaHome_theNewestJdkRunsTheJar() throws Exception {
        String out = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString()));

        assertThat(out).startsWith("java of 25.0.3:").contains("-jar").contains("vaultgate.jar version");
    }

    /**
     * Of JDKs of one feature release, the newest update runs, whatever their order in the directory (before, the
     * first listed of the highest feature release did): versions compared by their numbers, 25.0.10 after 25.0.9.
     */
    @Test
    void ofJdksOfOneRelease_theNewestUpdateRuns_theVersionsComparedAsNumbers() throws Exception {
        Map<String, String> env = Map.of("VAULTGATE_JDK_DIRS", jdks.toString());
        fakeJdk("corretto-25.0.1", "25.0.1");  // listed before temurin-25 (25.0.3)

        assertThat(launch(env)).startsWith("java of 25.0.3:");

        fakeJdk("zulu-25.0.10", "25.0.10");  // listed after it, and before it as text
        assertThat(launch(env)).startsWith("java of 25.0.10:");

        fakeJdk("a-jdk-26", "26");  // a newer feature release, as its first build says it
        assertThat(launch(env)).startsWith("java of 26:");
    }

    /**
     * Review22a: an early-access build (a pre-release: "26-ea" in JAVA_VERSION, or a JAVA_RUNTIME_VERSION such as
     * "26-ea+20-2378") is never chosen over a released JDK, of its own feature version or an older one; before, it
     * beat 25.0.3 as "26", and tied with the release of 26 (the first listed, here itself, won). JAVA_HOME may still
     * name one, and one is chosen where there is no release.
     */
    @Test
    void anEarlyAccessBuild_isNeverChosenOverARelease() throws Exception {
        Map<String, String> env = Map.of("VAULTGATE_JDK_DIRS", jdks.toString());
        fakeJdk("a-jdk-26-ea", "26-ea", "26-ea+20-2378");  // listed first

        assertThat(launch(env)).as("over an older release").startsWith("java of 25.0.3:");

        fakeJdk("b-jdk-27-ea", "27", "27-ea+3-101");  // its JAVA_VERSION without the "-ea"
        assertThat(launch(env)).as("a pre-release by its runtime version").startsWith("java of 25.0.3:");

        fakeJdk("jdk-26", "26", "26+35-2893");  // the release of 26, listed after its early-access build
        assertThat(launch(env)).as("over the same feature version").startsWith("java of 26:");

        assertThat(launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(),
                "JAVA_HOME", jdks.resolve("a-jdk-26-ea").toString()))).as("named by JAVA_HOME")
                .startsWith("java of 26-ea:");
        Path onlyEarlyAccess = Files.createDirectories(jdks.resolve("only-ea"));
        fakeJdk("only-ea/jdk-26-ea", "26-ea", "26-ea+20-2378");
        assertThat(launch(Map.of("VAULTGATE_JDK_DIRS", onlyEarlyAccess.toString()))).as("no release installed")
                .startsWith("java of 26-ea:");
    }

    @Test
    void javaHome_winsOverANewerJdk() throws Exception {
        String out = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(),
                "JAVA_HOME", jdks.resolve("jdk-17").toString()));

        assertThat(out).startsWith("java of 17.0.15:");
    }

    @Test
    void javaOptions_goToTheJvmBeforeTheJar_andAreNotPassedOn() throws Exception {
        String out = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(), "VAULTGATE_JAVA_OPTS", "-Xmx99m -Dx=y"));

        assertThat(out).startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -Xms99m -Xmx99m -Dx=y -jar ")
                .contains("opts-env=<unset>");
    }

    /** G1 would otherwise shrink the heap after each concurrent mark (docs/benchmarks.md, session 19). */
    @Test
    void aMaximumHeapWithoutAMinimum_isTheMinimumToo() throws Exception {
        String out = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(),
                "VAULTGATE_JAVA_OPTS", "-Xmx1g -Dx=y -XX:MaxHeapSize=256m"));

        assertThat(out).startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -Xms256m -Xmx1g -Dx=y "
                + "-XX:MaxHeapSize=256m -jar ");
    }

    @Test
    void aMinimumHeapGiven_orAHeapSizedFromTheMemory_isLeftAsItIs() throws Exception {
        String withMinimum = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(),
                "VAULTGATE_JAVA_OPTS", "-Xmx512m -Xms64m"));
        String withMinHeapSize = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(),
                "VAULTGATE_JAVA_OPTS", "-XX:MinHeapSize=32m -Xmx512m"));
        String withRamPercentage = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(),
                "VAULTGATE_JAVA_OPTS", "-XX:MaxRAMPercentage=50"));

        assertThat(withMinimum).startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -Xmx512m -Xms64m -jar ");
        assertThat(withMinHeapSize)
                .startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -XX:MinHeapSize=32m -Xmx512m -jar ");
        assertThat(withRamPercentage)
                .startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -XX:MaxRAMPercentage=50 -jar ");
    }

    /** The JVM's default heap is a quarter of the memory and not fixed: G1 would shrink it as above. */
    @Test
    void noHeapGiven_theServingCommandsGetAFixedGibibyte_theOthersTheJvmsDefaults() throws Exception {
        Map<String, String> env = Map.of("VAULTGATE_JDK_DIRS", jdks.toString(), "VAULTGATE_JAVA_OPTS", "-Dx=y");

        for (String serving : List.of("run", "demo", "receive")) {
            assertThat(launch(env, serving))
                    .startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -Xms1024m -Xmx1024m -Dx=y -jar ");
        }
        assertThat(launch(env, "version")).startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -Dx=y -jar ");
    }

    /**
     * The JVM's own default maximum knows the machine's memory and its cgroup's limit (v1 or v2); the launcher asks
     * for it on a machine of 4 GiB or less (here one of 2 GiB: LauncherHeapTest has the rest).
     */
    @Test
    void noHeapGiven_onASmallMachineOrContainer_theJvmsDefaultMaximumIsTheFixedHeap() throws Exception {
        Path machine = Files.createDirectories(jdks.resolve("small-machine/proc"));
        Files.writeString(machine.resolve("meminfo"), "MemTotal:        2097152 kB\n");
        String out = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(),
                "VAULTGATE_LAUNCHER_ROOT", machine.getParent().toString(),
                "FAKE_MAX_HEAP_BYTES", String.valueOf(512L * 1024 * 1024)), "run");

        assertThat(out).startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -Xms512m -Xmx512m -jar ");
    }

    /** Heap options the JVM reads from its own variables count as given, the last applied winning. */
    @Test
    void heapOptionsInTheJvmsOwnVariables_areSeen() throws Exception {
        String toolOptions = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(),
                "JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75"), "run");
        String jdkOptions = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(), "JDK_JAVA_OPTIONS", "-Xmx4g"), "run");
        String overriding = launch(Map.of("VAULTGATE_JDK_DIRS", jdks.toString(), "VAULTGATE_JAVA_OPTS", "-Xmx1g",
                "_JAVA_OPTIONS", "-Xmx512m"), "run");

        assertThat(toolOptions).startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -jar ");
        assertThat(jdkOptions).startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -Xms4g -jar ");
        assertThat(overriding).startsWith("java of 25.0.3: -XX:-CreateCoredumpOnCrash -Xms512m -Xmx1g -jar ");
    }

    private String launch(Map<String, String> env) throws Exception {
        return launch(env, "version");
    }

    private String launch(Map<String, String> env, String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), command).redirectErrorStream(true);
        for (String variable : List.of("JAVA_HOME", "VAULTGATE_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
                "_JAVA_OPTIONS", "VAULTGATE_AOT_DIR", "VAULTGATE_LAUNCHER_ROOT")) {
            builder.environment().remove(variable);
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out.strip();
    }

    /** A directory that looks like a JDK: a release file and a bin/java that reports itself and its arguments. */
    private void fakeJdk(String name, String version) throws IOException {
        fakeJdk(name, version, version + "+9-LTS");
    }

    /** A fake JDK whose release file also says its runtime version (with its build number and pre-release). */
    private void fakeJdk(String name, String version, String runtimeVersion) throws IOException {
        Path bin = Files.createDirectories(jdks.resolve(name).resolve("bin"));
        Files.writeString(jdks.resolve(name).resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_RUNTIME_VERSION=\""
                + runtimeVersion + "\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = bin.resolve("java");
        Files.write(java, List.of("#!/bin/sh",
                "if [ \"$1\" = -XX:+PrintFlagsFinal ]; then",
                "  echo \"   size_t MaxHeapSize = ${FAKE_MAX_HEAP_BYTES:-6442450944} {product} {ergonomic}\"; exit 0",
                "fi",
                "echo \"java of " + version + ": $* opts-env=${VAULTGATE_JAVA_OPTS-<unset>}\""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
