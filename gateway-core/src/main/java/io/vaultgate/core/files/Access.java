package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.path.VirtualPath;

/**
 * Who may touch which part of the namespace. Clients read their namespace and write only below
 * {@code /inbox}; other principals have no client namespace. A path a principal may not see is reported
 * as not found, so its existence is never revealed.
 */
public final class Access {

    private Access() {
    }

    /** The client allowed to read {@code path}. */
    public static ClientPrincipal reader(Principal principal, VirtualPath path) {
        if (principal instanceof ClientPrincipal client) {
            Area.of(path);
            return client;
        }
        throw GatewayException.notFound(path.toString());
    }

    /** The client allowed to change {@code path}: only names below {@code /inbox}. */
    public static ClientPrincipal writer(Principal principal, VirtualPath path) {
        ClientPrincipal client = reader(principal, path);
        if (Area.of(path) != Area.INBOX || path.depth() < 2) {
            throw GatewayException.denied(path.toString());
        }
        return client;
    }
}
