package io.vaultgate.core.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A listener's cap on open connections: exact under concurrency, counted, and logged once a minute at most. */
class ListenerCapTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final AtomicInteger counted = new AtomicInteger();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ListenerCap.class);

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(logged);
    }

    @Test
    void pastTheCap_aConnectionIsRefusedAndCounted_andAClosedOneGivesItsPlaceBack() {
        ListenerCap cap = new ListenerCap("sftp.max-connections", 2, counted::incrementAndGet, nanos::get);

        assertThat(cap.tryAcquire()).isTrue();
        assertThat(cap.tryAcquire()).isTrue();
        assertThat(cap.tryAcquire()).as("third of 2").isFalse();
        assertThat(cap.open()).isEqualTo(2);
        assertThat(counted).hasValue(1);

        cap.release();
        assertThat(cap.tryAcquire()).as("the place given back").isTrue();
        assertThat(cap.refused()).isEqualTo(1);
    }

    /**
     * At the cap, a connection whose caller hands it another's place over (closing that one) is admitted uncounted,
     * the count unchanged; when the caller cannot, it is refused and counted. Below the cap nothing is asked.
     */
    @Test
    void atTheCap_aPlaceHandedOver_admitsWithoutARefusal() {
        ListenerCap cap = new ListenerCap("https.max-connections", 1, counted::incrementAndGet, nanos::get);
        AtomicInteger asked = new AtomicInteger();

        assertThat(cap.tryAcquire(() -> asked.incrementAndGet() > 0)).isTrue();
        assertThat(asked).as("below the cap").hasValue(0);
        assertThat(cap.tryAcquire(() -> asked.incrementAndGet() > 0)).as("another's place handed over").isTrue();
        assertThat(cap.open()).isEqualTo(1);
        assertThat(counted).hasValue(0);
        assertThat(cap.tryAcquire(() -> false)).as("none to hand over").isFalse();
        assertThat(counted).hasValue(1);
        assertThat(cap.refused()).isEqualTo(1);
    }

    @Test
    void aFloodAtTheCap_isLoggedOncePerInterval_withHowManyWereRefused() {
        ListenerCap cap = new ListenerCap("https.max-connections", 1, counted::incrementAndGet, nanos::get);
        cap.tryAcquire();

        for (int i = 0; i < 500; i++) {
            cap.tryAcquire();
        }
        assertThat(counted).as("every refusal counted").hasValue(500);
        assertThat(logged.list).as("the first refusal is logged, the rest wait for the interval").hasSize(1);
        assertThat(logged.list.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(logged.list.get(0).getFormattedMessage()).contains("https.max-connections", "limit of 1 ",
                "refused 1 new");

        nanos.addAndGet(ListenerCap.LOG_INTERVAL.toNanos() - 1);
        cap.tryAcquire();
        assertThat(logged.list).as("still within the minute").hasSize(1);
        nanos.addAndGet(1);
        cap.tryAcquire();
        assertThat(logged.list).hasSize(2);
        assertThat(logged.list.get(1).getFormattedMessage()).contains("refused 501 new");
    }

    @Test
    void manyConnectingAtOnce_neverHoldMoreThanTheCap() throws Exception {
        ListenerCap cap = new ListenerCap("sftp.max-connections", 10, counted::incrementAndGet);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        try {
            for (int i = 0; i < 200; i++) {
                threads.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (cap.tryAcquire()) {
                        admitted.incrementAndGet();
                    }
                });
            }
            start.countDown();
        } finally {
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(admitted).hasValue(10);
        assertThat(cap.open()).isEqualTo(10);
        assertThat(counted).hasValue(190);
    }

    @Test
    void aCapBelowOne_isRefused() {
        assertThatThrownBy(() -> new ListenerCap("https.max-connections", 0, () -> { }))
                .hasMessageContaining("https.max-connections: 0");
    }
}
