package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * uxreview F17: every option and parameter of every command and subcommand of {@code vaultgate} says what it is in
 * its {@code --help} (some {@code --tenant}, {@code --site} and positional parameters said nothing), read from
 * picocli's model of the whole command line.
 */
class CliHelpDescriptionsTest {

    @Test
    void everyOptionAndParameter_ofEveryCommand_hasADescription() {
        List<String> undescribed = new ArrayList<>();
        for (CommandLine command : CliHelpTest.commands(CliHelpTest.root())) {
            CommandSpec spec = command.getCommandSpec();
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec arg : args) {
                if (String.join("", arg.description()).isBlank()) {
                    undescribed.add(spec.qualifiedName() + " "
                            + (arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel()));
                }
            }
        }
        assertThat(undescribed).as("options and parameters without a description").isEmpty();
    }
}
