package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * review24b M2: a catalog from before store markers (V33) records its store's id at its first start only once the
 * store proves it holds the catalog's objects (more than half of those of the files committed last); a catalog with
 * uploads in progress only cannot be proven.
 */
class StoreIdentityUpgradeTest extends StoreIdentityFixture {

    @Test
    void anUpgradedCatalog_adoptsAStoreThatHoldsItsObjects() throws IOException {
        try (TestCore gateway = TestCore.create(home)) { // a catalog from before V33: files, no store id
            committedFiles(gateway, 3);
            StoreIdentity.Result result = check(gateway.database(), gateway.store());

            assertThat(result.outcome()).isEqualTo(StoreIdentity.Outcome.RECORDED);
            assertThat(marker(gateway.store()).read()).contains(result.id());
            assertThat(recorded(gateway.database())).isEqualTo(result.id() + " confirmed");
        }
    }

    @Test
    void anUpgradedCatalog_refusesAStoreThatDoesNotHoldItsObjects_andWritesNothingThere() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 3);
            ObjectStore empty = TestStore.open(elsewhere, clock);

            assertThatThrownBy(() -> check(gateway.database(), empty)).isInstanceOfSatisfying(
                    StoreNotRecognized.class, e -> {
                        assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.NOT_PROVEN);
                        assertThat(e.getMessage()).contains("0 of the objects of the 3 files", "not mounted");
                    });
            assertThat(marker(empty).read()).isEmpty();
            assertThat(recorded(gateway.database())).isEqualTo("none");
        }
    }

    @Test
    void anUpgradedCatalog_withUploadsInProgressOnly_cannotBeProven_andIsRefused() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            ClientPrincipal alice = gateway.client("acme", "alice", Protocol.SFTP);
            Upload upload = gateway.core().ingest().open(alice, PathPolicy.parse("/inbox/live.bin"), UploadMode.CREATE);
            upload.write(0, ByteBuffer.wrap(new byte[10]));

            assertThatThrownBy(() -> check(gateway.database(), gateway.store())).isInstanceOfSatisfying(
                    StoreNotRecognized.class, e -> assertThat(e.reason())
                            .isEqualTo(StoreNotRecognized.Reason.NOT_PROVEN));
            upload.close();
        }
    }

    /** A catalog restored from before the upgrade, over a store its later self marked: the store's id is adopted. */
    @Test
    void anUpgradedCatalog_adoptsTheMarkerOfAStoreThatHoldsItsObjects() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreId marked = StoreId.random();
            marker(gateway.store()).write(marked);

            StoreIdentity.Result result = check(gateway.database(), gateway.store());
            assertThat(result).isEqualTo(new StoreIdentity.Result(marked, StoreIdentity.Outcome.ADOPTED));
            assertThat(recorded(gateway.database())).isEqualTo(marked + " confirmed");
        }
    }

    /**
     * Crash after an upgraded catalog recorded the id, before the marker; the next start finds the store unmounted: it
     * proves the store again instead of writing the marker on the mount point.
     */
    @Test
    void crashAfterAnUpgradeRecordedTheId_thenAnUnmountedStore_isRefused() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            recordUnconfirmed(gateway.database(), StoreId.random());
            ObjectStore empty = TestStore.open(elsewhere, clock);

            assertThatThrownBy(() -> check(gateway.database(), empty)).isInstanceOfSatisfying(
                    StoreNotRecognized.class, e -> assertThat(e.reason())
                            .isEqualTo(StoreNotRecognized.Reason.NOT_PROVEN));
            assertThat(marker(empty).read()).isEmpty();
        }
    }
}
