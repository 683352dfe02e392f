package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.testing.S3ProxyServer;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * review24b M2: a start checks the store's marker against the store id the catalog records: a new installation
 * records an id and writes it; a store without the marker, with another's, or with something that is not a marker is
 * refused; the marker is never replaced, private, and outside every tenant's objects.
 */
class StoreIdentityStartTest extends StoreIdentityFixture {

    @Test
    void aFreshInstallation_recordsAnIdAndWritesTheMarker_thenVerifiesIt() throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            StoreIdentity.Result first = check(catalog, store);
            assertThat(first.outcome()).isEqualTo(StoreIdentity.Outcome.RECORDED);
            assertThat(marker(store).read()).contains(first.id());
            assertThat(recorded(catalog)).isEqualTo(first.id() + " confirmed");

            StoreIdentity.Result again = check(catalog, TestStore.open(home, clock));
            assertThat(again).isEqualTo(new StoreIdentity.Result(first.id(), StoreIdentity.Outcome.VERIFIED));
        }
    }

    @Test
    void aStoreWithoutTheMarker_isRefused_onceTheCatalogRecordsAnId() throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            StoreId id = check(catalog, TestStore.open(home, clock)).id();
            ObjectStore empty = TestStore.open(elsewhere, clock); // an empty mount point, or a wrong bucket

            assertThatThrownBy(() -> check(catalog, empty)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.MARKER_MISSING);
                assertThat(e.getMessage()).contains(marker(empty).location(), id.value(), "not mounted",
                        "docs/operations.md");
            });
            assertThat(marker(empty).read()).as("nothing written to it").isEmpty();
        }
    }

    @Test
    void anotherStoresMarker_isRefused_namingBothIds() throws IOException {
        try (Database catalog = TestCatalog.open(home); Database other = TestCatalog.open(elsewhere)) {
            StoreId ours = check(catalog, TestStore.open(home, clock)).id();
            ObjectStore theirs = TestStore.open(elsewhere, clock);
            StoreId their = check(other, theirs).id();

            assertThatThrownBy(() -> check(catalog, theirs)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.DIFFERENT_STORE);
                assertThat(e.getMessage()).contains(ours.value(), their.value(), marker(theirs).location());
            });
        }
    }

    @Test
    void aNewCatalog_overAnotherInstallationsStore_isRefused() throws IOException {
        try (Database catalog = TestCatalog.open(home); Database fresh = TestCatalog.open(elsewhere)) {
            ObjectStore store = TestStore.open(home, clock);
            StoreId id = check(catalog, store).id();

            assertThatThrownBy(() -> check(fresh, store)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.FOREIGN_STORE);
                assertThat(e.getMessage()).contains(id.value());
            });
            assertThat(recorded(fresh)).isEqualTo("none");
        }
    }

    /** review25a L1: a marker is never replaced; a write where one is reports it, and the caller reads that one. */
    @Test
    void aMarkerWrite_whereOneIsThere_leavesIt() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "S3Proxy ignores If-None-Match on PUT (AWS S3 honours it): "
                + "s3.S3StoreMarkerConditionalTest tests it on a server that honours it");
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            StoreId there = StoreId.random();
            assertThat(marker(store).write(there)).isTrue();

            assertThat(marker(store).write(StoreId.random())).isFalse();
            assertThat(marker(store).read()).contains(there);
        }
    }

    /** review25a L8: temporary marker files a crash mid-write left are deleted once the store is recognized. */
    @Test
    void leftoverTemporaryMarkerFiles_areDeletedAtStart_andNothingElse() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a file in the store's root");
        try (Database catalog = TestCatalog.open(home)) {
            check(catalog, TestStore.open(home, clock));
            Path root = home.resolve("objects");
            Files.writeString(root.resolve(".vaultgate-store.8342113097212.new"), "vaultgate-st");
            Files.writeString(root.resolve(".vaultgate-store.keep"), "not ours");
            Files.writeString(root.resolve(".vaultgate-store.x1.new"), "not ours either");

            check(catalog, TestStore.open(home, clock));

            try (var names = Files.list(root)) {
                assertThat(names.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder(
                        StoreMarker.NAME, ".vaultgate-store.keep", ".vaultgate-store.x1.new");
            }
        }
    }

    /** An S3 marker is read up to a byte more than a marker can be: a larger object is refused, not read whole. */
    @Test
    void anOversizedMarker_isRefused_namingTheLimit() throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            byte[] large = new byte[1 << 20];
            java.util.Arrays.fill(large, (byte) 'v');
            if (TestStore.s3()) {
                S3ObjectStore s3 = (S3ObjectStore) store;
                S3ProxyServer.shared().client().putObject(r -> r.bucket(s3.settings().bucket())
                        .key(s3.settings().keyPrefix() + StoreMarker.NAME), RequestBody.fromBytes(large));
            } else {
                Files.write(home.resolve("objects").resolve(StoreMarker.NAME), large);
            }

            assertThatThrownBy(() -> check(catalog, store)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.MARKER_UNREADABLE);
                assertThat(e.getMessage()).contains("larger than 128 bytes", marker(store).location());
            });
        }
    }

    @Test
    void aMarkerThatIsNotOne_isRefused_withoutEchoingIt() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a file in the store's root");
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            Files.writeString(home.resolve("objects").resolve(StoreMarker.NAME), "secret-looking junk\n");

            assertThatThrownBy(() -> check(catalog, store)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.MARKER_UNREADABLE);
                assertThat(e.getMessage()).doesNotContain("junk");
            });
        }
    }

    @Test
    void theFileMarker_isPrivate_andOutsideEveryTenantsObjects() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a file in the store's root");
        try (Database catalog = TestCatalog.open(home)) {
            check(catalog, TestStore.open(home, clock));
            Path file = home.resolve("objects").resolve(StoreMarker.NAME);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(file, StandardCharsets.US_ASCII)).matches("vaultgate-store [0-9a-f-]{36}\n");
            try (var names = Files.list(home.resolve("objects"))) {
                assertThat(names.map(path -> path.getFileName().toString())).as("no temporary file left")
                        .containsExactly(StoreMarker.NAME);
            }
        }
    }
}
