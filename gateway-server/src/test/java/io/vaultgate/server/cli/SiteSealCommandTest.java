package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.crypto.seal.SitePublicKey;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate site seal} and {@code site add --sealed-recipient-key} change who can read what is forwarded to a
 * site: each change is in the audit log ({@code admin.change SITE_UPDATED}), as the operating-system user who made it.
 * Before, neither was audited.
 */
class SiteSealCommandTest {

    private static final String USER = "cli:" + System.getProperty("user.name");

    @TempDir
    Path home;
    @TempDir
    Path out;

    @Test
    void sealingResealingAndUnsealing_areAuditedAsTheCliUser() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        SitePublicKey first = key("first.pub");
        SitePublicKey second = key("second.pub");
        ok(cli.run("site", "add", "manila", "--sealed-recipient-key", out.resolve("first.pub").toString()));

        ok(cli.run("site", "seal", "manila", "--recipient-key", out.resolve("second.pub").toString()));
        Result again = ok(cli.run("site", "seal", "manila", "--recipient-key", out.resolve("second.pub").toString()));
        ok(cli.run("site", "seal", "manila", "--off"));

        assertThat(siteUpdates(cli)).containsExactly(
                USER + " site manila sealed to X25519 key " + first.toBase64(),
                USER + " site manila sealed to X25519 key " + second.toBase64() + " (was " + first.toBase64() + ")",
                USER + " site manila unsealed (was " + second.toBase64() + ")");
        assertThat(again.out()).contains("(unchanged)");
    }

    private SitePublicKey key(String name) throws Exception {
        byte[] raw = new byte[SitePublicKey.SIZE];
        new SecureRandom().nextBytes(raw);
        SitePublicKey key = SitePublicKey.of(raw);
        Files.writeString(out.resolve(name), key.toPem());
        return key;
    }

    /** Actor and subject of every SITE_UPDATED record in the gateway's audit export, in order. */
    private List<String> siteUpdates(CliHarness cli) throws Exception {
        Path export = out.resolve("audit.jsonl");
        ok(cli.run("audit", "export", "--since", "2000-01-01T00:00:00Z", "--out", export.toString()));
        List<String> updates = new ArrayList<>();
        for (String line : Files.readAllLines(export)) {
            Map<String, Object> record = JsonReader.parseObject(line);
            if ("event".equals(record.get("type")) && record.get("event") instanceof Map<?, ?> event
                    && "SITE_UPDATED".equals(event.get("action"))) {
                updates.add(event.get("actor") + " " + event.get("subject"));
            }
        }
        return updates;
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        return result;
    }
}
