package io.vaultgate.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /status.json}: the live {@link StatusReport}, for the status page and {@code vaultgate status}. A
 * report that cannot be built answers 500 at once (the JDK server would otherwise leave the client waiting).
 */
final class StatusHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StatusHandler.class);

    private final Supplier<StatusReport> report;
    private final ObjectMapper json;

    StatusHandler(Supplier<StatusReport> report, ObjectMapper json) {
        this.report = report;
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!Exchanges.readOnly(exchange)) {
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(report.get());
        } catch (RuntimeException e) {
            LOG.warn("status report failed: {}", e.toString());
            Exchanges.text(exchange, 500, "the status report could not be built; see the gateway's log\n");
            return;
        }
        Exchanges.send(exchange, 200, Exchanges.JSON, body);
    }
}
