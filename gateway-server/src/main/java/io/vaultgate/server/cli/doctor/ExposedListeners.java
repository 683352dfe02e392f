package io.vaultgate.server.cli.doctor;

import io.vaultgate.server.config.OpsConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The ops/admin listener (metrics, status, admin token checks) bound to a non-loopback address without
 * TLS: admin tokens and the status page would cross the network in clear text. (The HTTPS admin API always
 * uses TLS.)
 */
final class ExposedListeners implements Check {

    static final String NAME = "exposed-listener";

    @Override
    public List<Finding> run(DoctorContext context) {
        OpsConfig ops = context.config().ops();
        if (ops.enabled() && !ops.tls() && !isLoopback(ops.bind())) {
            return List.of(new Finding(NAME, "ops " + ops.bind() + ":" + ops.port(),
                    "the admin/ops listener is on a non-loopback address without TLS",
                    "set ops.tls: true, or ops.bind: 127.0.0.1"));
        }
        return List.of();
    }

    static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
