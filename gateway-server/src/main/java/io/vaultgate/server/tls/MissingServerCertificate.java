package io.vaultgate.server.tls;

import io.vaultgate.server.StartupException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The HTTPS server certificate of a gateway that was initialized is gone (deleted, renamed, left out of a restore or
 * of a copy to a new node). A new one is not issued by the start or by {@code vaultgate init}: it would be a new
 * identity served without an audit record, while every command that changes the identity records it (review32 L3).
 * A start that serves HTTPS refuses instead ({@link #refusal}, exit 2); init leaves a note ({@link #message}). Both
 * name the file and the fix: the file restored, or a replacement made by a command that records it.
 *
 * @param certificate the missing {@code tls/server.crt}
 * @param privateCa   whether the private CA that {@code vaultgate tls issue} needs is there
 */
public record MissingServerCertificate(Path certificate, boolean privateCa) {

    private static final String PROBLEM = "the HTTPS server certificate is missing, and a gateway that was "
            + "initialized does not issue itself a new one: it would be a new identity served without an audit record";

    /** The missing certificate of the data directory's {@code tlsDir}. */
    public static MissingServerCertificate of(Path tlsDir) {
        return new MissingServerCertificate(tlsDir.resolve("server.crt"),
                Files.exists(tlsDir.resolve("ca.crt")) && Files.exists(tlsDir.resolve("ca.key")));
    }

    /** How to give the gateway its certificate back, or a new one recorded in the audit log. */
    public String fix() {
        String restore = "restore server.crt and server.key from a backup (or copy tls/ from another node)";
        String importing = "install one with `vaultgate tls import --cert FILE --key FILE`";
        if (privateCa) {
            return restore + ", or issue a new one from the private CA with `vaultgate tls issue` (recorded in the "
                    + "audit log), or " + importing;
        }
        return restore + ", or " + importing + " (recorded in the audit log); `vaultgate tls issue` needs the private "
                + "CA, tls/ca.crt and tls/ca.key, which are missing too";
    }

    /** The line that names the file, the problem and the fix. */
    public String message() {
        return certificate + ": " + PROBLEM + "; " + fix();
    }

    /** A start refused for it: exit 2, with {@link #message}. */
    public StartupException refusal() {
        return new StartupException(certificate.toString(), PROBLEM, fix());
    }
}
