package io.vaultgate.server.tls;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.crypto.file.DurableFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The HTTPS server certificate of a data directory ({@code tls/server.crt}, the chain leaf first, and
 * {@code tls/server.key}, 0600) and the private CA beside it ({@code tls/ca.crt}, {@code tls/ca.key}) that issues it.
 * Every file is written durably ({@link DurableFile}, through {@link Pem}); a replaced pair is first copied beside
 * itself as {@code server.crt.replaced-<UTC time>} and {@code server.key.replaced-<UTC time>} (0600), so a
 * replacement can be undone by copying them back.
 */
public final class ServerCertificateFiles {

    /** How long a certificate of the private CA is valid unless told otherwise: the CA/Browser Forum's limit. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(397);
    static final String COMMON_NAME = "vaultgate";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path tlsDir;
    private final SecureRandom random;
    private final Clock clock;

    public ServerCertificateFiles(Path tlsDir, SecureRandom random, Clock clock) {
        this.tlsDir = tlsDir;
        this.random = random;
        this.clock = clock;
    }

    public Path certificate() {
        return tlsDir.resolve("server.crt");
    }

    public Path key() {
        return tlsDir.resolve("server.key");
    }

    public Path caCertificate() {
        return tlsDir.resolve("ca.crt");
    }

    public Path caKey() {
        return tlsDir.resolve("ca.key");
    }

    /** The certificate and key in use. */
    public IssuedCertificate current() throws IOException {
        return IssuedCertificate.read(key(), certificate());
    }

    /** The private CA, created (ten years) if this directory has none yet. */
    public CertificateAuthority caCreatingIfMissing() throws IOException {
        if (Files.exists(caCertificate())) {
            return new CertificateAuthority(IssuedCertificate.read(caKey(), caCertificate()), random, clock);
        }
        CertificateAuthority ca = CertificateAuthority.create("Vaultgate private CA", Duration.ofDays(3650), random,
                clock);
        ca.ca().write(caKey(), caCertificate());
        return ca;
    }

    /** The private CA, if both its files are here. */
    public Optional<CertificateAuthority> ca() throws IOException {
        if (!Files.exists(caCertificate()) || !Files.exists(caKey())) {
            return Optional.empty();
        }
        return Optional.of(new CertificateAuthority(IssuedCertificate.read(caKey(), caCertificate()), random, clock));
    }

    /** Whether the private CA of this directory signed {@code certificate}. */
    public boolean issuedByPrivateCa(X509Certificate certificate) throws IOException {
        if (!Files.exists(caCertificate())) {
            return false;
        }
        for (X509Certificate ca : Pem.readCertificates(caCertificate())) {
            if (certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                try {
                    certificate.verify(ca.getPublicKey());
                    return true;
                } catch (GeneralSecurityException notThisOne) {
                    // another CA of the same name
                }
            }
        }
        return false;
    }

    /**
     * A new key pair and certificate from {@code ca} for {@code names}, valid for {@code validity}, which must end
     * before the CA does (a client refuses a certificate that outlives its issuer's).
     */
    public IssuedCertificate issue(CertificateAuthority ca, TlsNames names, Duration validity) {
        Instant end = clock.instant().plus(validity);
        if (end.isAfter(ca.certificate().getNotAfter().toInstant())) {
            throw new IllegalArgumentException("the private CA " + caCertificate() + " expires on "
                    + ca.certificate().getNotAfter().toInstant() + ", before a certificate valid for "
                    + validity.toDays() + " days would; give fewer --days");
        }
        return ca.issueServer(COMMON_NAME, names.dnsNames(), names.ipAddresses(), validity);
    }

    /**
     * Puts {@code replacement} in place of the certificate and key in use, after copying those aside; the key is
     * written first, so a crash in between leaves a key that does not match the old certificate, which the gateway
     * refuses at start with a message naming the files, and the copies to restore.
     *
     * @return the copies of the replaced files (certificate, then key); empty if there were none. Named by the
     *         millisecond, and never written over: two replacements in one second (a script's issue, then import)
     *         keep both pairs, so the first one can still be restored
     */
    public List<Path> replace(IssuedCertificate replacement) throws IOException {
        String stamp = ".replaced-" + STAMP.format(clock.instant());
        List<Path> copies = List.of();
        if (Files.exists(certificate()) && Files.exists(key())) {
            Path certificateCopy = certificate().resolveSibling(certificate().getFileName() + stamp);
            Path keyCopy = key().resolveSibling(key().getFileName() + stamp);
            DurableFile.writeString(certificateCopy, Files.readString(certificate()), DurableFile.Mode.UMASK,
                    DurableFile.Replace.NEVER);
            DurableFile.writeString(keyCopy, Files.readString(key()), DurableFile.Mode.OWNER_ONLY,
                    DurableFile.Replace.NEVER);
            copies = List.of(certificateCopy, keyCopy);
        }
        replacement.write(key(), certificate());
        return copies;
    }
}
