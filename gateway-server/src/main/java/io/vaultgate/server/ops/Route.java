package io.vaultgate.server.ops;

import java.util.function.Function;

/**
 * One endpoint of the ops listener. A {@code blocking} one reads the catalog (a token check, the readiness checks,
 * the catalog gauges) and runs on the listener's small worker pool; the others answer from memory on the network
 * thread, so {@code /health/live} answers however busy the workers are.
 */
record Route(boolean blocking, Function<OpsRequest, Reply> answer) {

    static Route immediate(Reply reply) {
        return new Route(false, request -> reply);
    }

    static Route blocking(Function<OpsRequest, Reply> answer) {
        return new Route(true, answer);
    }
}
