package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.DemoSetup;
import io.vaultgate.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate demo} creates its tenant, client account, credentials, site and route, and seals the site to its
 * X25519 key, as the operating-system user who started it ({@code cli:<user>}), like every other change made with the
 * CLI: not as the unnamed {@code cli}, and the recipient key not unaudited.
 */
class DemoActorAuditTest {

    private static final String USER = "cli:" + System.getProperty("user.name");

    @TempDir
    Path home;
    @TempDir
    Path out;

    @Test
    void theDemosTenantAccountSiteAndRoute_areAuditedAsTheOperatingSystemUser() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        DataDirectory directory = new DataDirectory(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("home", home.toString())));
        try (CoreResources gateway = AcmeHome.open(home)) {
            DemoCommand.prepare(new DemoSetup(), gateway.core(), directory);
            DemoSite.start(gateway.core(), directory).close();
        }

        List<Map<String, Object>> changes = demoChanges(cli);

        assertThat(changes).extracting(change -> change.get("action")).contains("TENANT_CREATED", "SITE_CREATED",
                "ACCOUNT_CREATED", "CREDENTIAL_ADDED", "ROUTE_CHANGED", "SITE_UPDATED");
        assertThat(changes).allSatisfy(change -> assertThat(change.get("actor"))
                .as("%s %s", change.get("action"), change.get("subject")).isEqualTo(USER));
    }

    /** The administrative changes in the whole audit export. */
    private List<Map<String, Object>> demoChanges(CliHarness cli) throws Exception {
        Path export = out.resolve("audit.jsonl");
        CliHarness.Result exported = cli.run("audit", "export", "--since", "2000-01-01T00:00:00Z", "--out",
                export.toString());
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        List<Map<String, Object>> changes = new ArrayList<>();
        for (String line : Files.readAllLines(export)) {
            Map<String, Object> record = JsonReader.parseObject(line);
            if ("event".equals(record.get("type")) && record.get("event") instanceof Map<?, ?> shown) {
                @SuppressWarnings("unchecked")
                Map<String, Object> event = (Map<String, Object>) shown;
                if ("admin.change".equals(event.get("kind"))) {
                    changes.add(event);
                }
            }
        }
        return changes;
    }
}
