package io.vaultgate.server.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.testing.TestCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate doctor}'s {@code clock} check: this host's clock against the catalog's (SQLite, or PostgreSQL with
 * {@code -Dvaultgate.test.catalog=postgresql}), a finding beyond 5 s.
 */
class ClockOffsetTest {

    @TempDir
    Path home;
    private Database database;

    @BeforeEach
    void catalog() {
        database = TestCatalog.open(home);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aHostAnHourAhead_isAFinding_namingHowFarAndTheFix() {
        assertThat(new ClockOffset(Clock.offset(Clock.systemUTC(), Duration.ofHours(1))).run(context()))
                .singleElement().satisfies(finding -> {
                    assertThat(finding.check()).isEqualTo("clock");
                    assertThat(finding.subject()).isEqualTo("this host");
                    assertThat(finding.problem()).matches("its clock is 3[56]\\d\\d\\.\\d s ahead of the catalog.s .*");
                    assertThat(finding.fix()).contains("NTP");
                });
        assertThat(new ClockOffset(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-30))).run(context()))
                .singleElement().extracting(Finding::problem).asString().startsWith("its clock is 30.");
    }

    @Test
    void aHostWithinFiveSeconds_isNoFinding_evenWhereTheGatewayCorrectsIt() {
        assertThat(new ClockOffset(Clock.systemUTC()).run(context())).isEmpty();
        assertThat(new ClockOffset(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(3))).run(context())).isEmpty();
    }

    private DoctorContext context() {
        return DoctorContexts.of(Map.of("home", home.toString()), database);
    }
}
