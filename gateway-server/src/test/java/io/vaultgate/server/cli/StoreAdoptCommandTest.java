package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.CatalogDatabase;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.cli.CliHarness.Result;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate store adopt}: records a store restored without its marker as the catalog's (replacing the by-hand
 * procedure of docs/operations.md), only with {@code --confirm}, only when the store holds the catalog's objects, and
 * audited.
 */
class StoreAdoptCommandTest {

    private static final Pattern MARKER = Pattern.compile("vaultgate-store ([0-9a-f-]{36})\n");

    @TempDir
    Path home;

    private CliHarness cli;

    @BeforeEach
    void aGatewayWithFiles() throws IOException {
        cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        try (CoreResources gateway = CoreResources.open(config(), Map.of(), CoreMetrics.inMemory(Clock.systemUTC()))) {
            GatewayCore core = gateway.core();
            Account account = core.administration().createAccount(TenantId.of("acme"), "alice");
            ClientPrincipal alice = new ClientPrincipal(account.id(), "alice", TenantId.of("acme"), Protocol.SFTP);
            for (int i = 0; i < 3; i++) {
                try (Upload upload = core.ingest().open(alice, PathPolicy.parse("/inbox/f" + i + ".txt"),
                        UploadMode.CREATE)) {
                    upload.write(0, ByteBuffer.wrap(("content " + i).getBytes(StandardCharsets.US_ASCII)));
                    upload.commit();
                }
            }
        }
    }

    @Test
    void aStoreRestoredWithoutItsMarker_isAdopted_onlyWithConfirm_andAudited_thenTheGatewayStarts()
            throws IOException {
        String before = markerId();
        Files.delete(marker()); // the tenant directories restored, not the marker

        Result unconfirmed = cli.run("store", "adopt");
        assertThat(unconfirmed.exitCode()).isEqualTo(1);
        assertThat(unconfirmed.err()).contains("--confirm");
        assertThat(marker()).as("nothing changed").doesNotExist();

        Result adopted = cli.run("store", "adopt", "--confirm");
        assertThat(adopted.exitCode()).as(adopted.err()).isZero();
        String now = markerId();
        assertThat(now).isNotEqualTo(before);
        assertThat(adopted.out()).contains("Adopted store " + now, "marker written", "recorded " + before);
        assertThat(recorded()).isEqualTo(now + " confirmed");
        assertThat(auditedAdoptions()).singleElement().satisfies(event -> assertThat(event)
                .contains("STORE_ADOPTED", now, before, "cli:"));

        try (CoreResources started = CoreResources.open(config(), Map.of(), CoreMetrics.inMemory(Clock.systemUTC()))) {
            assertThat(started.core()).isNotNull(); // the start-up check passes
        }
        Result again = cli.run("store", "adopt", "--confirm");
        assertThat(again.out()).contains("already records store " + now);
        assertThat(auditedAdoptions()).hasSize(1);
    }

    @Test
    void aStoreThatDoesNotHoldTheCatalogsObjects_isNotAdopted_andNothingIsWritten() throws IOException {
        String before = markerId();
        Path empty = Files.createDirectory(home.resolve("elsewhere"));

        Result refused = cli.run("store", "adopt", "--confirm", "--set", "storage.path=" + empty);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("not adopted", "holds 0 of the objects of the 3 files");
        try (var names = Files.list(empty)) {
            assertThat(names).as("no marker written").isEmpty();
        }
        assertThat(recorded()).isEqualTo(before + " confirmed");
        assertThat(auditedAdoptions()).isEmpty();
    }

    /** review26a L8: while a node's heartbeat is fresh the command refuses, naming it, and changes nothing. */
    @Test
    void whileANodeRuns_theCommandRefusesNamingIt_andNothingIsWritten() throws IOException {
        String before = markerId();
        Files.delete(marker());
        try (Database catalog = CatalogDatabase.openExisting(config(), Map.of())) { // as a running node's heartbeat
            catalog.inTransaction(jdbc -> jdbc.update("INSERT INTO nodes (id, incarnation, started_at, last_seen) "
                    + "VALUES ('gw-1', 'test', " + jdbc.dialect().nowMillis() + ", " + jdbc.dialect().nowMillis()
                    + ")"));
        }

        Result refused = cli.run("store", "adopt", "--confirm");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).containsPattern("not adopted: node gw-1 heartbeat \\d+ s ago") // the CLI's start
                .contains("stop every node, then run vaultgate store adopt again"); // takes a second under load
        assertThat(marker()).as("no marker written").doesNotExist();
        assertThat(recorded()).isEqualTo(before + " confirmed");
        assertThat(auditedAdoptions()).isEmpty();
    }

    private VaultgateConfig config() {
        return ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString()));
    }

    private Path marker() {
        return home.resolve("objects").resolve(".vaultgate-store");
    }

    private String markerId() throws IOException {
        Matcher matcher = MARKER.matcher(Files.readString(marker(), StandardCharsets.US_ASCII));
        assertThat(matcher.matches()).isTrue();
        return matcher.group(1);
    }

    private String recorded() {
        try (Database catalog = CatalogDatabase.openExisting(config(), Map.of())) {
            return catalog.read(jdbc -> jdbc.queryOne("SELECT store_id, confirmed_at FROM store_identity WHERE id = 1",
                    row -> row.getString(1) + (row.getObject(2) != null ? " confirmed" : " unconfirmed")))
                    .orElse("none");
        }
    }

    private List<String> auditedAdoptions() {
        try (Database catalog = CatalogDatabase.openExisting(config(), Map.of())) {
            return catalog.read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE event LIKE ?",
                    row -> row.getString(1), "%STORE_ADOPTED%"));
        }
    }
}
