package io.vaultgate.core.defender;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Parses the literal IP addresses front-ends report; never resolves a name. */
public final class SourceAddress {

    private SourceAddress() {
    }

    /** The address, or empty when {@code text} is not a literal IPv4 or IPv6 address. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64 || !text.matches("[0-9a-fA-F:.]+")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The canonical text of {@code text}'s address, as bans are keyed; {@code text} itself if unparsable. */
    public static String canonical(String text) {
        return parse(text).map(InetAddress::getHostAddress).orElse(text);
    }
}
