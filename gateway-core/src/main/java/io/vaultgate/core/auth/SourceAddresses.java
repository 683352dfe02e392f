package io.vaultgate.core.auth;

import io.vaultgate.core.tenant.Tenant;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Checks a connection's source address against its tenant's allowlist; an unparsable address fails closed. */
final class SourceAddresses {

    private SourceAddresses() {
    }

    static boolean allowedBy(Tenant tenant, String source) {
        if (tenant.allowedSources().isEmpty()) {
            return true;
        }
        if (source == null || !source.matches("[0-9a-fA-F:.]+")) {
            return false;
        }
        try {
            return tenant.allowsSource(InetAddress.getByName(source));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
