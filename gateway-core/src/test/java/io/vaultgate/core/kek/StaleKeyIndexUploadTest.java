package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose key provider has not yet seen a rotation made elsewhere, as a PKCS#11 provider between its re-reads of
 * the token (every 10 s) after another node or {@code vaultgate keys rotate} rotated the tenant: it wraps a new
 * upload's data key with the old version, and the upload's opening transaction finds the catalog's newer one. That
 * re-reads the provider (not behind after all) and, before, refused the upload with {@code 503} "retry later"; now the
 * data key is wrapped again with the version now active and the upload goes on. Both nodes share one keystore file,
 * so only the provider's view is stale. Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on
 * PostgreSQL.
 */
class StaleKeyIndexUploadTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;

    /**
     * Wraps (and names the active version) from a copy of the keystore taken before the rotation until it is asked to
     * re-read ({@link KeyProvider#reload}), as a PKCS#11 provider does from its index of the token; the rest from the
     * live keystore.
     */
    private static final class StaleIndex extends DelegatingKeyProvider {
        private final KeyProvider snapshot;
        private final AtomicInteger staleWraps;
        private volatile boolean reread;

        StaleIndex(KeyProvider live, KeyProvider snapshot, AtomicInteger staleWraps) {
            super(live);
            this.snapshot = snapshot;
            this.staleWraps = staleWraps;
        }

        @Override
        public KekId active(String tenantId) {
            return reread ? super.active(tenantId) : snapshot.active(tenantId);
        }

        @Override
        public KeySlot wrap(EnvelopeContext ctx, DataKey dek) {
            if (reread) {
                return super.wrap(ctx, dek);
            }
            staleWraps.incrementAndGet();
            return snapshot.wrap(ctx, dek);
        }

        @Override
        public boolean reload() {
            reread = true;
            return true;
        }

        @Override
        public void close() {
            try {
                snapshot.close();
            } finally {
                super.close();
            }
        }
    }

    @Test
    void anUploadWrappedBeforeTheNodeSawARotationMadeElsewhere_isWrappedAgain_withTheActiveVersion() throws IOException {
        try (TestCore nodeA = TestCore.create(home)) {
            ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
            Path snapshot = Files.copy(home.resolve("kek.p12"), home.resolve("before-rotation.p12"),
                    StandardCopyOption.COPY_ATTRIBUTES);
            AtomicInteger staleWraps = new AtomicInteger();
            try (TestCore nodeB = TestCore.sharing(home, live -> new StaleIndex(live, KeystoreKeyProvider.open(snapshot,
                    MasterSecret.fromBytes("test master secret, not for production".getBytes())), staleWraps),
                    new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(NodeSettings.of("node-b")))) {
                nodeA.core().keyRotation().rotate(ACME, false);

                nodeB.upload(alice, "/inbox/after.csv", "wrapped again with version 2");

                assertThat(staleWraps.get()).as("the first wrap used the old version").isEqualTo(1);
                List<Integer> versions = nodeA.database().read(jdbc -> jdbc.query("SELECT kek_version FROM key_slots "
                        + "WHERE kek_tenant = 'acme'", row -> row.getInt(1)));
                assertThat(versions).as("the stored slot is version 2's").containsExactly(2);
                assertThat(nodeA.read(alice, "/inbox/after.csv")).isEqualTo("wrapped again with version 2");
            }
        }
    }
}
