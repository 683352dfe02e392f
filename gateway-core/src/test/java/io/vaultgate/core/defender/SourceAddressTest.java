package io.vaultgate.core.defender;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import org.junit.jupiter.api.Test;

/** What the defender keys scores and bans by. */
@CatalogIndependent
class SourceAddressTest {

    @Test
    void ipv6_isKeyedByItsSlash64_ipv4AndMappedIpv4_byTheAddress() {
        assertThat(SourceAddress.canonical("2001:db8:0:7::1")).isEqualTo("2001:db8:0:7:0:0:0:0/64");
        assertThat(SourceAddress.canonical("2001:DB8:0:7:ffff:1:2:3")).isEqualTo("2001:db8:0:7:0:0:0:0/64");
        assertThat(SourceAddress.canonical("2001:db8:0:8::1")).isEqualTo("2001:db8:0:8:0:0:0:0/64");
        assertThat(SourceAddress.canonical("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(SourceAddress.canonical("::ffff:198.51.100.7")).isEqualTo("198.51.100.7");
    }

    @Test
    void aSlash64_asTheBanListShowsIt_namesItself_onlyForIpv6() {
        assertThat(SourceAddress.keyOf("2001:db8:0:7:0:0:0:0/64")).contains("2001:db8:0:7:0:0:0:0/64");
        assertThat(SourceAddress.keyOf("2001:db8:0:7::/64")).contains("2001:db8:0:7:0:0:0:0/64");
        assertThat(SourceAddress.keyOf("198.51.100.7/64")).isEmpty();
        assertThat(SourceAddress.keyOf("2001:db8::/48")).isEmpty();
        assertThat(SourceAddress.keyOf("example.org")).isEmpty();
    }

    @Test
    void aLinkLocalPeersZone_isDropped_soItIsScoredLikeAnyOther() {
        assertThat(SourceAddress.parse("fe80::1%eth0")).isPresent();
        assertThat(SourceAddress.parse("fe80:0:0:0:a:b:c:d%2")).isPresent();
        assertThat(SourceAddress.canonical("fe80::1%eth0")).isEqualTo("fe80:0:0:0:0:0:0:0/64");
        assertThat(SourceAddress.parse("%eth0")).isEmpty();
        assertThat(SourceAddress.parse("host%eth0")).isEmpty();
    }
}
