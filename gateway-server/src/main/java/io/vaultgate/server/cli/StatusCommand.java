package io.vaultgate.server.cli;

import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.ExitCodes;
import io.vaultgate.server.RunFile;
import io.vaultgate.server.config.Durations;
import io.vaultgate.server.config.OpsConfig;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.server.ops.StatusClient;
import io.vaultgate.server.ops.StatusTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vaultgate status}: the status page in the terminal, read from a running gateway's ops listener
 * ({@code /status.json}) with a monitor's or an administrator's token: the administrator's of
 * {@code vaultgate init} by default, or a monitor's ({@code vaultgate monitor add}), which reads the ops listener and
 * nothing else. Without {@code --url} it asks the gateway serving from the data directory, where its run file says it
 * listens ({@link OpsAddress}).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a running gateway's readiness and its transfers in progress, with progress bars, "
                + "read from the ops listener with a monitor's or an administrator's token (a monitor's, from "
                + "`vaultgate monitor add`, reads the ops listener and nothing else). --watch refreshes until Ctrl-C."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown (ready or not; the first line says which)",
                "1:the ops listener cannot be reached or refused the token"})
public final class StatusCommand implements Callable<Integer> {

    private static final String CLEAR = "\033[H\033[2J";

    private final Map<String, String> env;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "The ops listener (default: the one the gateway serving from the data directory recorded in "
                    + "<home>/run/gateway.json, else from ops.bind, ops.port and ops.tls, e.g. http://127.0.0.1:9090).")
    URI url;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding a monitor's or an administrator's API token (default: "
                    + "<home>/secrets/admin.token, the first administrator's).")
    Path tokenFile;

    @Option(names = "--watch", description = "Redraw every --interval until interrupted.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "Time between refreshes with --watch (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "With --watch, stop after N refreshes (default: 0, until interrupted).")
    int count;

    public StatusCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException, GeneralSecurityException, InterruptedException {
        VaultgateConfig config = global.load(env);
        DataDirectory home = new DataDirectory(config);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration pause = Durations.parse(interval);
        Path tokens = tokenFile == null ? home.adminTokenFile() : tokenFile;
        if (!Files.isReadable(tokens)) {
            err.println("vaultgate: " + tokens + ": cannot read a token; give a monitor's or an administrator's "
                    + "token with --token-file");
            return ExitCodes.FAILURE;
        }
        OpsAddress address;
        try {
            address = url == null ? OpsAddress.of(config.ops(), RunFile.in(home.home()))
                    : new OpsAddress(url, Optional.empty());
        } catch (OpsAddress.UnknownException e) {
            err.println("vaultgate: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        StatusClient client = StatusClient.of(address.url(), Files.readString(tokens).strip(),
                Optional.of(home.caCertificate()).filter(Files::isReadable));
        StatusTable table = new StatusTable();
        for (int shown = 0; ; shown++) {
            String text;
            try {
                text = table.render(client.fetch());
            } catch (StatusClient.StatusUnavailableException e) {
                err.println("vaultgate: " + e.getMessage());
                address.runFileUnused().ifPresent(why -> err.println("vaultgate: that is the configuration's "
                        + "address (ops.bind, ops.port, ops.tls), since " + why));
                return ExitCodes.FAILURE;
            }
            out.print(watch ? CLEAR + text : text);
            out.flush();
            if (!watch || (count > 0 && shown + 1 >= count)) {
                return 0;
            }
            Thread.sleep(pause.toMillis());
        }
    }

    /** The ops listener as configured; a wildcard bind is reached over loopback. */
    static URI defaultUrl(OpsConfig ops) {
        return opsUrl(ops, ops.port());
    }

    /** The ops listener bound as {@code ops} says, on {@code port} (the bound one when configured as 0). */
    static URI opsUrl(OpsConfig ops, int port) {
        String host = switch (ops.bind()) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> ops.bind().contains(":") && !ops.bind().startsWith("[") ? "[" + ops.bind() + "]" : ops.bind();
        };
        return URI.create((ops.tls() ? "https" : "http") + "://" + host + ":" + port);
    }
}
