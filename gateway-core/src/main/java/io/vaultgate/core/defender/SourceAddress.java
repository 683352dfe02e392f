package io.vaultgate.core.defender;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Parses the literal IP addresses front-ends report; never resolves a name. The defender scores and bans by
 * {@link #key}: an IPv4 address alone, an IPv6 address by its /64, since any IPv6 client holds a whole /64 and
 * could take a fresh address before each ban.
 */
public final class SourceAddress {

    private static final int PREFIX_BYTES = 8;
    private static final String PREFIX = "/64";

    private SourceAddress() {
    }

    /**
     * The address, or empty when {@code text} is not a literal IPv4 or IPv6 address. An IPv6 zone
     * ({@code fe80::1%eth0}, as a link-local peer's address reads) is dropped: the peer is still scored and banned.
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int zone = text.indexOf('%');
        String literal = zone < 0 ? text : text.substring(0, zone);
        if (literal.isEmpty() || literal.length() > 64 || !literal.matches("[0-9a-fA-F:.]+")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * What the defender scores and bans {@code address} as: an IPv4 address (an IPv4-mapped IPv6 one included,
     * which parses as IPv4) in its canonical text; an IPv6 address as its /64, e.g. {@code 2001:db8:0:7:0:0:0:0/64}.
     */
    public static String key(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] network = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(network, PREFIX_BYTES, network.length, (byte) 0);
        try {
            return InetAddress.getByAddress(network).getHostAddress() + PREFIX;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /**
     * The ban key {@code text} names: an address (its {@link #key}) or an IPv6 /64 as {@code vaultgate defender
     * list} shows it; empty when it is neither.
     */
    public static Optional<String> keyOf(String text) {
        if (text != null && text.endsWith(PREFIX)) {
            return parse(text.substring(0, text.length() - PREFIX.length()))
                    .filter(Inet6Address.class::isInstance).map(SourceAddress::key);
        }
        return parse(text).map(SourceAddress::key);
    }

    /** The ban key of {@code text} ({@link #keyOf}); {@code text} itself if it names none. */
    public static String canonical(String text) {
        return keyOf(text).orElse(text);
    }
}
