package io.vaultgate.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.function.Supplier;

/** {@code /status.json}: the live {@link StatusReport}, for the status page and {@code vaultgate status}. */
final class StatusHandler implements HttpHandler {

    private final Supplier<StatusReport> report;
    private final ObjectMapper json;

    StatusHandler(Supplier<StatusReport> report, ObjectMapper json) {
        this.report = report;
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (Exchanges.readOnly(exchange)) {
            Exchanges.send(exchange, 200, Exchanges.JSON, json.writeValueAsBytes(report.get()));
        }
    }
}
