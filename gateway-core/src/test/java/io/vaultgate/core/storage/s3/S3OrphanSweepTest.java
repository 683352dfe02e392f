package io.vaultgate.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.KnownObjects;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a sweep removes from S3: only what no catalog row names, and only once it is older than the grace. */
@CatalogIndependent
class S3OrphanSweepTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final int SIZE = 6 * 1024 * 1024;

    private final SecureRandom random = new SecureRandom();
    private final S3StoreFixture s3 = new S3StoreFixture();
    private final S3ObjectStore store = s3.store;
    private final byte[] plain = Envelopes.plaintext(4, SIZE);

    @AfterEach
    void close() {
        s3.close();
    }

    @Test
    void uploadsACrashLeftOpen_areAbortedOncePastTheGrace_unlessTheirIdIsKept() throws IOException {
        ObjectId orphan = ObjectId.random(random);
        ObjectId kept = ObjectId.random(random);
        startAndAbandon(orphan);
        startAndAbandon(kept);
        assertThat(s3.openUploads()).hasSize(2);

        assertThat(store.sweep(ACME, new KnownObjects(Set.of(), Set.of(kept)))).as("within the grace").isZero();
        s3.clock.advance(S3StoreFixture.GRACE.plus(Duration.ofMinutes(1)));
        int removed = store.sweep(ACME, new KnownObjects(Set.of(), Set.of(kept)));

        assertThat(removed).isEqualTo(1);
        assertThat(s3.openUploads()).singleElement()
                .satisfies(u -> assertThat(u.key()).isEqualTo(store.key(ACME, kept)));
    }

    @Test
    void committedObjectWithoutARow_isRemovedOncePastTheGrace() throws IOException {
        ObjectId committedBeforeItsRow = ObjectId.random(random);
        new Envelopes(ACME, "f_orphan").store(store, committedBeforeItsRow, plain);

        assertThat(store.sweep(ACME, KnownObjects.none())).isZero();
        assertThat(s3.keys()).hasSize(1);

        s3.clock.advance(Duration.ofDays(1));
        assertThat(store.sweep(ACME, KnownObjects.none())).isEqualTo(1);
        assertThat(s3.keys()).isEmpty();
    }

    /**
     * A bucket shared by two gateways: A with no key prefix and a tenant "prod", B with key prefix "prod/". B's
     * committed object {@code prod/acme/<id>} and its open upload lie under A's tenant prefix {@code prod/}, one
     * level deeper than A ever writes; A's sweep, long past the grace, leaves both alone.
     */
    @Test
    void sweep_leavesAnotherGatewaysKeysUnderItsPrefix_inASharedBucket() throws IOException {
        TenantId prod = TenantId.of("prod");
        S3ObjectStore gatewayB = new S3ObjectStore(s3.client,
                new S3Settings(s3.bucket, "prod/", 5L << 20, 1 << 20, S3StoreFixture.GRACE), s3.clock);
        ObjectId committedOfB = ObjectId.random(random);
        ObjectId uploadingOfB = ObjectId.random(random);
        new Envelopes(ACME, "f_b").store(gatewayB, committedOfB, Envelopes.plaintext(1, 100_000));
        startAndAbandon(gatewayB, uploadingOfB);
        ObjectId orphanOfA = ObjectId.random(random);
        new Envelopes(prod, "f_a").store(store, orphanOfA, Envelopes.plaintext(2, 100_000));
        s3.clock.advance(Duration.ofDays(2));

        assertThat(store.sweep(prod, KnownObjects.none())).as("A's own orphan only").isEqualTo(1);

        assertThat(s3.keys()).containsExactly(gatewayB.key(ACME, committedOfB));
        assertThat(s3.openUploads()).singleElement()
                .satisfies(u -> assertThat(u.key()).isEqualTo(gatewayB.key(ACME, uploadingOfB)));
    }

    private void startAndAbandon(ObjectId id) throws IOException {
        startAndAbandon(store, id);
    }

    private void startAndAbandon(S3ObjectStore on, ObjectId id) throws IOException {
        PendingObject object = on.create(ACME, id);
        Envelopes.write(new Envelopes(ACME, "f_" + id.value().substring(0, 8)).start(object), plain, 0, SIZE);
    }
}
