package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/grafana/vaultgate-dashboard.json} shows what the alerts watch, names only documented metrics,
 * and lays its panels out without overlap.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "vaultgate-dashboard.json");
    private static final Path RULES = Path.of("..", "deploy", "prometheus", "vaultgate-rules.yml");
    private static final Path DOCS = Path.of("..", "docs", "operations.md");
    private static final Pattern METRIC = Pattern.compile("\\b((?:vaultgate|jvm|process|system)_[a-z0-9_]+)");

    @Test
    void everyMetricAnAlertWatches_hasAPanel() throws Exception {
        Set<String> shown = metrics(expressions());
        Set<String> alerted = metrics(Files.readString(RULES).lines().filter(l -> l.strip().startsWith("expr:")
                || l.startsWith("          ")).toList());

        assertThat(shown).containsAll(alerted);
    }

    @Test
    void everyMetricOnTheDashboard_isDocumented() throws Exception {
        String docs = Files.readString(DOCS);

        for (String metric : metrics(expressions())) {
            String base = metric.replaceAll("_(bucket|count|sum)$", "");
            assertThat(docs).as("docs/operations.md documents %s", base).contains(base);
        }
    }

    @Test
    void panels_haveUniqueIds_andDoNotOverlap() throws Exception {
        List<JsonNode> panels = new ArrayList<>();
        new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels").forEach(panels::add);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            assertThat(ids.add(panel.path("id").asInt())).as("id %s is unique", panel.path("id")).isTrue();
        }
        for (int i = 0; i < panels.size(); i++) {
            for (int j = i + 1; j < panels.size(); j++) {
                assertThat(overlap(panels.get(i).path("gridPos"), panels.get(j).path("gridPos")))
                        .as("%s and %s overlap", panels.get(i).path("title"), panels.get(j).path("title")).isFalse();
            }
        }
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
    }

    private static List<String> expressions() throws Exception {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        return expressions;
    }

    private static Set<String> metrics(List<String> texts) {
        Set<String> names = new TreeSet<>();
        for (String text : texts) {
            Matcher matcher = METRIC.matcher(text);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }
}
