package io.vaultgate.server.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.forward.RetryPolicy;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.https.TlsMaterial;
import io.vaultgate.https.receiver.ReceiverSettings;
import io.vaultgate.https.receiver.SiteReceiver;
import io.vaultgate.server.TestKeystore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real gateway ({@code java -jar vaultgate.jar run}) forwarding to a site receiver, SIGKILLed again and
 * again while forwards are in flight and restarted: in the end every uploaded file is in the site's drop
 * directory exactly once, byte for byte, every job is DELIVERED with the file's digest, and nothing partial
 * is left. Kills are timed from the catalog: each one lands a random 0-400 ms after a job was seen IN_FLIGHT.
 * The site is down while the files are uploaded (over HTTPS, with curl), so the whole backlog is forwarded
 * during the kills.
 */
class ForwardingCrashIT {

    /** Enough files that the backlog outlasts the kills, though a healthy site takes the next file at once. */
    private static final int FILES = 16;
    private static final int KILLS = 6;
    /** Kills spare jobs that already used this many attempts, so no job is pushed towards DEAD (10). */
    private static final int KILLABLE_ATTEMPTS = 4;
    private static final String SITE = "manila";
    /**
     * A restarted gateway finds its killed incarnation's last beat recent and waits two heartbeats (plus 200 ms)
     * before it joins, to tell a crash from a second process with its id: 4.2 s a restart at the default 2 s
     * beat, 1.2 s at 500 ms. The same wait, on the same path, at every restart; dead-after stays the default.
     */
    private static final Map<String, String> SETTINGS = Map.of("catalog.node-heartbeat", "500ms");

    @TempDir
    Path dir;

    private final Random random = new Random();

    @Test
    void sigkilledManyTimesWhileForwarding_everyFileArrivesExactlyOnce_andNoneIsLost() throws Exception {
        Path home = dir.resolve("home");
        int sitePort = GatewayRun.freePort();
        String token = setUp(home, sitePort);
        Map<String, String> expected = new HashMap<>();

        GatewayRun gateway = GatewayRun.start("forward-crash-0", home, false, SETTINGS);
        for (int i = 0; i < FILES; i++) {
            byte[] content = new byte[3 * 1024 * 1024 + random.nextInt(1 << 20)];
            random.nextBytes(content);
            Path file = dir.resolve("f" + i + ".bin");
            Files.write(file, content);
            expected.put("f" + i + ".bin", sha256(content));
            upload(home, gateway.httpsPort, token, file);
        }
        // the site comes up only now, so the whole backlog is forwarded while the gateway is being killed
        try (SiteReceiver receiver = startReceiver(home, sitePort, dir.resolve("drop"));
             Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            Outbox outbox = new Outbox(catalog, RetryPolicy.defaults(), new SecureRandom());
            int killedInFlight = 0;
            int kills = 0;
            for (int kill = 1; kill <= KILLS && !allDelivered(outbox); kill++) {
                if (!awaitInFlight(outbox, Duration.ofSeconds(30))) {
                    break;
                }
                Thread.sleep(random.nextInt(400));
                gateway.kill();
                kills++;
                killedInFlight += outbox.list(Optional.of(ForwardState.IN_FLIGHT), 1000).size();
                gateway = GatewayRun.start("forward-crash-" + kill, home, false, SETTINGS);
            }
            assertThat(kills).as("SIGKILLs while forwards were in flight").isEqualTo(KILLS);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!allDelivered(outbox) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<ForwardJob> jobs = outbox.list(Optional.empty(), 1000);
            assertThat(jobs).hasSize(FILES).allSatisfy(job -> assertThat(job.state())
                    .as(job.id() + " " + job.lastError().orElse("")).isEqualTo(ForwardState.DELIVERED));
            assertThat(killedInFlight).as("kills that left forwards in flight").isPositive();
            System.out.printf("ForwardingCrashIT: %d job(s) left in flight by kills; attempts per job %s%n",
                    killedInFlight, jobs.stream().map(ForwardJob::attempts).toList());
        } finally {
            gateway.close();
        }

        Path inbox = dir.resolve("drop").resolve("acme").resolve("acme-upload").resolve("inbox");
        Map<String, String> dropped = new HashMap<>();
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path file : files.toList()) {
                dropped.put(file.getFileName().toString(), sha256(Files.readAllBytes(file)));
            }
        }
        assertThat(dropped).as("every file exactly once, with its bytes").isEqualTo(expected);
        try (Stream<Path> markers = Files.list(dir.resolve("drop").resolve(".vaultgate").resolve("received"));
             Stream<Path> partial = Files.list(dir.resolve("drop").resolve(".vaultgate").resolve("tmp"))) {
            assertThat(markers.count()).as("one receipt marker per file").isEqualTo(FILES);
            assertThat(partial.toList()).as("nothing partial left at the site").isEmpty();
        }
    }

    /** Initializes the gateway's home in-process: tenant, account with a token, site, mTLS, push route. */
    private String setUp(Path home, int sitePort) {
        TestKeystore.seed(home);
        GatewayRun.cli("init", "--home", home.toString());
        GatewayRun.cli("tenant", "add", "acme", "--home", home.toString());
        String created = GatewayRun.cli("account", "add", "acme-upload", "--tenant", "acme", "--token", "--home",
                home.toString());
        GatewayRun.cli("site", "add", SITE, "--home", home.toString());
        GatewayRun.cli("forward", "configure", SITE, "--endpoint", "https://127.0.0.1:" + sitePort, "--trust",
                home.resolve("tls").resolve("ca.crt").toString(), "--issue-client-cert", "--max-concurrency", "1",
                "--home", home.toString());
        GatewayRun.cli("site", "route", "--tenant", "acme", "--site", SITE, "--mode", "push", "--home",
                home.toString());
        return created.substring(created.indexOf("(shown once): ") + "(shown once): ".length()).strip();
    }

    /**
     * The site: the reference receiver, its server certificate from the gateway CA; it trusts the forwarding CA,
     * which {@code forward configure --issue-client-cert} created.
     */
    private static SiteReceiver startReceiver(Path home, int port, Path drop) throws Exception {
        Path tls = home.resolve("tls");
        CertificateAuthority ca = new CertificateAuthority(IssuedCertificate.read(tls.resolve("ca.key"),
                tls.resolve("ca.crt")), new SecureRandom(), Clock.systemUTC());
        IssuedCertificate server = ca.issueServer("crash-test site", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(1));
        return SiteReceiver.start(ReceiverSettings.of(SITE, new InetSocketAddress("127.0.0.1", port), drop,
                Pem.readCertificates(tls.resolve("forwarding-ca.crt"))), TlsMaterial.of(server.privateKey(),
                server.chain()));
    }

    private static void upload(Path home, int port, String token, Path file) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body", "--cacert",
                home.resolve("tls").resolve("ca.crt").toString(), "-H", "Authorization: Bearer " + token, "-T",
                file.toString(), "https://127.0.0.1:" + port + "/v1/files/inbox/" + file.getFileName()));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as(output).isZero();
    }

    private static boolean awaitInFlight(Outbox outbox, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (outbox.list(Optional.of(ForwardState.IN_FLIGHT), 100).stream()
                    .anyMatch(job -> job.attempts() <= KILLABLE_ATTEMPTS)) {
                return true;
            }
            if (allDelivered(outbox)) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static boolean allDelivered(Outbox outbox) {
        return outbox.count(ForwardState.DELIVERED) == FILES;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
