package io.vaultgate.core.session;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One authenticated connection a front-end holds open: who, with which credential, and how to end it.
 *
 * @param credential a {@link io.vaultgate.core.auth.Credentials} id
 */
public record LiveSession(String id, Principal principal, String credential, Protocol protocol, String source,
                          Instant since, Disconnect disconnect) {

    public LiveSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(disconnect, "disconnect");
    }

    /** The tenant of a client account's session; empty for operators and admins. */
    public Optional<TenantId> tenant() {
        return principal instanceof ClientPrincipal client ? Optional.of(client.tenant()) : Optional.empty();
    }
}
