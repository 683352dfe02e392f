package io.vaultgate.server;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * The certificate authority that issues the forwarder's client certificates and nothing else. A site receiver
 * trusts it ({@code --client-ca}) to tell the gateway from anyone else: had it trusted the gateway's own CA, which
 * also issues the tenants' account certificates, any tenant's client could have sent it files as the gateway, under
 * any tenant's name. Created on first use, beside the gateway CA in {@code <home>/tls/}.
 */
public final class ForwardingCa {

    static final String COMMON_NAME = "Vaultgate forwarding CA";
    private static final Duration VALIDITY = Duration.ofDays(3650);

    private ForwardingCa() {
    }

    /** The home's forwarding CA, created (key readable by its owner only) if it has none yet. */
    public static CertificateAuthority openOrCreate(DataDirectory home, SecureRandom random, Clock clock)
            throws IOException {
        if (Files.exists(home.forwardingCaCertificate())) {
            return new CertificateAuthority(IssuedCertificate.read(home.forwardingCaKey(),
                    home.forwardingCaCertificate()), random, clock);
        }
        DataDirectory.privateDirectory(home.tlsDir());
        CertificateAuthority ca = CertificateAuthority.create(COMMON_NAME, VALIDITY, random, clock);
        ca.ca().write(home.forwardingCaKey(), home.forwardingCaCertificate());
        return ca;
    }
}
