package io.vaultgate.https.receiver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CRLs read from PEM files and read again when a file changes (its modification time or size), so a renewed CRL
 * takes effect at the next connection or request without restarting the receiver. A changed file that cannot be
 * read or holds no CRL is logged and the previous CRLs are kept: they run out at their next update, after which
 * clients are refused (revocation unknown), so a broken renewal fails closed.
 */
public final class CrlFiles implements RevocationLists {

    private static final Logger LOG = LoggerFactory.getLogger(CrlFiles.class);

    private final List<Path> files;
    private List<String> stamps;
    private List<X509CRL> crls;

    private CrlFiles(List<Path> files, List<String> stamps, List<X509CRL> crls) {
        this.files = files;
        this.stamps = stamps;
        this.crls = crls;
    }

    /** Reads {@code files} now; a file that cannot be read or holds no CRL is refused with its name. */
    public static CrlFiles load(List<Path> files) throws IOException {
        List<Path> copy = List.copyOf(files);
        return new CrlFiles(copy, stamps(copy), read(copy));
    }

    @Override
    public synchronized List<X509CRL> current() {
        try {
            List<String> now = stamps(files);
            if (!now.equals(stamps)) {
                crls = read(files);
                stamps = now;
                LOG.info("receiver: re-read the gateway CA's CRLs from {} (next update {})", files,
                        crls.stream().map(X509CRL::getNextUpdate).toList());
            }
        } catch (IOException e) {
            LOG.warn("receiver: a changed CRL file could not be used, keeping the CRLs read before: {}", e.getMessage());
        }
        return crls;
    }

    private static List<X509CRL> read(List<Path> files) throws IOException {
        List<X509CRL> all = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                Collection<? extends CRL> read = CertificateFactory.getInstance("X.509").generateCRLs(in);
                if (read.isEmpty()) { // else revocation would silently not be checked
                    throw new Unusable(file, "the file holds no CRL", null);
                }
                read.forEach(crl -> all.add((X509CRL) crl));
            } catch (GeneralSecurityException e) {
                throw new Unusable(file, String.valueOf(e.getMessage()), e);
            }
        }
        return List.copyOf(all);
    }

    /** A CRL file that cannot be read or holds no CRL. */
    public static final class Unusable extends IOException {
        private final transient Path file;

        Unusable(Path file, String problem, Throwable cause) {
            super(file + ": " + problem, cause);
            this.file = file;
        }

        public Path file() {
            return file;
        }

        /** What is wrong with the file, without its name. */
        public String problem() {
            return getMessage().substring(file.toString().length() + 2);
        }
    }

    private static List<String> stamps(List<Path> files) throws IOException {
        List<String> stamps = new ArrayList<>();
        for (Path file : files) {
            stamps.add(Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file));
        }
        return stamps;
    }
}
