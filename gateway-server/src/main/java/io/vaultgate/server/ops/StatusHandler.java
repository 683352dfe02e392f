package io.vaultgate.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /status.json}: the live {@link StatusReport}, for the status page and {@code vaultgate status}: all of it for
 * an administrator's token, the {@link MonitorView} of it for a monitor's. A report that cannot be built answers 500
 * at once rather than leaving the client waiting.
 */
final class StatusHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StatusHandler.class);

    private final Supplier<StatusReport> report;
    private final ObjectMapper json;

    /** @param report the administrator's (full) report */
    StatusHandler(Supplier<StatusReport> report, ObjectMapper json) {
        this.report = report;
        this.json = json;
    }

    /** Runs on a worker: the report reads the catalog. */
    Reply report(OpsRequest request, OpsRole role) {
        byte[] body;
        try {
            StatusReport full = report.get();
            body = json.writeValueAsBytes(role == OpsRole.ADMINISTRATOR ? full : MonitorView.of(full));
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.warn("status report failed: {}", e.toString());
            return Reply.text(500, "the status report could not be built; see the gateway's log\n");
        }
        return Reply.json(200, body);
    }
}
