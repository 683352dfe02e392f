package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vaultgate.core.auth.AccessControl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the per-source connection cap counts as one source: the defender's key, an IPv4 address or an IPv6 /64. Each
 * connection is an {@link EmbeddedChannel} whose client address is set as a trusted balancer's header would set it.
 */
class ConnectionLimitTest {

    private final AtomicInteger refused = new AtomicInteger();
    private final ConnectionLimit limit = new ConnectionLimit(2, AccessControl.open(), refused::incrementAndGet);

    @Test
    void addressesOfOneIpv6Slash64_shareTheCap_whileTheNext64AndIpv4AddressesAreApart() throws Exception {
        EmbeddedChannel first = connect("2001:db8:0:7::1");
        EmbeddedChannel second = connect("2001:db8:0:7:ffff:ffff:ffff:fffe");
        EmbeddedChannel third = connect("2001:db8:0:7::3");

        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isTrue();
        assertThat(third.isOpen()).as("a third address of the same /64, at a cap of 2").isFalse();
        assertThat(refused).hasValue(1);
        assertThat(limit.openFrom(InetAddress.getByName("2001:db8:0:7::abcd"))).isEqualTo(2);

        assertThat(connect("2001:db8:0:8::1").isOpen()).as("the next /64").isTrue();
        assertThat(connect("192.0.2.1").isOpen()).isTrue();
        assertThat(connect("192.0.2.2").isOpen()).as("IPv4: one address each").isTrue();
        assertThat(limit.openFrom(InetAddress.getByName("2001:db8:0:8::2"))).isEqualTo(1);
    }

    /** Before, every refused connection wrote a WARN: one source could flood the log at its connection rate. */
    @Test
    void aSourceFloodingPastItsCap_isCountedEachTime_andWritesOneWarnLine() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(ConnectionLimit.class);
        logged.start();
        logger.addAppender(logged);
        try {
            connect("192.0.2.9");
            connect("192.0.2.9");
            for (int connection = 0; connection < 100; connection++) {
                assertThat(connect("192.0.2.9").isOpen()).isFalse();
            }
            assertThat(refused).hasValue(100);
            assertThat(logged.list).singleElement().satisfies(line -> assertThat(line.getFormattedMessage())
                    .contains("192.0.2.9", "the limit is 2", "at most once a minute"));
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aClosedConnection_givesItsPlaceBackToItsWhole64() throws Exception {
        EmbeddedChannel first = connect("2001:db8:0:7::1");
        connect("2001:db8:0:7::2");
        assertThat(connect("2001:db8:0:7::3").isOpen()).as("the /64 is full").isFalse();

        first.close();

        assertThat(connect("2001:db8:0:7::99").isOpen()).isTrue();
        assertThat(limit.openFrom(InetAddress.getByName("2001:db8:0:7::1"))).isEqualTo(2);
    }

    private EmbeddedChannel connect(String client) throws UnknownHostException {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.attr(ClientAddress.PROXIED).set(new InetSocketAddress(InetAddress.getByName(client), 40000));
        channel.pipeline().addLast(limit);
        channel.pipeline().fireChannelActive();
        return channel;
    }
}
