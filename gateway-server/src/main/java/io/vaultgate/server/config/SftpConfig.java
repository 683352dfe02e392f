package io.vaultgate.server.config;

import io.vaultgate.sftp.SftpLimits;
import io.vaultgate.sftp.extensions.CheckFileBounds;
import java.time.Duration;

/**
 * The SFTP front-end ({@code sftp.*}).
 *
 * @param enabled          whether the SFTP listener starts
 * @param bind             address to listen on
 * @param port             TCP port; 0 picks a free port at start-up
 * @param maxAuthAttempts  authentication attempts per connection before it is closed
 * @param authTimeout      time a client has to authenticate after connecting
 * @param idleTimeout      an authenticated session with no traffic for this long is closed
 * @param maxConnections   connections the listener holds open at once, from all sources together, authenticated or
 *                         not; past it a connection is closed before any SSH work
 * @param maxConnectionsPerSource connections one source holds open at once (an IPv4 address, an IPv6 client's /64),
 *                         counted from connect; past it a connection is closed before key exchange
 * @param checkFileMaxRequest the most plaintext one check-file request for a range may make the server decrypt and
 *                         hash (64 KiB to 16 MiB); a whole file's SHA-256 is answered from the digest recorded at upload
 * @param checkFileMaxPerConnection the most the check-file ranges of one SSH connection may cover in all (at least
 *                         {@code checkFileMaxRequest}, at most 1 GiB)
 * @param proxyProtocol    the load balancers that send a PROXY header ({@code sftp.proxy-protocol.trusted})
 */
public record SftpConfig(boolean enabled, String bind, int port, int maxAuthAttempts, Duration authTimeout,
        Duration idleTimeout, int maxConnections, int maxConnectionsPerSource, DataSize checkFileMaxRequest,
        DataSize checkFileMaxPerConnection, ProxyProtocolConfig proxyProtocol) {

    public SftpConfig(boolean enabled, String bind, int port, int maxAuthAttempts, Duration authTimeout,
            Duration idleTimeout) {
        this(enabled, bind, port, maxAuthAttempts, authTimeout, idleTimeout, SftpLimits.DEFAULT_MAX_CONNECTIONS,
                SftpLimits.DEFAULT_MAX_CONNECTIONS_PER_SOURCE, DataSize.ofBytes(CheckFileBounds.DEFAULT_REQUEST_BYTES),
                DataSize.ofBytes(CheckFileBounds.DEFAULT_CONNECTION_BYTES), ProxyProtocolConfig.off());
    }

    public SftpConfig {
        Require.host("sftp.bind", bind);
        Require.port("sftp.port", port);
        Require.between("sftp.max-auth-attempts", maxAuthAttempts, 1, 100);
        Require.between("sftp.auth-timeout", authTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        Require.between("sftp.idle-timeout", idleTimeout, Duration.ofSeconds(1), Duration.ofDays(7));
        Require.between("sftp.max-connections", maxConnections, 1, 100_000);
        Require.between("sftp.max-connections-per-source", maxConnectionsPerSource, 1, 100_000);
        Require.between("sftp.check-file-max-request", checkFileMaxRequest,
                DataSize.ofBytes(CheckFileBounds.MIN_REQUEST_BYTES), DataSize.ofBytes(CheckFileBounds.MAX_REQUEST_BYTES));
        Require.between("sftp.check-file-max-per-connection", checkFileMaxPerConnection, checkFileMaxRequest,
                DataSize.ofBytes(CheckFileBounds.MAX_CONNECTION_BYTES));
        Require.present("sftp.proxy-protocol", proxyProtocol).cidrs("sftp.proxy-protocol.trusted");
    }

    /** The check-file bounds these settings give. */
    public CheckFileBounds checkFile() {
        return new CheckFileBounds(checkFileMaxRequest.bytes(), checkFileMaxPerConnection.bytes());
    }

    public static SftpConfig defaults() {
        return new SftpConfig(true, "0.0.0.0", 2222, 6, Duration.ofSeconds(30), Duration.ofMinutes(10));
    }
}
