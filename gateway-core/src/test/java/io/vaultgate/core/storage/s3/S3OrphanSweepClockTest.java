package io.vaultgate.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ReferencedObjects;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.KnownObjects;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The orphan sweep's grace on a node whose clock runs ahead: S3 stamps an object with its own time, here the JVM's; the
 * store's clock (the host's) runs two hours ahead, more than the grace (1 h). An object stored a moment ago and not
 * yet in the catalog (another node between its store and its catalog commit) must survive a sweep judged on the
 * core's time, and goes once both clocks put it past the grace.
 */
@CatalogIndependent
class S3OrphanSweepClockTest {

    private static final TenantId ACME = TenantId.of("acme");

    private final S3StoreFixture s3 = new S3StoreFixture();

    @AfterEach
    void close() {
        s3.close();
    }

    @Test
    void aHostClockAheadOfTheCore_doesNotMakeAFreshObjectAnOrphan() throws IOException {
        ObjectId unrecorded = ObjectId.random(new SecureRandom());
        new Envelopes(ACME, "f_unrecorded").store(s3.store, unrecorded, Envelopes.plaintext(1, 100_000));
        s3.clock.advance(Duration.ofHours(2));

        assertThat(s3.store.sweep(ACME, at(Instant.now()))).as("one minute old on the core's time").isZero();
        assertThat(s3.keys()).containsExactly(s3.store.key(ACME, unrecorded));

        assertThat(s3.store.sweep(ACME, at(Instant.now().plus(Duration.ofHours(2))))).as("past the grace on both")
                .isEqualTo(1);
        assertThat(s3.keys()).isEmpty();
    }

    @Test
    void aCoreClockAheadOfTheHost_doesNotEither() throws IOException {
        ObjectId unrecorded = ObjectId.random(new SecureRandom());
        new Envelopes(ACME, "f_unrecorded").store(s3.store, unrecorded, Envelopes.plaintext(1, 100_000));

        assertThat(s3.store.sweep(ACME, at(Instant.now().plus(Duration.ofHours(2))))).isZero();
        assertThat(s3.keys()).containsExactly(s3.store.key(ACME, unrecorded));
    }

    /** No references, the core's time {@code now}. */
    private static ReferencedObjects at(Instant now) {
        KnownObjects none = KnownObjects.none();
        return new ReferencedObjects() {
            @Override
            public Set<ObjectId> committed(TenantId tenant, List<ObjectId> ids) {
                return none.committed(tenant, ids);
            }

            @Override
            public Set<ObjectId> pending(TenantId tenant, List<ObjectId> ids) {
                return none.pending(tenant, ids);
            }

            @Override
            public Optional<Instant> now() {
                return Optional.of(now);
            }
        };
    }
}
