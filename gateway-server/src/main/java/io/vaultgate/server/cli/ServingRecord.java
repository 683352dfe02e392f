package io.vaultgate.server.cli;

import io.vaultgate.server.ProcessIdentity;
import io.vaultgate.server.RunFile;
import io.vaultgate.server.RunRecord;
import io.vaultgate.server.VaultgateApplication;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run file ({@link RunFile}) of the gateway this process serves ({@code vaultgate run}, {@code demo}): written
 * once every listener is bound, removed when the gateway stops cleanly. Without it {@code vaultgate status --home}
 * still finds a gateway on configured ports; so a failure to write or remove it is logged, and the gateway serves on.
 */
public final class ServingRecord {

    private static final Logger LOG = LoggerFactory.getLogger(ServingRecord.class);

    private final RunFile runFile;
    private final ProcessIdentity self;

    private ServingRecord(RunFile runFile, ProcessIdentity self) {
        this.runFile = runFile;
        this.self = self;
    }

    /**
     * Records where {@code app} listens, every listener bound: this process, the node id and the bound addresses.
     * Empty, logged, where it could not be written.
     */
    public static Optional<ServingRecord> write(VaultgateApplication app) {
        return write(RunFile.in(app.dataDirectory().home()), ProcessIdentity.current(),
                self -> new RunRecord(self, app.core().nodes().id(),
                        app.opsPort().map(port -> StatusCommand.opsUrl(app.dataDirectory().config().ops(), port)),
                        app.httpsPort(), app.sftpPort()));
    }

    /**
     * @param self   this process, empty on a system without /proc to identify it by (nothing is written then)
     * @param record what to record of {@code self}
     */
    static Optional<ServingRecord> write(RunFile runFile, Optional<ProcessIdentity> self,
                                         Function<ProcessIdentity, RunRecord> record) {
        if (self.isEmpty()) {
            LOG.warn("no run file {}: this system has no /proc to identify the process by; give `vaultgate status` "
                    + "the ops listener with --url", runFile.path());
            return Optional.empty();
        }
        try {
            runFile.write(record.apply(self.get()));
            return Optional.of(new ServingRecord(runFile, self.get()));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("cannot write the run file {} ({}); give `vaultgate status` the ops listener with --url",
                    runFile.path(), e.toString());
            return Optional.empty();
        }
    }

    /** Removes the run file, unless a later gateway wrote its own meanwhile ({@link RunFile#remove}). */
    void remove() {
        try {
            runFile.remove(self);
        } catch (IOException e) {
            LOG.warn("cannot remove the run file {} ({}); the next start replaces it", runFile.path(), e.toString());
        }
    }
}
