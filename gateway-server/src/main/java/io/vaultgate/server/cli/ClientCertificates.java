package io.vaultgate.server.cli;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.server.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * Issues account client certificates from the gateway's private CA in the data directory. The directories made for
 * the key are {@code rwx------}, whatever the umask; an existing one is left as it is.
 */
final class ClientCertificates {

    private static final Duration VALIDITY = Duration.ofDays(397);

    private final DataDirectory home;
    private final Clock clock;

    /** @param clock when the certificates it issues start (the command line's host clock) */
    ClientCertificates(DataDirectory home, Clock clock) {
        this.home = home;
        this.clock = clock;
    }

    IssuedCertificate issue(String username, Path directory) {
        try {
            CertificateAuthority ca = new CertificateAuthority(
                    IssuedCertificate.read(home.caKey(), home.caCertificate()), new SecureRandom(), clock);
            IssuedCertificate issued = ca.issueClient(username, VALIDITY);
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            issued.write(directory.resolve(username + ".key"), directory.resolve(username + ".crt"));
            return issued;
        } catch (IOException e) {
            throw new IllegalArgumentException("--issue-client-cert " + directory + ": " + e.getMessage());
        }
    }
}
