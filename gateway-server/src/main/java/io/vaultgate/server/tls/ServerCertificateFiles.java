package io.vaultgate.server.tls;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.crypto.file.DurableFile;
import io.vaultgate.https.TlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The HTTPS server certificate of a data directory ({@code tls/server.crt}, the chain leaf first, and
 * {@code tls/server.key}, 0600) and the private CA beside it ({@code tls/ca.crt}, {@code tls/ca.key}) that issues it.
 * Every file is written durably ({@link DurableFile}, through {@link Pem}); a replaced pair is first copied beside
 * itself as {@code server.crt.replaced-<UTC time>} and {@code server.key.replaced-<UTC time>} (0600), so a
 * replacement can be undone by copying them back, and a replacement is served only once it is audited
 * ({@link #replace}).
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
     * Puts {@code replacement} in place of the certificate and key in use, and only once {@code audit} recorded it,
     * so that no certificate is ever served unaudited (review31 L1); one replacement at a time, across processes
     * ({@link ReplacementLock}):
     * <ol>
     * <li>the new pair is written durably beside the old one as {@code server.key.new} (0600) and
     *     {@code server.crt.new}, names the running gateway does not look at, and the pair in use is copied aside as
     *     {@code server.crt.replaced-<time>} and {@code server.key.replaced-<time>} (0600);
     * <li>{@code audit} runs. If it throws, the new files and the copies are removed, the pair in use is untouched,
     *     and {@link CertificateNotReplacedException} says why;
     * <li>both new files are renamed over the old ones ({@code ATOMIC_MOVE}), the key first, and the directory is
     *     flushed, so the renames survive a power loss. Between the two renames, microseconds apart, the new key sits
     *     beside the old certificate; the watcher waits for the files to settle and never takes that for a pair.
     * </ol>
     * A crash after the audit record and before the renames leaves the {@code .new} files, which the next
     * replacement writes over; one between the renames leaves the new key beside the old certificate and
     * {@code server.crt.new}, which the gateway's next start puts in place ({@link #finishInterruptedReplacement}).
     *
     * @return the copies of the replaced files (certificate, then key); empty if there were none. Named by the
     *         millisecond, and never written over: two replacements in one second (a script's issue, then import)
     *         keep both pairs, so the first one can still be restored
     * @throws CertificateNotReplacedException {@code audit} failed; nothing was replaced
     * @throws IOException the files could not be written (nothing was replaced), or, after the audit record, not
     *                     renamed into place (the message says which)
     */
    public List<Path> replace(IssuedCertificate replacement, Runnable audit) throws IOException {
        return ReplacementLock.around(tlsDir, () -> {
            Staged staged = stage(replacement);
            try {
                audit.run();
            } catch (RuntimeException e) {
                staged.discard(e, tlsDir);
                throw new CertificateNotReplacedException(certificate(), e);
            }
            moveInPlace(staged);
            return List.copyOf(staged.copies());
        });
    }

    /**
     * Finishes a replacement cut between its two renames (a crash or power loss after the key's, before the
     * certificate's): the new key is in place, {@code server.key.new} gone, and {@code server.crt.new} still beside
     * it. Only that state is finished: {@code server.key.new} is written before {@code server.crt.new}, renamed
     * only after the audit record, and deleted after it when a replacement is abandoned, so a certificate left
     * without its key's {@code .new} belongs to an audited replacement. The certificate is renamed only if it
     * belongs to the key in place, so a stray file is never served. Run at the gateway's start, before the pair is
     * read, under the lock replacements take ({@link ReplacementLock}), so never beside one.
     *
     * @return the certificate put in place, if there was one to finish
     */
    public Optional<Path> finishInterruptedReplacement() throws IOException {
        return ReplacementLock.around(tlsDir, this::finishUnlocked);
    }

    private Optional<Path> finishUnlocked() throws IOException {
        Path staged = pending(certificate());
        if (!Files.exists(staged) || Files.exists(pending(key())) || !Files.exists(key())) {
            return Optional.empty();
        }
        try {
            IssuedCertificate pair = IssuedCertificate.read(key(), staged);
            TlsMaterial.of(pair.privateKey(), pair.chain()); // refuses a key that does not belong to the certificate
        } catch (IllegalArgumentException | IOException notThePair) {
            return Optional.empty();
        }
        Files.move(staged, certificate(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DurableFile.forceDirectory(tlsDir);
        return Optional.of(certificate());
    }

    /** The key, then the certificate, renamed over the pair in use; then the directory flushed. */
    private void moveInPlace(Staged staged) throws IOException {
        try {
            Files.move(staged.key(), key(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged.certificate(), certificate(), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            DurableFile.forceDirectory(tlsDir);
        } catch (IOException e) {
            throw new IOException("the replacement is recorded in the audit log, but renaming " + staged.key()
                    + " and " + staged.certificate() + " into place failed: " + e.getMessage() + "; rename them by "
                    + "hand, the key first, or run the command again", e);
        }
    }

    private Staged stage(IssuedCertificate replacement) throws IOException {
        Staged staged = new Staged(pending(key()), pending(certificate()));
        try {
            replacement.write(staged.key(), staged.certificate());
            if (Files.exists(certificate()) && Files.exists(key())) {
                String stamp = ".replaced-" + STAMP.format(clock.instant());
                staged.copy(certificate(), stamp, DurableFile.Mode.UMASK);
                staged.copy(key(), stamp, DurableFile.Mode.OWNER_ONLY);
            }
            return staged;
        } catch (IOException | RuntimeException e) {
            staged.discard(e, tlsDir);
            throw e;
        }
    }

    private static Path pending(Path file) {
        return file.resolveSibling(file.getFileName() + ".new");
    }

    /** A replacement written beside the pair in use, not yet served, and the copies of the pair in use. */
    private static final class Staged {

        private final Path key;
        private final Path certificate;
        private final List<Path> copies = new ArrayList<>();

        Staged(Path key, Path certificate) {
            this.key = key;
            this.certificate = certificate;
        }

        Path key() {
            return key;
        }

        Path certificate() {
            return certificate;
        }

        List<Path> copies() {
            return copies;
        }

        /** Copies {@code file}'s bytes as they are: a pair in use that is not UTF-8 text (DER) is kept too. */
        void copy(Path file, String stamp, DurableFile.Mode mode) throws IOException {
            Path copy = file.resolveSibling(file.getFileName() + stamp);
            byte[] bytes = Files.readAllBytes(file);
            DurableFile.write(copy, out -> out.write(bytes), mode, DurableFile.Replace.NEVER);
            copies.add(copy);
        }

        /**
         * Removes what was written: nothing of the replacement stays beside the pair in use. The certificate goes
         * first, and for good (the directory flushed), before the key: a {@code server.crt.new} left without its
         * {@code server.key.new} means a replacement whose key was renamed into place
         * ({@link #finishInterruptedReplacement}), never an abandoned one.
         */
        void discard(Exception failure, Path directory) {
            for (Path copy : copies) {
                delete(copy, failure);
            }
            if (delete(certificate, failure)) {
                try {
                    DurableFile.forceDirectory(directory);
                    delete(key, failure);
                } catch (IOException cleanup) {
                    failure.addSuppressed(cleanup); // the key's .new stays; the next replacement writes both again
                }
            }
        }

        private static boolean delete(Path file, Exception failure) {
            try {
                Files.deleteIfExists(file);
                return true;
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
                return false;
            }
        }
    }
}
