package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and resident memory of a process and all its descendants, read from {@code /proc}. CPU counts
 * {@code utime + stime + cutime + cstime} of every live process of the tree: a reaped child's time has moved
 * into its parent's {@code cutime}, so every tick is counted exactly once (sshd forks one child per connection
 * and reaps it; nginx's workers live on).
 */
final class ProcessTree {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private ProcessTree() {
    }

    /** CPU seconds used so far by {@code root} and its descendants, reaped ones included. */
    static double cpuSeconds(long root) {
        long ticks = 0;
        for (Stat stat : tree(root)) {
            ticks += stat.cpuTicks;
        }
        return ticks / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds used so far by the garbage collector threads of {@code root} and its descendants: JVM threads
     * named {@code GC Thread#N} (every collector's workers) or {@code G1 ...} (G1's concurrent marking, refinement
     * and service threads). Zero for a server that is not a JVM.
     */
    static double gcCpuSeconds(long root) {
        long ticks = 0;
        for (Stat process : tree(root)) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(process.pid), "task"))) {
                for (Path task : tasks) {
                    String name = commandName(task);
                    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        Stat stat = read(task);
                        ticks += stat == null ? 0 : stat.cpuTicks;
                    }
                }
            } catch (IOException gone) {
                // the process ended while it was read
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** Resident set of {@code root} and its live descendants, in bytes. */
    static long residentBytes(long root) {
        long bytes = 0;
        for (Stat stat : tree(root)) {
            bytes += stat.rssPages * 4096L;
        }
        return bytes;
    }

    private record Stat(long pid, long ppid, long cpuTicks, long rssPages) {
    }

    private static List<Stat> tree(long root) {
        Map<Long, List<Stat>> children = new HashMap<>();
        Stat rootStat = null;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                Stat stat = read(proc);
                if (stat == null) {
                    continue;
                }
                children.computeIfAbsent(stat.ppid, p -> new ArrayList<>()).add(stat);
                if (stat.pid == root) {
                    rootStat = stat;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        List<Stat> all = new ArrayList<>();
        if (rootStat == null) {
            return all;
        }
        List<Stat> todo = new ArrayList<>(List.of(rootStat));
        while (!todo.isEmpty()) {
            Stat next = todo.remove(todo.size() - 1);
            all.add(next);
            todo.addAll(children.getOrDefault(next.pid, List.of()));
        }
        return all;
    }

    private static String commandName(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip();
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }

    /** Fields of /proc/PID/stat (or /proc/PID/task/TID/stat: a thread's own times in utime and stime) after the parenthesised command name; null if the process vanished. */
    private static Stat read(Path proc) {
        String text;
        try {
            text = Files.readString(proc.resolve("stat"));
        } catch (IOException | RuntimeException gone) {
            return null;
        }
        int close = text.lastIndexOf(')');
        String[] f = text.substring(close + 2).trim().split(" ");
        // f[0] = state (field 3); ppid = field 4; utime..cstime = fields 14-17; rss = field 24
        long ppid = Long.parseLong(f[1]);
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        long rss = Long.parseLong(f[21]);
        return new Stat(Long.parseLong(proc.getFileName().toString()), ppid, ticks, rss);
    }
}
