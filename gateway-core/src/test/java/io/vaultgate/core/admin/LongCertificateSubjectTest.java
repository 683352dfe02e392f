package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client certificate whose subject is longer than the catalog's column (500 characters) is registered and logs in;
 * the subject is kept cut, ending in "…". On PostgreSQL ({@code -Dvaultgate.test.catalog=postgresql}) the
 * registration failed with a catalog error (a 500 over the admin API) before.
 */
class LongCertificateSubjectTest {

    @TempDir
    Path home;
    private TestCore test;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        test.client("acme", "acme-api", Protocol.HTTPS);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void certificateWithASubjectLongerThanTheColumn_isRegistered_logsIn_andItsSubjectIsKeptCut() throws Exception {
        X509Certificate certificate = withLongSubject();
        assertThat(certificate.getSubjectX500Principal().getName()).hasSizeGreaterThan(500);

        String fingerprint = test.core().administration().addClientCertificate("acme-api", certificate).fingerprint();

        assertThat(fingerprint).isEqualTo(Fingerprints.sha256(certificate));
        assertThat(test.core().authenticator().byCertificate(fingerprint, Protocol.HTTPS, "127.0.0.1"))
                .isInstanceOfSatisfying(AuthResult.Success.class,
                        success -> assertThat(success.principal().name()).isEqualTo("acme-api"));
        String stored = test.database().read(jdbc -> jdbc.queryOne(
                "SELECT subject FROM account_certificates WHERE fingerprint = ?", row -> row.getString(1), fingerprint))
                .orElseThrow();
        assertThat(stored).hasSize(500).startsWith("CN=acme-api,OU=unit-11-yyy").endsWith("y…");
    }

    /** A self-signed certificate whose subject is 12 organizational units of 58 characters and a common name. */
    private static X509Certificate withLongSubject() throws Exception {
        X500NameBuilder name = new X500NameBuilder();
        for (int i = 0; i < 12; i++) {
            name.addRDN(BCStyle.OU, "unit-" + i + "-" + "y".repeat(50));
        }
        name.addRDN(BCStyle.CN, "acme-api");
        KeyPair key = KeyPairGenerator.getInstance("EC").generateKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name.build(), BigInteger.ONE,
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name.build(),
                key.getPublic());
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }
}
