package io.vaultgate.server.cli;

import io.vaultgate.server.CommandClock;
import io.vaultgate.server.TestKeystore;
import io.vaultgate.server.Vaultgate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the real command line in-process with its own environment and captures what it prints. */
final class CliHarness {

    record Result(int exitCode, String out, String err) {
    }

    private final Path home;
    private final CommandClock clock;

    CliHarness(Path home) {
        this(home, CommandClock.system());
    }

    /** Runs the command line on {@code clock} ({@link CommandClock#pinned} for a test that pins the time). */
    CliHarness(Path home, CommandClock clock) {
        this.home = home;
        this.clock = clock;
    }

    /**
     * The real {@code init}, over a home first seeded by {@link TestKeystore} (a keystore with test-cost
     * Argon2id, so this and every later command opens it in milliseconds; host keys generated once per JVM).
     */
    Result init() {
        TestKeystore.seed(home);
        return run("init");
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--home") && !all.contains("--help") && !all.contains("--version")
                && !all.get(0).equals("version")) {
            all.add("--home");
            all.add(home.toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(all.toArray(String[]::new), Map.of(), clock, new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }
}
