package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.NameOrder;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.testing.PostgresCluster;
import io.vaultgate.core.testing.PostgresDatabases;
import io.vaultgate.core.tenant.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Listing pages come out of PostgreSQL in code point order even when the database was created with a linguistic
 * collation (here ICU {@code en-US}, where {@code a < B < b}): the gateway merges the rows of several queries and
 * continues after a cursor, so it must agree with the catalog on which name comes next. The test cluster itself runs
 * under {@code --locale=C}, which would hide a missing {@code COLLATE "C"}.
 */
class PostgresListingOrderTest {

    private static final List<String> NAMES = List.of("B", "Z", "a", "b", "\u00e9", "\uff21", "\uD83D\uDCC1");
    private static final TenantId ACME = new TenantId("acme");
    private static final VirtualPath INBOX = PathPolicy.parse("/inbox");

    private String name;

    @BeforeEach
    void createLinguisticDatabase() {
        name = "vaultgate_icu_" + UUID.randomUUID().toString().replace("-", "");
        PostgresDatabases.ownerPassword();
        PostgresCluster.shared().execute("CREATE DATABASE " + name + " OWNER " + PostgresDatabases.OWNER
                + " TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
    }

    @AfterEach
    void dropDatabase() {
        PostgresDatabases.drop(name);
    }

    @Test
    void filesImpliedAndExplicitDirectories_pageInCodePointOrder_underALinguisticCollation() {
        try (Database database = PostgresDatabases.open(name)) {
            database.inTransaction(jdbc -> {
                jdbc.update("INSERT INTO tenants (id, name, status, protocols, created_at) "
                        + "VALUES ('acme', 'acme', 'ACTIVE', 'SFTP', 0)");
                int id = 0;
                for (String child : NAMES) {
                    insertFile(jdbc, "f" + id++, "/inbox/" + child + ".csv");
                    insertFile(jdbc, "f" + id++, "/inbox/" + child + "/deeper/x.csv");
                    jdbc.update("INSERT INTO directories (tenant_id, account_id, path, created_at) "
                            + "VALUES ('acme', 'alice', ?, 0)", "/inbox/" + child + "!/inner");
                }
                return null;
            });
            assertThat(NAMES).isSortedAccordingTo(NameOrder.BINARY);

            FileRepository files = new FileRepository();
            DirectoryRepository directories = new DirectoryRepository();
            assertThat(walk(cursor -> database.read(jdbc -> files.listIn(jdbc, ACME, Optional.of("alice"), INBOX,
                    cursor, 2)).stream().map(FileRecord::path).map(VirtualPath::fileName).toList()))
                    .containsExactlyElementsOf(NAMES.stream().map(n -> n + ".csv").toList());
            assertThat(walk(cursor -> database.read(jdbc -> files.directoriesIn(jdbc, ACME, Optional.empty(), INBOX,
                    cursor, 2)).stream().map(FileRepository.ImpliedDirectory::name).toList()))
                    .containsExactlyElementsOf(NAMES);
            assertThat(walk(cursor -> database.read(jdbc -> directories.namesIn(jdbc, ACME, "alice", INBOX, cursor, 2))))
                    .containsExactlyElementsOf(NAMES.stream().map(n -> n + "!").toList());
        }
    }

    private static void insertFile(Jdbc jdbc, String id, String path) throws java.sql.SQLException {
        jdbc.update("INSERT INTO files (id, tenant_id, account_id, path, state, object_id, size, created_at, "
                + "updated_at) VALUES (?, 'acme', 'alice', ?, 'COMMITTED', ?, 1, 0, 0)", id, path,
                String.format("%032d", id.hashCode() & 0x7fffffff));
    }

    /** Every name, reading two at a time after the last one read, as listing pages do. */
    private static List<String> walk(java.util.function.Function<String, List<String>> page) {
        List<String> all = new ArrayList<>();
        String cursor = "";
        for (int reads = 0; reads < 20; reads++) {
            List<String> some = page.apply(cursor);
            all.addAll(some);
            if (some.size() < 2) {
                return all;
            }
            cursor = some.get(some.size() - 1);
        }
        throw new AssertionError("no end after 20 reads");
    }
}
