package io.vaultgate.https.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.AuthFailureCounts;
import io.vaultgate.core.testing.TenantPolicyRefusal;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Basic auth against a locked tenant, driven by curl: the right password gets the wrong one's answer (status,
 * headers, body) and its address is banned at the same attempt, so guessing while the tenant is locked tells nothing
 * (before, the right password's address was never banned); once the tenant is unlocked the right password logs in,
 * the refused attempts having locked nothing out. Under every policy, {@code vaultgate_auth_failures_total} counts a
 * right and a wrong password alike, under the policy's reason (before, a wrong one was {@code bad_credential} and a
 * right one the policy's reason, which told whoever scrapes the ops listener which was right). This front-end logs no
 * line of its own for a refused login.
 */
class PolicyRefusalHttpsIT {

    private static final String PASSWORD = "correct horse battery";
    private static final String WRONG = "incorrect horse battery";
    private static final int THRESHOLD = 3;

    @TempDir
    Path directory;

    private TestCore core;
    private HttpsServer server;
    private Curl curl;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (core != null) {
            core.close();
        }
    }

    @Test
    void rightAndWrongPassword_ofALockedTenant_getTheSameAnswer_andTheSameBan() throws Exception {
        GatewayCore gateway = start(DefenderPolicy.defaults().withBans(THRESHOLD, Duration.ofMinutes(5),
                Duration.ofHours(1)));
        assertThat(basic("127.0.0.5", PASSWORD)).as("the password logs in").startsWith("200");
        gateway.administration().lock(TenantId.of("acme"));
        AuthFailureCounts metric = new AuthFailureCounts(gateway.metrics().registry());

        List<AuthFailureCounts.Change<String>> right = new ArrayList<>();
        List<AuthFailureCounts.Change<String>> wrong = new ArrayList<>();
        for (int attempt = 0; attempt <= THRESHOLD; attempt++) {
            right.add(metric.during(() -> basic("127.0.0.2", PASSWORD)));
            wrong.add(metric.during(() -> basic("127.0.0.3", WRONG)));
        }

        assertThat(right).as("the right password's answers and counts, attempt by attempt").isEqualTo(wrong);
        assertThat(wrong.subList(0, THRESHOLD)).allSatisfy(seen -> {
            assertThat(seen.answer()).startsWith("401");
            assertThat(seen.increase()).isEqualTo(Map.of("https/tenant_locked", 1.0));
        });
        assertThat(wrong.get(THRESHOLD).answer()).as("banned: closed before TLS").startsWith("0");
        assertThat(gateway.incidents().defender().activeBans()).extracting(ban -> ban.address())
                .containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");

        gateway.administration().unlock(TenantId.of("acme"));
        assertThat(basic("127.0.0.4", PASSWORD)).as("no lockout left behind").startsWith("200");
    }

    /** Every policy: a right and a wrong password get the same answer and the same count, under the policy's reason. */
    @ParameterizedTest
    @EnumSource(TenantPolicyRefusal.class)
    void rightAndWrongPassword_whileAPolicyRefuses_areCountedAlike(TenantPolicyRefusal policy) throws Exception {
        GatewayCore gateway = start(DefenderPolicy.defaults());
        TenantPolicyRefusal.Target alice = new TenantPolicyRefusal.Target(TenantId.of("acme"), "alice",
                Protocol.HTTPS, Cidr.parse("127.0.0.0/8"));
        policy.impose(core, alice);
        AuthFailureCounts metric = new AuthFailureCounts(gateway.metrics().registry());

        AuthFailureCounts.Change<String> right = metric.during(() -> basic("127.0.0.2", PASSWORD));
        AuthFailureCounts.Change<String> wrong = metric.during(() -> basic("127.0.0.3", WRONG));

        assertThat(right).isEqualTo(wrong);
        assertThat(wrong.answer()).startsWith("401");
        assertThat(wrong.increase()).isEqualTo(Map.of("https/" + policy.reason().name().toLowerCase(Locale.ROOT),
                1.0));
        policy.lift(core, alice);
        assertThat(basic("127.0.0.4", PASSWORD)).as("no lockout left behind").startsWith("200");
    }

    /** Starts the core and the HTTPS front-end, with account alice of tenant acme, which allows passwords. */
    private GatewayCore start(DefenderPolicy defender) throws Exception {
        core = TestCore.create(Files.createDirectories(directory.resolve("core")), new GatewayCore.Settings(
                Duration.ofHours(24), 64).withAccess(AccessPolicy.defaults().withDefender(defender)));
        TestTls tls = TestTls.create(directory);
        GatewayCore gateway = core.core();
        server = HttpsServer.start(HttpsSettings.defaults(tls.serverMaterial()).withAddress("127.0.0.1", 0),
                new HttpsServices(gateway.authenticator(), gateway.files(), gateway.ingest(), gateway.batches(),
                        gateway.receipts()));
        curl = new Curl(tls.caPem(), Files.createDirectories(directory.resolve("curl")));
        gateway.administration().createTenant(TenantId.of("acme"), "Acme", true);
        gateway.administration().createAccount(TenantId.of("acme"), "alice");
        gateway.administration().setPassword("alice", PASSWORD.toCharArray());
        return gateway;
    }

    /** Status, the response's headers but its date, and body, of a Basic login as alice from {@code source}. */
    private String basic(String source, String password) throws Exception {
        Path headers = Files.createTempFile(directory, "headers", ".txt");
        Curl.Result result = curl.run("--interface", source, "--dump-header", headers.toString(), "-u",
                "alice:" + password, "https://127.0.0.1:" + server.port() + "/v1/files/inbox/");
        StringBuilder answer = new StringBuilder().append(result.status());
        for (String line : Files.readAllLines(headers)) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("date:")) {
                answer.append('\n').append(line.strip());
            }
        }
        return answer.append('\n').append(result.status() == 200 ? "" : result.body()).toString();
    }
}
