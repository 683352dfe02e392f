package io.vaultgate.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.testing.TestCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog clock against a real catalog (SQLite, or PostgreSQL with {@code -Dvaultgate.test.catalog=postgresql}). */
class CatalogClockTest {

    @TempDir
    Path home;
    private Database database;

    @BeforeEach
    void setUp() {
        database = TestCatalog.open(home);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void aNodeWithinHalfASecondOfTheCatalog_keepsItsOwnTime_exactly() {
        SteppedClock node = new SteppedClock(Duration.ofMillis(-200));
        CatalogClock clock = new CatalogClock(node);
        clock.measure(database);
        assertThat(clock.skew().toMillis()).isCloseTo(-200L, Offset.offset(250L));
        assertThat(clock.correction()).isZero();
        node.step(Duration.ofMinutes(-5));
        assertOwnTime(clock, node);
    }

    @Test
    void aNodeAnHourAhead_runsOnTheCatalogsTime_untilItsClockIsFixed() {
        SteppedClock node = new SteppedClock(Duration.ofHours(1));
        CatalogClock clock = new CatalogClock(node);
        node.step(Duration.ofSeconds(1));
        assertOwnTime(clock, node); // before any measurement

        clock.measure(database);
        assertThat(clock.skew().toMillis()).isCloseTo(3_601_000L, Offset.offset(1_000L));
        assertThat(Duration.between(Instant.now(), clock.instant()).abs()).isLessThan(Duration.ofSeconds(1));

        // the node's clock is stepped back to the right time (an NTP correction): the next heartbeat follows it
        node.step(Duration.ofHours(-1).minusSeconds(1));
        clock.measure(database);
        assertThat(clock.correction()).isZero();
        assertOwnTime(clock, node);
    }

    @Test
    void theCorrectionMovesOnlyWhenTheMeasurementPartsFromItByMoreThanTheTolerance() {
        SteppedClock node = new SteppedClock(Duration.ofSeconds(10));
        CatalogClock clock = new CatalogClock(node);
        clock.measure(database);
        Duration first = clock.correction();
        assertThat(first.toMillis()).isCloseTo(10_000L, Offset.offset(200L));

        node.step(Duration.ofMillis(250)); // drift within the tolerance: no step of the core's time
        clock.measure(database);
        assertThat(clock.correction()).isEqualTo(first);

        node.step(Duration.ofSeconds(2)); // beyond it: follows
        clock.measure(database);
        assertThat(clock.correction().toMillis()).isCloseTo(12_250L, Offset.offset(200L));
    }

    @Test
    void measured_putsAHostAnHourAheadOnTheCatalogsTime_withOneMeasurement() {
        SteppedClock host = new SteppedClock(Duration.ofHours(1)); // an admin command's host

        CatalogClock clock = CatalogClock.measured(host, database);

        assertThat(clock.correction().toMillis()).isCloseTo(3_600_000L, Offset.offset(1_000L));
        assertThat(Duration.between(Instant.now(), clock.instant()).abs()).isLessThan(Duration.ofSeconds(1));
    }

    /** The core's time is the node's, uncorrected. */
    private static void assertOwnTime(CatalogClock clock, Clock node) {
        Instant before = node.instant();
        Instant core = clock.instant();
        Instant after = node.instant();
        assertThat(core).isBetween(before, after);
    }

    /** The system clock, off by an amount a test steps (as NTP or an administrator steps a node's clock). */
    private static final class SteppedClock extends Clock {

        private volatile Duration offset;

        SteppedClock(Duration offset) {
            this.offset = offset;
        }

        void step(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
