package io.vaultgate.core.auth;

import java.util.Objects;

/** An administrator of the gateway: manages tenants, accounts and keys, never reads file contents. */
public record AdminPrincipal(String name) implements Principal {
    public AdminPrincipal {
        Objects.requireNonNull(name, "name");
    }
}
