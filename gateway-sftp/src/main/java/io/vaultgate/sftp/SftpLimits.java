package io.vaultgate.sftp;

import io.vaultgate.sftp.extensions.CheckFileBounds;
import java.time.Duration;
import java.util.Objects;

/**
 * Resource limits of the SFTP front-end. Each one bounds what an unauthenticated or misbehaving client can
 * hold on to.
 *
 * @param maxAuthAttempts authentication requests per connection before it is closed
 * @param authTimeout time from connect to successful authentication
 * @param idleTimeout time without any traffic before a session is closed
 * @param maxHandlesPerSession open file and directory handles per SFTP session
 * @param maxSessionsPerAccount concurrent authenticated sessions of one login name
 * @param maxSessionsPerAddress concurrent connections from one source ({@code sftp.max-connections-per-source}),
 *        counted from connect: an IPv4 address, or an IPv6 address's /64 (the defender's {@code SourceAddress.key})
 * @param maxConnections concurrent connections the listener holds in all ({@code sftp.max-connections}), counted from
 *        connect; past it a connection is closed before any SSH work
 * @param maxChannelsPerConnection channels one connection holds open at once (OpenSSH's {@code MaxSessions}); each SFTP
 *        channel has its own subsystem thread, request window and {@code maxHandlesPerSession} handles, so this
 *        bounds what one authenticated connection can hold
 * @param checkFile what check-file range requests may make the server decrypt, per request and per connection
 *        ({@code sftp.check-file-max-request}, {@code sftp.check-file-max-per-connection})
 */
public record SftpLimits(int maxAuthAttempts, Duration authTimeout, Duration idleTimeout, int maxHandlesPerSession,
        int maxSessionsPerAccount, int maxSessionsPerAddress, int maxConnections, int maxChannelsPerConnection,
        CheckFileBounds checkFile) {

    /**
     * The default of {@code sftp.max-connections}. Each connection costs a file descriptor and, before it
     * authenticates, some tens of KiB of heap (read buffer, key exchange); 1000 of them stay well within the 1 GiB heap
     * and the descriptor limit a service normally gets, and are ~30 sources at the per-source cap.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;

    /** The default of {@code sftp.max-connections-per-source}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 32;

    /**
     * Channels per connection, OpenSSH's {@code MaxSessions} default. SFTP clients open one (OpenSSH's {@code sftp},
     * WinSCP, FileZilla) and open more connections, not channels, to transfer in parallel.
     */
    public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = 10;

    /** With the default check-file bounds ({@link CheckFileBounds#defaults}). */
    public SftpLimits(int maxAuthAttempts, Duration authTimeout, Duration idleTimeout, int maxHandlesPerSession,
            int maxSessionsPerAccount, int maxSessionsPerAddress, int maxConnections, int maxChannelsPerConnection) {
        this(maxAuthAttempts, authTimeout, idleTimeout, maxHandlesPerSession, maxSessionsPerAccount,
                maxSessionsPerAddress, maxConnections, maxChannelsPerConnection, CheckFileBounds.defaults());
    }

    /** With the listener's cap at {@code maxConnections} and {@link #DEFAULT_MAX_CHANNELS_PER_CONNECTION}. */
    public SftpLimits(int maxAuthAttempts, Duration authTimeout, Duration idleTimeout, int maxHandlesPerSession,
            int maxSessionsPerAccount, int maxSessionsPerAddress, int maxConnections) {
        this(maxAuthAttempts, authTimeout, idleTimeout, maxHandlesPerSession, maxSessionsPerAccount,
                maxSessionsPerAddress, maxConnections, DEFAULT_MAX_CHANNELS_PER_CONNECTION);
    }

    /** With the listener's cap at {@link #DEFAULT_MAX_CONNECTIONS}. */
    public SftpLimits(int maxAuthAttempts, Duration authTimeout, Duration idleTimeout, int maxHandlesPerSession,
            int maxSessionsPerAccount, int maxSessionsPerAddress) {
        this(maxAuthAttempts, authTimeout, idleTimeout, maxHandlesPerSession, maxSessionsPerAccount,
                maxSessionsPerAddress, DEFAULT_MAX_CONNECTIONS);
    }

    public SftpLimits {
        positive("maxAuthAttempts", maxAuthAttempts);
        positive("authTimeout", authTimeout);
        positive("idleTimeout", idleTimeout);
        positive("maxHandlesPerSession", maxHandlesPerSession);
        positive("maxSessionsPerAccount", maxSessionsPerAccount);
        positive("maxChannelsPerConnection", maxChannelsPerConnection);
        Objects.requireNonNull(checkFile, "sftp.limits.checkFile");
        if (maxSessionsPerAddress < 1) {
            throw new IllegalArgumentException("sftp.max-connections-per-source: " + maxSessionsPerAddress
                    + " is not allowed; give 1 or more");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("sftp.max-connections: " + maxConnections + " is not allowed; give 1 or "
                    + "more");
        }
    }

    public static SftpLimits defaults() {
        return new SftpLimits(6, Duration.ofSeconds(30), Duration.ofMinutes(10), 64, 16,
                DEFAULT_MAX_CONNECTIONS_PER_SOURCE);
    }

    /** These limits with the listener's cap at {@code max}. */
    public SftpLimits withMaxConnections(int max) {
        return new SftpLimits(maxAuthAttempts, authTimeout, idleTimeout, maxHandlesPerSession, maxSessionsPerAccount,
                maxSessionsPerAddress, max, maxChannelsPerConnection, checkFile);
    }

    /** These limits with the check-file bounds {@code bounds}. */
    public SftpLimits withCheckFile(CheckFileBounds bounds) {
        return new SftpLimits(maxAuthAttempts, authTimeout, idleTimeout, maxHandlesPerSession, maxSessionsPerAccount,
                maxSessionsPerAddress, maxConnections, maxChannelsPerConnection, bounds);
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("sftp.limits." + key + ": " + value + " is not allowed; give 1 or more");
        }
    }

    private static void positive(String key, Duration value) {
        Objects.requireNonNull(value, "sftp.limits." + key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("sftp.limits." + key + ": " + value + " is not allowed; give a "
                    + "positive duration such as 30s");
        }
    }
}
