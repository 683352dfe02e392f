package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.metrics.CheckResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogFileCheckTest {

    @TempDir
    Path dir;

    @Test
    void theFileOpenedAtStartUp_isUp() throws Exception {
        Path file = Files.writeString(dir.resolve("catalog.db"), "db");

        assertThat(CatalogFileCheck.of(file).check().up()).isTrue();
    }

    @Test
    void aDeletedFile_isDown() throws Exception {
        Path file = Files.writeString(dir.resolve("catalog.db"), "db");
        CatalogFileCheck check = CatalogFileCheck.of(file);
        Files.delete(file);

        CheckResult result = check.check();

        assertThat(result.up()).isFalse();
        assertThat(result.detail()).contains("missing");
    }

    @Test
    void aFileReplacedUnderTheGateway_isDown_evenWithTheSameContent() throws Exception {
        Path file = Files.writeString(dir.resolve("catalog.db"), "db");
        CatalogFileCheck check = CatalogFileCheck.of(file);
        Path copy = Files.writeString(dir.resolve("restored.db"), "db");
        Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        CheckResult result = check.check();

        assertThat(result.up()).isFalse();
        assertThat(result.detail()).contains("replaced").contains("restart");
    }

    @Test
    void aDirectoryInPlaceOfTheFile_isDown() throws Exception {
        Path file = dir.resolve("catalog.db");
        Files.createDirectory(file);

        assertThat(CatalogFileCheck.of(file).check().up()).isFalse();
    }
}
