package io.vaultgate.sftp.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Parses a PROXY protocol header, version 1 ({@code PROXY TCP4 src dst sport dport\r\n}) or 2 (binary), from the
 * first bytes of a connection. Strict: anything that is not a complete, well-formed header is refused.
 */
public final class ProxyHeaderParser {

    /** The longest v1 header, CRLF included (spec section 2.1). */
    public static final int MAX_V1_LENGTH = 107;
    /** The longest v2 header accepted: addresses plus a little TLV room (HAProxy sends none by default). */
    public static final int MAX_V2_LENGTH = 16 + 512;

    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaderParser() {
    }

    /**
     * Whether {@code data} starts like a PROXY header (or, if shorter than a signature, could still become one).
     * An SSH client's first bytes ({@code SSH-}) never do.
     */
    public static boolean looksLikeHeader(byte[] data, int offset, int length) {
        return startsWith(data, offset, length, V1_PREFIX) || startsWith(data, offset, length, V2_SIGNATURE);
    }

    /**
     * @return the header, or empty if more bytes are needed
     * @throws ProxyProtocolException if the bytes are not a valid header (or too long for one)
     */
    public static Optional<ProxyHeader> parse(byte[] data, int offset, int length) throws ProxyProtocolException {
        if (startsWith(data, offset, length, V2_SIGNATURE)) {
            return length < V2_SIGNATURE.length + 4 ? Optional.empty() : parseV2(data, offset, length);
        }
        if (startsWith(data, offset, length, V1_PREFIX)) {
            return length < V1_PREFIX.length ? Optional.empty() : parseV1(data, offset, length);
        }
        throw new ProxyProtocolException("no PROXY header at the start of the connection");
    }

    private static boolean startsWith(byte[] data, int offset, int length, byte[] prefix) {
        int n = Math.min(length, prefix.length);
        return n > 0 && Arrays.equals(data, offset, offset + n, prefix, 0, n);
    }

    private static Optional<ProxyHeader> parseV1(byte[] data, int offset, int length) throws ProxyProtocolException {
        int limit = Math.min(length, MAX_V1_LENGTH);
        int end = -1;
        for (int i = 0; i + 1 < limit; i++) {
            if (data[offset + i] == '\r' && data[offset + i + 1] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            if (length >= MAX_V1_LENGTH) {
                throw new ProxyProtocolException("PROXY v1 header longer than " + MAX_V1_LENGTH + " bytes");
            }
            return Optional.empty();
        }
        String line = new String(data, offset, end, StandardCharsets.US_ASCII);
        String[] fields = line.split(" ", -1);
        if (fields.length >= 2 && fields[1].equals("UNKNOWN")) {
            return Optional.of(new ProxyHeader(Optional.empty(), end + 2));
        }
        if (fields.length != 6 || !(fields[1].equals("TCP4") || fields[1].equals("TCP6"))) {
            throw new ProxyProtocolException("PROXY v1 header is not \"PROXY TCP4|TCP6 src dst sport dport\"");
        }
        boolean v6 = fields[1].equals("TCP6");
        InetAddress source = literal(fields[2], v6);
        literal(fields[3], v6);
        int sourcePort = port(fields[4]);
        port(fields[5]);
        return Optional.of(new ProxyHeader(Optional.of(new InetSocketAddress(source, sourcePort)), end + 2));
    }

    private static InetAddress literal(String text, boolean v6) throws ProxyProtocolException {
        boolean shape = v6 ? text.matches("[0-9a-fA-F:.]{2,45}") && text.contains(":")
                : text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!shape) {
            throw new ProxyProtocolException("PROXY v1 header has an invalid " + (v6 ? "IPv6" : "IPv4") + " address");
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            if (address.getAddress().length != (v6 ? 16 : 4)) {
                throw new ProxyProtocolException("PROXY v1 header address does not match its family");
            }
            return address;
        } catch (UnknownHostException e) {
            throw new ProxyProtocolException("PROXY v1 header has an invalid address");
        }
    }

    private static int port(String text) throws ProxyProtocolException {
        if (!text.matches("0|[1-9]\\d{0,4}") || Integer.parseInt(text) > 65535) {
            throw new ProxyProtocolException("PROXY v1 header has an invalid port");
        }
        return Integer.parseInt(text);
    }

    private static Optional<ProxyHeader> parseV2(byte[] data, int offset, int length) throws ProxyProtocolException {
        int versionCommand = data[offset + 12] & 0xFF;
        if ((versionCommand & 0xF0) != 0x20) {
            throw new ProxyProtocolException("PROXY v2 header has version " + (versionCommand >> 4));
        }
        int command = versionCommand & 0x0F;
        if (command > 1) {
            throw new ProxyProtocolException("PROXY v2 header has unknown command " + command);
        }
        int family = data[offset + 13] & 0xFF;
        int addressLength = ((data[offset + 14] & 0xFF) << 8) | (data[offset + 15] & 0xFF);
        int total = 16 + addressLength;
        if (total > MAX_V2_LENGTH) {
            throw new ProxyProtocolException("PROXY v2 header longer than " + MAX_V2_LENGTH + " bytes");
        }
        if (length < total) {
            return Optional.empty();
        }
        if (command == 0) {
            return Optional.of(new ProxyHeader(Optional.empty(), total)); // LOCAL: the balancer's own connection
        }
        int body = offset + 16;
        switch (family) {
            case 0x11: // TCP over IPv4
                requireLength(addressLength, 12);
                return Optional.of(new ProxyHeader(Optional.of(address(data, body, 4, body + 8)), total));
            case 0x21: // TCP over IPv6
                requireLength(addressLength, 36);
                return Optional.of(new ProxyHeader(Optional.of(address(data, body, 16, body + 32)), total));
            case 0x00: // UNSPEC
                return Optional.of(new ProxyHeader(Optional.empty(), total));
            default:
                throw new ProxyProtocolException("PROXY v2 header has unsupported family/protocol 0x"
                        + Integer.toHexString(family));
        }
    }

    private static void requireLength(int addressLength, int needed) throws ProxyProtocolException {
        if (addressLength < needed) {
            throw new ProxyProtocolException("PROXY v2 address block is " + addressLength + " bytes, needs " + needed);
        }
    }

    private static InetSocketAddress address(byte[] data, int at, int size, int portAt) throws ProxyProtocolException {
        try {
            InetAddress address = InetAddress.getByAddress(Arrays.copyOfRange(data, at, at + size));
            int port = ((data[portAt] & 0xFF) << 8) | (data[portAt + 1] & 0xFF);
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            throw new ProxyProtocolException("PROXY v2 header has an invalid address");
        }
    }
}
