package io.vaultgate.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The names {@code init --tls-name} and {@code tls issue --name} take: DNS names and IP addresses, checked. */
class TlsNamesTest {

    @Test
    void dnsNamesAndAddresses_areSortedLowerCasedAndDeduplicated() {
        TlsNames names = TlsNames.parse(List.of("GW.Example.com.", "*.files.example.com", "192.0.2.10",
                "2001:DB8::10", "[::1]", "gw.example.com"));

        assertThat(names.dnsNames()).containsExactly("gw.example.com", "*.files.example.com");
        assertThat(names.ipAddresses()).containsExactly("192.0.2.10", "2001:db8:0:0:0:0:0:10", "0:0:0:0:0:0:0:1");
        assertThat(names.toString()).isEqualTo("DNS:gw.example.com, DNS:*.files.example.com, IP:192.0.2.10, "
                + "IP:2001:db8:0:0:0:0:0:10, IP:0:0:0:0:0:0:0:1");
    }

    @Test
    void defaults_nameLocalhostAndLoopback_andPlusAddsOnlyNewNames() {
        TlsNames names = TlsNames.defaults().plus(TlsNames.parse(List.of("localhost", "gw.example.com", "::1")));

        assertThat(names.dnsNames()).startsWith("localhost").endsWith("gw.example.com").containsOnlyOnce("localhost");
        assertThat(names.ipAddresses()).containsExactly("127.0.0.1", "0:0:0:0:0:0:0:1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                   | empty",
            "'   '                | empty",
            "gw.*.example.com     | a wildcard is allowed only as the whole first label",
            "gw*.example.com      | a wildcard is allowed only as the whole first label",
            "*.com                | a wildcard needs at least two labels after it",
            "gw..example.com      | is not a valid DNS label",
            "-gw.example.com      | is not a valid DNS label",
            "gw_1.example.com     | is not a valid DNS label",
            "https://gw.example.com | not a URL",
            "192.0.2.0/24         | not a URL or a network",
            "256.1.1.1            | not a valid IPv4 address",
            "10.0.0               | not a valid IPv4 address",
            "01.2.3.4             | not a valid IPv4 address",
            "10.0.0.1:8443        | not a valid IPv6 address",
            "fe80::1%eth0         | not a valid IPv6 address",
            "2001:db8::g          | not a valid IPv6 address",
            "1.2.3.4.com.5        | its last label is a number"})
    void badNames_areRefused_sayingWhy(String name, String reason) {
        assertThatThrownBy(() -> TlsNames.parse(List.of(name))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
