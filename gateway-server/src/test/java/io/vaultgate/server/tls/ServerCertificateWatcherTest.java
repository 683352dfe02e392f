package io.vaultgate.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher hands changed certificate files to the listener once they settled (two looks alike), and only when
 * they pass the policy; files it refuses are counted, not served, and not read again until they change.
 */
class ServerCertificateWatcherTest {

    /** The watcher reads files only; the audit record of a replacement is the CLI's (TlsCommandTest). */
    private static final Runnable NOT_AUDITED = () -> { };

    @TempDir
    Path tls;
    private final List<String> served = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScheduledExecutorService unused = Executors.newSingleThreadScheduledExecutor();
    private ServerCertificateFiles files;
    private CertificateAuthority ca;
    private ServerCertificateWatcher watcher;

    @BeforeEach
    void start() throws Exception {
        files = new ServerCertificateFiles(tls, new SecureRandom(), Clock.systemUTC());
        ca = files.caCreatingIfMissing();
        files.replace(issue(), NOT_AUDITED);
        watcher = watching(ServedCertificate.read(files.key(), files.certificate()));
    }

    @AfterEach
    void stop() {
        watcher.close();
    }

    @Test
    void unchangedFiles_areNotReloaded() {
        watcher.poll();
        watcher.poll();

        assertThat(served).isEmpty();
    }

    @Test
    void changedFiles_areServedOnceSettled_andOnlyOnce() throws Exception {
        IssuedCertificate renewed = issue();
        files.replace(renewed, NOT_AUDITED);

        watcher.poll();
        assertThat(served).as("changed, not yet settled").isEmpty();
        watcher.poll();
        watcher.poll();

        assertThat(served).containsExactly(Fingerprints.sha256(renewed.certificate()));
        assertThat(count("reloaded")).isEqualTo(1);
    }

    /**
     * review31 L11: a look between the key's write and the certificate's sees the new key beside the old certificate,
     * a pair that does not match. The watcher waits for the files to settle instead of refusing it, and serves the
     * new pair once both landed and stayed the same for one more look.
     */
    @Test
    void aLookBetweenTheKeyWriteAndTheCertificateWrite_refusesNothing_andServesThePairOnceBothLanded()
            throws Exception {
        IssuedCertificate renewed = issue();

        Pem.writePrivateKey(files.key(), renewed.privateKey());
        watcher.poll(); // the new key beside the old certificate
        Pem.writeCertificates(files.certificate(), renewed.chain());
        watcher.poll(); // both landed: changed since the last look, so not settled yet

        assertThat(served).isEmpty();
        assertThat(count("refused")).as("the half-written pair was never read").isZero();

        watcher.poll();

        assertThat(served).containsExactly(Fingerprints.sha256(renewed.certificate()));
        assertThat(count("reloaded")).isEqualTo(1);
        assertThat(count("refused")).isZero();
    }

    @Test
    void aCorruptCertificate_isRefused_andNotReadAgainUntilItChanges() throws Exception {
        Files.writeString(files.certificate(), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n");

        watcher.poll();
        watcher.poll();
        watcher.poll();

        assertThat(served).isEmpty();
        assertThat(count("refused")).isEqualTo(1);

        IssuedCertificate fixed = issue();
        files.replace(fixed, NOT_AUDITED);
        watcher.poll();
        watcher.poll();
        assertThat(served).containsExactly(Fingerprints.sha256(fixed.certificate()));
    }

    @Test
    void aKeyOfAnotherCertificate_isRefused() throws Exception {
        Pem.writePrivateKey(files.key(), issue().privateKey());

        watcher.poll();
        watcher.poll();

        assertThat(served).isEmpty();
        assertThat(count("refused")).isEqualTo(1);
    }

    @Test
    void aListenerThatRefuses_isCountedAsRefused() throws Exception {
        ServerCertificateWatcher failing = new ServerCertificateWatcher(
                ServedCertificate.read(files.key(), files.certificate()), material -> {
                    throw new javax.net.ssl.SSLException("provider says no");
                }, registry, Clock.systemUTC(), unused);
        files.replace(issue(), NOT_AUDITED);

        failing.poll();
        failing.poll();

        assertThat(count("refused")).isEqualTo(1);
    }

    /**
     * review31 L2: the listener read the files at start, a replacement landed, and only then did the watcher start.
     * It starts from the stamp taken before the listener's read, so the replacement is a change it serves.
     */
    @Test
    void aReplacementLandingBetweenTheListenersReadAndTheWatchersStart_isServed() throws Exception {
        watcher.close();
        ServedCertificate readByTheListener = ServedCertificate.read(files.key(), files.certificate());
        IssuedCertificate renewed = issue();
        files.replace(renewed, NOT_AUDITED);
        watcher = watching(readByTheListener);

        watcher.poll();
        watcher.poll();

        assertThat(served).containsExactly(Fingerprints.sha256(renewed.certificate()));
        assertThat(count("reloaded")).isEqualTo(1);
    }

    private ServerCertificateWatcher watching(ServedCertificate readAtStart) {
        return new ServerCertificateWatcher(readAtStart,
                material -> served.add(Fingerprints.sha256(material.chain().get(0))), registry, Clock.systemUTC(),
                unused);
    }

    private IssuedCertificate issue() {
        return files.issue(ca, TlsNames.defaults(), Duration.ofDays(30));
    }

    private double count(String result) {
        return registry.get("vaultgate.https.certificate.reloads").tag("result", result).counter().count();
    }
}
