package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over real HTTPS with curl: claims and reads need the tenant's current policy acknowledged first. */
class PolicyAckIT {

    @TempDir
    Path dir;

    private TestGateway gateway;
    private Curl curl;
    private String operator;
    private String client;
    private TenantId tenant;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Curl.available(), "curl is not installed");
        gateway = TestGateway.start(dir);
        curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
        tenant = gateway.principal().tenant();
        gateway.core().sites().createSite("manila", "Manila processing");
        gateway.core().sites().createSite("pune", "Pune processing");
        gateway.core().sites().createOperator("manila", "maria");
        gateway.core().sites().createOperator("pune", "priya");
        operator = "Authorization: Bearer " + gateway.core().sites().issueOperatorToken("maria", "test");
        client = "Authorization: Bearer " + gateway.token();
        gateway.core().sites().addRoute(tenant, "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1, 0,
                Duration.ZERO);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void claimWithoutAck_is403PolicyNotAcknowledged_thenReadAckClaimAndDownloadWork() throws Exception {
        gateway.core().policies().publish(tenant, "Process on site only.\n");
        Path data = Files.writeString(dir.resolve("a.csv"), "1,2");
        assertThat(curl.run("-T", data.toString(), "-H", client, gateway.url("/v1/files/inbox/a.csv")).status())
                .isEqualTo(201);
        String batch = firstId(curl.run("-H", operator, gateway.url("/v1/batches")).body());

        Curl.Result refused = curl.run("-X", "POST", "-H", operator, gateway.url("/v1/batches/" + batch + "/claim"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("urn:vaultgate:problem:policy-not-acknowledged")
                .contains("policy v1").contains("/policy/ack");

        String policyPath = "/v1/operator/tenants/" + tenant + "/policy";
        Curl.Result policy = curl.run("-H", operator, gateway.url(policyPath));
        assertThat(policy.status()).isEqualTo(200);
        assertThat(policy.body()).contains("\"version\":1").contains("Process on site only.");

        Curl.Result ack = curl.run("-X", "POST", "-H", operator, gateway.url(policyPath + "/ack?version=1"));
        assertThat(ack.status()).as(ack.body()).isEqualTo(200);
        assertThat(ack.body()).contains("\"operator\":\"maria\"");

        assertThat(curl.run("-X", "POST", "-H", operator, gateway.url("/v1/batches/" + batch + "/claim")).status())
                .isEqualTo(200);
        String file = "/v1/files/" + tenant + "/" + batch + "/a.csv";
        assertThat(curl.run("-H", operator, gateway.url(file)).body()).isEqualTo("1,2");

        gateway.core().policies().publish(tenant, "Process on site only. No screenshots.\n");
        Curl.Result stale = curl.run("-H", operator, gateway.url(file));
        assertThat(stale.status()).isEqualTo(403);
        assertThat(stale.body()).contains("urn:vaultgate:problem:policy-not-acknowledged").contains("policy v2");
        Curl.Result listing = curl.run("-H", operator, gateway.url("/v1/files/" + tenant + "/" + batch + "/"));
        assertThat(listing.status()).as("the batch's file names and sizes, refused like the read").isEqualTo(403);
        assertThat(listing.body()).contains("urn:vaultgate:problem:policy-not-acknowledged").contains("policy v2")
                .doesNotContain("a.csv");
        assertThat(curl.run("-I", "-H", operator, gateway.url(file)).status()).as("HEAD: the file's size")
                .isEqualTo(403);
        assertThat(curl.run("-X", "POST", "-H", operator, gateway.url(policyPath + "/ack?version=1")).status())
                .isEqualTo(409);
    }

    @Test
    void otherSitesOperators_andClients_cannotReachTheTenantsPolicy() throws Exception {
        gateway.core().policies().publish(tenant, "terms");
        String policyPath = "/v1/operator/tenants/" + tenant + "/policy";
        String priya = "Authorization: Bearer " + gateway.core().sites().issueOperatorToken("priya", "test");

        assertThat(curl.run("-H", priya, gateway.url(policyPath)).status()).isEqualTo(404);
        assertThat(curl.run("-X", "POST", "-H", priya, gateway.url(policyPath + "/ack")).status()).isEqualTo(404);
        assertThat(curl.run("-H", client, gateway.url(policyPath)).status()).isEqualTo(403);
        assertThat(curl.run("-X", "DELETE", "-H", operator, gateway.url(policyPath)).status()).isEqualTo(405);
        assertThat(curl.run("-X", "POST", "-H", operator, gateway.url(policyPath + "/ack?version=x")).status())
                .isEqualTo(400);
        assertThat(curl.run("-H", operator, gateway.url("/v1/operator/tenants/" + tenant + "/other")).status())
                .isEqualTo(404);
    }

    private static String firstId(String json) {
        Matcher matcher = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }
}
