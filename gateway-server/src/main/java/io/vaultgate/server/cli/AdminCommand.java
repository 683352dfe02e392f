package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.Administrators;
import io.vaultgate.core.admin.RotatedToken;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.auth.Credentials;
import io.vaultgate.server.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate admin add|list|rotate-token|remove}: the administrators, whose API tokens open the admin API and
 * the ops listener. Only this command changes them, on the gateway's host: the admin API cannot. What scrapes metrics
 * should hold a monitor's token instead ({@link MonitorCommand}).
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Manage administrators (their API tokens open the admin API and the ops listener; give "
                + "Prometheus a monitor's token instead: vaultgate monitor add).",
        subcommands = {AdminCommand.Add.class, AdminCommand.ListAdmins.class, AdminCommand.RotateToken.class,
                AdminCommand.Remove.class})
public final class AdminCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Create an administrator with its own API token (printed once, or written to --token-file), "
                    + "so that each person's changes are audited under their own name.",
                    "Example: vaultgate admin add alice --token-file ~/.vaultgate/alice.token"})
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
            String token = core.incidents().administrators().add(name, Actor.current());
            out.println("Created administrator " + name + "; " + TokenFiles.handOver(token, tokenFile));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the administrators.")
    static final class ListAdmins extends CoreTask {
        ListAdmins(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            for (Administrators.Admin admin : core.incidents().administrators().list()) {
                out.println(admin.name() + "  created=" + admin.createdAt() + "  live-tokens=" + admin.liveTokens());
            }
            return 0;
        }
    }

    @Command(name = "rotate-token", mixinStandardHelpOptions = true,
            description = {"Replace an administrator's API tokens (one leaked, or routine rotation): every live token "
                    + "of NAME is revoked and one new token issued, in one step; connections that used an old one end "
                    + "on every node within 2 s. The new token replaces the old one in <home>/secrets/admin.token if "
                    + "that file held it, is written to --token-file if given, and is printed otherwise. Recorded in "
                    + "the audit log. Update what scrapes metrics with the old token (Prometheus).",
                    "Example: vaultgate admin rotate-token admin --reason \"token pasted into a ticket\""})
    static final class RotateToken extends CoreTask {
        @Parameters(paramLabel = "NAME", description = "The administrator's name.")
        String name;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "Write the new token to FILE (mode 0600) instead.")
        Path tokenFile;

        RotateToken(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            RotatedToken rotated = core.incidents().administrators().rotateToken(name, reason, Actor.current());
            Path initial = new DataDirectory(config()).adminTokenFile();
            Path into = tokenFile == null && heldOneOf(initial, rotated) ? initial : tokenFile;
            out.println("Revoked " + rotated.revoked().size() + " token(s) of " + name + "; "
                    + TokenFiles.handOver(rotated.token(), into));
            return 0;
        }

        /** Whether {@code file} holds one of the tokens the rotation revoked. */
        private static boolean heldOneOf(Path file, RotatedToken rotated) {
            if (!Files.isReadable(file)) {
                return false;
            }
            try {
                return rotated.revoked().contains(Credentials.token(ApiTokens.hash(Files.readString(file).strip())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove an administrator: its API tokens and TOTP secret stop working at once. The last "
                    + "administrator cannot be removed. Recorded in the audit log.",
                    "Example: vaultgate admin remove bob --reason \"left the company\""})
    static final class Remove extends CoreTask {
        @Parameters(paramLabel = "NAME", description = "The administrator's name.")
        String name;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        Remove(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            core.incidents().administrators().remove(name, reason, Actor.current());
            out.println("Removed administrator " + name + "; its tokens are revoked");
            return 0;
        }
    }
}
