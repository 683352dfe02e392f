package io.vaultgate.core.tenant;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A login of a tenant's system or person. Its credentials (SSH keys, password hash, tokens) are kept
 * apart from this value so that it can be logged and shown freely.
 *
 * @param username globally unique login name, e.g. {@code acme-upload}
 */
public record Account(String id, TenantId tenant, String username, Optional<Instant> expiresAt,
                      Instant createdAt) {
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");

    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        validateUsername(username);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Login names of accounts and operators share one form and one namespace. */
    public static String validateUsername(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("username must be 2-64 characters of a-z, 0-9, '.', '_' "
                    + "and '-', starting with a letter or digit; got \"" + username + "\"");
        }
        return username;
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt.map(now::isAfter).orElse(false);
    }
}
