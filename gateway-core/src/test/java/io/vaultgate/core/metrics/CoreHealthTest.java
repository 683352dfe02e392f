package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreHealthTest {

    @TempDir
    Path home;
    private TestCore test;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aWorkingCore_isUp() {
        assertThat(test.core().health().check()).allSatisfy(check -> assertThat(check.up()).isTrue())
                .extracting(CheckResult::name).containsExactly("catalog", "store");
    }

    @Test
    void aCatalogReplacedByAnEmptyDatabase_isDown() throws IOException {
        removeCatalog();
        Files.createFile(home.resolve("catalog.db"));

        CheckResult catalog = test.core().health().catalog();

        assertThat(catalog.up()).isFalse();
        assertThat(catalog.detail()).contains("catalog");
    }

    @Test
    void aCatalogThatCannotBeOpened_isDown() throws IOException {
        removeCatalog();
        Files.createDirectory(home.resolve("catalog.db"));

        assertThat(test.core().health().catalog().up()).isFalse();
    }

    @Test
    void aStoreWhoseRootIsNotADirectory_isDown_andUpAgainOnceRepaired() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a directory store");
        Path objects = home.resolve("objects");
        Path moved = home.resolve("objects.moved");
        Files.move(objects, moved);
        Files.writeString(objects, "not a directory");

        assertThat(test.core().health().store().up()).isFalse();

        Files.delete(objects);
        Files.move(moved, objects);
        assertThat(test.core().health().store().up()).isTrue();
    }

    @Test
    void theStoreProbe_leavesNoObjectBehind() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a directory store");
        test.core().health().store();

        try (var files = Files.walk(home.resolve("objects"))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    private void removeCatalog() throws IOException {
        Assumptions.assumeFalse(TestCatalog.postgresql(), "a SQLite file; PostgresCatalogTest covers PostgreSQL");
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(home.resolve("catalog.db" + suffix));
        }
    }
}
