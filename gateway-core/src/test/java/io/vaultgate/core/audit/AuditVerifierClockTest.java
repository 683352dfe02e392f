package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier judges the newest checkpoint's age, and dates its report, on the clock its caller gives, the core's:
 * there is no constructor that falls back on this host's clock (the checkpoints' times are the catalog's).
 */
class AuditVerifierClockTest {

    @TempDir
    Path dir;
    private AuditFixture audit;

    @BeforeEach
    void chain() {
        audit = new AuditFixture(dir, new CheckpointPolicy(10, Duration.ofDays(1)));
        audit.appendUploads(20);
    }

    @AfterEach
    void close() {
        audit.database.close();
    }

    @Test
    void everyConstructor_takesTheClockItJudgesBy() {
        for (Constructor<?> constructor : AuditVerifier.class.getConstructors()) {
            assertThat(Arrays.asList(constructor.getParameterTypes())).as(constructor.toString()).contains(Clock.class);
        }
    }

    @Test
    void theNewestCheckpointsAge_isTakenOnTheGivenClock() {
        Instant catalogTime = audit.clock.instant().plus(Duration.ofMinutes(30));
        AuditVerifier verifier = new AuditVerifier(audit.database, Optional.of(audit.key.publicKey()),
                Clock.fixed(catalogTime, ZoneOffset.UTC));

        VerificationReport fresh = verifier.verify(List.of(), Optional.of(Duration.ofHours(1)));

        assertThat(fresh.ok()).as(fresh.summary()).isTrue();
        assertThat(fresh.checkedAt()).isEqualTo(catalogTime);
        assertThat(fresh.checkpointAge()).contains(Duration.between(
                verifier.newestCheckpoint().orElseThrow().signedAt(), catalogTime));
        assertThat(new AuditVerifier(audit.database, Optional.of(audit.key.publicKey()),
                Clock.fixed(catalogTime.plus(Duration.ofHours(2)), ZoneOffset.UTC))
                .verify(List.of(), Optional.of(Duration.ofHours(1))).ok()).as("two hours later: stale").isFalse();
    }
}
