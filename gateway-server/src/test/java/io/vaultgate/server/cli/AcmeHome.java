package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** A data directory made by the real CLI, with tenant acme whose client alice stored one file, for CLI tests. */
final class AcmeHome {

    static final String FILE = "/inbox/a.csv";
    static final TenantId ACME = TenantId.of("acme");

    private AcmeHome() {
    }

    /** {@code init}, {@code tenant add acme}, then alice's upload of {@code content} to {@link #FILE}. */
    static void create(CliHarness cli, Path home, String content) {
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        try (CoreResources gateway = open(home)) {
            Account account = gateway.core().administration().createAccount(ACME, "alice");
            try (Upload upload = gateway.core().ingest().open(alice(account), PathPolicy.parse(FILE),
                    UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
                upload.commit();
            }
        }
    }

    /** The core of the data directory at {@code home}, as a CLI command opens it. */
    static CoreResources open(Path home) {
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString()));
        return CoreResources.open(config, Map.of(), CoreMetrics.inMemory(Clock.systemUTC()));
    }

    static ClientPrincipal alice(Account account) {
        return new ClientPrincipal(account.id(), "alice", ACME, Protocol.SFTP);
    }
}
