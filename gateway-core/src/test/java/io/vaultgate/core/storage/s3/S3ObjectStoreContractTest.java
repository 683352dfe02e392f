package io.vaultgate.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.KnownObjects;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** The cases {@code FileSystemObjectStoreTest} proves for the filesystem store, against a real S3 (S3Proxy). */
@CatalogIndependent
class S3ObjectStoreContractTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private final SecureRandom random = new SecureRandom();
    private final S3StoreFixture s3 = new S3StoreFixture();
    private final S3ObjectStore store = s3.store;

    @AfterEach
    void close() {
        s3.close();
    }

    @Test
    void pendingObject_isInvisibleUntilCommitted() throws IOException {
        ObjectId id = ObjectId.random(random);
        PendingObject pending = store.create(ACME, id);
        pending.channel().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> store.open(ACME, id)).isInstanceOf(NoSuchFileException.class);

        store.commit(ACME, pending);

        try (SeekableByteChannel channel = store.open(ACME, id)) {
            assertThat(channel.size()).isEqualTo(3);
            ByteBuffer read = ByteBuffer.allocate(3);
            channel.read(read);
            assertThat(read.array()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void objects_areSegregatedByTenant_underTheirOwnKeyPrefix() throws IOException {
        ObjectId id = ObjectId.random(random);
        store.commit(ACME, store.create(ACME, id));

        assertThatThrownBy(() -> store.open(GLOBEX, id)).isInstanceOf(NoSuchFileException.class);
        assertThat(s3.keys()).containsExactly("acme/" + id.value());
    }

    @Test
    void reopenedPendingObject_keepsItsBytes() throws IOException {
        ObjectId id = ObjectId.random(random);
        try (PendingObject pending = store.create(ACME, id)) {
            pending.channel().write(ByteBuffer.wrap(new byte[10]));
            pending.sync();
        }
        try (PendingObject again = store.reopen(ACME, id)) {
            assertThat(again.channel().size()).isEqualTo(10);
        }
    }

    @Test
    void reopen_ofAnObjectNeverSynced_isNoSuchFile() throws IOException {
        ObjectId id = ObjectId.random(random);
        try (PendingObject pending = store.create(ACME, id)) {
            pending.channel().write(ByteBuffer.wrap(new byte[10]));
        }
        assertThatThrownBy(() -> store.reopen(ACME, id)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void sweep_removesEveryObjectNotKept_onceOlderThanTheGracePeriod_butNoNameItNeverWrites() throws IOException {
        ObjectId kept = ObjectId.random(random);
        ObjectId orphan = ObjectId.random(random);
        ObjectId keptPending = ObjectId.random(random);
        ObjectId orphanPending = ObjectId.random(random);
        store.commit(ACME, store.create(ACME, kept));
        store.commit(ACME, store.create(ACME, orphan));
        syncAndClose(store.create(ACME, keptPending));
        syncAndClose(store.create(ACME, orphanPending));
        s3.client.putObject(r -> r.bucket(s3.bucket).key("acme/stray.tmp"), RequestBody.fromString("junk"));

        assertThat(store.sweep(ACME, new KnownObjects(Set.of(kept), Set.of(keptPending)))).isZero();
        s3.clock.advance(S3StoreFixture.GRACE.plus(Duration.ofMinutes(1)));
        int removed = store.sweep(ACME, new KnownObjects(Set.of(kept), Set.of(keptPending)));

        assertThat(removed).isEqualTo(2);
        assertThat(store.open(ACME, kept)).isNotNull().satisfies(SeekableByteChannel::close);
        assertThatThrownBy(() -> store.open(ACME, orphan)).isInstanceOf(NoSuchFileException.class);
        assertThat(store.reopen(ACME, keptPending)).satisfies(PendingObject::close);
        assertThatThrownBy(() -> store.reopen(ACME, orphanPending)).isInstanceOf(NoSuchFileException.class);
        assertThat(s3.keys()).as("a bucket may be shared: a name that is no object id is not ours")
                .contains("acme/stray.tmp");
    }

    @Test
    void sweep_ofOneTenant_leavesOtherTenantsAlone() throws IOException {
        ObjectId theirs = ObjectId.random(random);
        store.commit(GLOBEX, store.create(GLOBEX, theirs));
        s3.clock.advance(Duration.ofDays(2));

        assertThat(store.sweep(ACME, KnownObjects.none())).isZero();

        assertThat(s3.keys()).containsExactly("globex/" + theirs.value());
    }

    @Test
    void delete_removesTheObject_andIgnoresAbsentOnes() throws IOException {
        ObjectId id = ObjectId.random(random);
        store.commit(ACME, store.create(ACME, id));

        store.delete(ACME, id);
        store.delete(ACME, id);
        store.delete(ACME, ObjectId.random(random));

        assertThat(s3.keys()).isEmpty();
    }

    @Test
    void commit_replacesTheSyncedPartial_underTheSameKey() throws IOException {
        ObjectId id = ObjectId.random(random);
        syncAndClose(store.create(ACME, id), new byte[] {9, 9});
        PendingObject resumed = store.reopen(ACME, id);
        resumed.channel().position(2).write(ByteBuffer.wrap(new byte[] {7}));

        store.commit(ACME, resumed);

        try (SeekableByteChannel channel = store.open(ACME, id)) {
            ByteBuffer read = ByteBuffer.allocate(3);
            channel.read(read);
            assertThat(read.array()).containsExactly(9, 9, 7);
        }
        assertThat(s3.keys()).containsExactly("acme/" + id.value());
    }

    private static void syncAndClose(PendingObject pending, byte... bytes) throws IOException {
        try (pending) {
            pending.channel().write(ByteBuffer.wrap(bytes));
            pending.sync();
        }
    }
}
