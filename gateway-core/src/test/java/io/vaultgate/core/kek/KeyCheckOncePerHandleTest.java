package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The key check of a KEK version ({@link KekChecks}) costs one unwrap, an HSM operation under PKCS#11: it is made once
 * per key handle, not before every wrap and unwrap of the version, which doubled the key provider's operations. A
 * handle loaded anew (a keystore copied over the node) and a check the catalog changed are verified again before the
 * key is used: a key that is not the catalog's is still refused. Node A made acme; node B's keystore was copied from
 * A's before acme existed. Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class KeyCheckOncePerHandleTest extends KeystoreCopiedBeforeAcme {

    private static final int TIMES = 10;

    /**
     * Failed before the change: 2 unwraps per download (the key check's and the file's), and 1 per upload beside its
     * wrap.
     */
    @Test
    void afterTheFirstUse_eachUploadWrapsOnce_andEachDownloadUnwrapsOnce_theKeyCheckIsNotRepeated() throws IOException {
        try (TestCore counted = TestCore.sharing(home, Counting::new, settings("node-a-counted"))) {
            Counting keys = (Counting) counted.keys();
            counted.upload(alice, "/inbox/first.csv", "verifies the key check");
            assertThat(counted.read(alice, "/inbox/first.csv")).isEqualTo("verifies the key check");
            keys.reset();

            for (int i = 0; i < TIMES; i++) {
                counted.upload(alice, "/inbox/f" + i + ".csv", "file " + i);
            }
            assertThat(keys.wraps.get()).as("wraps of %d uploads", TIMES).isEqualTo(TIMES);
            assertThat(keys.unwraps.get()).as("unwraps of %d uploads: no key check", TIMES).isZero();

            keys.reset();
            for (int i = 0; i < TIMES; i++) {
                assertThat(counted.read(alice, "/inbox/f" + i + ".csv")).isEqualTo("file " + i);
            }
            assertThat(keys.unwraps.get()).as("unwraps of %d downloads: the files' only", TIMES).isEqualTo(TIMES);
            assertThat(keys.wraps.get()).isZero();
        }
    }

    /** Guards the fail-closed verdict (passed before the change too): a verdict kept for a handle is not reused. */
    @Test
    void aKeystoreWithAnotherKeyCopiedOverTheNode_isVerifiedAgain_andRefusedAsForked() throws IOException {
        nodeA.upload(alice, "/inbox/a.csv", "wrapped by A's version 1");
        assertThat(nodeA.read(alice, "/inbox/a.csv")).isEqualTo("wrapped by A's version 1"); // verified, kept
        nodeB.keys().ensureTenant("acme"); // another key under version 1
        nodeB.copyKeystoreTo(nodeA);

        assertThatThrownBy(() -> nodeA.read(alice, "/inbox/a.csv")).as("a download")
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.getCause()).isInstanceOf(KeystoreForked.class);
                });
        assertThatThrownBy(() -> nodeA.upload(alice, "/inbox/b.csv", "refused")).as("an upload")
                .hasCauseInstanceOf(KeystoreForked.class);
    }

    /** Guards the fail-closed verdict (passed before the change too): a verdict is kept for the check it opened. */
    @Test
    void aCheckTheCatalogRecordsAnew_isVerifiedAgain_thoughTheKeyHandleIsUnchanged() throws IOException {
        nodeA.upload(alice, "/inbox/a.csv", "wrapped by A's version 1");
        assertThat(nodeA.read(alice, "/inbox/a.csv")).isEqualTo("wrapped by A's version 1"); // verified, kept
        nodeB.keys().ensureTenant("acme");
        String checkOfB = new KekChecks(nodeB.keys()).ofActive(new KekId("acme", 1)).orElseThrow();
        nodeA.database().inTransaction(jdbc -> jdbc.update("UPDATE kek_versions SET kek_check = ? WHERE kek_tenant = "
                + "'acme' AND version = 1", checkOfB));

        assertThatThrownBy(() -> nodeA.read(alice, "/inbox/a.csv")).hasCauseInstanceOf(KeystoreForked.class);
    }

    /** Guards the fail-closed verdict: a decorator keeping the default handle (none) has its key checked each time. */
    @Test
    void aProviderNamingNoHandle_hasItsKeyCheckedAtEveryUse() throws IOException {
        try (TestCore counted = TestCore.sharing(home, NoHandle::new, settings("node-a-no-handle"))) {
            Counting keys = (Counting) counted.keys();
            counted.upload(alice, "/inbox/first.csv", "once");
            keys.reset();

            for (int i = 0; i < TIMES; i++) {
                assertThat(counted.read(alice, "/inbox/first.csv")).isEqualTo("once");
            }
            assertThat(keys.unwraps.get()).as("the key check's and the file's").isEqualTo(2 * TIMES);
        }
    }

    private static GatewayCore.Settings settings(String node) {
        return new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(NodeSettings.of(node));
    }

    /** Counts the operations that use a key (each one an HSM operation under PKCS#11); names the delegate's handles. */
    private static class Counting extends DelegatingKeyProvider {

        final AtomicInteger wraps = new AtomicInteger();
        final AtomicInteger unwraps = new AtomicInteger();
        private final KeyProvider keys;

        Counting(KeyProvider keys) {
            super(keys);
            this.keys = keys;
        }

        @Override
        public KeySlot wrap(EnvelopeContext ctx, DataKey dek) {
            wraps.incrementAndGet();
            return super.wrap(ctx, dek);
        }

        @Override
        public DataKey unwrap(EnvelopeContext ctx, KeySlot slot) {
            unwraps.incrementAndGet();
            return super.unwrap(ctx, slot);
        }

        @Override
        public OptionalLong keyHandle(KekId kek) {
            return keys.keyHandle(kek);
        }

        void reset() {
            wraps.set(0);
            unwraps.set(0);
        }
    }

    /** Counts as {@link Counting}, naming no handle: {@link KeyProvider#keyHandle}'s default. */
    private static final class NoHandle extends Counting {

        NoHandle(KeyProvider keys) {
            super(keys);
        }

        @Override
        public OptionalLong keyHandle(KekId kek) {
            return OptionalLong.empty();
        }
    }
}
