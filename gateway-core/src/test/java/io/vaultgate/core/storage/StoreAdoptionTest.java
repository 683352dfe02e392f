package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.testing.S3ProxyServer;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@code vaultgate store adopt} ({@link StoreAdoption}): a store holding the catalog's objects is recorded, confirmed
 * and audited; nothing is adopted while a node runs or starts, and a refused adoption changes nothing.
 */
class StoreAdoptionTest extends StoreIdentityFixture {

    /**
     * {@code vaultgate store adopt}: a store holding the catalog's objects but another marker (copied elsewhere, or
     * restored without its own) is recorded, confirmed and audited; a store without them is not, and nothing is
     * written to it.
     */
    @Test
    void adopt_recordsAStoreThatHoldsTheCatalogsObjects_andAuditsIt_butNotOneThatDoesNot() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 3);
            StoreId before = check(gateway.database(), gateway.store()).id();
            ObjectStore empty = TestStore.open(elsewhere, clock);
            assertThatThrownBy(() -> adoption(gateway, empty).adopt("cli:test"))
                    .isInstanceOfSatisfying(StoreNotRecognized.class, e -> assertThat(e.getMessage())
                            .contains("0 of the objects of the 3 files"));
            assertThat(marker(empty).read()).isEmpty();
            assertThat(recorded(gateway.database())).isEqualTo(before + " confirmed");

            StoreId copied = StoreId.random(); // the store as restored: its objects, another marker than recorded
            if (gateway.store() instanceof S3ObjectStore s3) {
                S3ProxyServer.shared().client().deleteObject(r -> r.bucket(s3.settings().bucket())
                        .key(s3.settings().keyPrefix() + StoreMarker.NAME));
            } else {
                Files.delete(home.resolve("objects").resolve(StoreMarker.NAME));
            }
            marker(gateway.store()).write(copied);
            assertThatThrownBy(() -> check(gateway.database(), gateway.store()))
                    .isInstanceOf(StoreNotRecognized.class);

            StoreAdoption.Adopted adopted = adoption(gateway, gateway.store()).adopt("cli:test");
            assertThat(adopted).isEqualTo(new StoreAdoption.Adopted(copied, false, Optional.of(before), false));
            assertThat(recorded(gateway.database())).isEqualTo(copied + " confirmed");
            assertThat(check(gateway.database(), gateway.store())).isEqualTo(
                    new StoreIdentity.Result(copied, StoreIdentity.Outcome.VERIFIED));
            List<String> audited = gateway.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events "
                    + "WHERE kind = 'admin.change' AND event LIKE ?", row -> row.getString(1), "%STORE_ADOPTED%"));
            assertThat(audited).hasSize(1);
            assertThat(audited.get(0)).contains(copied.value(), before.value(), "cli:test");
        }
    }

    @Test
    void adopt_writesAMarkerWhereThereIsNone() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreAdoption.Adopted adopted = adoption(gateway, gateway.store()).adopt("cli:test");

            assertThat(adopted.markerWritten()).isTrue();
            assertThat(marker(gateway.store()).read()).contains(adopted.id());
            assertThat(recorded(gateway.database())).isEqualTo(adopted.id() + " confirmed");
        }
    }

    /**
     * review26a L8: a node that records an id while {@code store adopt} runs (it was not stopped) is not overwritten:
     * the adoption records nothing, audits nothing and says to stop every node and run it again. review27 #9: and
     * writes no marker (it wrote its own before the transaction that found the row changed, and kept it).
     */
    @Test
    void adopt_whileANodeRecordsAnId_recordsNothing_andWritesNoMarker() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreId nodes = StoreId.random();
            StoreIdentity.Objects objects = StoreIdentity.objectsOf(gateway.store());
            AtomicBoolean recordedOnce = new AtomicBoolean();
            StoreIdentity.Objects nodeRecords = (tenant, id) -> { // while the store is proven
                if (recordedOnce.compareAndSet(false, true)) {
                    gateway.database().inTransaction(jdbc -> jdbc.update("INSERT INTO store_identity (id, store_id, "
                            + "recorded_at) VALUES (1, ?, " + jdbc.dialect().nowMillis() + ")", nodes.value()));
                }
                return objects.holds(tenant, id);
            };
            StoreAdoption adoption = new StoreAdoption(gateway.database(), nodeRecords, marker(gateway.store()),
                    gateway.core().audit(), clock, JUDGE);

            assertThatThrownBy(() -> adoption.adopt("cli:test")).isInstanceOfSatisfying(StoreNotRecognized.class,
                    e -> assertThat(e.getMessage()).contains("changed while", "nothing was recorded"));
            assertThat(recorded(gateway.database())).isEqualTo(nodes + " unconfirmed");
            assertThat(marker(gateway.store()).read()).as("no marker written").isEmpty();
            assertThat(adoptionsAudited(gateway)).isEmpty();
        }
    }

    /**
     * review27 #9: a starting node has no heartbeat until its store is recognized, but one that has recorded an id
     * and not confirmed it yet (younger than the grace period) is seen: the adoption is refused saying a node is
     * starting, and changes nothing. An unconfirmed id older than that (a start that crashed) does not hold it back.
     */
    @Test
    void adopt_whileAStartHasRecordedAnIdNotConfirmedYet_isRefused_andAdoptsOnceThatIdIsStale() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreId starting = StoreId.random();
            gateway.database().inTransaction(jdbc -> jdbc.update("INSERT INTO store_identity (id, store_id, "
                    + "recorded_at) VALUES (1, ?, " + jdbc.dialect().nowMillis() + " - 5000)", starting.value()));

            assertThatThrownBy(() -> adoption(gateway, gateway.store()).adopt("cli:test")).isInstanceOfSatisfying(
                    StoreNotRecognized.class, e -> {
                        assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.NODES_RUNNING);
                        assertThat(e.problem()).containsPattern("a start recorded store id " + starting
                                + " \\d+ s ago and has not confirmed it: a node is starting")
                                .contains("nothing was recorded");
                        assertThat(e.fix()).startsWith("stop every node, then run vaultgate store adopt again");
                    });
            assertThat(marker(gateway.store()).read()).as("no marker written").isEmpty();
            assertThat(recorded(gateway.database())).isEqualTo(starting + " unconfirmed");
            assertThat(adoptionsAudited(gateway)).isEmpty();

            gateway.database().inTransaction(jdbc -> jdbc.update("UPDATE store_identity SET recorded_at = "
                    + jdbc.dialect().nowMillis() + " - ? WHERE id = 1", StoreIdentity.GRACE.plusSeconds(1).toMillis()));
            StoreAdoption.Adopted adopted = adoption(gateway, gateway.store()).adopt("cli:test");
            assertThat(adopted.replaced()).contains(starting);
            assertThat(recorded(gateway.database())).isEqualTo(adopted.id() + " confirmed");
        }
    }

    /**
     * review27 #9: the marker is written in the transaction that records it, after the checks there: a marker that
     * cannot be written leaves the catalog's row as it was and audits nothing (and the failure is the one thrown).
     */
    @Test
    void adopt_whoseMarkerCannotBeWritten_recordsNothing() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreMarker failing = new DelegatingMarker(marker(gateway.store())) {
                @Override
                public boolean write(StoreId id) throws IOException {
                    throw new IOException("the store refused the marker");
                }
            };
            StoreAdoption adoption = new StoreAdoption(gateway.database(), StoreIdentity.objectsOf(gateway.store()),
                    failing, gateway.core().audit(), clock, JUDGE);

            assertThatThrownBy(() -> adoption.adopt("cli:test")).isInstanceOf(IOException.class)
                    .hasMessage("the store refused the marker");
            assertThat(recorded(gateway.database())).isEqualTo("none");
            assertThat(adoptionsAudited(gateway)).isEmpty();
        }
    }

    /**
     * review26a L8: {@code store adopt} while a node's heartbeat is fresh (as the nodes judge it: within the dead-after
     * time) is refused, naming the node; nothing is written, recorded or audited. Once the node is silent for longer
     * (crashed), or stopped, the store is adopted.
     */
    @Test
    void adopt_whileANodesHeartbeatIsFresh_isRefusedNamingIt_andAdoptsOnceItIsDeadOrStopped() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            beat(gateway.database(), "node-a", Duration.ZERO);
            beat(gateway.database(), "node-b", JUDGE.deadAfter().minusSeconds(3)); // silent, not yet taken for dead

            assertThatThrownBy(() -> adoption(gateway, gateway.store()).adopt("cli:test")).isInstanceOfSatisfying(
                    StoreNotRecognized.class, e -> {
                        assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.NODES_RUNNING);
                        assertThat(e.problem()).containsPattern("node node-a heartbeat \\d+ s ago") // seconds
                                .containsPattern("node node-b heartbeat 1[7-9] s ago") // pass under load
                                .contains("nothing was recorded");
                        assertThat(e.fix()).isEqualTo("stop every node, then run vaultgate store adopt again");
                    });
            assertThat(marker(gateway.store()).read()).as("no marker written").isEmpty();
            assertThat(recorded(gateway.database())).isEqualTo("none");
            assertThat(adoptionsAudited(gateway)).isEmpty();

            beat(gateway.database(), "node-a", JUDGE.deadAfter().plusSeconds(1)); // crashed: taken for dead
            stop(gateway.database(), "node-b");
            StoreAdoption.Adopted adopted = adoption(gateway, gateway.store()).adopt("cli:test");
            assertThat(adopted.markerWritten()).isTrue();
            assertThat(recorded(gateway.database())).isEqualTo(adopted.id() + " confirmed");
            assertThat(adoptionsAudited(gateway)).hasSize(1);
        }
    }

    /**
     * review26a L8: a node that starts while the adoption proves the store is named, and nothing is recorded.
     * review27 #9: nor written: the marker this run would write is not there (it was written before the second
     * check, and kept).
     */
    @Test
    void adopt_whenANodeStartsWhileTheStoreIsProven_recordsNothing_andWritesNoMarker() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreIdentity.Objects objects = StoreIdentity.objectsOf(gateway.store());
            StoreIdentity.Objects nodeStarts = (tenant, id) -> {
                beat(gateway.database(), "node-c", Duration.ZERO);
                return objects.holds(tenant, id);
            };
            StoreAdoption adoption = new StoreAdoption(gateway.database(), nodeStarts, marker(gateway.store()),
                    gateway.core().audit(), clock, JUDGE);

            assertThatThrownBy(() -> adoption.adopt("cli:test")).isInstanceOfSatisfying(StoreNotRecognized.class,
                    e -> assertThat(e.problem()).containsPattern("node node-c heartbeat \\d+ s ago"));
            assertThat(marker(gateway.store()).read()).as("no marker written").isEmpty();
            assertThat(recorded(gateway.database())).isEqualTo("none");
            assertThat(adoptionsAudited(gateway)).isEmpty();
        }
    }
}
