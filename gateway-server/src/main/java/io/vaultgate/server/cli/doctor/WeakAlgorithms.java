package io.vaultgate.server.cli.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SSH and TLS algorithms the listeners would offer that are obsolete: CBC modes, SHA-1 and MD5, RC4, 3DES,
 * DSA, the 1024-bit group, {@code ssh-rsa} (SHA-1 signatures), TLS below 1.2, and TLS suites without AEAD,
 * forward secrecy or authentication. The configuration already refuses most of them; this is the second look.
 */
final class WeakAlgorithms implements Check {

    static final String NAME = "weak-algorithm";
    private static final List<String> WEAK_SSH = List.of("-cbc", "sha1", "md5", "arcfour", "3des", "blowfish",
            "ssh-dss", "group1-", "none");
    private static final List<String> WEAK_PROTOCOLS = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1");
    private static final Pattern WEAK_SUITE = Pattern.compile(
            ".*(_CBC_|RC4|3DES|_DES_|NULL|EXPORT|_anon_|_MD5|_SHA$|^TLS_RSA_).*");

    @Override
    public List<Finding> run(DoctorContext context) {
        List<Finding> findings = new ArrayList<>();
        for (String name : context.sshAlgorithms()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("ssh-rsa") || WEAK_SSH.stream().anyMatch(lower::contains)) {
                findings.add(new Finding(NAME, "sftp " + name, "obsolete SSH algorithm enabled",
                        "remove it from sftp.algorithms"));
            }
        }
        for (String protocol : context.tlsProtocols()) {
            if (WEAK_PROTOCOLS.contains(protocol)) {
                findings.add(new Finding(NAME, "tls " + protocol, "TLS before 1.2 enabled", "offer TLSv1.3 and TLSv1.2 only"));
            }
        }
        for (String suite : context.tlsCipherSuites()) {
            if (WEAK_SUITE.matcher(suite).matches()) {
                findings.add(new Finding(NAME, "tls " + suite, "cipher suite without AEAD or forward secrecy enabled",
                        "offer only ECDHE with AES-GCM or ChaCha20-Poly1305, and TLS 1.3 suites"));
            }
        }
        return findings;
    }
}
