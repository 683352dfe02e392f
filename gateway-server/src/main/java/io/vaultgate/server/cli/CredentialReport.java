package io.vaultgate.server.cli;

import io.vaultgate.core.admin.CredentialInventory.ClientCertificate;
import io.vaultgate.core.admin.CredentialInventory.Holder;
import io.vaultgate.core.admin.CredentialInventory.SshKey;
import io.vaultgate.core.admin.CredentialInventory.Token;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.pki.Validity;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Prints what an account or operator may log in with, for {@code account show|list} and {@code operator show}:
 * fingerprints, certificate subjects and expiry dates, token labels and dates, whether a password or TOTP secret is
 * set. It is given no secret to print ({@link io.vaultgate.core.admin.CredentialInventory} reads none).
 */
final class CredentialReport {

    private CredentialReport() {
    }

    /** @param now the time against which certificates are expired or expiring soon */
    static void print(Holder holder, Instant now, PrintWriter out) {
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
            out.println("  client certificates: " + holder.certificates().size());
            for (ClientCertificate certificate : holder.certificates()) {
                out.println("    " + certificate.fingerprint() + "  " + certificate.subject() + "  added "
                        + time(certificate.added()) + "  " + expiry(certificate, now));
            }
            if (holder.certificates().stream().anyMatch(certificate -> certificate.validity().isEmpty())) {
                out.println("    (expiry unknown: registered before the gateway recorded it; `vaultgate account "
                        + "add-cert " + holder.username() + " --client-cert PEM` with the same certificate records "
                        + "it)");
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
        if (holder.sshKeys().isEmpty() && holder.certificates().stream().noneMatch(c -> c.stateAt(now).mayLogIn())
                && holder.tokens().isEmpty() && !(holder.passwordSet() && holder.passwordLogin())) {
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

    /**
     * When the certificate expires (UTC), marked {@code EXPIRED} once it has (the TLS handshake refuses it) and
     * flagged within {@link Validity#SOON} of it; {@code NOT YET VALID until} its {@code notBefore} before that (the
     * handshake refuses it until then too: one registered ahead of a rollover); {@code expiry unknown} if it was
     * registered before the catalog recorded validity (V34).
     */
    static String expiry(ClientCertificate certificate, Instant now) {
        if (certificate.validity().isEmpty()) {
            return "expiry unknown";
        }
        Validity validity = certificate.validity().get();
        return switch (validity.stateAt(now)) {
            case EXPIRED -> "EXPIRED " + time(validity.notAfter()) + " (mutual-TLS logins with it are refused)";
            case NOT_YET_VALID -> "NOT YET VALID until " + time(validity.notBefore()) + ", expires "
                    + time(validity.notAfter()) + " (mutual-TLS logins with it are refused until then)";
            default -> "expires " + time(validity.notAfter()) + (validity.endsBefore(now.plus(Validity.SOON))
                    ? " (within " + Validity.SOON.toDays() + " days)" : "");
        };
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
