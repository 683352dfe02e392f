package io.vaultgate.server.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.forward.RetryPolicy;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.core.testing.NginxDavSite;
import io.vaultgate.server.TestKeystore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance item "plain forwarding works against any mTLS HTTPS server that accepts PUT", end to end
 * through the front-ends users meet: the real gateway ({@code java -jar vaultgate.jar run}, SFTP and
 * HTTPS) with a tenant routed in push mode to a site that is Debian's nginx (WebDAV {@code PUT},
 * {@code ssl_verify_client on} trusting only the gateway's forwarding CA, its server certificate from the site's own CA
 * pinned by the gateway). Files uploaded with OpenSSH {@code sftp} and with {@code curl} arrive in nginx's
 * directory, each under its file id, with the SHA-256 of what the client uploaded.
 * ({@code NginxForwardIT} in gateway-core drives the forwarder against the same nginx without front-ends.)
 */
class ForwardToNginxIT {

    private static final String SITE = "pune";
    private static final String ACCOUNT = "acme-upload";

    @TempDir
    Path dir;

    private final Random random = new Random();

    @Test
    void filesUploadedOverSftpAndHttps_arriveInNginx_withTheirSha256() throws Exception {
        assumeTrue(NginxDavSite.installed(), "nginx is not installed");
        Path home = dir.resolve("home");
        Path clientKey = sshKey();
        String token = provision(home, clientKey);
        CertificateAuthority siteCa = CertificateAuthority.create("Pune site CA", Duration.ofDays(2),
                new SecureRandom(), Clock.systemUTC());
        IssuedCertificate server = siteCa.issueServer("pune dav", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(1));
        Path siteCaPem = dir.resolve("pune-ca.pem");
        Pem.writeCertificates(siteCaPem, List.of(siteCa.certificate()));

        Map<String, String> expected = new TreeMap<>();
        // the first configuration creates the forwarding CA that nginx is to trust; the second, once nginx has its
        // port, points the site there with a certificate of the same CA
        configure(home, siteCaPem, "https://127.0.0.1:1");
        try (NginxDavSite nginx = NginxDavSite.start(Files.createDirectories(dir.resolve("nginx")), server,
                Pem.readCertificates(home.resolve("tls").resolve("forwarding-ca.crt")))) {
            configure(home, siteCaPem, nginx.endpoint().toString());
            GatewayRun.cli("site", "route", "--tenant", "acme", "--site", SITE, "--mode", "push", "--home",
                    home.toString());

            try (GatewayRun gateway = GatewayRun.start("forward-nginx", home, true)) {
                StringBuilder batch = new StringBuilder();
                for (int size : new int[] {17, 6 * 1024 * 1024 + 5}) {
                    Path file = randomFile("sftp-" + size + ".bin", size, expected);
                    batch.append("put ").append(file).append(" /inbox/").append(file.getFileName()).append('\n');
                }
                sftp(home, clientKey, gateway.sftpPort, batch.toString());
                for (int size : new int[] {1, 3 * 1024 * 1024 + 7}) {
                    curl(home, token, gateway.httpsPort, randomFile("https-" + size + ".bin", size, expected));
                }

                List<ForwardJob> jobs = awaitDelivered(home, expected.size(), Duration.ofSeconds(120));
                assertThat(jobs).hasSize(expected.size()).allSatisfy(job -> {
                    assertThat(job.state()).as(job.id() + " " + job.lastError().orElse("") + nginx.errorLog())
                            .isEqualTo(ForwardState.DELIVERED);
                    assertThat(job.siteDigest()).as("nginx answers without a digest").isEmpty();
                    assertThat(nginx.stored(job.fileId())).as("stored under its file id").isRegularFile();
                });
            }
            assertThat(storedDigests(nginx.filesDirectory()))
                    .as("every uploaded file arrived once, with the SHA-256 the client uploaded")
                    .containsExactlyInAnyOrderElementsOf(expected.values());
        }
    }

    /** init, the tenant, an account with an SSH key and an API token, the site. Returns the token. */
    private static void configure(Path home, Path siteCaPem, String endpoint) throws Exception {
        GatewayRun.cli("forward", "configure", SITE, "--endpoint", endpoint, "--trust", siteCaPem.toString(),
                "--issue-client-cert", "--no-site-digest", "--home", home.toString());
    }

    private static String provision(Path home, Path clientKey) {
        TestKeystore.seed(home);
        GatewayRun.cli("init", "--home", home.toString());
        GatewayRun.cli("tenant", "add", "acme", "--home", home.toString());
        String created = GatewayRun.cli("account", "add", ACCOUNT, "--tenant", "acme", "--ssh-key",
                clientKey.resolveSibling(clientKey.getFileName() + ".pub").toString(), "--token", "--home",
                home.toString());
        GatewayRun.cli("site", "add", SITE, "--home", home.toString());
        String marker = "(shown once): ";
        return created.lines().filter(line -> line.contains(marker)).findFirst().orElseThrow()
                .substring(created.lines().filter(line -> line.contains(marker)).findFirst().orElseThrow()
                        .indexOf(marker) + marker.length()).strip();
    }

    private Path randomFile(String name, int size, Map<String, String> expected) throws Exception {
        byte[] content = new byte[size];
        random.nextBytes(content);
        expected.put(name, sha256(content));
        return Files.write(dir.resolve(name), content);
    }

    private Path sshKey() throws Exception {
        Path key = Files.createDirectories(dir.resolve("client")).resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "forward-nginx", "-f", key.toString()),
                null, 60);
        return key;
    }

    /** The real OpenSSH sftp in batch mode, pinning the gateway's host keys. */
    private void sftp(Path home, Path key, int port, String commands) throws Exception {
        StringBuilder known = new StringBuilder();
        for (String name : List.of("ssh_host_ed25519_key.pub", "ssh_host_rsa_key.pub")) {
            Path pub = home.resolve("ssh").resolve(name);
            if (Files.exists(pub)) {
                String[] fields = Files.readString(pub).trim().split("\\s+");
                known.append("[127.0.0.1]:").append(port).append(' ').append(fields[0]).append(' ')
                        .append(fields[1]).append('\n');
            }
        }
        Path knownHosts = Files.writeString(dir.resolve("client").resolve("known_hosts"), known);
        run(List.of("sftp", "-b", "-", "-i", key.toString(), "-o", "UserKnownHostsFile=" + knownHosts, "-o",
                "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=30", "-P",
                String.valueOf(port), ACCOUNT + "@127.0.0.1"), commands, 180);
    }

    private static void curl(Path home, String token, int port, Path file) throws Exception {
        run(List.of("curl", "-sS", "--fail-with-body", "--cacert", home.resolve("tls").resolve("ca.crt").toString(),
                "-H", "Authorization: Bearer " + token, "-T", file.toString(),
                "https://127.0.0.1:" + port + "/v1/files/inbox/" + file.getFileName()), null, 120);
    }

    private static void run(List<String> command, String stdin, int timeoutSeconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not end within " + timeoutSeconds + " s: " + output);
        }
        assertThat(process.exitValue()).as(command.get(0) + ": " + output).isZero();
    }

    /** Waits until {@code count} jobs are DELIVERED (or the time is up), then returns every job. */
    private static List<ForwardJob> awaitDelivered(Path home, int count, Duration timeout) throws Exception {
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            Outbox outbox = new Outbox(catalog, RetryPolicy.defaults(), new SecureRandom());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (outbox.count(ForwardState.DELIVERED) < count && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            return outbox.list(Optional.empty(), 1000);
        }
    }

    private static List<String> storedDigests(Path directory) throws Exception {
        List<String> digests = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                digests.add(sha256(file));
            }
        }
        return digests;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
