package io.vaultgate.sftp.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyHeaderParserTest {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final String SSH = "SSH-2.0-OpenSSH_9.2\r\n";

    @Test
    void v1Tcp4_namesTheSourceAndEndsBeforeTheSshLine() throws Exception {
        byte[] data = ascii("PROXY TCP4 203.0.113.7 10.0.0.11 51234 2222\r\n" + SSH);

        ProxyHeader header = ProxyHeaderParser.parse(data, 0, data.length).orElseThrow();

        assertThat(header.source()).contains(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 51234));
        assertThat(new String(data, header.length(), data.length - header.length(), StandardCharsets.US_ASCII))
                .isEqualTo(SSH);
    }

    @Test
    void v1Tcp6_andUnknown() throws Exception {
        byte[] v6 = ascii("PROXY TCP6 2001:db8::1 2001:db8::2 4000 22\r\n");
        assertThat(ProxyHeaderParser.parse(v6, 0, v6.length).orElseThrow().source())
                .contains(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 4000));
        byte[] unknown = ascii("PROXY UNKNOWN\r\n");
        assertThat(ProxyHeaderParser.parse(unknown, 0, unknown.length).orElseThrow().source()).isEmpty();
    }

    @Test
    void truncatedHeaders_needMoreBytes() throws Exception {
        byte[] v1 = ascii("PROXY TCP4 203.0.113.7 10.0.0.11 51234 2222\r\n");
        for (int length = 1; length < v1.length; length++) {
            assertThat(ProxyHeaderParser.parse(v1, 0, length)).as("v1 cut at %d", length).isEmpty();
        }
        byte[] v2 = v2(0x21, 0x11, new byte[] {(byte) 198, 51, 100, 9, 10, 0, 0, 11, 0x1F, (byte) 0x90, 0x08, (byte) 0xAE});
        for (int length = 1; length < v2.length; length++) {
            assertThat(ProxyHeaderParser.parse(v2, 0, length)).as("v2 cut at %d", length).isEmpty();
        }
    }

    @Test
    void v2Proxy_ipv4_ipv6_andLocal() throws Exception {
        byte[] v4 = v2(0x21, 0x11, new byte[] {(byte) 198, 51, 100, 9, 10, 0, 0, 11, 0x1F, (byte) 0x90, 0x08, (byte) 0xAE});
        ProxyHeader header = ProxyHeaderParser.parse(v4, 0, v4.length).orElseThrow();
        assertThat(header.source()).contains(new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 8080));
        assertThat(header.length()).isEqualTo(28);

        byte[] addresses = new byte[36];
        addresses[0] = 0x20;
        addresses[1] = 0x01;
        addresses[15] = 0x05;
        addresses[33] = 0x50;
        byte[] v6 = v2(0x21, 0x21, addresses);
        assertThat(ProxyHeaderParser.parse(v6, 0, v6.length).orElseThrow().source().orElseThrow().getPort())
                .isEqualTo(0x50);

        byte[] local = v2(0x20, 0x00, new byte[0]);
        assertThat(ProxyHeaderParser.parse(local, 0, local.length)).contains(new ProxyHeader(Optional.empty(), 16));
    }

    @Test
    void malformedHeaders_areRefused() {
        assertRefused(ascii(SSH), "no PROXY header");
        assertRefused(ascii("PROXY TCP4 203.0.113.7 10.0.0.11 51234\r\n"), "is not");
        assertRefused(ascii("PROXY TCP4 example.com 10.0.0.11 1 2\r\n"), "invalid IPv4");
        assertRefused(ascii("PROXY TCP4 2001:db8::1 10.0.0.11 1 2\r\n"), "invalid IPv4");
        assertRefused(ascii("PROXY TCP6 203.0.113.7 2001:db8::1 1 2\r\n"), "invalid IPv6");
        assertRefused(ascii("PROXY TCP4 203.0.113.7 10.0.0.11 65536 2\r\n"), "invalid port");
        assertRefused(ascii("PROXY TCP4 203.0.113.7 10.0.0.11 01 2\r\n"), "invalid port");
        assertRefused(ascii("PROXY UDP4 203.0.113.7 10.0.0.11 1 2\r\n"), "is not");
        assertRefused(v2(0x11, 0x11, new byte[12]), "version 1");
        assertRefused(v2(0x22, 0x11, new byte[12]), "unknown command");
        assertRefused(v2(0x21, 0x11, new byte[8]), "needs 12");
        assertRefused(v2(0x21, 0x12, new byte[12]), "unsupported family");
    }

    @Test
    void oversizedHeaders_areRefusedWithoutWaitingForMore() {
        byte[] v1 = new byte[200];
        Arrays.fill(v1, (byte) '1');
        System.arraycopy(ascii("PROXY TCP4 "), 0, v1, 0, 11);
        assertRefused(v1, "longer than 107");

        byte[] v2 = Arrays.copyOf(SIGNATURE, 16);
        v2[12] = 0x21;
        v2[13] = 0x11;
        v2[14] = (byte) 0xFF;
        v2[15] = (byte) 0xFF;
        assertRefused(v2, "longer than");
    }

    @Test
    void looksLikeHeader_spotsBothVersionsButNeverAnSshLine() {
        assertThat(ProxyHeaderParser.looksLikeHeader(ascii("PROXY TCP4"), 0, 10)).isTrue();
        assertThat(ProxyHeaderParser.looksLikeHeader(SIGNATURE, 0, 3)).isTrue();
        assertThat(ProxyHeaderParser.looksLikeHeader(ascii(SSH), 0, SSH.length())).isFalse();
        assertThat(ProxyHeaderParser.looksLikeHeader(new byte[0], 0, 0)).isFalse();
    }

    private static void assertRefused(byte[] data, String message) {
        assertThatThrownBy(() -> ProxyHeaderParser.parse(data, 0, data.length))
                .isInstanceOf(ProxyProtocolException.class).hasMessageContaining(message);
    }

    private static byte[] v2(int versionCommand, int family, byte[] addresses) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(versionCommand);
        out.write(family);
        out.write(addresses.length >> 8);
        out.write(addresses.length & 0xFF);
        out.writeBytes(addresses);
        return out.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
