package io.vaultgate.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@CatalogIndependent
class CidrTest {

    @ParameterizedTest
    @CsvSource({
            "203.0.113.0/24, 203.0.113.77, true",
            "203.0.113.0/24, 203.0.114.1, false",
            "10.0.0.0/8, 10.255.1.2, true",
            "0.0.0.0/0, 192.0.2.1, true",
            "192.0.2.10, 192.0.2.10, true",
            "192.0.2.10, 192.0.2.11, false",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "2001:db8::/32, 192.0.2.1, false",
            "127.0.0.0/8, 127.0.0.1, true",
    })
    void contains_matchesOnlyAddressesInsideTheNetwork(String cidr, String address, boolean expected)
            throws Exception {
        assertThat(Cidr.parse(cidr).contains(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com/24", "10.0.0.0/33", "10.0.0.0/x", "", "::/129"})
    void malformedOrNonLiteral_isRejected_withoutADnsLookup(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
