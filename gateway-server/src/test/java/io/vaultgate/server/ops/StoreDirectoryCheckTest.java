package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.metrics.CheckResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreDirectoryCheckTest {

    @TempDir
    Path dir;

    @Test
    void aWritableDirectory_isUp() {
        assertThat(new StoreDirectoryCheck(dir).check().up()).isTrue();
    }

    @Test
    void aDirectoryItsOwnerCannotWrite_isDown_evenForRoot() throws Exception {
        Path store = Files.createDirectory(dir.resolve("objects"));
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("r-xr-xr-x"));

        CheckResult result = new StoreDirectoryCheck(store).check();

        assertThat(result.up()).isFalse();
        assertThat(result.detail()).contains("is not writable", store.toString());
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwx------"));
        assertThat(new StoreDirectoryCheck(store).check().up()).isTrue();
    }

    @Test
    void aMissingDirectory_orAFileInItsPlace_isDown() throws Exception {
        Path file = Files.writeString(dir.resolve("objects"), "not a directory");

        assertThat(new StoreDirectoryCheck(dir.resolve("missing")).check().detail()).contains("missing");
        assertThat(new StoreDirectoryCheck(file).check().up()).isFalse();
    }

    @Test
    void aCatalogFileItsOwnerCannotRead_isDown_evenForRoot() throws Exception {
        Path file = Files.writeString(dir.resolve("catalog.db"), "db");
        CatalogFileCheck check = CatalogFileCheck.of(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));

        CheckResult result = check.check();

        assertThat(result.up()).isFalse();
        assertThat(result.detail()).contains("not readable and writable");
    }
}
