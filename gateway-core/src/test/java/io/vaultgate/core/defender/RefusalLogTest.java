package io.vaultgate.core.defender;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A per-source cap's WARN line, once a minute at most, names the sources refused most since the line before: during
 * a flood from many sources it used to name only the one refused when the line was due.
 */
class RefusalLogTest {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RefusalLogTest.class);
    private final AtomicLong nanos = new AtomicLong();
    private final RefusalLog refusals = new RefusalLog(logger, nanos::get);

    @BeforeEach
    void attach() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(logged);
    }

    @Test
    void aLineAfterAFloodFromManySources_namesTheMostRefusedWithTheirCounts() {
        refuse("192.0.2.1", 1); // the first refusal writes a line at once
        for (int source = 1; source <= 8; source++) {
            refuse("198.51.100." + source, source); // .8 eight times ... .1 once
        }
        refuse("2001:db8:0:7::/64", 40);
        nanos.addAndGet(RefusalLog.INTERVAL.toNanos());

        refuse("192.0.2.1", 1);

        assertThat(logged.list).hasSize(2);
        assertThat(logged.list.get(0).getFormattedMessage()).isEqualTo("refused: 1 refused since the last such line: "
                + "1 from 192.0.2.1");
        assertThat(logged.list.get(1).getFormattedMessage()).isEqualTo("refused: 77 refused since the last such line: "
                + "40 from 2001:db8:0:7::/64, 8 from 198.51.100.8, 7 from 198.51.100.7, 6 from 198.51.100.6, "
                + "5 from 198.51.100.5, 11 from 5 other sources");
    }

    @Test
    void sourcesPastTheTallysBound_areCountedTogether() {
        refuse("192.0.2.1", 1);
        for (int source = 0; source < RefusalLog.TALLIED_SOURCES + 10; source++) {
            refuse("10.0." + source / 256 + "." + source % 256, 1);
        }
        nanos.addAndGet(RefusalLog.INTERVAL.toNanos());

        refuse("192.0.2.1", 1);

        assertThat(logged.list.get(1).getFormattedMessage()).contains((RefusalLog.TALLIED_SOURCES + 11)
                + " refused since the last such line", "1006 from at least 996 other sources");
    }

    @Test
    void aLineStartsTheNextOnesTally() {
        refuse("192.0.2.1", 1);
        refuse("192.0.2.2", 3);
        nanos.addAndGet(RefusalLog.INTERVAL.toNanos());
        refuse("192.0.2.3", 1);
        nanos.addAndGet(RefusalLog.INTERVAL.toNanos());

        refuse("192.0.2.4", 1);

        assertThat(logged.list.get(2).getFormattedMessage())
                .isEqualTo("refused: 1 refused since the last such line: 1 from 192.0.2.4");
    }

    private void refuse(String source, int times) {
        for (int i = 0; i < times; i++) {
            refusals.refused(source, since -> "refused: " + since);
        }
    }
}
