package io.vaultgate.core.auth;

import io.vaultgate.core.tenant.Protocol;
import java.util.Objects;

/**
 * A person or system of a BPO site. It sees only batches of tenants routed to its site, and only once it
 * has claimed them: {@code /<tenant>/<batch>/...}, with results written under
 * {@code /<tenant>/<batch>/results/}.
 */
public record OperatorPrincipal(String operatorId, String username, String siteId, Protocol protocol)
        implements Principal {

    public OperatorPrincipal {
        Objects.requireNonNull(operatorId, "operatorId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public String name() {
        return username;
    }
}
