package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.mfa.Enrollment;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;

/** {@code vaultgate mfa enroll|remove}: TOTP second factors of operators and admins. */
@Command(name = "mfa", mixinStandardHelpOptions = true,
        description = "Enroll or remove TOTP (RFC 6238) second factors; access.mfa.required-for says which roles need one.",
        subcommands = {MfaCommand.Enroll.class, MfaCommand.Remove.class})
public final class MfaCommand {

    /** Exactly one principal. */
    static final class Who {
        @picocli.CommandLine.Option(names = "--operator", paramLabel = "NAME", description = "An operator.")
        String operator;

        @picocli.CommandLine.Option(names = "--admin", paramLabel = "NAME", description = "An administrator.")
        String admin;

        @picocli.CommandLine.Option(names = "--account", paramLabel = "NAME", description = "A client account.")
        String account;

        Role role() {
            return operator != null ? Role.OPERATOR : admin != null ? Role.ADMIN : Role.CLIENT;
        }

        String name() {
            return operator != null ? operator : admin != null ? admin : account;
        }
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true,
            description = {"Create (or replace) a TOTP secret and print it once, with the otpauth:// URI an "
                    + "authenticator app scans. The secret is stored wrapped by the key provider. Logins of the role "
                    + "are asked for a code only if access.mfa.required-for lists it; otherwise this says so.",
                    "Example: vaultgate mfa enroll --operator maria"})
    static final class Enroll extends CoreTask {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Who who;

        Enroll(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Enrollment enrollment = core.incidents().mfa().enroll(who.role(), who.name(), Actor.current());
            out.println("TOTP enrolled for " + who.role().key() + " " + who.name() + " (shown once):");
            out.println("  secret: " + enrollment.secret());
            out.println("  uri:    " + enrollment.uri());
            notRequired(core.incidents().mfa().policy(), who.role(), who.name()).ifPresent(out::println);
            return 0;
        }

        /**
         * What to tell the administrator when {@code role} is not in {@code access.mfa.required-for}: the secret is
         * kept, but no login of that role is asked for a code, so enrolling alone does not turn MFA on for it.
         */
        static Optional<String> notRequired(MfaPolicy policy, Role role, String name) {
            if (policy.requires(role)) {
                return Optional.empty();
            }
            String listed = policy.requiredFor().isEmpty() ? "is empty (no role is asked for a code)"
                    : "is " + policy.requiredFor().stream().map(Role::key).sorted().collect(Collectors.joining(","));
            return Optional.of("NOTE: " + name + " is enrolled, but is NOT asked for a code at login: "
                    + "access.mfa.required-for " + listed + ", without " + role.key() + ". To require a code of every "
                    + role.key() + ", add " + role.key() + " to access.mfa.required-for (docs/access-control.md) and "
                    + "restart the gateway; until then the secret is kept unused.");
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a TOTP secret.")
    static final class Remove extends CoreTask {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Who who;

        Remove(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            if (!core.incidents().mfa().remove(who.role(), who.name(), Actor.current())) {
                out.println(who.name() + " has no TOTP secret");
                return 1;
            }
            out.println("Removed the TOTP secret of " + who.name());
            return 0;
        }
    }
}
