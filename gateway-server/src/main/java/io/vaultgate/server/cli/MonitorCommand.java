package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.Monitors;
import io.vaultgate.core.admin.RotatedToken;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate monitor add|list|rotate-token|remove}: the monitors, whose API tokens read the ops listener's
 * {@code /metrics} and {@code /status.json} and nothing else, so that Prometheus holds no administrator's token. Like
 * administrators, changed only here, on the gateway's host.
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Manage monitors: API tokens that read /metrics and /status.json on the ops listener and nothing "
                + "else (give one to Prometheus instead of an administrator's token).",
        subcommands = {MonitorCommand.Add.class, MonitorCommand.ListMonitors.class, MonitorCommand.RotateToken.class,
                MonitorCommand.Remove.class})
public final class MonitorCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Create a monitor with its own API token (printed once, or written to --token-file). The "
                    + "token is refused everywhere but on the ops listener's /metrics and /status.json.",
                    "Example: vaultgate monitor add prometheus --token-file /etc/prometheus/vaultgate-monitor.token"})
    static final class Add extends CoreTask {
        @Parameters(paramLabel = "NAME", description = "2-64 of a-z, 0-9, '.', '_' and '-'.")
        String name;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "Write the token to FILE (mode 0600) instead of printing it.")
        Path tokenFile;

        Add(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            String token = core.incidents().monitors().add(name, Actor.current());
            out.println("Created monitor " + name + "; " + TokenFiles.handOver(token, tokenFile));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the monitors.")
    static final class ListMonitors extends CoreTask {
        ListMonitors(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            for (Monitors.Monitor monitor : core.incidents().monitors().list()) {
                out.println(monitor.name() + "  created=" + monitor.createdAt() + "  live-tokens="
                        + monitor.liveTokens());
            }
            return 0;
        }
    }

    @Command(name = "rotate-token", mixinStandardHelpOptions = true,
            description = {"Replace a monitor's API tokens (one leaked, or routine rotation): every live token of NAME "
                    + "is revoked and one new token issued, in one step; the ops listener may accept an old one for "
                    + "ops.token-cache longer. Written to --token-file if given, printed otherwise. Recorded in the "
                    + "audit log.",
                    "Example: vaultgate monitor rotate-token prometheus --reason routine "
                            + "--token-file /etc/prometheus/vaultgate-monitor.token"})
    static final class RotateToken extends CoreTask {
        @Parameters(paramLabel = "NAME", description = "The monitor's name.")
        String name;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "Write the new token to FILE (mode 0600) instead of printing it.")
        Path tokenFile;

        RotateToken(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            RotatedToken rotated = core.incidents().monitors().rotateToken(name, reason, Actor.current());
            out.println("Revoked " + rotated.revoked().size() + " token(s) of " + name + "; "
                    + TokenFiles.handOver(rotated.token(), tokenFile));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove a monitor: its API tokens stop working (on the ops listener within "
                    + "ops.token-cache). Recorded in the audit log.",
                    "Example: vaultgate monitor remove prometheus --reason \"replaced by prometheus-2\""})
    static final class Remove extends CoreTask {
        @Parameters(paramLabel = "NAME", description = "The monitor's name.")
        String name;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        Remove(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            core.incidents().monitors().remove(name, reason, Actor.current());
            out.println("Removed monitor " + name + "; its tokens are revoked");
            return 0;
        }
    }
}
