package io.vaultgate.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditPublicKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a scripted month matches the golden file (random ids and the key replaced by stable names),
 * its signatures verify with the public key alone (also with the openssl binary), and any change fails.
 * Regenerate the golden file with {@code -Dvaultgate.golden.update=true} and review the diff.
 */
class TransparencyReportTest {

    private static final String GOLDEN = "golden-report-acme-2026-11.json";

    @TempDir
    Path home;
    @TempDir
    Path out;
    private ReportFixture fixture;
    private SignedReport report;
    private AuditPublicKey key;

    @BeforeEach
    void scriptedMonth() throws IOException {
        fixture = new ReportFixture(home).script();
        report = fixture.report();
        key = AuditKeys.readPublicKey(AuditKeys.publicKeyFile(home.resolve("audit-signing.key")));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void reportOfAScriptedMonth_matchesTheGoldenFile() throws IOException {
        String actual = stable(new String(report.json(), StandardCharsets.UTF_8));
        if (Boolean.getBoolean("vaultgate.golden.update")) {
            Files.writeString(Path.of("src/test/resources/io/vaultgate/core/report/" + GOLDEN), actual);
        }
        try (InputStream golden = TransparencyReportTest.class.getResourceAsStream(GOLDEN)) {
            assertThat(golden).as("golden file " + GOLDEN).isNotNull();
            assertThat(actual).isEqualTo(new String(golden.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void report_coversTheMonthOnly_andNamesWhoDidWhat() {
        String json = new String(report.json(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"operator\":\"maria\"", "\"action\":\"file.downloaded\"", "\"action\":\"batch.claimed\"",
                "\"source\":\"203.0.113.9\"", "\"site\":\"lyon\"", "\"reason\":\"retention\"", "\"chain_intact\":true",
                "emergency: new KEK version 3", "\"emergency\":true");
        assertThat(json).as("a credential an administrator gave one of the tenant's accounts").contains(
                "\"account_changes\":[{\"action\":\"CREDENTIAL_ADDED\",\"actor\":\"admin:root\"");
        assertThat(json).as("other tenants and other months").doesNotContain("globex", "December terms",
                "october.csv\",\"bytes");
    }

    @Test
    void signatures_verifyWithThePublicKeyAlone_andAnyChangeFails() {
        assertThat(SignedReport.verify(report.json(), report.jsonSignature(), key)).isTrue();
        assertThat(SignedReport.verify(report.html(), report.htmlSignature(), key)).isTrue();
        for (int i = 0; i < report.json().length; i += 97) {
            byte[] tampered = report.json().clone();
            tampered[i] ^= 1;
            assertThat(SignedReport.verify(tampered, report.jsonSignature(), key)).as("byte " + i).isFalse();
        }
        byte[] html = new String(report.html(), StandardCharsets.UTF_8).replace("maria", "mario")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SignedReport.verify(html, report.htmlSignature(), key)).isFalse();
        assertThat(SignedReport.verify(report.json(), report.htmlSignature(), key)).isFalse();
    }

    @Test
    void opensslVerifiesTheReport_independently() throws Exception {
        assumeThat(run("openssl", "version")).isZero();
        Path json = Files.write(out.resolve("report.json"), report.json());
        Path sig = Files.write(out.resolve("report.json.sig"), report.jsonSignature());
        Path pub = AuditKeys.publicKeyFile(home.resolve("audit-signing.key"));

        assertThat(run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin", "-in",
                json.toString(), "-sigfile", sig.toString())).isZero();

        byte[] tampered = report.json().clone();
        tampered[tampered.length / 2] ^= 1;
        Files.write(json, tampered);
        assertThat(run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin", "-in",
                json.toString(), "-sigfile", sig.toString())).isNotZero();
    }

    @Test
    void html_isStandalone_andEscapesEverything() {
        String html = new String(report.html(), StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("Transparency report: acme Ltd (acme), 2026-11")
                .contains(SignedReport.sha256Hex(report.json())).doesNotContain("<script").doesNotContain("http://")
                .doesNotContain("https://");
        assertThat(ReportHtml.escape("<b a=\"x\">&'")).isEqualTo("&lt;b a=&quot;x&quot;&gt;&amp;&#39;");
    }

    @Test
    void forwardedSite_isListedWithTheFingerprintsOfItsPinnedCertificates() throws Exception {
        io.vaultgate.core.pki.CertificateAuthority siteCa = io.vaultgate.core.pki.CertificateAuthority.create(
                "Lyon site CA", java.time.Duration.ofDays(365), new java.security.SecureRandom(), fixture.clock);
        io.vaultgate.core.pki.IssuedCertificate client = siteCa.issueClient("gateway", java.time.Duration.ofDays(90));
        Path key = out.resolve("lyon-client.key");
        io.vaultgate.core.pki.Pem.writePrivateKey(key, client.privateKey());
        fixture.test.core().sites().createSite("lyon", "Lyon processing");
        new io.vaultgate.core.forward.ForwardingAdministration(fixture.test.database(), fixture.clock).configureSite(
                new io.vaultgate.core.forward.SiteForwarding("lyon", java.net.URI.create("https://127.0.0.1:9/drop/"),
                        java.util.List.of(siteCa.certificate()), client.chain(), key, java.util.Optional.empty(), 2,
                        true));

        String json = new String(fixture.report().json(), StandardCharsets.UTF_8);

        assertThat(json).contains("\"site\":\"lyon\"", "\"endpoint\":\"https://127.0.0.1:9/drop/\"",
                "\"trust_anchor_sha256\":[\"" + io.vaultgate.core.pki.Fingerprints.sha256(siteCa.certificate()) + "\"]",
                "\"gateway_client_certificate_sha256\":\"" + io.vaultgate.core.pki.Fingerprints.sha256(
                        client.certificate()) + "\"");
    }

    /** Replaces random file and batch ids, and the key id, by names in order of first appearance. */
    static String stable(String json) {
        Map<String, String> names = new LinkedHashMap<>();
        Matcher matcher = Pattern.compile("\\b(f|b)_[0-9a-f]{8,}\\b").matcher(json);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = names.computeIfAbsent(matcher.group(), id -> matcher.group(1).toUpperCase() + (names.size() + 1));
            matcher.appendReplacement(out, name);
        }
        matcher.appendTail(out);
        return out.toString().replaceAll("\"key\":\"[0-9a-f]{64}\"", "\"key\":\"KEY\"") + "\n";
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return process.exitValue();
    }
}
