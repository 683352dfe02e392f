package io.vaultgate.core.forward;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.DecryptingFileOpener;
import io.vaultgate.core.files.FileOpener;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.DelegatingObjectStore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.seal.SitePrivateKey;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stored file that cannot be read for a moment (the object store failing, a key provider fault, a key destroyed on
 * this node only) is retried with backoff like a network failure, and goes DEAD only after its last attempt; only a key
 * destroyed by its tenant's shred (the catalog's tenant SHREDDED) is final at once. Runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class UnreadableFileRetryTest extends StubSiteTest {

    private static final byte[] HELLO = "hello".getBytes(UTF_8);

    private FlakyStore store;
    private FileRecord file;

    @BeforeEach
    void flakyStoreAndOneQueuedFile() {
        store = new FlakyStore(fixture.test.store());
        file = fixture.uploadAndQueue("/inbox/a.csv", HELLO);
        forwarder.close();
        forwarder = forwarder(false);
    }

    @Test
    void storedFileBrieflyUnreadable_jobIsRetriedAfterBackoff_notDead() {
        store.failNextOpens(1);

        assertThat(forwarder.runDue()).isEqualTo(1);

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.PENDING);
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.nextAttemptAt()).as("after a backoff").isAfter(fixture.clock.instant());
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error).contains("cannot be read now"));
        assertThat(site.received()).isEmpty();

        fixture.clock.advance(Duration.ofMinutes(6));
        assertThat(forwarder.runDue()).isEqualTo(1);
        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(file.id());
    }

    @Test
    void storedFileBrieflyUnreadable_sealedJobIsRetriedAfterBackoff_notDead() {
        fixture.test.core().sites().setRecipientKey(ForwardFixture.SITE,
                Optional.of(SitePrivateKey.generate(fixture.random).publicKey()));
        forwarder.close();
        forwarder = forwarder(true);
        site.tamperDigest(ciphertext -> ForwardProtocol.reprDigest(sha256(HELLO))); // as a site that opens envelopes
        store.failNextOpens(1);

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);
        assertThat(fixture.job(file).lastError()).hasValueSatisfying(error ->
                assertThat(error).contains("cannot be sealed now"));
        fixture.clock.advance(Duration.ofMinutes(6));
        assertThat(forwarder.runDue()).isEqualTo(1);
        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(site.received().get(0).header("Content-Type")).isEqualTo(ForwardProtocol.ENVELOPE_TYPE);
    }

    @Test
    void storedFileUnreadableAtEveryAttempt_jobGoesDeadAfterItsLastAttempt() {
        store.failNextOpens(Integer.MAX_VALUE);

        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(forwarder.runDue()).isEqualTo(1);
            assertThat(fixture.job(file).state()).isEqualTo(attempt < 3 ? ForwardState.PENDING : ForwardState.DEAD);
            fixture.clock.advance(Duration.ofMinutes(6));
        }
        assertThat(fixture.job(file).attempts()).isEqualTo(3);
        assertThat(site.received()).isEmpty();
    }

    /**
     * This node's key store destroyed the tenant's keys without the catalog's shred (a key store copied from a
     * shredded tenant's node, a fault): the tenant is active, its files readable elsewhere, so the job is retried with
     * backoff as for any failure, not dead at once. Failed before the change (DEAD after one attempt).
     */
    @Test
    void keysDestroyedInThisNodesKeyStoreOnly_tenantNotShredded_jobIsRetriedAfterBackoff_notDead() {
        fixture.test.keys().destroyTenant("acme");

        assertThat(forwarder.runDue()).isEqualTo(1);

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.PENDING);
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.nextAttemptAt()).as("after a backoff").isAfter(fixture.clock.instant());
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("cannot be read now", "the tenant is not shredded").doesNotContain("shredded)"));
        assertThat(site.received()).isEmpty();
    }

    /**
     * A key destroyed for a moment on this node (a data key or master secret destroyed in memory by a close, a token's
     * key handle gone): retried after a backoff, and delivered once the key is usable. Failed before the change (DEAD,
     * never delivered).
     */
    @Test
    void keyDestroyedForAMoment_jobIsRetriedAfterBackoff_andDelivered() {
        AtomicInteger destroyedUnwraps = new AtomicInteger(1);
        KeyProvider keys = new DelegatingKeyProvider(fixture.test.keys()) {
            @Override
            public DataKey unwrap(EnvelopeContext ctx, KeySlot slot) {
                if (ctx.fileId().equals(file.id()) // not the key check's unwrap (KekChecks)
                        && destroyedUnwraps.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                    throw new CryptoException.KeyDestroyed("the master secret has been destroyed (test)");
                }
                return super.unwrap(ctx, slot);
            }
        };
        forwarder.close();
        forwarder = forwarder(false, keys, Optional.empty());

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);
        assertThat(fixture.job(file).attempts()).isEqualTo(1);
        fixture.clock.advance(Duration.ofMinutes(6));
        assertThat(forwarder.runDue()).isEqualTo(1);
        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(file.id());
    }

    /**
     * The tenant is crypto-shredded between the job's claim and its read (the catalog marks it SHREDDED, then its keys
     * are destroyed): the one final cause, settled at once. A planned offboarding, not a fault: the job is ABANDONED
     * quietly (no dead job, no failure counted), as when its lookup finds the tenant shredded (review27 M1; it went
     * DEAD before).
     */
    @Test
    void tenantShreddedAfterTheClaim_jobIsAbandonedAtOnce() {
        forwarder.close();
        forwarder = forwarder(false, fixture.test.keys(), Optional.of(() -> fixture.shred("acme")));

        assertThat(forwarder.runDue()).as("nothing was attempted").isZero();

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.ABANDONED);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("is never sent", "key was destroyed (tenant acme shredded)"));
        assertThat(site.received()).isEmpty();
        assertThat(fixture.meters.find("vaultgate.forward.dead").counters()).as("no dead job")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
        assertThat(fixture.meters.find("vaultgate.forward.failures").counters()).as("no failure")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Forwarder forwarder(boolean sealing) {
        return forwarder(sealing, fixture.test.keys(), Optional.empty());
    }

    /** A forwarder reading with {@code keys}; {@code beforeOpen}, if given, runs before each file is opened. */
    private Forwarder forwarder(boolean sealing, KeyProvider keys, Optional<Runnable> beforeOpen) {
        FileOpener decrypting = new DecryptingFileOpener(fixture.database, new FileRepository(), store, keys);
        FileOpener opener = opened -> {
            beforeOpen.ifPresent(Runnable::run);
            return decrypting.open(opened);
        };
        return new Forwarder(fixture.database, fixture.outbox, opener,
                sealing ? Optional.of(new StoredEnvelopes(fixture.database, new FileRepository(), store,
                        keys, fixture.random)) : Optional.empty(),
                new ForwarderSettings(4, Duration.ofMinutes(10), Duration.ofMillis(50), Duration.ofSeconds(5),
                        Duration.ofSeconds(30), 1024 * 1024), "node-a", fixture.meters, ForwardEvents.NONE,
                fixture.random, fixture.clock);
    }

    /** The core's store, whose next {@code open}s fail as a store that is unreachable for a moment. */
    private static final class FlakyStore extends DelegatingObjectStore {
        private final AtomicInteger failing = new AtomicInteger();

        FlakyStore(ObjectStore store) {
            super(store);
        }

        void failNextOpens(int count) {
            failing.set(count);
        }

        @Override
        public SeekableByteChannel open(TenantId tenant, ObjectId id) throws IOException {
            if (failing.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                throw new IOException("object store unreachable (test)");
            }
            return super.open(tenant, id);
        }
    }
}
