package io.vaultgate.server.scaleout;

import io.vaultgate.server.Vaultgate;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of a child JVM that runs several {@code vaultgate} command lines one after another
 * ({@link GatewayCli#runAll}): each through {@link Vaultgate#execute}, what {@code java -jar vaultgate.jar ARGS}
 * runs, with this process's environment. The command lines are separated by {@link #NEXT}; after each, a line
 * {@link #ENDED} and its exit code. Stops at the first command that does not exit 0, and exits with its code.
 */
final class CliSequence {

    static final String NEXT = "--vaultgate-test-next-command";
    static final String ENDED = "vaultgate-test-command-ended exit=";

    private CliSequence() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        List<String> command = new ArrayList<>();
        for (int i = 0; i <= args.length; i++) {
            if (i < args.length && !args[i].equals(NEXT)) {
                command.add(args[i]);
                continue;
            }
            int code = Vaultgate.execute(command.toArray(String[]::new), System.getenv(), out, err);
            err.flush();
            out.println(ENDED + code);
            if (code != 0) {
                System.exit(code);
            }
            command.clear();
        }
        System.exit(0);
    }
}
