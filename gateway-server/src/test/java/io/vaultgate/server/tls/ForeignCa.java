package io.vaultgate.server.tls;

import io.vaultgate.core.pki.IssuedCertificate;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA that is not the data directory's, like a public or a company CA: an RSA root and an intermediate, issuing
 * server certificates with whatever key, validity and extended key usage a test needs (Bouncy Castle).
 *
 * <p>RSA key pairs ({@link #rsa}, the CA's own included) come from a pool of {@value #POOL} per key size and JVM, made
 * as first asked for and then handed out again in turn: an RSA-2048 pair takes about 1.3 s of CPU in the unit-test
 * JVMs, which run C1 only (no intrinsics for {@code BigInteger}), and {@code TlsCommandTest} asked for 26. Any
 * {@value #POOL} pairs handed out one after another are distinct, so a test that takes no more than that gets
 * distinct keys (a key of another certificate is another key); two CAs made {@value #POOL} pairs apart share their
 * keys, so a test that needs two foreign CAs that do not trust each other cannot use this class as it is.
 */
public final class ForeignCa {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int POOL = 8;
    /** By key size: the pairs made so far, at most {@link #POOL}, and how many were handed out. */
    private static final Map<Integer, List<KeyPair>> PAIRS = new HashMap<>();
    private static final Map<Integer, Integer> HANDED_OUT = new HashMap<>();

    private final KeyPair rootKeys;
    private final X509Certificate root;
    private final KeyPair intermediateKeys;
    private final X509Certificate intermediate;

    public ForeignCa() throws Exception {
        rootKeys = rsa(2048);
        root = sign(new X500Name("CN=Example Root CA"), new X500Name("CN=Example Root CA"), rootKeys, rootKeys,
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(3650)), true, null,
                List.of());
        intermediateKeys = rsa(2048);
        intermediate = sign(new X500Name("CN=Example Root CA"), new X500Name("CN=Example Issuing CA"),
                intermediateKeys, rootKeys, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(1825)), true, null, List.of());
    }

    public X509Certificate root() {
        return root;
    }

    /** The issuing CA's certificate as it was before its renewal: the same name and key, expired yesterday. */
    public X509Certificate expiredIntermediate() throws Exception {
        return sign(new X500Name("CN=Example Root CA"), new X500Name("CN=Example Issuing CA"), intermediateKeys,
                rootKeys, Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(1)), true,
                null, List.of());
    }

    public X509Certificate intermediate() {
        return intermediate;
    }

    /** A server certificate for {@code dnsName} with {@code keys}, valid from {@code from} to {@code to}. */
    public IssuedCertificate server(String dnsName, KeyPair keys, Instant from, Instant to, KeyPurposeId purpose)
            throws Exception {
        X509Certificate leaf = sign(new X500Name("CN=Example Issuing CA"), new X500Name("CN=" + dnsName), keys,
                intermediateKeys, from, to, false, purpose, List.of(dnsName));
        return new IssuedCertificate(keys.getPrivate(), List.of(leaf, intermediate));
    }

    /** A current server certificate naming {@code commonName} in its subject only, with no subject alternative name. */
    public IssuedCertificate serverWithoutNames(String commonName) throws Exception {
        KeyPair keys = rsa(2048);
        X509Certificate leaf = sign(new X500Name("CN=Example Issuing CA"), new X500Name("CN=" + commonName), keys,
                intermediateKeys, Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofDays(90)),
                false, KeyPurposeId.id_kp_serverAuth, List.of());
        return new IssuedCertificate(keys.getPrivate(), List.of(leaf, intermediate));
    }

    /** A current server certificate for {@code dnsName} with a new RSA-2048 key. */
    public IssuedCertificate server(String dnsName) throws Exception {
        return server(dnsName, rsa(2048), Instant.now().minus(Duration.ofMinutes(5)),
                Instant.now().plus(Duration.ofDays(90)), KeyPurposeId.id_kp_serverAuth);
    }

    /** An RSA key pair of {@code bits}, from the pool: distinct from the {@value #POOL} - 1 handed out before it. */
    public static synchronized KeyPair rsa(int bits) throws Exception {
        List<KeyPair> pairs = PAIRS.computeIfAbsent(bits, size -> new ArrayList<>());
        int next = HANDED_OUT.merge(bits, 1, Integer::sum) - 1;
        if (pairs.size() < POOL) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, RANDOM);
            pairs.add(generator.generateKeyPair());
        }
        return pairs.get(next % POOL);
    }

    public static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair subjectKeys, KeyPair issuerKeys,
                                        Instant from, Instant to, boolean ca, KeyPurposeId purpose,
                                        List<String> dnsNames) throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(from), Date.from(to), subject,
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true,
                ca ? new BasicConstraints(0) : new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (purpose != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (!dnsNames.isEmpty()) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                    .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new)));
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    }
}
