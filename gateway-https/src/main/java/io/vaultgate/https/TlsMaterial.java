package io.vaultgate.https;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The server's private key and certificate chain (leaf first). A final class rather than a record so the
 * key never shows up in a generated {@code toString}, {@code equals} or log line.
 */
public final class TlsMaterial {

    private final PrivateKey key;
    private final List<X509Certificate> chain;

    private TlsMaterial(PrivateKey key, List<X509Certificate> chain) {
        this.key = Objects.requireNonNull(key, "key");
        if (chain == null || chain.isEmpty()) {
            throw new IllegalArgumentException("tls: the certificate chain is empty; give at least the server certificate");
        }
        this.chain = List.copyOf(chain);
        requireMatchingKey(key, this.chain.get(0));
    }

    /**
     * Signs a random challenge with the key and verifies it with the certificate: a key of another pair passes
     * start-up unnoticed otherwise, and then every TLS handshake fails with an internal-error alert. Key types
     * this cannot sign with here (an unknown algorithm) are left to the TLS provider.
     */
    private static void requireMatchingKey(PrivateKey key, X509Certificate leaf) {
        String algorithm = signatureAlgorithm(key.getAlgorithm());
        if (algorithm == null) {
            return;
        }
        boolean matches;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException cannotCheck) {
            // a key and a certificate of different types cannot verify each other; anything else is left to TLS
            matches = algorithm.equals(signatureAlgorithm(leaf.getPublicKey().getAlgorithm()));
        }
        if (!matches) {
            throw new IllegalArgumentException("tls: the private key does not belong to the certificate "
                    + leaf.getSubjectX500Principal().getName() + "; give the key it was issued for");
        }
    }

    private static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
    }

    public static TlsMaterial of(PrivateKey key, List<X509Certificate> chain) {
        return new TlsMaterial(key, chain);
    }

    /** Reads the first private-key entry of a PKCS#12 file; the password opens both the file and the key. */
    public static TlsMaterial fromPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return fromKeyStore(store, password);
    }

    /** Uses the first private-key entry of {@code store}. */
    public static TlsMaterial fromKeyStore(KeyStore store, char[] keyPassword) throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (!store.isKeyEntry(alias)) {
                continue;
            }
            Key key = store.getKey(alias, keyPassword);
            Certificate[] certificates = store.getCertificateChain(alias);
            if (key instanceof PrivateKey privateKey && certificates != null) {
                return new TlsMaterial(privateKey, Arrays.stream(certificates).map(X509Certificate.class::cast).toList());
            }
        }
        throw new GeneralSecurityException("tls: the key store holds no private key with a certificate chain");
    }

    public PrivateKey key() {
        return key;
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    @Override
    public String toString() {
        return "TlsMaterial[subject=" + chain.get(0).getSubjectX500Principal().getName() + ", key=<redacted>]";
    }
}
