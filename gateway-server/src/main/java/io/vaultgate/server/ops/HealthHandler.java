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
 * readiness check is up, else 503, with each check's name and state as JSON, so a load balancer reads the status
 * code and a person sees which check failed. Neither needs a token, so neither says why a check failed: the
 * reason may name paths or carry an exception's text. It is logged when the check goes down ({@link LoggedCheck})
 * and shown in the administrator's {@code /status.json} ({@code vaultgate status}).
 */
final class HealthHandler implements HttpHandler {

    private final List<ReadinessCheck> checks;
    private final ObjectMapper json;

    HealthHandler(List<ReadinessCheck> checks, ObjectMapper json) {
        this.checks = LoggedCheck.wrap(checks);
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
            List<Map<String, Object>> states = new ArrayList<>();
            boolean up = true;
            for (ReadinessCheck check : checks) {
                CheckResult result = check.check();
                up &= result.up();
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("name", result.name());
                state.put("up", result.up());
                states.add(state);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "up" : "down");
            body.put("checks", states);
            Exchanges.send(exchange, up ? 200 : 503, Exchanges.JSON, json.writeValueAsBytes(body));
        } else {
            Exchanges.text(exchange, 404, "not found\n");
        }
    }
}
