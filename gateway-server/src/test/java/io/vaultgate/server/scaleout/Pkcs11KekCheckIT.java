package io.vaultgate.server.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KEK checks against the catalog's key checks ({@code kek_versions.kek_check}) on real SoftHSM2 tokens, with
 * the gateway run as operators run it ({@code java -jar vaultgate.jar}: a process per node and per command under test;
 * the set-up's commands run a few to a child JVM, {@link GatewayCli#runAll}). One catalog, two tokens:
 * token A, with which every tenant was made and rotated, and token B, a copy of A taken (like an HSM restored from a
 * backup) after tenants {@code acme} and {@code gamma} were made and before {@code beta} was, on which
 * {@code gamma} was then rotated against another copy of the catalog: B holds {@code acme/v1} as A does, lacks
 * {@code beta} altogether (behind) and holds another key than the catalog's under {@code gamma/v2} (forked).
 *
 * <p>{@code KekStartupCheck}: a node on token B starts, stays ready, finds both at start-up (log, metric, status
 * page) and refuses exactly those two tenants' uploads with the documented 503 while it serves {@code acme}; a
 * node on token A with the same catalog finds nothing and serves all three. {@code vaultgate doctor}
 * ({@code pkcs11-token}): reports both for token B, nothing for token A.
 */
class Pkcs11KekCheckIT {

    private static final String PIN = "pin-3f8b21c6";
    private static final List<String> TENANTS = List.of("acme", "beta", "gamma");
    private static final String CLIENT_MESSAGE = "the tenant's encryption keys are being updated on this gateway "
            + "node; retry later";
    private static final Pattern REFUSALS = byReason("vaultgate_kek_refusals_total");
    private static final Pattern OUT_OF_STEP = byReason("vaultgate_kek_versions_out_of_step");

    /** One client, its connection kept alive: the ops listener caps connections per source. */
    private static final HttpClient OPS_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .build();

    @TempDir
    static Path dir;

    private static Path home;
    private static Token tokenA;
    private static Token tokenB;
    /** Each tenant's uploader's API token. */
    private static final Map<String, String> API_TOKENS = new LinkedHashMap<>();
    private static String monitorToken;

    /** What an upload was answered. */
    private record Upload(int status, String body) {
    }

    /** A token and what the gateway's processes need to use it. */
    private record Token(SoftHsmToken hsm, Map<String, String> env, Map<String, String> settings) {
        static Token of(SoftHsmToken hsm) {
            Map<String, String> env = new HashMap<>(hsm.environment());
            env.put("VAULTGATE_PKCS11_PIN", PIN);
            return new Token(hsm, Map.copyOf(env), hsm.settings());
        }

        String cli(int expectedExit, String... args) throws IOException, InterruptedException {
            return GatewayCli.run(home, env, settings, expectedExit, args);
        }

        /** Set-up commands, each to exit 0, in one child JVM ({@link GatewayCli#runAll}); their outputs. */
        List<String> cliAll(List<List<String>> commands) throws IOException, InterruptedException {
            return GatewayCli.runAll(home, env, settings, commands);
        }
    }

    @BeforeAll
    static void oneCatalog_tokenA_andTokenBBehindOnBetaAndForkedOnGamma() throws Exception {
        home = dir.resolve("home");
        tokenA = Token.of(SoftHsmToken.create(dir.resolve("hsm-a"), "vaultgate-it", PIN));
        GatewayCli.seedHostKeys(home, tokenA.env(), tokenA.settings());
        Path monitorTokenFile = dir.resolve("monitor/token");
        tokenA.cliAll(List.of(List.of("init"), List.of("tenant", "add", "acme", "--name", "Acme"),
                List.of("tenant", "add", "gamma", "--name", "Gamma"),
                List.of("monitor", "add", "prometheus", "--token-file", monitorTokenFile.toString())));
        monitorToken = Files.readString(monitorTokenFile).strip();

        // the copy: no process has token A open; the catalog copied with it is where gamma is rotated on B
        tokenB = Token.of(tokenA.hsm().copyTo(dir.resolve("hsm-b")));
        Path otherCatalog = Files.createDirectories(dir.resolve("other-catalog")).resolve("catalog.db");
        for (String suffix : List.of("", "-wal", "-shm")) {
            if (Files.exists(home.resolve("catalog.db" + suffix))) {
                Files.copy(home.resolve("catalog.db" + suffix), otherCatalog.resolveSibling("catalog.db" + suffix));
            }
        }

        List<List<String>> onA = new ArrayList<>(List.of(List.of("tenant", "add", "beta", "--name", "Beta"),
                List.of("keys", "rotate", "--tenant", "gamma")));
        for (String tenant : TENANTS) {
            onA.add(List.of("account", "add", tenant + "-loader", "--tenant", tenant, "--token"));
        }
        List<String> outputs = tokenA.cliAll(onA);
        assertThat(outputs.get(1)).contains("now encrypts new files under gamma/v2");
        for (int i = 0; i < TENANTS.size(); i++) {
            API_TOKENS.put(TENANTS.get(i), GatewayCli.apiToken(outputs.get(2 + i)));
        }
        Map<String, String> onOtherCatalog = new HashMap<>(tokenB.settings());
        onOtherCatalog.put("catalog.path", otherCatalog.toString());
        assertThat(GatewayCli.run(home, tokenB.env(), onOtherCatalog, 0, "keys", "rotate", "--tenant", "gamma"))
                .contains("now encrypts new files under gamma/v2");
    }

    @Test
    void startUpCheck_onATokenBehindOnOneTenantAndForkedOnAnother_reportsBoth_andRefusesExactlyThem_stayingReady()
            throws Exception {
        Path file = Files.write(dir.resolve("upload.bin"), "a file for the inbox\n".getBytes(StandardCharsets.UTF_8));

        try (GatewayProcess nodeA = GatewayProcess.start("pkcs11-kek-token-a", home, tokenA.env(),
                tokenA.settings())) {
            assertThat(startUpSummary(nodeA)).contains("KEK start-up check: 3 active tenants' keys verified")
                    .contains(" 0 forked, 0 behind, 0 not checked");
            assertThat(refusals(nodeA)).containsEntry("keystore_forked", 0.0).containsEntry("keystore_behind", 0.0);
            assertThat(scraped(nodeA, OUT_OF_STEP)).containsEntry("keystore_forked", 0.0)
                    .containsEntry("keystore_behind", 0.0);
            assertThat(alerts(nodeA)).noneMatch(alert -> alert.startsWith("keys:"));
            Curl curl = new Curl(home.resolve("tls/ca.crt"));
            for (String tenant : TENANTS) {
                assertThat(upload(curl, nodeA, tenant, file).status()).as(tenant).isBetween(200, 204);
            }
        }

        try (GatewayProcess nodeB = GatewayProcess.start("pkcs11-kek-token-b", home, tokenB.env(),
                tokenB.settings())) {
            assertThat(startUpSummary(nodeB)).contains("KEK start-up check: 1 active tenants' keys verified")
                    .contains(" 1 forked, 1 behind, 0 not checked")
                    .as("a token node's fix: its token settings, not a keystore file it does not have")
                    .contains("log in to the same token as the node that changed them", "keys.pkcs11.slot")
                    .doesNotContain("kek.p12");
            String log = Files.readString(GatewayProcess.logFile(nodeB.name));
            assertThat(log).contains("this node's token holds another key under KEK version 2 of tenant gamma "
                            + "than the one the catalog records (its key check fails here)")
                    .contains("this node's token is behind the catalog: KEK version 1 of tenant beta is active "
                            + "(this node's token has no KEK of the tenant)")
                    .doesNotContain("this node's keystore")
                    .doesNotContain("of tenant acme").doesNotContain(PIN);
            assertThat(refusals(nodeB)).containsEntry("keystore_forked", 1.0).containsEntry("keystore_behind", 1.0);
            assertThat(scraped(nodeB, OUT_OF_STEP)).as("the start-up findings at the first scrape, as a gauge")
                    .containsEntry("keystore_forked", 1.0).containsEntry("keystore_behind", 1.0);
            assertThat(alerts(nodeB)).filteredOn(alert -> alert.startsWith("keys:")).hasSize(2)
                    .anySatisfy(alert -> assertThat(alert).contains("(forked; refused here): gamma;"))
                    .anySatisfy(alert -> assertThat(alert).contains("(behind; refused here): beta;"))
                    .allSatisfy(alert -> assertThat(alert).contains("this node's token ", "keys.pkcs11.slot")
                            .doesNotContain("kek.p12"));

            Curl curl = new Curl(home.resolve("tls/ca.crt"));
            assertThat(upload(curl, nodeB, "acme", file).status()).isBetween(200, 204);
            for (String refused : List.of("beta", "gamma")) {
                Upload upload = upload(curl, nodeB, refused, file);
                assertThat(upload.status()).as("%s: %s", refused, upload).isEqualTo(503);
                assertThat(upload.body()).contains("urn:vaultgate:problem:unavailable").contains(CLIENT_MESSAGE)
                        .doesNotContain("keystore").doesNotContain("KEK");
            }
            assertThat(nodeB.ready()).as("node B stays ready").isTrue();
            assertThat(refusals(nodeB)).containsEntry("keystore_forked", 2.0).containsEntry("keystore_behind", 2.0);
            assertThat(scraped(nodeB, OUT_OF_STEP)).as("one per tenant, whatever its refusals")
                    .containsEntry("keystore_forked", 1.0).containsEntry("keystore_behind", 1.0);
        }
    }

    @Test
    void doctor_reportsTheForkedAndTheMissingVersionOnTokenB_andNothingOnTokenA() throws Exception {
        String subject = "pkcs11-token: slot " + tokenB.hsm().slot() + " of " + tokenB.hsm().library() + ": ";
        String onB = tokenB.cli(1, "doctor");
        assertThat(onB).contains(subject + "the token holds other keys than the catalog's under KEK version 2 of "
                        + "gamma (their key checks fail): the gateway refuses to wrap or unwrap with it "
                        + "(keystore_forked)")
                .contains(subject + "the token lacks KEK version 1 of beta that the catalog records")
                .doesNotContain("of acme").doesNotContain("could not run").doesNotContain(PIN);
        assertThat(onB.lines().filter(line -> line.startsWith("pkcs11-token:"))).hasSize(2);

        assertThat(tokenA.cli(GatewayCli.ANY_EXIT, "doctor")).contains("vaultgate doctor: ")
                .doesNotContain("pkcs11-token:").doesNotContain("could not run");
    }

    /** The start-up check's summary line, once it is logged (it runs in the background after readiness). */
    private static String startUpSummary(GatewayProcess node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String summary = Files.readAllLines(GatewayProcess.logFile(node.name), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains("KEK start-up check: ")).findFirst().orElse(null);
            if (summary != null) {
                return summary;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(node.name + " logged no KEK start-up check within 60 s:\n" + node.logTail());
    }

    /** {@code vaultgate_kek_refusals_total} by reason, from the node's {@code /metrics}. */
    private static Map<String, Double> refusals(GatewayProcess node) throws IOException, InterruptedException {
        return scraped(node, REFUSALS);
    }

    /** A series of the node's {@code /metrics} by its {@code reason} label. */
    private static Pattern byReason(String metric) {
        return Pattern.compile("(?m)^" + metric + "\\{[^}]*reason=\"(\\w+)\"[^}]*} (\\S+)$");
    }

    /** The values of {@code series} ({@link #byReason}) in the node's {@code /metrics}, by reason. */
    private static Map<String, Double> scraped(GatewayProcess node, Pattern series)
            throws IOException, InterruptedException {
        Map<String, Double> counts = new HashMap<>();
        Matcher m = series.matcher(ops(node, "/metrics"));
        while (m.find()) {
            counts.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return counts;
    }

    /** The {@code alerts} of the node's {@code /status.json}. */
    private static List<String> alerts(GatewayProcess node) throws IOException, InterruptedException {
        JsonNode alerts = new ObjectMapper().readTree(ops(node, "/status.json")).path("alerts");
        assertThat(alerts.isArray()).as("alerts in /status.json").isTrue();
        return StreamSupport.stream(alerts.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static String ops(GatewayProcess node, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = OPS_CLIENT.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.opsPort + path))
                .header("Authorization", "Bearer " + monitorToken).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    /** A PUT of {@code file} into the tenant's uploader's inbox: the response's status and body. */
    private static Upload upload(Curl curl, GatewayProcess node, String tenant, Path file)
            throws IOException, InterruptedException {
        Curl.Result result = curl.uploadShowingBody(API_TOKENS.get(tenant), file,
                "https://127.0.0.1:" + node.httpsPort + "/v1/files/inbox/" + tenant + ".bin", 60);
        assertThat(result.ok()).as("curl: %s", result).isTrue();
        String output = result.output();
        int end = output.lastIndexOf('\n');
        return new Upload(Integer.parseInt(output.substring(end + 1)), output.substring(0, Math.max(end, 0)));
    }
}
