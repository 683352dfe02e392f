package io.vaultgate.server.cli;

import io.vaultgate.server.RunFile;
import io.vaultgate.server.config.OpsConfig;
import java.net.URI;
import java.util.Optional;

/**
 * Where a command finds the ops listener when it is given no {@code --url}: where the gateway serving from the data
 * directory says it listens ({@link RunFile}), as long as that very process runs; otherwise where the configuration
 * puts it ({@code ops.bind}, {@code ops.port}, {@code ops.tls}), with the reason the run file was not used, so that a
 * failure there names both.
 *
 * @param url           the ops listener
 * @param runFileUnused why the run file was not used, when {@code url} is the configuration's
 */
record OpsAddress(URI url, Optional<String> runFileUnused) {

    /** Neither the run file nor the configuration says where the ops listener is. */
    static final class UnknownException extends Exception {
        UnknownException(String message) {
            super(message);
        }
    }

    static OpsAddress of(OpsConfig ops, RunFile runFile) throws UnknownException {
        RunFile.Lookup lookup = runFile.read();
        String unused;
        if (lookup instanceof RunFile.Live live) {
            if (live.record().ops().isPresent()) {
                return new OpsAddress(live.record().ops().get(), Optional.empty());
            }
            unused = "the gateway serving from this data directory (pid " + live.record().process().pid()
                    + ") runs no ops listener (ops.enabled: false)";
        } else {
            unused = ((RunFile.Ignored) lookup).cause();
        }
        if (ops.port() == 0) {
            throw new UnknownException("ops.port is 0 (a port chosen at start), so the configuration does not say "
                    + "where the ops listener is, and " + unused + "; give the listener with --url");
        }
        return new OpsAddress(StatusCommand.defaultUrl(ops), Optional.of(unused));
    }
}
