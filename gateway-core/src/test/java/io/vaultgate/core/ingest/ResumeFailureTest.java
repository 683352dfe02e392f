package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import io.vaultgate.crypto.KekId;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resume that cannot start (the partial's key cannot be unwrapped, its pending object cannot be reopened) hands
 * the partial back as it was: still PARTIAL, resumable once the cause is gone, never left UPLOADING (where the
 * client's next resume found nothing, the expiry skipped it and it counted in the quota) nor deleted.
 */
class ResumeFailureTest {

    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        alice = test.client("acme", "alice", Protocol.SFTP);
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[10]));
        } // closed without a commit: a partial of 10 bytes
        assertThat(state()).isEqualTo("PARTIAL 10");
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aResumeWhoseKeyIsDisabled_leavesThePartialResumable() {
        KekId wrappedUnder = test.keys().ensureTenant("acme");
        test.keys().rotate("acme");
        test.keys().disable(wrappedUnder); // the partial's key slot is on it: unwrapping fails (KeyDisabled)

        assertResumeFailsButFindsThePartial();
        assertThat(state()).isEqualTo("PARTIAL 10");
        // the same failure again, not "no interrupted upload to resume"
        assertResumeFailsButFindsThePartial();
        assertThat(state()).isEqualTo("PARTIAL 10");
    }

    @Test
    void aResumeWhosePendingObjectCannotBeReopened_keepsThePartial_andItResumesLater() throws Exception {
        assumeFalse(TestStore.s3(), "moves the pending object's file on the filesystem store");
        String objectId = test.database().read(jdbc -> jdbc.queryOne("SELECT object_id FROM files WHERE path = ?",
                row -> row.getString(1), REPORT.toString())).orElseThrow();
        Path pending;
        try (Stream<Path> all = Files.walk(home)) {
            pending = all.filter(p -> p.getFileName().toString().equals(objectId)).findFirst().orElseThrow();
        }
        Path aside = pending.resolveSibling("aside");
        Files.move(pending, aside); // the store cannot reopen it for now

        assertThatThrownBy(() -> test.core().ingest().open(alice, REPORT, UploadMode.RESUME))
                .isInstanceOf(GatewayException.class);
        assertThat(state()).isEqualTo("PARTIAL 10");

        Files.move(aside, pending);
        try (Upload resumed = test.core().ingest().open(alice, REPORT, UploadMode.RESUME)) {
            assertThat(resumed.resumeOffset()).isEqualTo(10);
            resumed.write(10, ByteBuffer.wrap(new byte[5]));
            resumed.commit();
        }
        assertThat(state()).isEqualTo("COMMITTED 15");
    }

    private void assertResumeFailsButFindsThePartial() {
        Throwable failure = catchThrowable(() -> test.core().ingest().open(alice, REPORT, UploadMode.RESUME));
        assertThat(failure).isNotNull();
        if (failure instanceof GatewayException refused) {
            assertThat(refused.reason()).isNotEqualTo(GatewayException.Reason.NOT_FOUND);
        }
    }

    /** The upload's state and size, read behind the core's back. */
    private String state() {
        return test.database().read(jdbc -> jdbc.queryOne("SELECT state, size FROM files WHERE path = ?",
                row -> row.getString(1) + " " + row.getLong(2), REPORT.toString())).orElse("none");
    }
}
