package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.CatalogException;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The check a read handle makes before every read, against a catalog this test writes by hand. */
@CatalogIndependent
class LeaseCheckTest {

    private static final Instant CLAIMED_AT = Instant.parse("2026-11-28T09:00:00Z");
    private static final Duration LEASE = Duration.ofHours(1);
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final MutableClock clock = new MutableClock(CLAIMED_AT.plusSeconds(60));
    private final AtomicInteger catalogReads = new AtomicInteger();
    private Supplier<Optional<BatchStanding>> catalog = () -> Optional.of(standing(claimed("op_maria", CLAIMED_AT)));

    @Test
    void heldLease_readsTheCatalogAtMostOncePerInterval() throws Exception {
        LeaseCheck check = check(INTERVAL);
        for (int i = 0; i < 1000; i++) {
            check.requireHeld();
        }
        clock.advance(INTERVAL.minusMillis(1));
        check.requireHeld();
        assertThat(catalogReads).as("within the interval only the known expiry is compared").hasValue(0);

        clock.advance(Duration.ofMillis(1));
        for (int i = 0; i < 1000; i++) {
            check.requireHeld();
        }
        assertThat(catalogReads).hasValue(1);
        clock.advance(INTERVAL);
        check.requireHeld();
        assertThat(catalogReads).hasValue(2);
    }

    @Test
    void completedBatch_endsTheLeaseAtTheNextCatalogRead_andForGood() throws Exception {
        LeaseCheck check = check(INTERVAL);
        catalog = () -> Optional.of(standing(batch(BatchState.COMPLETED, Optional.of("op_maria"), Optional.empty(),
                clock.instant())));
        check.requireHeld();

        clock.advance(INTERVAL);
        assertThatThrownBy(check::requireHeld).isInstanceOfSatisfying(LeaseEndedException.class, e -> {
            assertThat(e.batchId()).isEqualTo("b_1");
            assertThat(e.reason()).isEqualTo("the batch was completed");
            assertThat(e.getMessage()).contains("batch b_1", "the batch was completed");
            assertThat(e.getCause()).isInstanceOfSatisfying(GatewayException.class, cause -> {
                assertThat(cause.reason()).isEqualTo(GatewayException.Reason.ACCESS_DENIED);
                assertThat(cause.clientMessage()).contains("batch b_1", "your lease ended");
            });
        });
        int reads = catalogReads.get();
        catalog = () -> Optional.of(standing(claimed("op_maria", clock.instant())));
        clock.advance(INTERVAL);
        assertThatThrownBy(check::requireHeld).as("an ended lease does not come back").isInstanceOf(
                LeaseEndedException.class);
        assertThat(catalogReads).as("nor is the catalog asked again").hasValue(reads);
    }

    @Test
    void knownExpiry_endsTheLeaseAtOnce_evenWithALongInterval() {
        LeaseCheck check = check(Duration.ofDays(1));
        clock.advance(Duration.between(clock.instant(), CLAIMED_AT.plus(LEASE)));

        assertThatThrownBy(check::requireHeld).isInstanceOfSatisfying(LeaseEndedException.class,
                e -> assertThat(e.reason()).isEqualTo("the lease ran out"));
        assertThat(catalogReads).as("a renewal is looked for before giving up").hasValue(1);
    }

    @Test
    void renewalBeforeTheExpiry_keepsTheLease_pastTheOldExpiry() throws Exception {
        LeaseCheck check = check(Duration.ofDays(1));
        Instant renewed = CLAIMED_AT.plus(Duration.ofMinutes(50));
        catalog = () -> Optional.of(standing(renewed("op_maria", renewed)));
        clock.advance(Duration.between(clock.instant(), CLAIMED_AT.plus(LEASE)));

        check.requireHeld();

        assertThat(check.lease().expiresAt()).isEqualTo(renewed.plus(LEASE));
        clock.advance(Duration.ofMinutes(49));
        check.requireHeld();
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(check::requireHeld).isInstanceOf(LeaseEndedException.class);
    }

    /** Renewed at 50 min (unseen: the handle was idle), then again at 70 min, past the expiry the handle knew. */
    @Test
    void aHandleIdleAcrossTwoRenewals_stillHoldsTheSameLease() throws Exception {
        LeaseCheck check = check(INTERVAL);
        Instant secondRenewal = CLAIMED_AT.plus(Duration.ofMinutes(70));
        catalog = () -> Optional.of(standing(renewed("op_maria", secondRenewal)));
        clock.advance(Duration.between(clock.instant(), secondRenewal.plusSeconds(5)));

        check.requireHeld();

        assertThat(check.lease().expiresAt()).isEqualTo(secondRenewal.plus(LEASE));
    }

    @Test
    void claimAfterTheLeaseRanOut_isANewLease_evenByTheSameOperator() {
        LeaseCheck check = check(INTERVAL);
        Instant reclaimed = CLAIMED_AT.plus(LEASE);
        catalog = () -> Optional.of(standing(claimed("op_maria", reclaimed)));
        clock.advance(Duration.between(clock.instant(), reclaimed.plusSeconds(5)));

        assertThatThrownBy(check::requireHeld).isInstanceOfSatisfying(LeaseEndedException.class,
                e -> assertThat(e.reason()).isEqualTo("the lease ran out"));
    }

    @Test
    void everyOtherStandingOfTheBatch_endsTheLease_namingHow() {
        Instant now = clock.instant().plus(INTERVAL);
        assertThat(reason(standing(claimed("op_marco", now)))).isEqualTo("the batch is claimed by another operator");
        assertThat(reason(standing(batch(BatchState.READY, Optional.empty(), Optional.empty(), now))))
                .isEqualTo("the batch was released");
        assertThat(reason(new BatchStanding(claimed("op_maria", CLAIMED_AT), false,
                OptionalInt.empty()))).isEqualTo("the tenant is locked");
        assertThat(reason(standing(batch(BatchState.ABANDONED, Optional.of("op_maria"), Optional.empty(), now))))
                .isEqualTo("the site was removed");
        catalog = Optional::empty;
        LeaseCheck check = check(INTERVAL);
        clock.advance(INTERVAL);
        assertThatThrownBy(check::requireHeld).isInstanceOfSatisfying(LeaseEndedException.class,
                e -> assertThat(e.reason()).isEqualTo("the batch no longer exists"));
    }

    @Test
    void newPolicyVersionTheHolderHasNotAcknowledged_endsTheLeaseAtTheNextCatalogRead_andForGood() throws Exception {
        LeaseCheck check = check(INTERVAL);
        catalog = () -> Optional.of(new BatchStanding(claimed("op_maria", CLAIMED_AT), true, OptionalInt.of(2)));
        check.requireHeld();

        clock.advance(INTERVAL);
        assertThatThrownBy(check::requireHeld).isInstanceOfSatisfying(LeaseEndedException.class,
                e -> assertThat(e.reason()).isEqualTo("the tenant's data-handling policy v2 is not acknowledged"));
        catalog = () -> Optional.of(standing(claimed("op_maria", CLAIMED_AT)));
        clock.advance(INTERVAL);
        assertThatThrownBy(check::requireHeld).as("acknowledging afterwards does not revive this handle")
                .isInstanceOf(LeaseEndedException.class);
    }

    @Test
    void catalogThatCannotBeRead_failsTheRead_andIsAskedAgainNextTime() throws Exception {
        LeaseCheck check = check(INTERVAL);
        catalog = () -> {
            throw new CatalogException("catalog read failed", new java.sql.SQLException("down"));
        };
        clock.advance(INTERVAL);
        assertThatThrownBy(check::requireHeld).isInstanceOf(CatalogException.class);

        catalog = () -> Optional.of(standing(claimed("op_maria", CLAIMED_AT)));
        check.requireHeld();
        assertThat(catalogReads).hasValue(2);
    }

    private String reason(BatchStanding standing) {
        catalog = () -> Optional.of(standing);
        LeaseCheck check = check(INTERVAL);
        clock.advance(INTERVAL);
        try {
            check.requireHeld();
            throw new AssertionError("the lease still holds for " + standing);
        } catch (LeaseEndedException e) {
            return e.reason();
        }
    }

    private LeaseCheck check(Duration interval) {
        Lease lease = Lease.of(claimed("op_maria", CLAIMED_AT), "op_maria", clock.instant()).orElseThrow();
        return new LeaseCheck(lease, clock.instant(), batchId -> {
            assertThat(batchId).isEqualTo("b_1");
            catalogReads.incrementAndGet();
            return catalog.get();
        }, clock, interval);
    }

    private static BatchStanding standing(Batch batch) {
        return new BatchStanding(batch, true, OptionalInt.empty());
    }

    /** Batch b_1 claimed by {@code operator} at {@code at} for {@link #LEASE}. */
    private static Batch claimed(String operator, Instant at) {
        return batch(BatchState.CLAIMED, Optional.of(operator), Optional.of(at.plus(LEASE)), at);
    }

    /** Batch b_1 claimed by {@code operator} at {@link #CLAIMED_AT}, last renewed at {@code at}. */
    private static Batch renewed(String operator, Instant at) {
        return batch(BatchState.CLAIMED, Optional.of(operator), Optional.of(at.plus(LEASE)), CLAIMED_AT);
    }

    private static Batch batch(BatchState state, Optional<String> holder, Optional<Instant> expiry, Instant updated) {
        return new Batch("b_1", "rt_1", TenantId.of("acme"), "manila", state, 3, 30, holder, expiry,
                CLAIMED_AT.minus(Duration.ofHours(2)), updated);
    }
}
