package io.vaultgate.server.tls;

import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.https.TlsMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * The server certificate and key as the listeners read them at start, with the stamp the two files had just
 * <em>before</em> that read. The watcher ({@link ServerCertificateWatcher#start}) starts from this stamp, so a
 * replacement ({@code vaultgate tls issue} or {@code import}) that lands after the stamp, even before the listeners
 * bound, is a change it loads, never a version it takes as served (review31 L2).
 *
 * @param material the key and the chain, leaf first ({@link TlsMaterial}: the key is never in a {@code toString})
 * @param stamp    the files' stamp, taken before they were read
 */
public record ServedCertificate(Path key, Path certificate, TlsMaterial material, CertificateFilesStamp stamp) {

    /**
     * Stamps the two files, then reads them.
     *
     * @throws IOException              a file is missing or unreadable
     * @throws IllegalArgumentException the key does not belong to the certificate
     */
    public static ServedCertificate read(Path key, Path certificate) throws IOException {
        CertificateFilesStamp stamp = CertificateFilesStamp.of(key, certificate);
        IssuedCertificate pair = IssuedCertificate.read(key, certificate);
        return new ServedCertificate(key, certificate, TlsMaterial.of(pair.privateKey(), pair.chain()), stamp);
    }

    /**
     * The warning to log when the certificate has expired at {@code now}: the listeners serve it anyway (a gateway
     * that refused to start would stop SFTP too, and the fix needs no restart); {@code vaultgate doctor} and the
     * expiry metric report it as well.
     */
    public Optional<String> expiredWarning(Instant now) {
        X509Certificate leaf = material.chain().get(0);
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (!now.isAfter(notAfter)) {
            return Optional.empty();
        }
        return Optional.of("the HTTPS server certificate " + certificate + " (" + leaf.getSubjectX500Principal()
                .getName() + ", sha256 " + Fingerprints.sha256(leaf) + ") expired on " + notAfter + "; it is served "
                + "anyway, and clients that check certificates refuse it. Renew it with `vaultgate tls issue` (the "
                + "private CA) or install a current one with `vaultgate tls import --cert FILE --key FILE`; the "
                + "running gateway serves the new one within seconds, without a restart");
    }
}
