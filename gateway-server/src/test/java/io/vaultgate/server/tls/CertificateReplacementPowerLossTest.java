package io.vaultgate.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.powerloss.PowerCuts;
import io.vaultgate.crypto.file.DurableFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate tls issue} and {@code tls import} ({@link ServerCertificateFiles#replace}) under a power cut after
 * each of their file system operations, followed by the gateway's start ({@link
 * ServerCertificateFiles#finishInterruptedReplacement}, then the read the listeners make): the start always finds a
 * key and a certificate that belong together, either the old pair or the new one; the new one only if its audit
 * record was appended, and always once the command returned. The two renames become durable together, with one flush
 * of the directory, so a power cut never leaves the new key beside the old certificate; a process killed between
 * them does ({@link InterruptedReplacementTest}).
 */
@CatalogIndependent
class CertificateReplacementPowerLossTest {

    private static IssuedCertificate old;
    private static IssuedCertificate renewedWithANewKey;
    private static IssuedCertificate renewedWithTheSameKey;

    @TempDir
    Path realParent;

    @BeforeAll
    static void certificates() throws Exception {
        ForeignCa ca = new ForeignCa();
        KeyPair oldKeys = ecKeys();
        Instant now = Instant.now();
        old = ca.server("old.example.com", oldKeys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)),
                KeyPurposeId.id_kp_serverAuth);
        renewedWithANewKey = ca.server("new.example.com", ecKeys(), now.minus(Duration.ofMinutes(5)),
                now.plus(Duration.ofDays(90)), KeyPurposeId.id_kp_serverAuth);
        renewedWithTheSameKey = ca.server("old.example.com", oldKeys, now.minus(Duration.ofMinutes(5)),
                now.plus(Duration.ofDays(90)), KeyPurposeId.id_kp_serverAuth);
    }

    /** The files of one run, and whether the replacement's audit record was appended before the cut. */
    static final class Home {
        final ServerCertificateFiles files;
        boolean audited;

        Home(Path tls) {
            this.files = new ServerCertificateFiles(tls, new SecureRandom(), Clock.systemUTC());
        }
    }

    @Test
    void replacementWithANewKey_cutAtEveryStep_startsWithTheOldPairOrTheAuditedNewOne() throws Exception {
        int operations = PowerCuts.atEveryStep(realParent, replacing(renewedWithANewKey, true));

        assertThat(operations).as("staged, audited, renamed, flushed").isGreaterThan(6);
    }

    @Test
    void renewalWithTheSameKey_cutAtEveryStep_startsWithTheOldPairOrTheAuditedNewOne() throws Exception {
        PowerCuts.atEveryStep(realParent, replacing(renewedWithTheSameKey, true));
    }

    @Test
    void renewalWhoseAuditRecordIsRefused_cutAtEveryStep_alwaysStartsWithTheOldPair() throws Exception {
        // The same key: a certificate left behind by the abandoned replacement would pair with the key in place.
        PowerCuts.atEveryStep(realParent, replacing(renewedWithTheSameKey, false));
    }

    private static PowerCuts.Scenario<Home> replacing(IssuedCertificate replacement, boolean auditSucceeds) {
        return new PowerCuts.Scenario<>() {
            @Override
            public Home setUp(Path root) throws Exception {
                Path tls = root.resolve("tls");
                DurableFile.createDirectories(tls, DurableFile.Mode.UMASK);
                Home home = new Home(tls);
                old.write(home.files.key(), home.files.certificate());
                return home;
            }

            @Override
            public void act(Home home) throws Exception {
                try {
                    home.files.replace(replacement, () -> {
                        if (!auditSucceeds) {
                            throw new IllegalStateException("the catalog refuses this record (test)");
                        }
                        home.audited = true;
                    });
                } catch (CertificateNotReplacedException refused) {
                    assertThat(auditSucceeds).as("refused only when the audit fails").isFalse();
                }
            }

            @Override
            public void check(Path root, Home home, boolean returned) throws Exception {
                home.files.finishInterruptedReplacement(); // the start, then the listeners' read
                X509Certificate served = ServedCertificate.read(home.files.key(), home.files.certificate())
                        .material().chain().get(0);

                assertThat(served).as("the old certificate or the new one").isIn(old.certificate(),
                        replacement.certificate());
                if (served.equals(replacement.certificate())) {
                    assertThat(home.audited).as("served only once audited").isTrue();
                }
                if (returned && auditSucceeds) {
                    assertThat(served).as("the returned replacement is kept").isEqualTo(replacement.certificate());
                }
                if (!auditSucceeds) {
                    assertThat(served).as("a refused replacement is never served").isEqualTo(old.certificate());
                }
                assertThat(home.files.finishInterruptedReplacement()).as("nothing left to finish").isEmpty();
            }
        };
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }
}
