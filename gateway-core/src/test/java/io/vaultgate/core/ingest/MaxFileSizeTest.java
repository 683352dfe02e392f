package io.vaultgate.core.ingest;

import static io.vaultgate.core.ingest.IngestServiceTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tenant's maximum file size holds for every upload, whatever the protocol and whatever was announced. */
class MaxFileSizeTest {

    private static final VirtualPath BIG = PathPolicy.parse("/inbox/big.bin");

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        alice = test.client("acme", "alice", Protocol.SFTP);
        test.core().administration().setMaxFileSize(alice.tenant(), 100 * 1024);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void maxFileSize_isStoredWithTheTenant_andZeroRemovesIt() {
        assertThat(test.core().administration().tenant(alice.tenant()).orElseThrow().maxFileSize())
                .isEqualTo(100 * 1024);
        test.core().administration().setMaxFileSize(alice.tenant(), 0);
        Upload upload = test.core().ingest().open(alice, BIG, UploadMode.CREATE, 1L << 40);
        upload.abort();
    }

    @Test
    void writingPastTheLimit_failsNamingIt_andLeavesNothingVisible() {
        try (Upload upload = test.core().ingest().open(alice, BIG, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(randomBytes(100 * 1024, 1)));
            assertThatThrownBy(() -> upload.write(100 * 1024, ByteBuffer.wrap(new byte[1])))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.QUOTA_EXCEEDED);
                        assertThat(e.getCause()).isInstanceOf(FileTooLarge.class);
                        assertThat(e.clientMessage()).contains("/inbox/big.bin",
                                "maximum file size of 100 KiB (102400 bytes)");
                    });
            assertThatThrownBy(upload::commit).isInstanceOf(GatewayException.class);
        }
        assertThatThrownBy(() -> test.core().files().stat(alice, BIG))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox"))).isEmpty();
    }

    @Test
    void fileOfExactlyTheLimit_commits() {
        try (Upload upload = test.core().ingest().open(alice, BIG, UploadMode.CREATE, 100 * 1024)) {
            upload.write(0, ByteBuffer.wrap(randomBytes(100 * 1024, 2)));
            assertThat(upload.commit().size()).isEqualTo(100 * 1024);
        }
    }

    @Test
    void announcedSizeOverTheLimit_isRefusedBeforeAnyUploadExists() {
        assertThatThrownBy(() -> test.core().ingest().open(alice, BIG, UploadMode.CREATE, 100 * 1024 + 1))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.getCause()).isInstanceOfSatisfying(FileTooLarge.class,
                            tooLarge -> assertThat(tooLarge.limit()).isEqualTo(100 * 1024));
                    assertThat(e.clientMessage()).contains("102401 bytes announced", "100 KiB");
                });
        assertThat(test.core().files().list(alice, PathPolicy.parse("/inbox"))).isEmpty();
        assertThat(test.core().uploads().active()).isZero();
    }

    @Test
    void resumedUpload_countsTheBytesItAlreadyHas() {
        try (Upload upload = test.core().ingest().open(alice, BIG, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(randomBytes(80 * 1024, 3)));
        } // suspended: a resumable partial of 80 KiB
        try (Upload resumed = test.core().ingest().open(alice, BIG, UploadMode.RESUME)) {
            assertThat(resumed.resumeOffset()).isEqualTo(80 * 1024);
            assertThatThrownBy(() -> resumed.write(80 * 1024, ByteBuffer.wrap(new byte[30 * 1024])))
                    .isInstanceOfSatisfying(GatewayException.class,
                            e -> assertThat(e.getCause()).isInstanceOf(FileTooLarge.class));
        }
        assertThatThrownBy(() -> test.core().ingest().open(alice, BIG, UploadMode.RESUME))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }
}
