package io.vaultgate.server.cli;

import io.vaultgate.core.admin.CredentialInventory.ClientCertificate;
import io.vaultgate.core.admin.CredentialInventory.Holder;
import io.vaultgate.core.admin.CredentialInventory.SshKey;
import io.vaultgate.core.admin.CredentialInventory.Token;
import io.vaultgate.core.mfa.Role;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Prints what an account or operator may log in with, for {@code account show|list} and {@code operator show}:
 * fingerprints, certificate subjects, token labels and dates, whether a password or TOTP secret is set. It is given
 * no secret to print ({@link io.vaultgate.core.admin.CredentialInventory} reads none).
 */
final class CredentialReport {

    private CredentialReport() {
    }

    static void print(Holder holder, PrintWriter out) {
        boolean client = holder.role() == Role.CLIENT;
        out.println((client ? "account " : "operator ") + holder.username());
        out.println("  role:         " + holder.role().key());
        out.println((client ? "  tenant:       " : "  site:         ") + holder.scope());
        out.println("  state:        " + holder.state() + stateNote(holder));
        out.println("  created:      " + time(holder.created()));
        if (client) {
            out.println("  expires:      " + holder.expires().map(CredentialReport::time).orElse("never"));
        }
        out.println("  ssh keys:     " + holder.sshKeys().size());
        for (SshKey key : holder.sshKeys()) {
            out.println("    " + key.fingerprint() + "  " + key.type() + "  added " + time(key.added()));
        }
        if (client) {
            out.println("  client certificates: " + holder.certificates().size()
                    + (holder.certificates().isEmpty() ? "" : " (expiry not recorded by the gateway)"));
            for (ClientCertificate certificate : holder.certificates()) {
                out.println("    " + certificate.fingerprint() + "  " + certificate.subject() + "  added "
                        + time(certificate.added()));
            }
            out.println("  password:     " + (!holder.passwordSet() ? "not set"
                    : holder.passwordLogin() ? "set" : "set, but tenant " + holder.scope()
                    + " refuses password login, so it is never accepted"));
        }
        out.println("  api tokens:   " + holder.tokens().size() + " live");
        for (Token token : holder.tokens()) {
            out.println("    label \"" + token.label() + "\"  created " + time(token.created())
                    + token.expires().map(at -> "  expires " + time(at)).orElse(""));
        }
        out.println("  totp:         " + (holder.totpEnrolled() ? "enrolled" : "not enrolled"));
        if (holder.sshKeys().isEmpty() && holder.certificates().isEmpty() && holder.tokens().isEmpty()
                && !(holder.passwordSet() && holder.passwordLogin())) {
            out.println("  (no usable credential: " + holder.username() + " cannot log in)");
        }
    }

    private static String stateNote(Holder holder) {
        return switch (holder.state()) {
            case "expired" -> " (logins refused; `vaultgate account expire " + holder.username()
                    + " --never` lifts it)";
            case "locked" -> " (tenant " + holder.scope() + " is locked: `vaultgate tenant show " + holder.scope()
                    + "`)";
            case "shredded" -> " (tenant " + holder.scope() + " was shredded)";
            case "removed" -> " (offboarded; the username is never reused)";
            default -> "";
        };
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
