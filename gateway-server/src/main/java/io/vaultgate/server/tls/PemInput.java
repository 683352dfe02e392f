package io.vaultgate.server.tls;

import io.vaultgate.core.pki.Pem;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Certificates and private keys from files a user names on the command line ({@code tls import}, {@code forward
 * configure}, {@code receive}, {@code account add-cert}): PEM, as the gateway writes them. A file that is not
 * PEM text is refused before it is parsed, with {@link NotPemFileException} naming the option, the file, what it
 * is (a DER file: the {@code openssl} command that converts it) and "PEM expected", never a charset error from
 * decoding binary bytes as text (review32 L9).
 */
public final class PemInput {

    /** Far above any certificate chain or key; a larger file is not one (a log, an archive named by mistake). */
    static final long MAX_BYTES = 1 << 20;
    private static final int ASN1_SEQUENCE = 0x30;

    private PemInput() {
    }

    /** The certificates of the PEM file {@code file}, given with {@code option} (empty for none), in file order. */
    public static List<X509Certificate> certificates(String option, Path file) {
        Kind kind = Kind.CERTIFICATE;
        requireText(option, file, kind);
        try {
            return Pem.readCertificates(file);
        } catch (IOException | RuntimeException e) {
            throw unreadable(option, file, kind, e);
        }
    }

    /** The unencrypted private key of the PEM file {@code file} (PKCS#8 or traditional RSA/EC). */
    public static PrivateKey privateKey(String option, Path file) {
        Kind kind = Kind.PRIVATE_KEY;
        requireText(option, file, kind);
        try {
            return Pem.readPrivateKey(file);
        } catch (IOException | RuntimeException e) {
            throw unreadable(option, file, kind, e);
        }
    }

    /**
     * What the file should hold: its PEM block (the line that opens it, built from the block's label so that no key
     * header stands in the source for secret scanners to flag) and the command that turns a DER one into it.
     */
    private enum Kind {
        CERTIFICATE("certificate", beginLine("CERTIFICATE"), "openssl x509 -inform der"),
        PRIVATE_KEY("private key", beginLine("PRIVATE" + " KEY") + " (or RSA/EC PRIVATE KEY), unencrypted",
                "openssl pkey -inform der");

        private final String noun;
        private final String block;
        private final String convert;

        Kind(String noun, String block, String convert) {
            this.noun = noun;
            this.block = block;
            this.convert = convert;
        }

        private static String beginLine(String label) {
            return "-----BEGIN " + label + "-----";
        }
    }

    private static void requireText(String option, Path file, Kind kind) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new NotPemFileException(option, file, "larger than " + MAX_BYTES + " bytes, not a PEM "
                        + kind.noun + " file", "give the PEM file (" + kind.block + ")", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NotPemFileException(option, file, "no such file", "give the path of the PEM " + kind.noun
                    + " file", e);
        } catch (AccessDeniedException e) {
            throw new NotPemFileException(option, file, "permission denied", "make it readable by this user", e);
        } catch (IOException e) {
            throw new NotPemFileException(option, file, "cannot be read: " + e.getMessage(), "give the PEM "
                    + kind.noun + " file", e);
        }
        if (isAscii(bytes)) {
            return;
        }
        if (bytes[0] == ASN1_SEQUENCE) {
            throw new NotPemFileException(option, file, "a DER (binary) file, PEM expected", "convert it with `"
                    + kind.convert + " -in " + file + " -out " + pemName(file) + "` and give that file", null);
        }
        throw new NotPemFileException(option, file, "a binary file, not PEM text; PEM expected", "give the PEM "
                + kind.noun + " file (" + kind.block + ")", null);
    }

    private static NotPemFileException unreadable(String option, Path file, Kind kind, Exception e) {
        String reason = String.valueOf(e.getMessage());
        if (reason.startsWith(file + ": ")) {
            reason = reason.substring(file.toString().length() + 2); // Pem names the file; the message already does
        }
        String fix = kind == Kind.PRIVATE_KEY ? "PEM expected (" + kind.block + "); an encrypted key must be "
                + "decrypted first, e.g. `openssl pkey -in KEY -out key.pem`" : "PEM expected (" + kind.block + ")";
        return new NotPemFileException(option, file, "no PEM " + kind.noun + " can be read from it (" + reason + ")",
                fix, e);
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b <= 0) { // NUL, or 0x80 and above
                return false;
            }
        }
        return true;
    }

    /** Beside the file, never the file itself (a DER file named {@code .pem} is common). */
    private static Path pemName(Path file) {
        return file.resolveSibling(file.getFileName() + ".pem");
    }
}
