package io.vaultgate.core.storage;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store identity tests share (review27 #11: one 692-line StoreIdentityTest split by behaviour into {@link
 * StoreIdentityStartTest}, {@link StoreIdentityUpgradeTest}, {@link StoreIdentityRaceTest} and {@link
 * StoreAdoptionTest}): a home and another directory, and the helpers that start a check, read the catalog's row and
 * write the rows a node writes. Each test runs on the run's catalog and store ({@link TestCatalog}, {@link TestStore}:
 * SQLite and a directory, or PostgreSQL and S3). A store of another home stands for an empty mount point (a
 * directory) or a wrong bucket (S3).
 */
abstract class StoreIdentityFixture {

    @TempDir
    Path home;
    @TempDir
    Path elsewhere;

    /** How {@code store adopt} tells a live node: the default dead-after time (20 s), as a node's own watch does. */
    static final NodeSettings JUDGE = NodeSettings.of("admin");

    final Clock clock = Clock.systemUTC();

    static void awaitBriefly(CountDownLatch latch) throws IOException {
        try {
            latch.await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
        }
    }

    StoreAdoption adoption(TestCore gateway, ObjectStore store) {
        return new StoreAdoption(gateway.database(), StoreIdentity.objectsOf(store), marker(store),
                gateway.core().audit(), clock, JUDGE);
    }

    static List<String> adoptionsAudited(TestCore gateway) {
        return gateway.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = "
                + "'admin.change' AND event LIKE ?", row -> row.getString(1), "%STORE_ADOPTED%"));
    }

    /** Node {@code id}'s row, its last heartbeat {@code silence} ago on the catalog's clock (as the nodes write it). */
    static void beat(Database catalog, String id, Duration silence) {
        catalog.inTransaction(jdbc -> jdbc.update("INSERT INTO nodes (id, incarnation, started_at, last_seen) VALUES "
                + "(?, 'test', " + jdbc.dialect().nowMillis() + ", " + jdbc.dialect().nowMillis() + " - ?) ON CONFLICT "
                + "(id) DO UPDATE SET last_seen = excluded.last_seen", id, silence.toMillis()));
    }

    /** A clean stop, as a node records it. */
    static void stop(Database catalog, String id) {
        catalog.inTransaction(jdbc -> jdbc.update("UPDATE nodes SET last_seen = 0 WHERE id = ?", id));
    }

    StoreIdentity.Result check(Database catalog, ObjectStore store) throws IOException {
        return new StoreIdentity(catalog, store, marker(store)).check();
    }

    static StoreMarker marker(ObjectStore store) {
        return store instanceof FileSystemObjectStore directory ? directory.marker()
                : ((S3ObjectStore) store).marker();
    }

    static void committedFiles(TestCore gateway, int count) {
        ClientPrincipal alice = gateway.client("acme", "alice", Protocol.SFTP);
        for (int i = 0; i < count; i++) {
            gateway.upload(alice, "/inbox/file-" + i + ".txt", "content " + i);
        }
    }

    static void recordUnconfirmed(Database catalog, StoreId id) {
        catalog.inTransaction(jdbc -> jdbc.update(
                "INSERT INTO store_identity (id, store_id, recorded_at) VALUES (1, ?, 0)", id.value()));
    }

    static String recorded(Database catalog) {
        Optional<String> row = catalog.read(jdbc -> jdbc.queryOne(
                "SELECT store_id, confirmed_at FROM store_identity WHERE id = 1",
                r -> r.getString(1) + (r.getObject(2) != null ? " confirmed" : " unconfirmed")));
        return row.orElse("none");
    }
}
