package io.vaultgate.server.config;

import io.vaultgate.core.tenant.Cidr;
import java.util.Arrays;
import java.util.List;

/**
 * {@code sftp.proxy-protocol.*} and {@code https.proxy-protocol.*}: the load balancers whose connections start with
 * a PROXY header (v1 or v2) naming the real client. Connections from these networks must carry one; a header from
 * anywhere else is refused. Empty (the default): the PROXY protocol is off. See docs/scale-out.md.
 *
 * @param trusted comma-separated CIDRs of the balancers, e.g. {@code 10.0.0.5/32, 10.0.0.6/32}
 */
public record ProxyProtocolConfig(String trusted) {

    private static final String FIX = "give comma-separated CIDRs of the load balancers, such as 10.0.0.5/32, "
            + "10.0.0.6/32";

    public ProxyProtocolConfig {
        Require.present("proxy-protocol.trusted", trusted);
    }

    public static ProxyProtocolConfig off() {
        return new ProxyProtocolConfig("");
    }

    /**
     * The trusted networks; an invalid entry names {@code key}. A network of every address ({@code 0.0.0.0/0},
     * {@code ::/0}) is refused: any client could then name any source address, past tenants' allowlists and the
     * defender.
     */
    public List<Cidr> cidrs(String key) {
        List<Cidr> cidrs;
        try {
            cidrs = Arrays.stream(trusted.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse)
                    .toList();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage(), FIX);
        }
        for (Cidr cidr : cidrs) {
            if (cidr.prefixLength() == 0) {
                throw new ConfigException(key, cidr + " trusts every address to name its client's address, so any "
                        + "client could pass as any source", FIX);
            }
        }
        return cidrs;
    }
}
