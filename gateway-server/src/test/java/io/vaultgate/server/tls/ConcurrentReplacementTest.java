package io.vaultgate.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.pki.IssuedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replacements at once (a cron job's {@code tls issue} and an administrator's {@code tls import}): every
 * replacement stages its pair under the same {@code .new} names, so without a lock one could rename the other's files
 * into place after its own audit record, and serve a certificate no record names (review32 M1). With the lock the
 * second waits for the first, and what is served is always a pair whose record was appended.
 */
class ConcurrentReplacementTest {

    private static final long WAIT_FOR_THE_OTHER_MS = 1000;

    @TempDir
    Path dir;

    @Test
    void aReplacementStartedWhileAnotherAwaitsItsAuditRecord_waitsForIt_andOnlyAnAuditedPairIsServed()
            throws Exception {
        ForeignCa ca = new ForeignCa();
        IssuedCertificate old = server(ca, "old.example.com");
        IssuedCertificate first = server(ca, "first.example.com");
        IssuedCertificate second = server(ca, "second.example.com");
        Path tls = Files.createDirectories(dir.resolve("tls"));
        ServerCertificateFiles files = new ServerCertificateFiles(tls, new SecureRandom(), Clock.systemUTC());
        old.write(files.key(), files.certificate());
        List<X509Certificate> audited = new CopyOnWriteArrayList<>();
        CountDownLatch firstAuditing = new CountDownLatch(1);
        CountDownLatch secondStaged = new CountDownLatch(1);
        CountDownLatch firstDone = new CountDownLatch(1);
        ExecutorService commands = Executors.newFixedThreadPool(2);

        CompletableFuture<List<Path>> firstReplacement = CompletableFuture.supplyAsync(() -> replace(files, first,
                () -> {
                    firstAuditing.countDown();
                    // gives the second replacement the time to stage its pair over this one's, if nothing stops it
                    await(secondStaged);
                    audited.add(first.certificate());
                }), commands);
        firstReplacement.whenComplete((copies, failure) -> firstDone.countDown());
        assertThat(firstAuditing.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<List<Path>> secondReplacement = CompletableFuture.supplyAsync(() -> replace(files, second,
                () -> {
                    secondStaged.countDown();
                    await(firstDone);
                    throw new IllegalStateException("the catalog refuses this record (test)");
                }), commands);
        commands.shutdown();

        assertThat(firstReplacement.get(30, TimeUnit.SECONDS)).as("the old pair copied aside").hasSize(2);
        assertThatThrownBy(() -> secondReplacement.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CertificateNotReplacedException.class);
        X509Certificate served = ServedCertificate.read(files.key(), files.certificate()).material().chain().get(0);
        assertThat(served).as("the certificate served is one whose audit record was appended").isIn(audited)
                .isEqualTo(first.certificate());
        try (var names = Files.list(tls)) {
            assertThat(names.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".new"));
        }
    }

    private static List<Path> replace(ServerCertificateFiles files, IssuedCertificate pair, Runnable audit) {
        try {
            return files.replace(pair, audit);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT_FOR_THE_OTHER_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static IssuedCertificate server(ForeignCa ca, String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        Instant now = Instant.now();
        return ca.server(name, generator.generateKeyPair(), now.minus(Duration.ofMinutes(5)),
                now.plus(Duration.ofDays(90)), KeyPurposeId.id_kp_serverAuth);
    }
}
