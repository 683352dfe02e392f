package io.vaultgate.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One process of this machine, told apart from every other that had or will have its pid: the boot it runs in
 * ({@code /proc/sys/kernel/random/boot_id}, new at every boot), its pid and the time it started, in clock ticks after
 * boot (field 22 of {@code /proc/PID/stat}). A pid is handed out again once its process has ended, and the tick count
 * restarts at every boot; the three together name one process only. Linux only: without {@code /proc} no process can
 * be identified, so nothing that relies on it is believed there.
 */
public record ProcessIdentity(String bootId, long pid, long startTicks) {

    private static final Path PROC = Path.of("/proc");
    /** Field 22 of {@code /proc/PID/stat}: the 20th after the command name's closing parenthesis (field 2). */
    private static final int START_AFTER_COMMAND = 22 - 3;

    public ProcessIdentity {
        if (bootId == null || !bootId.matches("[0-9a-f-]{1,64}")) {
            throw new IllegalArgumentException("not a boot id: " + bootId);
        }
        if (pid <= 0 || startTicks < 0) {
            throw new IllegalArgumentException("pid " + pid + " started at tick " + startTicks + " is no process");
        }
    }

    /** This process, or empty where there is no {@code /proc} to identify it by. */
    public static Optional<ProcessIdentity> current() {
        return running(ProcessHandle.current().pid());
    }

    /**
     * The process running as {@code pid} now; empty when none is (a zombie, dead and not yet reaped, is none: it
     * serves nothing), or when there is no {@code /proc} to ask ({@link #checkable()}).
     */
    public static Optional<ProcessIdentity> running(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        try {
            String boot = Files.readString(PROC.resolve("sys/kernel/random/boot_id"), StandardCharsets.US_ASCII);
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            return parse(boot.strip(), pid, stat);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // no such process (or no /proc): nothing to believe in
        }
    }

    /** Whether processes can be identified here at all: Linux's {@code /proc} is mounted. */
    public static boolean checkable() {
        return Files.isReadable(PROC.resolve("self/stat")) && Files.isReadable(PROC.resolve("sys/kernel/random/boot_id"));
    }

    /**
     * Reads a {@code /proc/PID/stat} line. The command name (field 2) is in parentheses and may hold spaces and
     * parentheses itself, so the fields are counted from its last closing one.
     */
    static Optional<ProcessIdentity> parse(String bootId, long pid, String stat) {
        int command = stat.lastIndexOf(')');
        if (command < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line");
        }
        String[] fields = stat.substring(command + 1).strip().split(" ");
        if (fields.length <= START_AFTER_COMMAND) {
            throw new IllegalArgumentException("a /proc/PID/stat line of " + fields.length + " fields after the name");
        }
        if (fields[0].equals("Z") || fields[0].equals("X")) {
            return Optional.empty();
        }
        return Optional.of(new ProcessIdentity(bootId, pid, Long.parseLong(fields[START_AFTER_COMMAND])));
    }
}
