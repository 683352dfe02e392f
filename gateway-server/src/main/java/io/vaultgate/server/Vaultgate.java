package io.vaultgate.server;

import io.vaultgate.core.GatewayException;
import io.vaultgate.server.cli.AccountCommand;
import io.vaultgate.server.cli.AdminCommand;
import io.vaultgate.server.cli.AotTrainCommand;
import io.vaultgate.server.cli.AuditCommand;
import io.vaultgate.server.cli.BackupCommand;
import io.vaultgate.server.cli.BatchCommand;
import io.vaultgate.server.cli.DefenderCommand;
import io.vaultgate.server.cli.DemoCommand;
import io.vaultgate.server.cli.DoctorCommand;
import io.vaultgate.server.cli.ForwardCommand;
import io.vaultgate.server.cli.HelpCommand;
import io.vaultgate.server.cli.HelpLayout;
import io.vaultgate.server.cli.InitCommand;
import io.vaultgate.server.cli.KeysCommand;
import io.vaultgate.server.cli.LockdownCommand;
import io.vaultgate.server.cli.MfaCommand;
import io.vaultgate.server.cli.MonitorCommand;
import io.vaultgate.server.cli.NodesCommand;
import io.vaultgate.server.cli.OperatorCommand;
import io.vaultgate.server.cli.PolicyCommand;
import io.vaultgate.server.cli.ReceiptCommand;
import io.vaultgate.server.cli.ReportCommand;
import io.vaultgate.server.cli.ReceiveCommand;
import io.vaultgate.server.cli.RunCommand;
import io.vaultgate.server.cli.SiteCommand;
import io.vaultgate.server.cli.StatusCommand;
import io.vaultgate.server.cli.StoreCommand;
import io.vaultgate.server.cli.TenantCommand;
import io.vaultgate.server.cli.TlsCommand;
import io.vaultgate.server.cli.UnlockCommand;
import io.vaultgate.server.cli.VersionCommand;
import io.vaultgate.server.config.ConfigException;
import io.vaultgate.server.tls.CertificateNotReplacedException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vaultgate} command line. New subcommands are one class each, listed here. */
@Command(name = "vaultgate", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Vaultgate: an encrypting secure file-transfer gateway (SFTP and HTTPS in, "
                + "encrypted at rest per tenant, forwarded to BPO sites over mutual TLS).",
        subcommands = {
                RunCommand.class,
                DemoCommand.class,
                InitCommand.class,
                TenantCommand.class,
                AccountCommand.class,
                AdminCommand.class,
                MonitorCommand.class,
                SiteCommand.class,
                OperatorCommand.class,
                BatchCommand.class,
                PolicyCommand.class,
                ForwardCommand.class,
                ReceiveCommand.class,
                KeysCommand.class,
                TlsCommand.class,
                AuditCommand.class,
                DefenderCommand.class,
                LockdownCommand.class,
                UnlockCommand.class,
                MfaCommand.class,
                ReportCommand.class,
                DoctorCommand.class,
                ReceiptCommand.class,
                BackupCommand.class,
                StoreCommand.class,
                AotTrainCommand.class,
                StatusCommand.class,
                NodesCommand.class,
                VersionCommand.class,
                HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:the command failed (for example: the tenant already exists)",
                "2:bad usage, bad configuration, or a resource start-up needs is unusable "
                        + "(port in use, unwritable data directory)"},
        footer = {"", "Every subcommand takes --config FILE, --home DIR and --set KEY=VALUE.",
                "See `vaultgate help <command> [<subcommand>]`. Documentation: README.md and docs/."})
public final class Vaultgate {

    private final CommandClock clock;

    /** The root command on this host's clock. */
    public Vaultgate() {
        this(CommandClock.system());
    }

    private Vaultgate(CommandClock clock) {
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.getenv(), new PrintWriter(System.out, true),
                new PrintWriter(System.err, true)));
    }

    /** Runs one command line on this host's clock; returns the exit code. */
    public static int execute(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        return execute(args, env, CommandClock.system(), out, err);
    }

    /** Runs one command line on {@code clock}, the time its commands compare with (tests pin it); the exit code. */
    public static int execute(String[] args, Map<String, String> env, CommandClock clock, PrintWriter out,
                              PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Vaultgate(clock), new CommandFactory(env));
        HelpLayout.apply(commandLine);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ConfigException || e instanceof StartupException) {
                err.println("vaultgate: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            if (e instanceof GatewayException gateway) {
                err.println("vaultgate: " + gateway.clientMessage());
                return ExitCodes.FAILURE;
            }
            if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException
                    || e instanceof CertificateNotReplacedException) {
                err.println("vaultgate: " + (e.getMessage() != null ? e.getMessage() : e)); // never "null"
                return ExitCodes.FAILURE;
            }
            err.println("vaultgate: " + e);
            return ExitCodes.FAILURE;
        });
        return commandLine.execute(args);
    }

    /**
     * The clock of the command line {@code spec} belongs to ({@link #execute(String[], Map, CommandClock, PrintWriter,
     * PrintWriter)}): every command reads now from it, never from the system clock directly.
     */
    public static CommandClock clock(CommandLine.Model.CommandSpec spec) {
        return spec.root().userObject() instanceof Vaultgate root ? root.clock : CommandClock.system();
    }

    /** Hands the process environment to every command that asks for it, so tests can pass their own. */
    private record CommandFactory(Map<String, String> env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                java.lang.reflect.Constructor<K> constructor = type.getDeclaredConstructor(Map.class);
                constructor.setAccessible(true);
                return constructor.newInstance(env);
            } catch (NoSuchMethodException noEnvironment) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
