package io.vaultgate.sftp;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.IngestService;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running SFTP front-end: started by the composition root, stopped at shutdown. */
public final class SftpFrontEnd implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SftpFrontEnd.class);

    private final SshServer server;

    private SftpFrontEnd(SshServer server) {
        this.server = server;
    }

    /** Same as {@link #start(SftpSettings, Authenticator, FileService, IngestService, MeterRegistry)}, with meters
     * kept in a private registry nobody reads. */
    public static SftpFrontEnd start(SftpSettings settings, Authenticator authenticator, FileService files,
            IngestService ingest) {
        return start(settings, authenticator, files, ingest, new SimpleMeterRegistry());
    }

    /**
     * Builds the server and starts listening; fails if a host key or algorithm is wrong or the port is taken.
     * Meters ({@code vaultgate.sftp.*}) are registered in {@code registry}.
     */
    public static SftpFrontEnd start(SftpSettings settings, Authenticator authenticator, FileService files,
            IngestService ingest, MeterRegistry registry) {
        SshServer server = SftpServerFactory.create(settings, authenticator, files, ingest, registry);
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("sftp: cannot listen on " + settings.bindAddress() + ":" + settings.port(), e);
        }
        LOG.info("sftp listening on {}:{}", settings.bindAddress(), server.getPort());
        return new SftpFrontEnd(server);
    }

    /** The port actually bound (useful when the settings asked for 0). */
    public int port() {
        return server.getPort();
    }

    public boolean isRunning() {
        return server.isStarted();
    }

    /** Stops accepting and closes every session; open uploads are kept as resumable partials. */
    @Override
    public void close() {
        try {
            server.stop(false);
        } catch (IOException e) {
            LOG.warn("sftp: error while stopping: {}", e.toString());
        }
    }
}
