package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.metrics.CoreHealth;
import io.vaultgate.core.storage.FileSystemObjectStore;
import io.vaultgate.core.testing.PostgresCluster;
import io.vaultgate.core.testing.PostgresDatabases;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** The catalog on a real PostgreSQL 15: the same migrations and repositories as on SQLite. */
class PostgresCatalogTest {

    @TempDir
    Path dir;
    private String name;

    @BeforeEach
    void createEmptyDatabase() {
        name = PostgresDatabases.createEmpty();
    }

    @AfterEach
    void dropDatabase() {
        PostgresDatabases.drop(name);
    }

    @Test
    void migrations_applyEveryVersion_asAnOrdinaryDatabaseOwner() throws Exception {
        try (Database database = PostgresDatabases.open(name)) {
            assertThat(database.dialect()).isEqualTo(Dialect.POSTGRESQL);
        }
        try (Connection connection = PostgresCluster.shared().connect(name);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*), MIN(CASE WHEN success THEN 1 ELSE 0 END) "
                     + "FROM flyway_schema_history WHERE version IS NOT NULL");
             Statement owner = connection.createStatement();
             ResultSet superuser = owner.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = '"
                     + PostgresDatabases.OWNER + "'")) {
            rows.next();
            assertThat(rows.getInt(1)).as("applied migrations").isEqualTo(migrationCount()).isGreaterThanOrEqualTo(5);
            assertThat(rows.getInt(2)).as("all successful").isEqualTo(1);
            superuser.next();
            assertThat(superuser.getBoolean(1)).as("the catalog role is no superuser").isFalse();
        }
    }

    @Test
    void reopening_appliesNothingTwice_andKeepsTheData() {
        Tenant tenant = tenant("acme");
        try (Database database = PostgresDatabases.open(name)) {
            database.inTransaction(jdbc -> {
                new TenantRepository().insert(jdbc, tenant);
                return null;
            });
        }
        try (Database database = PostgresDatabases.open(name)) {
            Optional<Tenant> found = database.read(jdbc -> new TenantRepository().find(jdbc, tenant.id()));
            assertThat(found).contains(tenant);
        }
    }

    @Test
    void repositories_roundTripBooleansListsAndTimes() {
        Tenant tenant = new Tenant(TenantId.of("globex"), "Globex Ltd", TenantStatus.ACTIVE, new Quota(1 << 30, 1000),
                Duration.ofDays(30), EnumSet.of(Protocol.SFTP, Protocol.HTTPS), true,
                List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")), Instant.ofEpochMilli(1_764_000_000_123L));
        try (Database database = PostgresDatabases.open(name)) {
            database.inTransaction(jdbc -> {
                new TenantRepository().insert(jdbc, tenant);
                return null;
            });

            List<Tenant> listed = database.read(jdbc -> new TenantRepository().list(jdbc));
            assertThat(listed).containsExactly(tenant);
        }
    }

    @Test
    void failedTransaction_isRolledBack_andItsConnectionReused() {
        try (Database database = PostgresDatabases.open(name)) {
            assertThatThrownBy(() -> database.inTransaction(jdbc -> {
                new TenantRepository().insert(jdbc, tenant("initech"));
                return jdbc.update("INSERT INTO no_such_table VALUES (1)");
            })).isInstanceOf(CatalogException.class);

            for (int i = 0; i < 20; i++) {
                long tenants = database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM tenants"));
                assertThat(tenants).isZero();
            }
        }
    }

    @Test
    void wrongPassword_failsWithTheServersReason_andNeverEchoesThePassword() {
        String wrong = "not-the-password-" + System.nanoTime();

        assertThatThrownBy(() -> Database.postgresql(PostgresDatabases.url(name), PostgresDatabases.OWNER,
                wrong.toCharArray(), 2))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining(wrong);
    }

    @Test
    void nonPostgresUrl_isRefusedBeforeConnecting() {
        assertThatThrownBy(() -> Database.postgresql("jdbc:mysql://127.0.0.1/vaultgate", "u", new char[0], 2))
                .isInstanceOf(CatalogException.class).hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void catalogWhoseDatabaseGoesAway_isReportedDown() throws IOException {
        try (Database database = PostgresDatabases.open(name)) {
            CoreHealth health = new CoreHealth(database, new FileSystemObjectStore(dir.resolve("objects")),
                    new SecureRandom());
            assertThat(health.catalog().up()).isTrue();

            PostgresDatabases.drop(name);

            assertThat(health.catalog().up()).isFalse();
            assertThat(health.catalog().detail()).contains("catalog");
        }
    }

    @Test
    void pooledConnectionsEndedByTheServer_areReplacedBeforeUse() throws Exception {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(PostgresDatabases.url(name));
        source.setUser(PostgresDatabases.OWNER);
        source.setPassword(PostgresDatabases.ownerPassword());
        ConnectionPool pool = new ConnectionPool(source, 2, Duration.ZERO, null);
        PooledConnection first = pool.borrow();
        pool.release(first, true);

        PostgresCluster.shared().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + name + "'");
        awaitNoSessionsOn(name);

        PooledConnection next = pool.borrow();
        try (Statement statement = next.connection().createStatement();
             ResultSet one = statement.executeQuery("SELECT 1")) {
            assertThat(next.connection()).isNotSameAs(first.connection());
            assertThat(one.next()).isTrue();
        } finally {
            pool.release(next, true);
            pool.close();
        }
    }

    private static void awaitNoSessionsOn(String database) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Connection admin = PostgresCluster.shared().connect("postgres");
                 Statement statement = admin.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '"
                         + database + "'")) {
                rows.next();
                if (rows.getInt(1) == 0) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not end the sessions on " + database);
    }

    static Tenant tenant(String id) {
        return new Tenant(TenantId.of(id), id + " Ltd", TenantStatus.ACTIVE, new Quota(0, 0), Duration.ZERO,
                EnumSet.of(Protocol.SFTP), false, List.of(), Instant.ofEpochMilli(1_764_000_000_000L));
    }

    private static int migrationCount() throws IOException, URISyntaxException {
        Path dir = Path.of(Database.class.getResource("/db/migration").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sql = new ArrayList<>(files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .toList());
            return sql.size();
        }
    }
}
