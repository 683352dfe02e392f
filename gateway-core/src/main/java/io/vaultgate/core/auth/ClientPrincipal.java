package io.vaultgate.core.auth;

import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.util.Objects;

/**
 * A tenant's client account, logged in through one protocol. It sees only its tenant: {@code /inbox}
 * (writes, and its own uploads) and {@code /outbox} (results returned by the BPO site).
 */
public record ClientPrincipal(String accountId, String username, TenantId tenant, Protocol protocol)
        implements Principal {

    public ClientPrincipal {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public String name() {
        return username;
    }
}
