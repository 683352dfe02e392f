package io.vaultgate.sftp;

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
 * @param maxSessionsPerAddress concurrent connections from one source IP address, counted from connect
 */
public record SftpLimits(int maxAuthAttempts, Duration authTimeout, Duration idleTimeout, int maxHandlesPerSession,
        int maxSessionsPerAccount, int maxSessionsPerAddress) {

    public SftpLimits {
        positive("maxAuthAttempts", maxAuthAttempts);
        positive("authTimeout", authTimeout);
        positive("idleTimeout", idleTimeout);
        positive("maxHandlesPerSession", maxHandlesPerSession);
        positive("maxSessionsPerAccount", maxSessionsPerAccount);
        positive("maxSessionsPerAddress", maxSessionsPerAddress);
    }

    public static SftpLimits defaults() {
        return new SftpLimits(6, Duration.ofSeconds(30), Duration.ofMinutes(10), 64, 16, 32);
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
