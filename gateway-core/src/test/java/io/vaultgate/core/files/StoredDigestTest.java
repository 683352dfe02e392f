package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.metrics.GatewayMetrics;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileService#storedDigest}: the size and SHA-256 recorded at upload, refused as a read is (another tenant's
 * name, a missing one, a locked tenant), and, through the core's metered file service, no download: nothing is
 * opened, so nothing is counted; audited as an HTTPS HEAD is.
 */
class StoredDigestTest {

    @TempDir
    Path home;
    private TestCore test;

    @BeforeEach
    void start() {
        test = TestCore.create(home);
    }

    @AfterEach
    void close() {
        test.close();
    }

    @Test
    void isTheUploadsSizeAndSha256_andNoDownloadIsCounted() throws Exception {
        ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
        byte[] data = new byte[200_000];
        new Random(1).nextBytes(data);
        upload(alice, "/inbox/a.bin", data);
        double begun = downloadsBegun();

        StoredDigest stored = test.core().files().storedDigest(alice, PathPolicy.parse("/inbox/a.bin"));

        assertThat(stored.size()).isEqualTo(data.length);
        assertThat(stored.sha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(data)));
        assertThat(downloadsBegun()).as("downloads begun").isEqualTo(begun);
    }

    /**
     * Audited as an HTTPS HEAD is (review24b L1): one {@code file.downloaded} of 0 bytes under the client's name, and
     * no {@code file.download_started}. Failed before the change: nothing was audited.
     */
    @Test
    void isAuditedAsADownloadOfNoBytes() {
        ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
        upload(alice, "/inbox/a.bin", new byte[1000]);
        long before = test.database().read(jdbc -> jdbc.count("SELECT seq FROM audit_head"));

        test.core().files().storedDigest(alice, PathPolicy.parse("/inbox/a.bin"));

        java.util.List<String> events = test.database().read(jdbc -> jdbc.query("SELECT kind || ' ' || event FROM "
                + "audit_events WHERE seq > ? ORDER BY seq", row -> row.getString(1), before));
        assertThat(events).singleElement().asString().startsWith("file.downloaded ")
                .contains("\"bytes\":0", "\"path\":\"/inbox/a.bin\"", "alice");
    }

    @Test
    void isRefusedAsAReadIs() {
        ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
        ClientPrincipal mallory = test.client("globex", "mallory", Protocol.SFTP);
        upload(alice, "/inbox/a.bin", new byte[10]);
        FileService files = test.core().files();

        assertThatThrownBy(() -> files.storedDigest(mallory, PathPolicy.parse("/inbox/a.bin")))
                .as("another tenant's name").isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
        assertThatThrownBy(() -> files.storedDigest(alice, PathPolicy.parse("/inbox/missing.bin")))
                .isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
        assertThatThrownBy(() -> files.storedDigest(alice, PathPolicy.parse("/inbox")))
                .as("a directory").isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));

        test.core().incidents().lockdown().lockdown(alice.tenant(), "suspected leak", "cli:test");
        assertThatThrownBy(() -> files.storedDigest(alice, PathPolicy.parse("/inbox/a.bin")))
                .as("a locked tenant").isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).reason())
                        .isEqualTo(GatewayException.Reason.TENANT_LOCKED));
    }

    private double downloadsBegun() {
        return test.core().metrics().registry().find(GatewayMetrics.TRANSFERS_STARTED.name())
                .tag(GatewayMetrics.DIRECTION, "out").counters().stream().mapToDouble(Counter::count).sum();
    }

    private void upload(ClientPrincipal principal, String path, byte[] content) {
        try (Upload upload = test.core().ingest().open(principal, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(content));
            upload.commit();
        }
    }
}
