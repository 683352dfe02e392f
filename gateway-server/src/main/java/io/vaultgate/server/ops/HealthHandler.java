package io.vaultgate.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.vaultgate.core.metrics.CheckResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /health/live}: 200 whenever the process can answer. {@code /health/ready}: 200 when every
 * readiness check is up, else 503; both list the checks as JSON, so a load balancer reads the status code
 * and a person reads the body. Neither needs a token (they reveal no tenant data).
 */
final class HealthHandler implements HttpHandler {

    private final List<ReadinessCheck> checks;
    private final ObjectMapper json;

    HealthHandler(List<ReadinessCheck> checks, ObjectMapper json) {
        this.checks = List.copyOf(checks);
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!Exchanges.readOnly(exchange)) {
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/health/live")) {
            Exchanges.send(exchange, 200, Exchanges.JSON, json.writeValueAsBytes(Map.of("status", "up")));
        } else if (path.equals("/health/ready")) {
            List<CheckResult> results = run();
            boolean up = results.stream().allMatch(CheckResult::up);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "up" : "down");
            body.put("checks", results);
            Exchanges.send(exchange, up ? 200 : 503, Exchanges.JSON, json.writeValueAsBytes(body));
        } else {
            Exchanges.text(exchange, 404, "not found\n");
        }
    }

    private List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        for (ReadinessCheck check : checks) {
            try {
                results.add(check.check());
            } catch (RuntimeException e) {
                results.add(CheckResult.down(check.getClass().getSimpleName(), "check failed: " + e.getMessage()));
            }
        }
        return results;
    }
}
