package io.vaultgate.sftp;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.sftp.auth.AuthSteps;
import io.vaultgate.sftp.fs.SessionThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running SFTP front-end: started by the composition root, stopped at shutdown. */
public final class SftpFrontEnd implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SftpFrontEnd.class);

    /** How long a shutdown waits for the sessions' threads to close their handles after the sessions ended. */
    private static final Duration SESSION_WIND_DOWN = Duration.ofSeconds(10);

    private final SshServer server;
    private final SessionThreads sessionThreads;
    private final AuthSteps authSteps;

    private SftpFrontEnd(SshServer server, SessionThreads sessionThreads, AuthSteps authSteps) {
        this.server = server;
        this.sessionThreads = sessionThreads;
        this.authSteps = authSteps;
    }

    /** Same as {@link #start(SftpSettings, Authenticator, FileService, IngestService, MeterRegistry)}, with meters
     * kept in a private registry nobody reads. */
    public static SftpFrontEnd start(SftpSettings settings, Authenticator authenticator, FileService files,
            IngestService ingest) {
        return start(settings, authenticator, files, ingest, new SimpleMeterRegistry());
    }

    /**
     * Builds the server and starts listening; fails if a host key or algorithm is wrong or the port is taken.
     * Meters ({@code vaultgate.sftp.*}) are registered in {@code registry}. The server is {@link SftpServerFactory}'s,
     * with all its limits (the connection caps included).
     */
    public static SftpFrontEnd start(SftpSettings settings, Authenticator authenticator, FileService files,
            IngestService ingest, MeterRegistry registry) {
        // MFA steps' workers: no thread until a step needs one
        return start(settings, authenticator, files, ingest, registry, new AuthSteps());
    }

    /** The same, with MFA steps decided and answered by {@code authSteps} (a test's timer), closed with the server. */
    public static SftpFrontEnd start(SftpSettings settings, Authenticator authenticator, FileService files,
            IngestService ingest, MeterRegistry registry, AuthSteps authSteps) {
        SessionThreads sessionThreads = new SessionThreads();
        SshServer server = SftpServerFactory.create(settings, authenticator, files, ingest, registry, sessionThreads,
                authSteps);
        try {
            server.start();
        } catch (IOException e) {
            authSteps.close();
            throw new UncheckedIOException("sftp: cannot listen on " + settings.bindAddress() + ":" + settings.port(), e);
        }
        LOG.info("sftp listening on {}:{}", settings.bindAddress(), server.getPort());
        return new SftpFrontEnd(server, sessionThreads, authSteps);
    }

    /** The port actually bound (useful when the settings asked for 0). */
    public int port() {
        return server.getPort();
    }

    public boolean isRunning() {
        return server.isStarted();
    }

    /**
     * Stops accepting and closes every session; open uploads are kept as resumable partials. Returns once the
     * sessions' threads have closed their handles (at most {@link #SESSION_WIND_DOWN} after the sessions ended) and
     * the audit records of logins answered before have been written (at most {@link AuthSteps#RECORDS_DRAIN}), so
     * the core can be closed after it without losing a partial or a record.
     */
    @Override
    public void close() {
        try {
            server.stop(false);
        } catch (IOException e) {
            LOG.warn("sftp: error while stopping: {}", e.toString());
        }
        try {
            if (!sessionThreads.awaitFinished(SESSION_WIND_DOWN)) {
                LOG.warn("sftp: {} sessions still closing their files {} after the listener stopped",
                        sessionThreads.running(), SESSION_WIND_DOWN.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        authSteps.close();
    }
}
