package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The files in {@code deploy/prometheus} pass Prometheus' own checker ({@code promtool}, Debian
 * {@code prometheus}), and the alerts fire on the series they are meant for ({@code promtool test rules} with
 * {@code vaultgate-rules.test.yml}: each alert with input series that must fire it, and near misses that
 * must not).
 */
class PrometheusRulesTest {

    private static final Path DEPLOY = Path.of("..", "deploy", "prometheus").toAbsolutePath().normalize();

    @Test
    void alertRules_passPromtoolCheckRules() throws Exception {
        ExternalTool.Result result = promtool("check", "rules", DEPLOY.resolve("vaultgate-rules.yml").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void scrapeConfiguration_passesPromtoolCheckConfig() throws Exception {
        // --syntax-only: the example names files (the token, the CA) that exist only on a real Prometheus host.
        ExternalTool.Result result = promtool("check", "config", "--syntax-only",
                DEPLOY.resolve("prometheus.yml").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void everyAlert_firesOnTheSeriesItIsMeantFor_andNotOnNearMisses() throws Exception {
        ExternalTool.Result result = promtool("test", "rules", DEPLOY.resolve("vaultgate-rules.test.yml").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertOfTheRules_hasAUnitTest() throws Exception {
        Set<String> alerts = names(Pattern.compile("(?m)^\\s*- alert: (\\w+)"), DEPLOY.resolve("vaultgate-rules.yml"));
        Set<String> tested = names(Pattern.compile("(?m)^\\s*alertname: (\\w+)"),
                DEPLOY.resolve("vaultgate-rules.test.yml"));

        assertThat(alerts).isNotEmpty();
        assertThat(tested).containsAll(alerts);
    }

    private static Set<String> names(Pattern pattern, Path file) throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher matcher = pattern.matcher(Files.readString(file));
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static ExternalTool.Result promtool(String... arguments) throws Exception {
        String[] command = new String[arguments.length + 1];
        command[0] = ExternalTool.require("promtool", "prometheus").toString();
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        return ExternalTool.run(60, command);
    }
}
