package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crypto-shredding a file deletes its key slot, the only copy of its data key: the wrapped key must then be
 * gone from the catalog's files too, or whoever holds the catalog file and the tenant's KEK (which stays, for
 * the tenant's other files) can still unwrap it. The same holds for a slot a KEK rotation replaced: that is
 * what someone holding the retired, perhaps compromised, KEK version would look for. Each step runs in its
 * own session, so the rows have been checkpointed into catalog.db before they are deleted (SQLite does so
 * on its own every 1000 pages).
 */
class ShreddedKeySlotTest {

    private static final GatewayCore.Settings SETTINGS = new GatewayCore.Settings(Duration.ofHours(24), 64);

    @TempDir
    Path home;

    @Test
    void deletedAndReplacedKeySlots_areNotLeftInTheSqliteCatalogFile() throws Exception {
        Assumptions.assumeFalse(TestCatalog.postgresql(), "looks into the SQLite catalog file");
        ClientPrincipal alice;
        try (TestCore test = TestCore.create(home, SETTINGS)) {
            alice = test.client("acme", "alice", Protocol.SFTP);
            for (String name : new String[] {"shredded.bin", "kept.bin"}) {
                try (Upload upload = test.core().ingest().open(alice, PathPolicy.parse("/inbox/" + name),
                        UploadMode.CREATE)) {
                    upload.write(0, ByteBuffer.wrap(new byte[1000]));
                    upload.commit();
                }
            }
        }
        String shredded;
        try (TestCore test = TestCore.reopen(home, SETTINGS)) {
            List<String> before = wrappedKeys(test);
            test.core().files().delete(alice, PathPolicy.parse("/inbox/shredded.bin"));
            shredded = before.stream().filter(k -> !wrappedKeys(test).contains(k)).findFirst().orElseThrow();
        }
        assertThat(catalogFiles()).as("the shredded file's wrapped key").doesNotContain(shredded);

        String replaced;
        String current;
        try (TestCore test = TestCore.reopen(home, SETTINGS)) {
            replaced = wrappedKeys(test).get(0);
            test.core().keyRotation().rotate(TenantId.of("acme"), true);
            current = wrappedKeys(test).get(0);
        }
        assertThat(catalogFiles()).as("the live slot is there: the search works").contains(current);
        assertThat(catalogFiles()).as("the slot the rotation replaced").doesNotContain(replaced);
    }

    private static List<String> wrappedKeys(TestCore test) {
        return test.database().read(jdbc -> jdbc.query("SELECT wrapped FROM key_slots", row -> row.getString(1)));
    }

    /** The bytes of catalog.db and its -wal/-shm files, as one string. */
    private String catalogFiles() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(home)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("catalog.db")).toList()) {
                all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }
}
