package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.storage.StoreAdoption;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.CatalogDatabase;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An older review ("CatalogClock reads the wrong clock in one path"): {@code store adopt} was the one admin command that wrote catalog times
 * on the host's own clock (every other one is put on the catalog's time when it opens the catalog, {@link
 * io.vaultgate.core.node.CatalogClock#measured}): on a host an hour ahead, its audit event (and the checkpoint age its
 * audit log compares) and the store's row were dated an hour ahead of the nodes'. Now they are the catalog's time.
 */
class StoreAdoptClockTest {

    @TempDir
    Path home;

    @Test
    void adoptOnAHostAnHourAhead_datesItsAuditEventAndTheStoresRowOnTheCatalogsTime() throws IOException {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        committedFile();
        Files.delete(home.resolve("objects").resolve(".vaultgate-store")); // restored without its marker
        Clock host = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

        try (Database catalog = CatalogDatabase.openExisting(config(), Map.of())) {
            StoreAdoption.Adopted adopted = StoreCommand.Adopt.adopt(config(), Map.of(), catalog, host);
            assertThat(adopted.markerWritten()).isTrue();

            long now = System.currentTimeMillis();
            List<Long> times = catalog.read(jdbc -> jdbc.queryOne("SELECT recorded_at, confirmed_at FROM "
                    + "store_identity WHERE id = 1", row -> List.of(row.getLong(1), row.getLong(2)))).orElseThrow();
            long audited = catalog.read(jdbc -> jdbc.queryOne("SELECT occurred_at FROM audit_events WHERE event LIKE ?",
                    row -> row.getLong(1), "%STORE_ADOPTED%")).orElseThrow();
            assertThat(times).as("the store's row").allSatisfy(time -> assertThat(Math.abs(time - now))
                    .isLessThan(Duration.ofMinutes(1).toMillis()));
            assertThat(Math.abs(audited - now)).as("the audit event").isLessThan(Duration.ofMinutes(1).toMillis());
        }
    }

    private void committedFile() throws IOException {
        try (CoreResources gateway = CoreResources.open(config(), Map.of(), CoreMetrics.inMemory(Clock.systemUTC()))) {
            GatewayCore core = gateway.core();
            Account account = core.administration().createAccount(TenantId.of("acme"), "alice");
            ClientPrincipal alice = new ClientPrincipal(account.id(), "alice", TenantId.of("acme"), Protocol.SFTP);
            try (Upload upload = core.ingest().open(alice, PathPolicy.parse("/inbox/f.txt"), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap("content".getBytes(StandardCharsets.US_ASCII)));
                upload.commit();
            }
        }
    }

    private VaultgateConfig config() {
        return ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString()));
    }
}
