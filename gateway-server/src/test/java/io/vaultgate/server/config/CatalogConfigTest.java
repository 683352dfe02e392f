package io.vaultgate.server.config;

import static io.vaultgate.server.config.ConfigFixtures.loadYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code catalog.*}: PostgreSQL is chosen by configuration, validated at load, and never carries a secret. */
class CatalogConfigTest {
    @TempDir
    Path dir;

    @Test
    void postgresql_isLoadedWithItsUrlUserPoolAndPasswordSources() {
        VaultgateConfig config = loadYaml(dir, """
                catalog:
                  type: postgresql
                  url: jdbc:postgresql://db.example.net:5432/vaultgate?sslmode=verify-full
                  user: gateway
                  password-file: /run/secrets/catalog
                  pool-size: 25
                """);

        assertThat(config.catalog().type()).isEqualTo(CatalogType.POSTGRESQL);
        assertThat(config.catalog().url()).isEqualTo("jdbc:postgresql://db.example.net:5432/vaultgate?sslmode=verify-full");
        assertThat(config.catalog().user()).isEqualTo("gateway");
        assertThat(config.catalogPasswordFile()).isEqualTo(Path.of("/run/secrets/catalog"));
        assertThat(config.catalog().passwordEnv()).isEqualTo("VAULTGATE_CATALOG_PASSWORD");
        assertThat(config.catalog().poolSize()).isEqualTo(25);
        assertThat(config.describe()).contains("catalog=postgresql jdbc:postgresql://db.example.net:5432/vaultgate"
                + "?sslmode=verify-full as gateway (pool 25)");
    }

    @Test
    void postgresqlWithoutUrl_namesTheKeyAndAnExample() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loadYaml(dir, "catalog:\n  type: postgresql\n"));

        assertThat(e.key()).isEqualTo("catalog.url");
        assertThat(e).hasMessageContaining("no URL for the postgresql catalog")
                .hasMessageContaining("jdbc:postgresql://db.example.net:5432/vaultgate");
    }

    @Test
    void nonPostgresqlUrl_isRejected() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loadYaml(dir,
                "catalog:\n  type: postgresql\n  url: jdbc:mysql://db/vaultgate\n"));

        assertThat(e.key()).isEqualTo("catalog.url");
        assertThat(e).hasMessageContaining("not a PostgreSQL JDBC URL \"jdbc:mysql://db/vaultgate\"");
    }

    @Test
    void passwordInTheUrl_isRefusedWithoutRepeatingIt() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("VAULTGATE_CATALOG_URL", "jdbc:postgresql://db/vaultgate?user=v&password=hunter2"),
                Map.of("home", dir.toString(), "catalog.type", "postgresql")));

        assertThat(e.key()).isEqualTo("catalog.url");
        assertThat(e).hasMessageContaining("carries a password").hasMessageContaining("catalog.password-file")
                .hasMessageContaining("VAULTGATE_CATALOG_PASSWORD").hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://db.example.net:5432/vaultgate",
            "jdbc:postgresql://db.example.net/vaultgate?sslmode=prefer",
            "jdbc:postgresql://db.example.net/vaultgate?sslmode=require",
            "jdbc:postgresql://db.example.net/vaultgate?sslmode=disable",
            "jdbc:postgresql://10.0.0.5:5432/vaultgate?ApplicationName=vg",
            "jdbc:postgresql://127.0.0.1:5432,db.example.net:5432/vaultgate",
            "jdbc:postgresql://127.example.net/vaultgate",
            "jdbc:postgresql://[2001:db8::5]:5432/vaultgate?sslmode=allow",
            "jdbc:postgresql://db.example.net/vaultgate?sslmode=verify-full&sslmode=disable",
            "jdbc:postgresql://db.example.net/vaultgate?sslmode=verify-full&sslfactory=org.postgresql.ssl.NonValidatingFactory"})
    void postgresqlOffThisHost_withoutAVerifiedServerCertificate_isRefused(String url) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("VAULTGATE_CATALOG_URL", url), Map.of("home", dir.toString(), "catalog.type", "postgresql")));

        assertThat(e).as(url).isNotNull();
        assertThat(e.key()).isEqualTo("catalog.url");
        assertThat(e).hasMessageContaining("does not verify the server's TLS certificate")
                .hasMessageContaining("add sslmode=verify-full and sslrootcert=");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://127.0.0.1:5432/vaultgate",
            "jdbc:postgresql://127.1.2.3/vaultgate?sslmode=disable",
            "jdbc:postgresql://localhost:5432/vaultgate",
            "jdbc:postgresql://[::1]:5432/vaultgate",
            "jdbc:postgresql://127.0.0.1:5432,localhost:5433/vaultgate",
            "jdbc:postgresql://db.example.net:5432/vaultgate?sslmode=verify-full&sslrootcert=/etc/vaultgate/db-ca.crt",
            "jdbc:postgresql://db.example.net/vaultgate?sslmode=verify-ca",
            "jdbc:postgresql://db.example.net/vaultgate?sslmode=disable&sslmode=VERIFY-FULL",
            "jdbc:postgresql://db.example.net/vaultgate?socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory"
                    + "$FactoryArg&socketFactoryArg=/var/run/postgresql/.s.PGSQL.5432"})
    void postgresqlOnLoopback_orAUnixSocket_orWithAVerifiedServerCertificate_isAccepted(String url) {
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of("VAULTGATE_CATALOG_URL", url),
                Map.of("home", dir.toString(), "catalog.type", "postgresql"));

        assertThat(config.catalog().url()).isEqualTo(url);
    }

    @Test
    void poolSizeOutOfRange_isRejected() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loadYaml(dir, "catalog:\n  pool-size: 0\n"));

        assertThat(e.key()).isEqualTo("catalog.pool-size");
        assertThat(e).hasMessageContaining("between 1 and 1000");
    }

    @Test
    void nodeTiming_isConfigurable() {
        VaultgateConfig config = loadYaml(dir, "catalog:\n  node-heartbeat: 5s\n  node-dead-after: 1m\n");

        assertThat(config.catalog().nodeHeartbeat()).hasSeconds(5);
        assertThat(config.catalog().nodeDeadAfter()).hasSeconds(60);
    }

    @Test
    void deadAfterBelowThreeHeartbeats_isRejected() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loadYaml(dir, "catalog:\n  node-heartbeat: 5s\n  node-dead-after: 10s\n"));

        assertThat(e.key()).isEqualTo("catalog.node-dead-after");
        assertThat(e).hasMessageContaining("three heartbeats").hasMessageContaining("15s");
    }

    @Test
    void passwordVariable_isNotReportedAsAnUnusedVariable() {
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", dir.toString()));

        assertThat(ConfigLoader.unusedEnvironment(Map.of("VAULTGATE_CATALOG_PASSWORD", "x",
                "VAULTGATE_CATALOG_PASWORD", "x"), config)).containsExactly("VAULTGATE_CATALOG_PASWORD");
    }
}
