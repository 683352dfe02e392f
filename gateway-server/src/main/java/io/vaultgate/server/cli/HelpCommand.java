package io.vaultgate.server.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate help [COMMAND [SUBCOMMAND...]]}: the usage help of the command the words name, as many levels down
 * as given ({@code vaultgate help tenant add} is {@code vaultgate tenant add --help}). picocli's own help command reads
 * one word only, so {@code help tenant add} showed {@code tenant}'s help. No word: the root's help; an unknown word is
 * bad usage (exit 2), naming the command it is not a subcommand of.
 */
@Command(name = "help", helpCommand = true,
        description = {"Show the usage help of a command or a subcommand, e.g. `vaultgate help tenant add` (the "
                + "same as `vaultgate tenant add --help`)."})
public final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean helpRequested;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The command, then its subcommands, e.g. `tenant add`.")
    List<String> words = new ArrayList<>();

    private CommandLine self;
    private ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter outWriter,
                     PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine parent = self.getParent();
        if (parent == null) {
            return;
        }
        CommandLine target = parent;
        for (String word : words) {
            CommandLine next = target.getSubcommands().get(word);
            if (next == null) {
                String name = target.getCommandSpec().qualifiedName();
                throw new ParameterException(self, "`" + name + "` has no subcommand '" + word + "'; see `" + name
                        + " --help`");
            }
            target = next;
        }
        target.usage(out, colors);
    }
}
