package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * uxreview F17: every option and parameter of {@code vaultgate keys ...} and {@code vaultgate site ...} says what it
 * is in {@code --help} ({@code --tenant}, {@code --site} and the site id had no description).
 */
class KeysAndSiteHelpTest {

    @Test
    void everyOptionOfKeysAndSite_hasADescription() {
        List<String> undescribed = new ArrayList<>();
        for (Class<?> command : List.of(KeysCommand.class, SiteCommand.class)) {
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
