package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the per-source cap counts as one source: the defender's key, an IPv4 address or an IPv6 /64. Addresses are
 * given as {@code SessionPrincipal.sourceAddress} reports them ({@link InetAddress#getHostAddress}).
 */
class AddressLimiterTest {

    private final AddressLimiter limiter = new AddressLimiter(2);

    @Test
    void addressesOfOneIpv6Slash64_shareTheCap_whileTheNext64AndIpv4AddressesAreApart() throws Exception {
        limiter.take(address("2001:db8:0:7::1"));
        limiter.take(address("2001:db8:0:7:ffff:ffff:ffff:fffe"));

        assertThatThrownBy(() -> limiter.take(address("2001:db8:0:7::3"))).isInstanceOf(IllegalStateException.class);
        assertThat(limiter.openFrom(address("2001:db8:0:7::abcd"))).isEqualTo(2);
        assertThat(limiter.take(address("2001:db8:0:8::1"))).isEqualTo("2001:db8:0:8:0:0:0:0/64");
        assertThat(limiter.openFrom(address("2001:db8:0:8::2"))).isEqualTo(1);
        // IPv4 stays one address each; an IPv4-mapped IPv6 address is that IPv4 address
        limiter.take(address("192.0.2.1"));
        limiter.take(address("::ffff:192.0.2.1"));
        assertThat(limiter.take(address("192.0.2.2"))).isEqualTo("192.0.2.2");
        assertThatThrownBy(() -> limiter.take(address("192.0.2.1"))).isInstanceOf(IllegalStateException.class);
    }

    /** Before, every refused connection wrote a WARN: one source could flood the log at its connection rate. */
    @Test
    void aSourceFloodingPastItsCap_writesOneWarnLine_notOnePerConnection() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(AddressLimiter.class);
        logged.start();
        logger.addAppender(logged);
        try {
            limiter.take(address("192.0.2.9"));
            limiter.take(address("192.0.2.9"));
            for (int connection = 0; connection < 100; connection++) {
                assertThatThrownBy(() -> limiter.take(address("192.0.2.9"))).isInstanceOf(IllegalStateException.class);
            }
            assertThat(logged.list).singleElement().satisfies(line -> assertThat(line.getFormattedMessage())
                    .contains("192.0.2.9", "sftp.max-connections-per-source", "at most once a minute"));
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aClosedConnection_givesItsPlaceBackToItsWhole64() throws Exception {
        String first = limiter.take(address("2001:db8:0:7::1"));
        limiter.take(address("2001:db8:0:7::2"));

        limiter.release(first);

        assertThat(limiter.take(address("2001:db8:0:7::99"))).isEqualTo(first);
        assertThat(limiter.openFrom(address("2001:db8:0:7::1"))).isEqualTo(2);
    }

    @Test
    void aLinkLocalPeersZone_isNotPartOfItsSource() throws Exception {
        limiter.take("fe80:0:0:0:0:0:0:1%eth0");
        limiter.take("fe80:0:0:0:0:0:0:2%eth1");

        assertThatThrownBy(() -> limiter.take("fe80:0:0:0:0:0:0:3%eth0")).isInstanceOf(IllegalStateException.class);
    }

    private static String address(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal).getHostAddress();
    }
}
