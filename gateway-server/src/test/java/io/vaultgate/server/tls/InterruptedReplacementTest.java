package io.vaultgate.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.IssuedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code tls issue} or {@code tls import} killed between its two renames (the process, not the power: a power loss
 * keeps both renames or neither, as one directory flush makes them durable, {@link CertificateReplacementPowerLossTest})
 * leaves the new key beside the old certificate and {@code server.crt.new}. The gateway's next start finishes it
 * ({@link ServerCertificateFiles#finishInterruptedReplacement}) instead of refusing the mismatched pair; it puts in
 * place only a certificate left alone that belongs to the key in place.
 */
class InterruptedReplacementTest {

    @TempDir
    Path dir;
    private ForeignCa ca;
    private ServerCertificateFiles files;
    private IssuedCertificate old;
    private IssuedCertificate renewed;

    @BeforeEach
    void oldPairInPlace() throws Exception {
        ca = new ForeignCa();
        files = new ServerCertificateFiles(Files.createDirectories(dir.resolve("tls")), new SecureRandom(),
                Clock.systemUTC());
        old = server("old.example.com");
        renewed = server("new.example.com");
        old.write(files.key(), files.certificate());
    }

    @Test
    void killedBetweenTheRenames_theStartPutsTheNewCertificateInPlace_andServesTheNewPair() throws Exception {
        renewed.write(files.key(), staged()); // the key renamed into place; the certificate still staged

        assertThat(files.finishInterruptedReplacement()).contains(files.certificate());

        assertThat(served()).isEqualTo(renewed.certificate());
        assertThat(Files.exists(staged())).isFalse();
        assertThat(files.finishInterruptedReplacement()).as("done once").isEmpty();
    }

    @Test
    void aStagedCertificateOfAnotherKey_isNotPutInPlace() throws Exception {
        server("other.example.com").write(dir.resolve("tls/other.key"), staged());

        assertThat(files.finishInterruptedReplacement()).isEmpty();

        assertThat(served()).isEqualTo(old.certificate());
    }

    @Test
    void bothFilesStillStaged_isAReplacementNotRenamedYet_andNothingIsPutInPlace() throws Exception {
        renewed.write(dir.resolve("tls/server.key.new"), staged());

        assertThat(files.finishInterruptedReplacement()).isEmpty();

        assertThat(served()).isEqualTo(old.certificate());
    }

    private Path staged() {
        return dir.resolve("tls/server.crt.new");
    }

    private java.security.cert.X509Certificate served() throws Exception {
        return ServedCertificate.read(files.key(), files.certificate()).material().chain().get(0);
    }

    private IssuedCertificate server(String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        Instant now = Instant.now();
        return ca.server(name, generator.generateKeyPair(), now.minus(Duration.ofMinutes(5)),
                now.plus(Duration.ofDays(90)), KeyPurposeId.id_kp_serverAuth);
    }
}
