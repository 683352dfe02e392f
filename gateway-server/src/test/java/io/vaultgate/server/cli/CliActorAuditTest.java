package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every change made with the CLI is audited as the operating-system user who ran it ({@code cli:<user>}), in the
 * audit export and in the tenant's transparency report: who created a tenant, an account or a credential, rotated
 * or retired a key, changed a route, published a data-handling policy or recorded an operator's acknowledgement.
 */
class CliActorAuditTest {

    private static final String USER = "cli:" + System.getProperty("user.name");

    @TempDir
    Path home;
    @TempDir
    Path out;

    @Test
    void everyChangeMadeWithTheCli_isAuditedAsTheOperatingSystemUser() throws Exception {
        assertThat(Actor.current()).isEqualTo(USER);
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));
        ok(cli.run("tenant", "set", "acme", "--quota-files", "1000"));
        Path policy = Files.writeString(out.resolve("policy.txt"), "Handle acme's files on managed hosts only.\n");
        ok(cli.run("policy", "publish", "--tenant", "acme", policy.toString()));
        ok(cli.run("account", "add", "acme-up", "--tenant", "acme", "--token"));
        ok(cli.run("keys", "rotate", "--tenant", "acme"));
        ok(cli.run("keys", "disable", "--tenant", "acme", "--kek-version", "1"));
        ok(cli.run("keys", "rotate", "--tenant", "acme", "--emergency"));
        ok(cli.run("site", "add", "manila"));
        ok(cli.run("operator", "add", "maria", "--site", "manila", "--token"));
        Matcher route = Pattern.compile("Created route (\\S+):")
                .matcher(ok(cli.run("site", "route", "--tenant", "acme", "--site", "manila")).out());
        assertThat(route.find()).isTrue();
        ok(cli.run("policy", "ack", "--operator", "maria", "--tenant", "acme"));
        ok(cli.run("site", "unroute", "--tenant", "acme", route.group(1)));
        ok(cli.run("lockdown", "acme", "--reason", "ticket 4711"));

        List<Map<String, Object>> changes = changes(cli);

        assertThat(changes).extracting(change -> change.get("action")).contains("ADMIN_CREATED", "TENANT_CREATED",
                "TENANT_UPDATED", "ACCOUNT_CREATED", "CREDENTIAL_ADDED", "ROTATE", "DISABLE", "REWRAP",
                "SITE_CREATED", "ROUTE_CHANGED", "POLICY_PUBLISHED", "POLICY_ACKNOWLEDGED", "TENANT_LOCKED");
        assertThat(changes).allSatisfy(change -> assertThat(change.get("actor"))
                .as("%s %s", change.get("action"), change.get("subject")).isEqualTo(USER));

        String month = YearMonth.now(ZoneOffset.UTC).toString();
        ok(cli.run("report", "--tenant", "acme", "--period", month, "--out", out.toString()));
        String report = Files.readString(out.resolve("report-acme-" + month + ".json"));
        assertThat(report).contains("\"actor\":\"" + USER + "\"").doesNotContain("\"actor\":\"cli\"");
    }

    /** The administrative changes and key operations in the gateway's whole audit export. */
    private List<Map<String, Object>> changes(CliHarness cli) throws Exception {
        Path export = out.resolve("audit.jsonl");
        ok(cli.run("audit", "export", "--since", "2000-01-01T00:00:00Z", "--out", export.toString()));
        List<Map<String, Object>> changes = new ArrayList<>();
        for (String line : Files.readAllLines(export)) {
            Map<String, Object> record = JsonReader.parseObject(line);
            if ("event".equals(record.get("type")) && record.get("event") instanceof Map<?, ?> shown) {
                @SuppressWarnings("unchecked")
                Map<String, Object> event = (Map<String, Object>) shown;
                if (List.of("admin.change", "key.operation").contains(event.get("kind"))) {
                    changes.add(event);
                }
            }
        }
        return changes;
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        return result;
    }
}
