package io.vaultgate.server.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaultgate.core.metrics.CheckResult;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * {@code /health/live}: 200 whenever the process can answer. {@code /health/ready}: 200 when every
 * readiness check is up, else 503, with each check's name and state as JSON, so a load balancer reads the status
 * code and a person sees which check failed. Neither needs a token, so neither says why a check failed: the
 * reason may name paths or carry an exception's text. It is logged when the check goes down ({@link LoggedCheck})
 * and shown in the administrator's {@code /status.json} ({@code vaultgate status}).
 *
 * <p>Anyone who reaches the listener may ask {@code /health/ready}, and each run of the checks queries the catalog
 * and looks at its file, so one run answers every request for {@link #READY_CACHE} after it finished: however fast
 * anonymous clients ask, the checks run at most about once per that period (requests that arrive while a run is
 * under way wait for it rather than start their own). A change of state therefore shows here up to that much
 * later; the administrator's {@code /status.json} and the {@code vaultgate_ready} gauge run the checks each time.
 */
final class HealthHandler {

    /** How long one run of the readiness checks answers {@code /health/ready}. */
    static final Duration READY_CACHE = Duration.ofSeconds(1);

    private final List<ReadinessCheck> checks;
    private final ObjectMapper json;
    private final long cacheNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock checking = new ReentrantLock();
    private volatile Answer last;

    /** A readiness answer and when its checks finished ({@link #nanoTime}). */
    private record Answer(int status, byte[] body, long finishedAt) {
    }

    /**
     * @param cache    how long a readiness answer is served again; zero runs the checks on every request
     * @param nanoTime a monotonic clock in nanoseconds ({@link System#nanoTime} but in tests)
     */
    HealthHandler(List<ReadinessCheck> checks, ObjectMapper json, Duration cache, LongSupplier nanoTime) {
        if (cache.isNegative()) {
            throw new IllegalArgumentException("negative readiness cache period");
        }
        this.checks = LoggedCheck.wrap(checks);
        this.json = json;
        this.cacheNanos = cache.toNanos();
        this.nanoTime = nanoTime;
    }

    /** {@code /health/live} (answered on the network thread) and {@code /health/ready} (on a worker). */
    Map<String, Route> routes() {
        return Map.of("/health/live", Route.immediate(Reply.json(200, bytes(Map.of("status", "up")))),
                "/health/ready", Route.blocking(request -> {
                    Answer answer = ready();
                    return Reply.json(answer.status(), answer.body());
                }));
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Answer ready() {
        Answer seen = last;
        if (fresh(seen)) {
            return seen;
        }
        checking.lock();
        try {
            seen = last;
            if (fresh(seen)) {
                return seen; // another request ran the checks while this one waited
            }
            Answer answer = runChecks();
            last = answer;
            return answer;
        } finally {
            checking.unlock();
        }
    }

    private boolean fresh(Answer answer) {
        return answer != null && nanoTime.getAsLong() - answer.finishedAt() < cacheNanos;
    }

    private Answer runChecks() {
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
        return new Answer(up ? 200 : 503, bytes(body), nanoTime.getAsLong());
    }
}
