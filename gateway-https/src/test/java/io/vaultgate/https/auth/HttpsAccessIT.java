package io.vaultgate.https.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.testing.TotpCodes;
import io.vaultgate.core.mfa.Totp;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access controls over HTTPS, driven by curl from distinct loopback source addresses: brute force bans the
 * source (its connections are then closed before TLS, even with a valid token) while another address goes on; a lockdown or a token revocation
 * ordered from another process ends a live upload within 2 s and leaves nothing visible; an operator whose
 * role requires MFA logs in only with a token bought with a TOTP code, each code once.
 */
class HttpsAccessIT {

    @TempDir
    Path directory;

    private TestCore core;
    private HttpsServer server;
    private TestTls tls;
    private Curl curl;
    private final List<Process> started = new ArrayList<>();

    private void start(AccessPolicy policy) throws Exception {
        start(policy, java.time.Clock.systemUTC());
    }

    /** As {@link #start(AccessPolicy)}, with a core whose time is {@code clock} (the catalog's, not this host's). */
    private void start(AccessPolicy policy, java.time.Clock clock) throws Exception {
        core = TestCore.create(Files.createDirectories(directory.resolve("core")),
                new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(policy), clock);
        tls = TestTls.create(directory);
        GatewayCore gateway = core.core();
        server = HttpsServer.start(HttpsSettings.defaults(tls.serverMaterial()).withAddress("127.0.0.1", 0),
                new HttpsServices(gateway.authenticator(), gateway.files(), gateway.ingest(), gateway.batches(),
                        gateway.receipts()));
        curl = new Curl(tls.caPem(), Files.createDirectories(directory.resolve("curl")));
    }

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
        if (server != null) {
            server.close();
        }
        if (core != null) {
            core.close();
        }
    }

    private String url(String path) {
        return "https://127.0.0.1:" + server.port() + path;
    }

    private String clientToken(String user) {
        core.client("acme", user, Protocol.HTTPS);
        return core.core().administration().issueAccountToken(user, "test");
    }

    @Test
    void bruteForceFromOneAddress_bansIt_whileAnotherAddressGoesOn() throws Exception {
        start(AccessPolicy.defaults().withDefender(DefenderPolicy.defaults().withBans(15, Duration.ofMinutes(5),
                Duration.ofHours(1))));
        String token = clientToken("alice");

        List<Integer> statuses = new ArrayList<>();
        for (int attempt = 0; attempt < 30; attempt++) {
            statuses.add(curl.run("--interface", "127.0.0.2", "-H", "Authorization: Bearer vg_guess" + attempt,
                    url("/v1/files/inbox/")).status());
        }

        // 401 until the ban; from then on the connection is closed before the TLS handshake (no HTTP status)
        int banned = statuses.indexOf(0);
        assertThat(banned).as(statuses.toString()).isBetween(1, 15);
        assertThat(statuses.subList(0, banned)).containsOnly(401);
        assertThat(statuses.subList(banned, statuses.size())).containsOnly(0);
        assertThat(core.core().incidents().defender().activeBans()).extracting(b -> b.address())
                .containsExactly("127.0.0.2");
        assertThat(curl.run("--interface", "127.0.0.2", "-H", "Authorization: Bearer " + token,
                url("/v1/files/inbox/")).status()).as("the banned address, with a valid token").isEqualTo(0);
        assertThat(curl.run("--interface", "127.0.0.3", "-H", "Authorization: Bearer " + token,
                url("/v1/files/inbox/")).status()).as("another address").isEqualTo(200);
    }

    @Test
    void lockdownFromAnotherProcess_endsALiveUploadWithinTwoSeconds() throws Exception {
        start(AccessPolicy.defaults());
        String token = clientToken("alice");
        long ended;
        try (TestCore cli = otherProcess()) {
            ended = cutOffUpload(token, "/v1/files/inbox/big.bin", () -> cli.core().incidents().lockdown()
                    .lockdown(TenantId.of("acme"), "ticket 4712", "cli:responder"));
        }
        assertThat(ended).as("ms from lockdown to curl's end").isLessThan(2000);
        assertThat(committedFiles()).isZero();
        assertThat(curl.run("-H", "Authorization: Bearer " + token, url("/v1/files/inbox/")).status()).isEqualTo(401);
        System.out.printf("lockdown ended the HTTPS upload after %d ms%n", ended);
    }

    @Test
    void revokingTheToken_endsItsLiveUploadWithinTwoSeconds() throws Exception {
        start(AccessPolicy.defaults());
        String token = clientToken("alice");
        long ended;
        try (TestCore cli = otherProcess()) {
            ended = cutOffUpload(token, "/v1/files/inbox/big.bin", () -> cli.core().incidents().revocation()
                    .revokeToken("alice", token, "token leaked", "cli:responder"));
        }
        assertThat(ended).isLessThan(2000);
        assertThat(committedFiles()).isZero();
        assertThat(curl.run("-H", "Authorization: Bearer " + token, url("/v1/files/inbox/")).status()).isEqualTo(401);
        System.out.printf("revocation ended the HTTPS upload after %d ms%n", ended);
    }

    @Test
    void operatorRequiringMfa_getsAShortLivedTokenOnlyWithAFreshCode() throws Exception {
        start(AccessPolicy.defaults().withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR))));
        core.operator("manila", "maria", Protocol.HTTPS);
        String longLived = core.core().sites().issueOperatorToken("maria", "test");
        String secret = core.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test").secret();
        String bearer = "Authorization: Bearer " + longLived;

        assertThat(curl.run("-H", bearer, url("/v1/batches")).status()).as("long-lived token alone").isEqualTo(401);
        long step = Totp.step(Instant.now());
        byte[] key = TotpCodes.decode(secret);
        String wrong = Totp.code(key, step).equals("000000") ? "000001" : "000000";
        assertThat(exchange(bearer, wrong).status()).isEqualTo(401);
        assertThat(exchange(bearer, Totp.code(key, step - 3)).status()).as("90 s old").isEqualTo(401);

        String code = Totp.code(key, step);
        Curl.Result issued = exchange(bearer, code);
        assertThat(issued.status()).isEqualTo(200);
        String body = issued.body();
        String shortLived = body.strip().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
        assertThat(curl.run("-H", "Authorization: Bearer " + shortLived, url("/v1/batches")).status()).isEqualTo(200);
        assertThat(exchange(bearer, code).status()).as("the same code again").isEqualTo(401);
    }

    @Test
    void theShortLivedTokensExpiresIn_isItsLifetime_whenTheCoresTimeIsNotThisHosts() throws Exception {
        // the core runs on the catalog's time (CatalogClock), here an hour ahead of this host's clock
        java.time.Clock catalogTime = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(1));
        start(AccessPolicy.defaults().withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR))), catalogTime);
        core.operator("manila", "maria", Protocol.HTTPS);
        String longLived = core.core().sites().issueOperatorToken("maria", "test");
        String secret = core.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test").secret();

        Curl.Result issued = exchange("Authorization: Bearer " + longLived,
                TotpCodes.now(secret, catalogTime.instant()));

        assertThat(issued.status()).isEqualTo(200);
        assertThat(issued.body().strip().replaceAll(".*\"expires_in\":(\\d+).*", "$1")).as(issued.body())
                .isEqualTo(String.valueOf(MfaPolicy.defaults().tokenLifetime().toSeconds()));
    }

    /** A second core over the same catalog, as {@code vaultgate lockdown} in another process opens it. */
    private TestCore otherProcess() {
        return TestCore.reopen(directory.resolve("core"), new GatewayCore.Settings(Duration.ofHours(24), 64));
    }

    private Curl.Result exchange(String bearer, String code) throws Exception {
        return curl.run("-X", "POST", "-H", bearer, "-H", "Vaultgate-TOTP: " + code, url("/v1/auth/token"));
    }

    /**
     * Starts a rate-limited curl upload, runs {@code order} once it is under way, returns ms until curl ended, which
     * it must without success: the connection cut mid-body or, if the gateway's refusal reached curl before the close,
     * a status that is not 2xx (curl then exits 0).
     */
    private long cutOffUpload(String token, String path, ThrowingRunnable order) throws Exception {
        Path big = directory.resolve("big.bin");
        try (var out = Files.newOutputStream(big)) {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
            }
        }
        Process upload = new ProcessBuilder("curl", "--silent", "--output", "/dev/null", "--write-out", "%{http_code}",
                "--cacert", tls.caPem().toString(), "--limit-rate", "2M", "-T", big.toString(),
                "-H", "Authorization: Bearer " + token, url(path))
                .redirectErrorStream(true).redirectOutput(directory.resolve("upload.out").toFile()).start();
        started.add(upload);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (core.core().incidents().sessions().list().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(500);
        assertThat(upload.isAlive()).as("the upload is under way").isTrue();
        long ordered = System.nanoTime();
        order.run();
        assertThat(upload.waitFor(10, TimeUnit.SECONDS)).as("curl ended").isTrue();
        long ended = (System.nanoTime() - ordered) / 1_000_000;
        // cut off: the connection closed mid-body (curl fails, status 000), or a refusal answered before it closed
        String status = Files.readString(directory.resolve("upload.out")).trim();
        assertThat(upload.exitValue() != 0 || !status.startsWith("2"))
                .as("curl failed or was refused (exit %d, status %s)", upload.exitValue(), status).isTrue();
        return ended;
    }

    private long committedFiles() throws Exception {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:"
                + directory.resolve("core").resolve("catalog.db"));
             java.sql.ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM files WHERE state = 'COMMITTED'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
