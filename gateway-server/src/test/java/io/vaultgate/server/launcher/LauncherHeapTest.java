package io.vaultgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving commands' fixed heap without a JVM started to ask for the default: the launcher reads the memory the
 * JVM sizes its default maximum heap from (a quarter of MemTotal, or of a cgroup's memory limit, v1 or v2, at any
 * level), and where that is more than 4 GiB and a margin, the JVM's default is more than 1 GiB and the heap is
 * 1 GiB; otherwise, or when a limit cannot be read, it asks the JVM ({@code -XX:+PrintFlagsFinal}) as before. The
 * machine is a directory standing for / ({@code VAULTGATE_LAUNCHER_ROOT}: proc/ and sys/ below it); the fake JDK
 * answers 512 MiB when asked, and notes that it was.
 */
class LauncherHeapTest {

    private static final Path LAUNCHER = Path.of("..", "vaultgate").toAbsolutePath().normalize();
    private static final long GIB_IN_KB = 1024 * 1024;

    @TempDir
    Path tree;

    private Path root;
    private Path asked;

    @BeforeEach
    void repository() throws IOException {
        Files.copy(LAUNCHER, tree.resolve("vaultgate"));
        Path jar = tree.resolve("gateway-server/target/vaultgate.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        root = Files.createDirectories(tree.resolve("machine/proc/self")).getParent().getParent();
        asked = tree.resolve("asked");
        Path bin = Files.createDirectories(tree.resolve("jdk/bin"));
        Files.writeString(bin.resolveSibling("release"), "JAVA_VERSION=\"17.0.15\"\n");
        Files.write(bin.resolve("java"), List.of("#!/bin/sh",
                "if [ \"$1\" = -XX:+PrintFlagsFinal ]; then",
                "  echo asked >> '" + asked + "'",
                "  echo \"   size_t MaxHeapSize = ${FAKE_MAX_HEAP_BYTES:-536870912} {product} {ergonomic}\"; exit 0",
                "fi",
                "echo \"java: $*\""));
        Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void moreThan4GiB_andNoCgroupLimit_theHeapIs1GiB_withoutAskingTheJvm() throws Exception {
        machine(64 * GIB_IN_KB);

        assertThat(heap()).isEqualTo("-Xms1024m -Xmx1024m");
        assertThat(asked).as("no JVM started to ask").doesNotExist();
    }

    @Test
    void aSmallMachine_orOneJustAbove4GiB_asksTheJvm() throws Exception {
        machine(2 * GIB_IN_KB);
        assertThat(heap()).isEqualTo("-Xms512m -Xmx512m");

        machine(4 * GIB_IN_KB + 64 * 1024);
        assertThat(heap()).as("within the alignment margin").isEqualTo("-Xms512m -Xmx512m");
        assertThat(Files.readAllLines(asked)).hasSize(2);
    }

    @Test
    void aCgroupV2Limit_onTheCgroupOrAnAncestor_asksTheJvm() throws Exception {
        machine(64 * GIB_IN_KB);
        cgroups("0::/a/b", "40 31 0:37 / /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw");
        write("sys/fs/cgroup/a/b/memory.max", "max");
        write("sys/fs/cgroup/a/memory.max", "max");
        assertThat(heap()).as("no limit anywhere").isEqualTo("-Xms1024m -Xmx1024m");
        assertThat(asked).doesNotExist();

        write("sys/fs/cgroup/a/memory.max", String.valueOf(2L << 30));
        assertThat(heap()).as("the parent's limit").isEqualTo("-Xms512m -Xmx512m");
        write("sys/fs/cgroup/a/memory.max", "max");
        write("sys/fs/cgroup/a/b/memory.max", String.valueOf(3L << 30));
        assertThat(heap()).as("its own limit").isEqualTo("-Xms512m -Xmx512m");
    }

    @Test
    void aCgroupV1Limit_ownOrHierarchical_asksTheJvm() throws Exception {
        machine(64 * GIB_IN_KB);
        cgroups("5:cpu:/\n4:memory:/docker/x\n0::/",
                "35 31 0:32 /docker/x /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712");
        write("sys/fs/cgroup/memory/memory.stat", "cache 0\nhierarchical_memory_limit 9223372036854771712");
        assertThat(heap()).as("unlimited").isEqualTo("-Xms1024m -Xmx1024m");
        assertThat(asked).doesNotExist();

        write("sys/fs/cgroup/memory/memory.stat", "hierarchical_memory_limit 2147483648");
        assertThat(heap()).as("an ancestor's limit").isEqualTo("-Xms512m -Xmx512m");
        write("sys/fs/cgroup/memory/memory.stat", "hierarchical_memory_limit 9223372036854771712");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "3221225472");
        assertThat(heap()).as("its own limit").isEqualTo("-Xms512m -Xmx512m");
    }

    /** The host's view (no cgroup namespace): the process's cgroup below the mount's root, read level by level. */
    @Test
    void aCgroupV1Path_belowTheMountsRoot_isReadWithItsParents() throws Exception {
        machine(64 * GIB_IN_KB);
        cgroups("4:memory:/jobs/job-1", "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory");
        write("sys/fs/cgroup/memory/jobs/job-1/memory.limit_in_bytes", "9223372036854771712");
        write("sys/fs/cgroup/memory/jobs/memory.limit_in_bytes", "1073741824");
        assertThat(heap()).isEqualTo("-Xms512m -Xmx512m");
    }

    /** A v1 memory cgroup whose limit cannot be read may hold one the JVM sees: the JVM is asked. */
    @Test
    void aCgroupV1LimitThatCannotBeRead_asksTheJvm() throws Exception {
        machine(64 * GIB_IN_KB);
        cgroups("4:memory:/docker/x", "35 31 0:32 /docker/x /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory");
        assertThat(heap()).as("no limit file").isEqualTo("-Xms512m -Xmx512m");

        cgroups("4:memory:/docker/x", "");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712");
        assertThat(heap()).as("no mount").isEqualTo("-Xms512m -Xmx512m");
    }

    @Test
    void noMemInfo_asksTheJvm() throws Exception {
        assertThat(heap()).isEqualTo("-Xms512m -Xmx512m");
    }

    /**
     * The check on a real machine: for each JDK installed under /usr/lib/jvm, the launcher run on this machine's
     * own /proc and /sys sets the heap the JVM's own default maximum gives, min(1 GiB, MaxHeapSize), the fake JDK
     * answering what the real one says.
     */
    @Test
    void onThisMachine_theHeapIsWhatEachInstalledJdksDefaultGives() throws Exception {
        List<Path> jdks = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            dirs.filter(dir -> !Files.isSymbolicLink(dir) && Files.isExecutable(dir.resolve("bin/java"))
                    && Files.exists(dir.resolve("release"))).forEach(jdks::add);
        }
        assertThat(jdks).isNotEmpty();
        for (Path jdk : jdks) {
            long maxHeap = realMaxHeapSize(jdk);
            long expected = Math.min(1024, maxHeap / (1024 * 1024));
            assertThat(launch(Map.of("FAKE_MAX_HEAP_BYTES", String.valueOf(maxHeap)), false))
                    .as(jdk + " says MaxHeapSize = " + maxHeap)
                    .startsWith("java: -XX:-CreateCoredumpOnCrash -Xms" + expected + "m -Xmx" + expected + "m ");
        }
    }

    private static long realMaxHeapSize(Path jdk) throws Exception {
        Process process = new ProcessBuilder(jdk.resolve("bin/java").toString(), "-XX:+PrintFlagsFinal", "-version")
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.lines().map(String::strip).filter(line -> line.matches("size_t\\s+MaxHeapSize\\s+=.*"))
                .map(line -> Long.parseLong(line.split("\\s+")[3])).findFirst().orElseThrow();
    }

    private void machine(long memTotalKb) throws IOException {
        write("proc/meminfo", "MemTotal:       " + memTotalKb + " kB\nMemFree:        1024 kB");
    }

    private void cgroups(String cgroup, String mountinfo) throws IOException {
        write("proc/self/cgroup", cgroup);
        write("proc/self/mountinfo", mountinfo);
    }

    private void write(String file, String content) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content.isEmpty() ? "" : content + "\n");
    }

    /** The heap options the launcher gave {@code run}. */
    private String heap() throws Exception {
        String out = launch(Map.of(), true);
        assertThat(out).startsWith("java: -XX:-CreateCoredumpOnCrash -Xms");
        return out.substring("java: -XX:-CreateCoredumpOnCrash ".length(), out.indexOf(" -jar "));
    }

    private String launch(Map<String, String> env, boolean fakeMachine) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(tree.resolve("vaultgate").toString(), "run")
                .redirectErrorStream(true);
        for (String variable : List.of("VAULTGATE_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
                "_JAVA_OPTIONS", "VAULTGATE_LAUNCHER_ROOT")) {
            builder.environment().remove(variable);
        }
        Map<String, String> all = new HashMap<>(env);
        all.put("JAVA_HOME", tree.resolve("jdk").toString());
        if (fakeMachine) {
            all.put("VAULTGATE_LAUNCHER_ROOT", root.toString());
        }
        builder.environment().putAll(all);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out.strip();
    }
}
