package io.vaultgate.server.ops;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Whose token a request of the ops listener carried ({@link AdminTokenFilter}), and so which view of
 * {@code /status.json} it gets: an administrator's shows everything; a monitor's (what Prometheus holds, the least
 * privileged principal) shows the same counts, states, sizes and ages without the file paths and login names of
 * transfers ({@link MonitorView}).
 */
public enum OpsRole {
    MONITOR, ADMINISTRATOR;

    /** {@code monitor} or {@code administrator}: the {@code view} of a status report. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role {@code label} names: a report without one comes from a gateway older than the views, which showed
     * everything; one this version does not know is taken for a restricted one.
     */
    public static OpsRole of(String label) {
        if (label == null || label.isEmpty()) {
            return ADMINISTRATOR;
        }
        return ADMINISTRATOR.label().equals(label) ? ADMINISTRATOR : MONITOR;
    }
}
