package io.vaultgate.core.auth;

import io.vaultgate.core.tenant.Cidr;
import java.util.List;
import java.util.Objects;

/**
 * The networks an administrator's token is accepted from ({@code access.admin-sources}), on the HTTPS admin API, the
 * token exchange and the ops listener alike; from any other source it is refused as {@link
 * AuthFailure#SOURCE_NOT_ALLOWED}. Never empty: to admit any address, name {@code 0.0.0.0/0, ::/0}. The default is
 * {@link #LOOPBACK}, so that a leaked admin token is of no use from outside the gateway's host unless the operator of
 * the gateway opened the admin plane to an admin network.
 *
 * @param networks at least one
 */
public record AdminSources(List<Cidr> networks) {

    /** The host itself: where the demo, {@code vaultgate status} and the CLI run. */
    public static final AdminSources LOOPBACK = new AdminSources(List.of(Cidr.parse("127.0.0.0/8"),
            Cidr.parse("::1/128")));

    public AdminSources {
        networks = List.copyOf(Objects.requireNonNull(networks, "networks"));
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("access.admin-sources: at least one network is needed (the default is "
                    + "127.0.0.0/8, ::1); 0.0.0.0/0, ::/0 admits any address");
        }
    }

    /** Whether an administrator's token presented from {@code source} may log in; an unparsable address may not. */
    public boolean admits(String source) {
        return SourceAddresses.allowedBy(networks, source);
    }

    /** Whether a source outside the host's loopback is admitted (the doctor warns then unless MFA protects admins). */
    public boolean beyondLoopback() {
        return networks.stream().anyMatch(cidr -> !cidr.network().isLoopbackAddress()
                || cidr.prefixLength() < (cidr.network().getAddress().length == 4 ? 8 : 128));
    }
}
