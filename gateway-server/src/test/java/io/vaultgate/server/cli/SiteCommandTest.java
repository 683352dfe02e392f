package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate site set SITE --allow-sources}: the networks a site's operators may log in from, parsed and refused
 * as {@code tenant set --allow-sources} is (the same messages; a bad network changes nothing), cleared with {@code ""},
 * shown by {@code site list} and {@code site show}, each change audited ({@code SITE_UPDATED}) as the CLI's user.
 */
class SiteCommandTest {

    private static final String USER = "cli:" + System.getProperty("user.name");

    @TempDir
    Path home;
    @TempDir
    Path out;

    @Test
    void allowSources_isStored_shown_cleared_andAudited() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("site", "add", "manila", "--name", "Manila BPO"));
        ok(cli.run("site", "add", "cebu"));

        assertThat(ok(cli.run("site", "show", "manila")).out()).contains("name:             Manila BPO",
                "operator sources: any");
        Result set = ok(cli.run("site", "set", "manila", "--allow-sources", "203.0.113.0/24, 2001:db8::/32"));
        assertThat(set.out()).contains("Updated site manila",
                "operator sources: [203.0.113.0/24, 2001:db8:0:0:0:0:0:0/32]");
        assertThat(ok(cli.run("site", "set", "manila", "--allow-sources", "203.0.113.0/24,2001:db8::/32")).out())
                .contains("(unchanged)");
        assertThat(ok(cli.run("site", "show", "manila")).out())
                .contains("operator sources: 203.0.113.0/24,2001:db8:0:0:0:0:0:0/32");
        assertThat(ok(cli.run("site", "list")).out())
                .containsPattern("manila +no +203\\.0\\.113\\.0/24,2001:db8\\S* +Manila BPO")
                .containsPattern("cebu +no +any +cebu");

        ok(cli.run("site", "set", "manila", "--allow-sources", ""));
        assertThat(ok(cli.run("site", "show", "manila")).out()).contains("operator sources: any");

        assertThat(siteUpdates(cli)).containsExactly(
                USER + " site manila operator sources [203.0.113.0/24, 2001:db8:0:0:0:0:0:0/32] (was any)",
                USER + " site manila operator sources any (was [203.0.113.0/24, 2001:db8:0:0:0:0:0:0/32])");
    }

    @Test
    void aBadNetwork_isRefusedWithTheTenantCommandsMessage_andChangesNothing() {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("site", "add", "manila"));
        ok(cli.run("tenant", "add", "acme"));
        ok(cli.run("site", "set", "manila", "--allow-sources", "198.51.100.0/24"));

        for (String bad : List.of("example.com", "10.0.0.0/8,10.1.2.3/33", "10.0.0.0/abc")) {
            Result site = cli.run("site", "set", "manila", "--allow-sources", bad);
            Result tenant = cli.run("tenant", "set", "acme", "--allow-sources", bad);
            assertThat(site.exitCode()).as(bad).isEqualTo(1).isEqualTo(tenant.exitCode());
            assertThat(site.err()).as(bad).isNotBlank().isEqualTo(tenant.err());
        }
        assertThat(cli.run("site", "set", "manila", "--allow-sources", "example.com").err())
                .contains("not an IP address: \"example.com\"; give a CIDR such as 10.0.0.0/8");
        assertThat(ok(cli.run("site", "show", "manila")).out()).contains("operator sources: 198.51.100.0/24");
    }

    @Test
    void anUnknownSite_orNoOption_isRefused() {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());

        Result unknown = cli.run("site", "set", "nowhere", "--allow-sources", "10.0.0.0/8");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no site nowhere; see `vaultgate site list`");
        assertThat(cli.run("site", "show", "nowhere").err()).contains("no site nowhere");
        Result none = cli.run("site", "set", "nowhere");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--allow-sources");
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
