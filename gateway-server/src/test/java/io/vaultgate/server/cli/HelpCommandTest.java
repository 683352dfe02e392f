package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.Vaultgate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * uxreview F12: the README says `vaultgate help <command>` shows a command's help, but {@code vaultgate help tenant
 * add} and {@code help site route} showed the parent's list of subcommands. The root's help command now follows every
 * word down, so it prints exactly what {@code --help} of the same command prints.
 */
class HelpCommandTest {

    private record Run(int exitCode, String out, String err) {
    }

    @Test
    void helpOfANestedSubcommand_isThatSubcommandsHelp() {
        for (String[] words : new String[][] {{"tenant", "add"}, {"site", "route"}, {"mfa", "enroll"}}) {
            Run help = run(concat("help", words));
            Run direct = run(concat(words, "--help"));

            assertThat(help.exitCode()).as(help.err()).isZero();
            assertThat(help.out()).as(String.join(" ", words)).startsWith("Usage: vaultgate " + String.join(" ",
                    words)).isEqualTo(direct.out());
        }
    }

    @Test
    void oneWordAndNone_keepWorking() {
        assertThat(run("help", "tenant").out()).startsWith("Usage: vaultgate tenant").isEqualTo(run("tenant",
                "--help").out());
        assertThat(run("help").out()).startsWith("Usage: vaultgate ").contains("help <command> [<subcommand>]");
    }

    @Test
    void anUnknownWord_isBadUsage_namingTheCommand() {
        Run help = run("help", "tenant", "nosuch");

        assertThat(help.exitCode()).isEqualTo(2);
        assertThat(help.err()).contains("`vaultgate tenant` has no subcommand 'nosuch'; see `vaultgate tenant --help`");
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static String[] concat(String[] first, String last) {
        String[] all = java.util.Arrays.copyOf(first, first.length + 1);
        all[first.length] = last;
        return all;
    }
}
