package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.Vaultgate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The usage help of every command and subcommand of {@code vaultgate} (uxreview F17): every {@code --help} exits 0, and
 * the help wraps at spaces only, so that no path, key or example ({@code ~/.ssh/id_ed25519.pub}, {@code ./var},
 * {@code sftp.port=2022}) is cut across two lines. {@link CliHelpDescriptionsTest} checks that every option and
 * parameter says what it is.
 */
class CliHelpTest {

    @Test
    void everyHelp_exitsZero_andShowsTheUsage() {
        List<CommandLine> commands = commands(root());
        assertThat(commands).as("every command and subcommand").hasSizeGreaterThan(80);
        for (CommandLine command : commands) {
            List<String> words = new ArrayList<>(Arrays.asList(command.getCommandSpec().qualifiedName().split(" ")));
            words.remove(0); // "vaultgate"
            words.add("--help");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Vaultgate.execute(words.toArray(String[]::new), Map.of(), new PrintWriter(out, true),
                    new PrintWriter(err, true));
            assertThat(code).as(String.join(" ", words) + ": " + err).isZero();
            assertThat(out.toString()).as(String.join(" ", words)).startsWith("Usage: "
                    + command.getCommandSpec().qualifiedName());
        }
    }

    @Test
    void theExamplesTheReviewFoundCut_areWholeOnOneLine_atEightyColumnsToo() {
        for (int width : new int[] {HelpLayout.WIDTH, 80}) {
            String account = usage(root(), width, "account", "add");
            assertThat(lines(account)).as("at %d columns:%n%s", width, account)
                    .anySatisfy(line -> assertThat(line).contains("~/.ssh/id_ed25519.pub"))
                    .anySatisfy(line -> assertThat(line).contains("./var)"))
                    .anySatisfy(line -> assertThat(line).contains("sftp.port=2022"));
            String root = usage(root(), width);
            assertThat(lines(root)).as("at %d columns:%n%s", width, root)
                    .anySatisfy(line -> assertThat(line).contains("(keys/kek.p12)"))
                    .anySatisfy(line -> assertThat(line).contains("catalog.node-dead-after)"));
        }
    }

    @Test
    void noWordOfAnyDescriptionOrListedSubcommand_isCutAcrossTwoLines_atEightyColumns() {
        List<String> cut = new ArrayList<>();
        CommandLine root = root();
        for (CommandLine command : commands(root)) {
            CommandSpec spec = command.getCommandSpec();
            String[] path = spec.qualifiedName().split(" ");
            String help = usage(root, 80, Arrays.copyOfRange(path, 1, path.length));
            List<String> lines = lines(help);
            List<String> texts = new ArrayList<>(Arrays.asList(spec.usageMessage().description()));
            texts.addAll(Arrays.asList(spec.usageMessage().footer()));
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            args.forEach(arg -> texts.addAll(Arrays.asList(arg.description())));
            command.getSubcommands().values().forEach(sub -> texts.add(Arrays.stream(sub.getCommandSpec()
                    .usageMessage().description()).findFirst().orElse("")));
            for (String text : texts) {
                for (String word : text.split("\\s+")) {
                    if (word.length() > 1 && word.length() <= 60 && !word.matches(".*[%$@].*")
                            && lines.stream().noneMatch(line -> line.contains(word))) {
                        cut.add(spec.qualifiedName() + ": " + word);
                    }
                }
            }
        }
        assertThat(cut).as("words cut across two lines").isEmpty();
    }

    /** The usage help of the command {@code words} name, as {@code --help} prints it, at {@code width} columns. */
    private static String usage(CommandLine root, int width, String... words) {
        CommandLine command = root;
        for (String word : words) {
            command = command.getSubcommands().get(word);
        }
        command.setUsageHelpAutoWidth(false);
        command.setUsageHelpWidth(width);
        return command.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    /** The command line as {@code vaultgate} builds it, with an empty environment. */
    static CommandLine root() {
        CommandLine root = new CommandLine(new Vaultgate(), new EnvFactory());
        HelpLayout.apply(root);
        return root;
    }

    /** {@code command} and all its subcommands, depth first; the help command's aliases once. */
    static List<CommandLine> commands(CommandLine command) {
        List<CommandLine> all = new ArrayList<>();
        all.add(command);
        command.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) {
                all.addAll(commands(sub));
            }
        });
        return all;
    }

    private static final class EnvFactory implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> withEnv = type.getDeclaredConstructor(Map.class);
                withEnv.setAccessible(true);
                return withEnv.newInstance(Map.of());
            } catch (NoSuchMethodException none) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
