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

    private void startAndAbandon(ObjectId id) throws IOException {
        PendingObject object = store.create(ACME, id);
        Envelopes.write(new Envelopes(ACME, "f_" + id.value().substring(0, 8)).start(object), plain, 0, SIZE);
    }
}
