package io.vaultgate.sftp;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The SSH algorithm lists the server offers, by their protocol names, in preference order.
 * {@link #hardened()} is the default; see {@code docs/sftp.md} for why each one is there.
 *
 * <p>Every list is checked when built: a name MINA does not know is an error that names the list and the
 * value, and algorithms that are broken or obsolete (CBC ciphers, SHA-1 and MD5 MACs and key exchanges,
 * DSA and SHA-1 RSA signatures, RC4, 3DES, {@code none}) are refused even when configured explicitly.
 * NIST-curve key exchange and ECDSA are allowed, so a compatibility or FIPS profile can turn them on.
 *
 * @param keyExchanges key exchange methods
 * @param ciphers symmetric ciphers, for both directions
 * @param macs MACs, for both directions (ignored by MINA for AEAD ciphers)
 * @param signatures signature algorithms: host key signatures the server may use and user key
 *     signatures it accepts; host keys it does not hold are never offered
 */
public record SftpAlgorithms(List<String> keyExchanges, List<String> ciphers, List<String> macs,
        List<String> signatures) {

    private static final List<String> FORBIDDEN_FRAGMENTS = List.of(
            "-cbc", "sha1", "md5", "arcfour", "3des", "blowfish", "ssh-dss", "group1-", "none");

    public SftpAlgorithms {
        keyExchanges = checked("keyExchanges", keyExchanges);
        ciphers = checked("ciphers", ciphers);
        macs = checked("macs", macs);
        signatures = checked("signatures", signatures);
        if (signatures.stream().anyMatch(name -> name.startsWith("ssh-rsa"))) {
            throw new IllegalArgumentException("sftp.algorithms.signatures: \"ssh-rsa\" signs with SHA-1 and is not "
                    + "allowed; use rsa-sha2-512 or rsa-sha2-256 (the same RSA keys work)");
        }
        AlgorithmFactories.validate(keyExchanges, ciphers, macs, signatures);
    }

    /**
     * Post-quantum hybrid and X25519 key exchange; AES-GCM, then AES-CTR with encrypt-then-MAC SHA-2 MACs;
     * Ed25519 and RSA-SHA2 host keys, plus ECDSA for client keys. No chacha20-poly1305: MINA's
     * implementation is several times slower than its AES-GCM on CPUs with AES-NI.
     */
    public static SftpAlgorithms hardened() {
        return new SftpAlgorithms(
                List.of("mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
                        "curve25519-sha256", "curve25519-sha256@libssh.org"),
                List.of("aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr", "aes192-ctr", "aes128-ctr"),
                List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"),
                List.of("ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256",
                        "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"));
    }

    private static List<String> checked(String key, List<String> names) {
        Objects.requireNonNull(names, key);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("sftp.algorithms." + key + ": empty; give at least one algorithm "
                    + "or leave the key out for the hardened default");
        }
        for (String name : names) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (String fragment : FORBIDDEN_FRAGMENTS) {
                if (lower.contains(fragment)) {
                    throw new IllegalArgumentException("sftp.algorithms." + key + ": \"" + name
                            + "\" is obsolete or insecure and cannot be enabled; remove it");
                }
            }
        }
        return List.copyOf(names);
    }
}
