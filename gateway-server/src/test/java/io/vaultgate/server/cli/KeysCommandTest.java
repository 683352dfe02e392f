package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.cli.CliHarness.Result;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {

    @TempDir
    Path home;

    @Test
    void emergencyRotation_rotatesRewrapsAndIsAudited_quietlyInAScript() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();

        Result rotated = cli.run("keys", "rotate", "--tenant", "acme", "--emergency");

        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("Emergency rotation of tenant acme: new files use acme/v2",
                "re-wrapped 0 key slots; 0 left under older versions");
        assertThat(rotated.err()).as("no progress bar without a terminal").isEmpty();
        Path export = home.resolve("export.jsonl");
        Result exported = cli.run("audit", "export", "--tenant", "acme", "--since", "2000-01-01T00:00:00Z",
                "--out", export.toString());
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        assertThat(Files.readString(export)).contains("emergency: new KEK version 2");
    }

    @Test
    void rotationWithRewrap_besideARunningGateway_keepsOldAndSuspendedFilesReadable() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        byte[] old = "committed before the rotation\n".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        byte[] resumed = "suspended across the rotation\n".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString()));
        try (CoreResources gateway = CoreResources.open(config, Map.of(), CoreMetrics.inMemory(Clock.systemUTC()))) {
            GatewayCore core = gateway.core();
            Account account = core.administration().createAccount(TenantId.of("acme"), "alice");
            ClientPrincipal alice = new ClientPrincipal(account.id(), "alice", TenantId.of("acme"), Protocol.SFTP);
            upload(core, alice, "/inbox/old.txt", old, old.length);
            upload(core, alice, "/inbox/resumed.txt", resumed, resumed.length / 2).suspend();

            Result rotated = cli.run("keys", "rotate", "--tenant", "acme", "--rewrap");

            assertThat(rotated.exitCode()).as(rotated.err()).isZero();
            assertThat(rotated.out()).contains("now encrypts new files under acme/v2; re-wrapped 2 key slots");
            assertThat(read(core, alice, "/inbox/old.txt")).as("a file committed before").isEqualTo(old);
            try (Upload rest = core.ingest().open(alice, PathPolicy.parse("/inbox/resumed.txt"), UploadMode.RESUME)) {
                assertThat(rest.resumeOffset()).isEqualTo(resumed.length / 2);
                rest.write(rest.resumeOffset(), ByteBuffer.wrap(resumed, resumed.length / 2, resumed.length / 2));
                rest.commit();
            }
            assertThat(read(core, alice, "/inbox/resumed.txt")).as("an upload resumed after").isEqualTo(resumed);
            upload(core, alice, "/inbox/new.txt", old, old.length);
        }
        Result again = cli.run("keys", "rewrap", "--tenant", "acme");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).as("every slot, also the new file's, is on v2").contains("Re-wrapped 0 key slots");

        Result active = cli.run("keys", "disable", "--tenant", "acme", "--kek-version", "2");
        assertThat(active.exitCode()).isEqualTo(1);
        assertThat(active.err()).contains("acme/v2 is the active KEK version; rotate first");
        Result disabled = cli.run("keys", "disable", "--tenant", "acme", "--kek-version", "1");
        assertThat(disabled.exitCode()).as(disabled.err()).isZero();
        assertThat(disabled.out()).contains("Disabled acme/v1");
        try (CoreResources gateway = CoreResources.open(config, Map.of(), CoreMetrics.inMemory(Clock.systemUTC()))) {
            Account account = gateway.core().administration().accounts(TenantId.of("acme")).get(0);
            ClientPrincipal alice = new ClientPrincipal(account.id(), "alice", TenantId.of("acme"), Protocol.SFTP);
            assertThat(read(gateway.core(), alice, "/inbox/old.txt")).as("after the old version is disabled")
                    .isEqualTo(old);
        }
    }

    @Test
    void disablingAVersionSlotsStillUse_isRefused_sayingWhatToRun() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString()));
        try (CoreResources gateway = CoreResources.open(config, Map.of(), CoreMetrics.inMemory(Clock.systemUTC()))) {
            Account account = gateway.core().administration().createAccount(TenantId.of("acme"), "alice");
            ClientPrincipal alice = new ClientPrincipal(account.id(), "alice", TenantId.of("acme"), Protocol.SFTP);
            byte[] content = "x".getBytes(StandardCharsets.US_ASCII);
            upload(gateway.core(), alice, "/inbox/x.txt", content, content.length);
        }
        assertThat(cli.run("keys", "rotate", "--tenant", "acme").exitCode()).isZero();
        Result refused = cli.run("keys", "disable", "--tenant", "acme", "--kek-version", "1");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("1 key slots of tenant acme are still wrapped by acme/v1",
                "vaultgate keys rewrap");
    }

    private static Upload upload(GatewayCore core, ClientPrincipal who, String path, byte[] content, int length) {
        Upload upload = core.ingest().open(who, PathPolicy.parse(path), UploadMode.CREATE);
        upload.write(0, ByteBuffer.wrap(content, 0, length));
        if (length == content.length) {
            upload.commit();
            upload.close();
        }
        return upload;
    }

    private static byte[] read(GatewayCore core, ClientPrincipal who, String path) throws Exception {
        try (FileContent file = core.files().open(who, PathPolicy.parse(path))) {
            ByteBuffer all = ByteBuffer.allocate((int) file.size());
            while (all.hasRemaining() && file.read(all.position(), all) > 0) {
                // read on
            }
            return all.array();
        }
    }

    @Test
    void emergencyRotationOfAnUnknownTenant_fails() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        Result result = cli.run("keys", "rotate", "--tenant", "nobody", "--emergency");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("tenant nobody does not exist");
    }
}
