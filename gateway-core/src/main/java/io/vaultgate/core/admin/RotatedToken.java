package io.vaultgate.core.admin;

import java.util.List;
import java.util.Objects;

/**
 * A token replacement of an administrator or monitor: the new token (shown once) and the revoked ones, as
 * {@link io.vaultgate.core.auth.Credentials credential ids}.
 */
public record RotatedToken(String token, List<String> revoked) {
    public RotatedToken {
        Objects.requireNonNull(token, "token");
        revoked = List.copyOf(revoked);
    }

    /** Keeps the new token out of logs and exception messages. */
    @Override
    public String toString() {
        return "RotatedToken[token=(redacted), revoked=" + revoked.size() + "]";
    }
}
