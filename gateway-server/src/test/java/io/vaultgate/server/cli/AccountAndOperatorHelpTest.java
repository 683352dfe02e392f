package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * uxreview F17: every option and parameter of {@code vaultgate account ...} and {@code vaultgate operator ...} says
 * what it is in {@code --help} ({@code operator add --site} and the usernames had none), and F5/F14: the credential
 * subcommands are listed.
 */
class AccountAndOperatorHelpTest {

    @TempDir
    Path home;

    @Test
    void everyOptionOfAccountAndOperator_hasADescription() {
        List<String> undescribed = new ArrayList<>();
        for (Class<?> command : List.of(AccountCommand.class, OperatorCommand.class)) {
            CommandLine root = new CommandLine(command, new EnvFactory());
            for (CommandLine sub : root.getSubcommands().values()) {
                List<ArgSpec> args = new ArrayList<>(sub.getCommandSpec().options());
                args.addAll(sub.getCommandSpec().positionalParameters());
                for (ArgSpec arg : args) {
                    if (String.join("", arg.description()).isBlank()) {
                        undescribed.add(sub.getCommandSpec().qualifiedName() + " "
                                + (arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel()));
                    }
                }
            }
        }
        assertThat(undescribed).isEmpty();
    }

    @Test
    void accountAndOperatorHelp_listTheCredentialSubcommands() {
        CliHarness cli = new CliHarness(home);
        Result account = cli.run("account", "--help");
        Result operator = cli.run("operator", "--help");

        assertThat(account.exitCode()).isZero();
        assertThat(account.out()).contains("add-key", "add-token", "set-password", "show", "list", "revoke");
        assertThat(operator.exitCode()).isZero();
        assertThat(operator.out()).contains("add-key", "add-token", "show", "list", "remove");
    }

    /** Builds the commands as the CLI does, with an empty environment. */
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
