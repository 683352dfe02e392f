package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.defender.Ban;
import io.vaultgate.core.defender.Defender;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaultgate defender list|ban|unban|unlock}: the brute-force defender's bans and login lockouts. */
@Command(name = "defender", mixinStandardHelpOptions = true,
        description = "Show and lift the defender's bans of source addresses and lockouts of logins.",
        subcommands = {DefenderCommand.ListBans.class, DefenderCommand.BanAddress.class,
                DefenderCommand.Unban.class, DefenderCommand.UnlockLogin.class})
public final class DefenderCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List banned source addresses and locked logins (every node shares them).")
    static final class ListBans extends CoreTask {
        ListBans(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Defender defender = core.incidents().defender();
            out.printf("%-40s %-6s %-25s %s%n", "ADDRESS", "LEVEL", "BANNED UNTIL", "REASON");
            for (Ban ban : defender.activeBans()) {
                out.printf("%-40s %-6d %-25s %s%n", ban.address(), ban.level(), ban.until(), ban.reason());
            }
            var locked = core.incidents().lockouts().locked();
            if (!locked.isEmpty()) {
                out.println();
                out.printf("%-40s %s%n", "LOCKED LOGIN", "UNTIL");
                locked.forEach(entry -> out.printf("%-40s %s%n", entry.getKey(), entry.getValue()));
            }
            return 0;
        }
    }

    @Command(name = "ban", mixinStandardHelpOptions = true,
            description = {"Ban a source address now (escalating like automatic bans).",
                    "Example: vaultgate defender ban 198.51.100.7 --reason \"credential stuffing\""})
    static final class BanAddress extends CoreTask {
        @Parameters(paramLabel = "IP", description = "The source address to ban.")
        String address;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        BanAddress(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Ban ban = core.incidents().defender().ban(address, reason, Actor.current());
            out.println("Banned " + ban.address() + " until " + ban.until() + " (level " + ban.level() + ")");
            return 0;
        }
    }

    @Command(name = "unban", mixinStandardHelpOptions = true, description = "Lift the ban of a source address.")
    static final class Unban extends CoreTask {
        @Parameters(paramLabel = "IP", description = "The banned source address.")
        String address;

        Unban(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            if (!core.incidents().defender().unban(address, Actor.current())) {
                out.println(address + " was not banned");
                return 1;
            }
            out.println("Unbanned " + address + " (every node within 2 s)");
            return 0;
        }
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true,
            description = "Lift the lockout of a login name locked after too many failed logins.")
    static final class UnlockLogin extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The locked-out login name.")
        String username;

        UnlockLogin(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            if (!core.incidents().lockouts().unlock(username, java.util.Optional.empty(), Actor.current())) {
                out.println(username + " was not locked");
                return 1;
            }
            out.println("Unlocked logins of " + username);
            return 0;
        }
    }
}
