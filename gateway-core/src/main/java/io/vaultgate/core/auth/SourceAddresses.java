package io.vaultgate.core.auth;

import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Tenant;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Checks a connection's source address against its tenant's allowlist; an unparsable address fails closed. The
 * login ({@link CatalogAuthenticator}) and the session check of live sessions use this one rule.
 */
public final class SourceAddresses {

    private SourceAddresses() {
    }

    public static boolean allowedBy(Tenant tenant, String source) {
        return allowedBy(tenant.allowedSources(), source);
    }

    /** Whether an allowlist {@code allowed} admits {@code source}: any address when it is empty. */
    public static boolean allowedBy(List<Cidr> allowed, String source) {
        if (allowed.isEmpty()) {
            return true;
        }
        if (source == null || !source.matches("[0-9a-fA-F:.]+")) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(source);
            return allowed.stream().anyMatch(cidr -> cidr.contains(address));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
