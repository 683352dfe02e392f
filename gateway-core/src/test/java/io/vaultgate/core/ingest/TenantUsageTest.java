package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quota checks read a tenant's usage from kept counters (migration V12) instead of summing its files on every
 * upload. Whatever happens to a file (committed, replaced, aborted, interrupted, resumed, renamed, deleted), the
 * counters equal the sum over the files table, per tenant.
 */
class TenantUsageTest {

    private static final FileRepository FILES = new FileRepository();

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal alice;
    private ClientPrincipal carol;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        alice = test.client("acme", "alice", Protocol.SFTP);
        carol = test.client("globex", "carol", Protocol.SFTP);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void countersFollowEveryChangeToTheTenantsFiles_andEqualTheSumOverItsFiles() throws Exception {
        upload(alice, "/inbox/a.csv", 70_000);
        assertUsage(alice.tenant(), 70_000, 1);

        upload(alice, "/inbox/a.csv", 10_000); // replaces the older file
        assertUsage(alice.tenant(), 10_000, 1);

        try (Upload aborted = test.core().ingest().open(alice, PathPolicy.parse("/inbox/b.csv"), UploadMode.CREATE)) {
            aborted.write(0, ByteBuffer.wrap(new byte[5_000]));
            aborted.abort();
        }
        assertUsage(alice.tenant(), 10_000, 1);

        try (Upload dropped = test.core().ingest().open(alice, PathPolicy.parse("/inbox/c.csv"), UploadMode.CREATE)) {
            dropped.write(0, ByteBuffer.wrap(new byte[200_000]));
        } // the connection dropped: a partial of 200 000 bytes
        assertUsage(alice.tenant(), 210_000, 2);

        try (Upload resumed = test.core().ingest().open(alice, PathPolicy.parse("/inbox/c.csv"), UploadMode.RESUME)) {
            resumed.write(200_000, ByteBuffer.wrap(new byte[50_000]));
            resumed.commit();
        }
        assertUsage(alice.tenant(), 260_000, 2);

        test.core().files().rename(alice, PathPolicy.parse("/inbox/c.csv"), PathPolicy.parse("/inbox/d.csv"));
        assertUsage(alice.tenant(), 260_000, 2);

        upload(carol, "/inbox/other.csv", 1_234);
        test.core().files().delete(alice, PathPolicy.parse("/inbox/a.csv"));
        assertUsage(alice.tenant(), 250_000, 1);
        assertUsage(carol.tenant(), 1_234, 1);
    }

    @Test
    void upgradeFromV11_seedsTheCountersFromTheExistingFiles() throws Exception {
        Path catalog = home.resolve("v11.db");
        Flyway.configure().dataSource("jdbc:sqlite:" + catalog, null, null).locations("classpath:db/migration")
                .target("11").load().migrate();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             Statement sql = connection.createStatement()) {
            sql.executeUpdate("INSERT INTO tenants (id, name, status, protocols, created_at) VALUES "
                    + "('acme', 'Acme', 'ACTIVE', 'SFTP', 0), ('globex', 'Globex', 'ACTIVE', 'SFTP', 0), "
                    + "('empty', 'Empty', 'ACTIVE', 'SFTP', 0)");
            sql.executeUpdate("INSERT INTO files (id, tenant_id, account_id, path, state, object_id, size, created_at, "
                    + "updated_at) VALUES ('f1', 'acme', 'a', '/inbox/a', 'COMMITTED', 'o1', 70000, 0, 0), "
                    + "('f2', 'acme', 'a', '/inbox/b', 'PARTIAL', 'o2', 3, 0, 0), "
                    + "('f3', 'globex', 'c', '/inbox/c', 'UPLOADING', 'o3', 9, 0, 0)");
        }
        try (Database upgraded = Database.sqlite(catalog)) {
            assertThat(usage(upgraded, "acme")).containsExactly(70_003, 2);
            assertThat(usage(upgraded, "globex")).containsExactly(9, 1);
            assertThat(usage(upgraded, "empty")).containsExactly(0, 0);
        }
    }

    private static long[] usage(Database database, String tenant) {
        return database.read(jdbc -> FILES.usage(jdbc, TenantId.of(tenant)));
    }

    private void assertUsage(TenantId tenant, long bytes, long files) {
        long[] kept = test.database().read(jdbc -> FILES.usage(jdbc, tenant));
        long[] summed = test.database().read(jdbc -> FILES.usageFromFiles(jdbc, tenant));
        assertThat(kept).as("kept counters of " + tenant.value()).containsExactly(bytes, files);
        assertThat(summed).as("sum over the files of " + tenant.value()).containsExactly(bytes, files);
    }

    private void upload(ClientPrincipal who, String path, int size) throws Exception {
        VirtualPath target = PathPolicy.parse(path);
        try (Upload upload = test.core().ingest().open(who, target, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[size]));
            upload.commit();
        }
    }
}
