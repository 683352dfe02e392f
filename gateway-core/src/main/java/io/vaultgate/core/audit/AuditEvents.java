package io.vaultgate.core.audit;

import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Optional;

/** Builds the events the data path records most, from the values it already has. */
public final class AuditEvents {

    /** The actor of what the gateway does by itself (retention, recovery sweep). */
    public static final String SYSTEM = "system";

    private AuditEvents() {
    }

    /** The tenant a principal acts for; empty for administrators. */
    public static Optional<TenantId> tenantOf(Principal principal) {
        return principal instanceof ClientPrincipal client ? Optional.of(client.tenant()) : Optional.empty();
    }

    public static AuditEvent.AuthSucceeded authenticated(Principal principal, Protocol protocol, String method,
                                                         String source, Instant at) {
        return new AuditEvent.AuthSucceeded(at, tenantOf(principal), principal.name(), protocol, method, source);
    }

    /** A success of {@link #authenticated} that the front-end could not deliver: no session came of it. */
    public static AuditEvent.AuthUndelivered undelivered(Principal principal, Protocol protocol, String method,
                                                         String source, Instant at) {
        return new AuditEvent.AuthUndelivered(at, tenantOf(principal), principal.name(), protocol, method, source);
    }

    public static AuditEvent.AuthFailed authenticationFailed(String username, Protocol protocol, String source,
                                                             AuthFailure reason, Instant at) {
        String actor = username == null || username.isBlank() ? "(none)" : username;
        return new AuditEvent.AuthFailed(at, Optional.empty(), actor, protocol, source, reason);
    }

    public static AuditEvent.UploadCommitted committed(Principal principal, Receipt receipt) {
        return committed(principal.name(), receipt);
    }

    /** The event of a committed upload whose uploader is named {@code actor}. */
    public static AuditEvent.UploadCommitted committed(String actor, Receipt receipt) {
        return new AuditEvent.UploadCommitted(receipt.committedAt(), Optional.of(receipt.tenant()), actor,
                receipt.fileId(), receipt.path(), receipt.size(), receipt.sha256());
    }
}
