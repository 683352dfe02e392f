package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.metrics.GatewayMetrics;
import io.vaultgate.core.metrics.MeterSpec;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.crypto.CryptoException.ReorderMemoryFull;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/operations.md cannot drift from the meters: every meter is documented, every documented one exists. */
class OperationsDocTest {

    private static final Path DOCS = Path.of("..", "docs", "operations.md");
    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path home;

    @Test
    void everyCoreMeter_isDocumentedUnderItsPrometheusName() throws Exception {
        String docs = Files.readString(DOCS);

        for (MeterSpec spec : GatewayMetrics.all()) {
            assertThat(docs).as("docs/operations.md names %s", spec.prometheusName())
                    .contains("`" + spec.prometheusName() + "`");
        }
    }

    @Test
    void everyDocumentedCoreOrServerMetric_isExposedOnScrape() throws Exception {
        String docs = Files.readString(DOCS);
        // a reorder memory of two segments, a quarter of it per tenant: any write ahead of a gap is refused
        try (OpsFixture ops = new OpsFixture(home, new GatewayCore.Settings(Duration.ofHours(24), 64)
                .withReorderMemory(2L * SEGMENT))) {
            ClientPrincipal alice = ops.test.client("acme", "alice", Protocol.SFTP);
            ops.test.core().sites().createSite("manila", "Manila");
            ops.test.core().sites().addRoute(alice.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"),
                    3, 0, Duration.ofMinutes(5));
            try (Upload upload = ops.test.core().ingest().open(alice, PathPolicy.parse("/inbox/x"),
                    UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.allocate(10));
                upload.commit();
            }
            try (Upload early = ops.test.core().ingest().open(alice, PathPolicy.parse("/inbox/early"),
                    UploadMode.CREATE)) {
                assertThatThrownBy(() -> early.write(SEGMENT, ByteBuffer.allocate(10)))
                        .hasCauseInstanceOf(ReorderMemoryFull.class);
            }
            ops.test.core().authenticator().byToken("wrong", Protocol.HTTPS, "");
            ServerGauges.storage(ops.registry, home);
            ServerGauges.certificate(ops.registry, "https", home.resolve("none.pem"), Clock.systemUTC());
            String scrape = ops.getAsAdmin("/metrics").body();

            Matcher names = Pattern.compile("`((?:vaultgate|jvm|process|system)_[a-z_0-9]+)`").matcher(docs);
            while (names.find()) {
                String name = names.group(1);
                if (name.startsWith("vaultgate_sftp_") || name.startsWith("vaultgate_forward_")
                        || name.startsWith("vaultgate_https_")) {
                    continue; // registered by the SFTP and HTTPS front-ends and the forwarder, tested there
                }
                assertThat(scrape).as("a scrape exposes %s", name).containsPattern("(?m)^" + name + "[{ _]");
            }
        }
    }
}
