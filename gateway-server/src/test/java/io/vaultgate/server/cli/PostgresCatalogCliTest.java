package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.PostgresCluster;
import io.vaultgate.core.testing.PostgresDatabases;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.ExitCodes;
import io.vaultgate.server.TestKeystore;
import io.vaultgate.server.Vaultgate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code catalog.type: postgresql} end to end through the real command line, against a real PostgreSQL 15. */
class PostgresCatalogCliTest {

    @TempDir
    Path home;
    private String database;

    @BeforeEach
    void emptyDatabase() {
        database = PostgresDatabases.createEmpty();
        TestKeystore.seed(home);
    }

    @AfterEach
    void dropDatabase() {
        PostgresDatabases.drop(database);
    }

    @Test
    void init_migratesTheDatabase_andCreatesTheFirstAdministratorThere() throws Exception {
        writePasswordFile(PostgresDatabases.ownerPassword());

        Result init = run(Map.of(), "init");

        assertThat(init.code()).as(init.err()).isZero();
        assertThat(Files.exists(home.resolve("catalog.db"))).as("no SQLite file").isFalse();
        assertThat(count("SELECT COUNT(*) FROM admins WHERE name = 'admin'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM flyway_schema_history WHERE success")).isGreaterThanOrEqualTo(5);

        Result again = run(Map.of(), "init");
        Result tenant = run(Map.of(), "tenant", "add", "acme", "--name", "Acme Ltd");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(tenant.code()).as(tenant.err()).isZero();
        assertThat(count("SELECT COUNT(*) FROM tenants WHERE id = 'acme'")).isEqualTo(1);
        Result forward = run(Map.of(), "forward", "list");
        assertThat(forward.code()).as("admin commands reading the catalog directly: " + forward.err()).isZero();
    }

    @Test
    void auditReportAndDoctor_readThePostgresqlCatalog_andEveryCommandClosesItsConnections() throws Exception {
        writePasswordFile(PostgresDatabases.ownerPassword());
        assertThat(run(Map.of(), "init").code()).isZero();
        assertThat(run(Map.of(), "tenant", "add", "acme", "--name", "Acme Ltd").code()).isZero();

        Result verify = run(Map.of(), "audit", "verify");
        Result report = run(Map.of(), "report", "--tenant", "acme", "--period", "2026-11", "--out",
                home.toString());
        Result doctor = run(Map.of(), "doctor");

        assertThat(verify.code()).as(verify.err()).isZero();
        assertThat(count("SELECT COUNT(*) FROM audit_events")).isPositive();
        assertThat(report.code()).as(report.err()).isZero();
        assertThat(Files.exists(home.resolve("report-acme-2026-11.json"))).isTrue();
        assertThat(doctor.err()).as("doctor read the catalog").doesNotContain("no catalog");
        assertThat(doctor.code()).as(doctor.out() + doctor.err()).isIn(0, 1);
        assertThat(Files.exists(home.resolve("catalog.db"))).as("no SQLite file").isFalse();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(openConnections()).as("connections left open by the commands' pools").isZero();
    }

    private long openConnections() throws Exception {
        return count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND application_name = 'vaultgate'");
    }

    @Test
    void passwordFromTheEnvironment_winsOverTheFile() throws Exception {
        Files.createDirectories(home.resolve("secrets"));
        Files.writeString(home.resolve("secrets/catalog.password"), "wrong");

        Result init = run(Map.of("VAULTGATE_CATALOG_PASSWORD", PostgresDatabases.ownerPassword()), "init");

        assertThat(init.code()).as(init.err()).isZero();
        assertThat(count("SELECT COUNT(*) FROM admins")).isEqualTo(1);
    }

    @Test
    void wrongPassword_stopsWithOneLineNamingTheCatalog_andNeverThePassword() {
        String wrong = "wrong-" + System.nanoTime();

        Result init = run(Map.of("VAULTGATE_CATALOG_PASSWORD", wrong), "init");

        assertThat(init.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(init.err()).contains("catalog.url " + PostgresDatabases.url(database))
                .contains("password authentication failed for user \"" + PostgresDatabases.OWNER + "\"")
                .doesNotContain(wrong).doesNotContain("\tat ");
    }

    /** The password file as an operator makes it: readable by its owner only (else start-up refuses it). */
    private void writePasswordFile(String content) throws Exception {
        DataDirectory.writeSecret(home.resolve("secrets/catalog.password"), content); // content and a newline, 0600
    }

    private Result run(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--home", home.toString(), "--set", "catalog.type=postgresql",
                "--set", "catalog.url=" + PostgresDatabases.url(database),
                "--set", "catalog.user=" + PostgresDatabases.OWNER, "--set", "catalog.pool-size=4"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(all.toArray(String[]::new), env, new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private long count(String sql) throws Exception {
        try (Connection connection = PostgresCluster.shared().connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private record Result(int code, String out, String err) {
    }
}
