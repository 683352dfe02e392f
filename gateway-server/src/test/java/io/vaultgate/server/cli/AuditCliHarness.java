package io.vaultgate.server.cli;

import io.vaultgate.server.ExitCodes;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Runs the audit and receipt commands in-process as {@code vaultgate} would, until they are registered in
 * {@code Vaultgate}: the same environment-passing factory and the same mapping of failures to exit codes.
 */
final class AuditCliHarness {

    record Result(int exitCode, String out, String err) {
    }

    @Command(name = "vaultgate", subcommands = {AuditCommand.class, ReceiptCommand.class})
    static final class Root {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine commandLine = new CommandLine(new Root(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    java.lang.reflect.Constructor<K> constructor = type.getDeclaredConstructor(Map.class);
                    constructor.setAccessible(true);
                    return constructor.newInstance(Map.of());
                } catch (NoSuchMethodException noEnvironment) {
                    return CommandLine.defaultFactory().create(type);
                }
            }
        });
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(errWriter);
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            errWriter.println("vaultgate: " + (e instanceof IllegalArgumentException || e instanceof ConfigException
                    || e instanceof StartupException ? e.getMessage() : e.toString()));
            return e instanceof ConfigException || e instanceof StartupException ? ExitCodes.CONFIG : ExitCodes.FAILURE;
        });
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
