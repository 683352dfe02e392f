package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's result committing while the batch it belongs to is completed on another node (PostgreSQL, READ
 * COMMITTED): the publish reads the batch's row share-locked, so it waits for the completion, sees it and refuses;
 * nothing is published into a completed batch.
 */
class ResultPublishRaceTest {

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T09:00:00Z"));
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal maria;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(TestCatalog.postgresql(), "row-lock interleavings: PostgreSQL only");
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1, 0,
                Duration.ofMinutes(10));
    }

    @AfterEach
    void tearDown() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void resultCommit_racingTheBatchsCompletion_isRefusedNotPublished() throws Exception {
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = test.core().batches().available(maria).get(0).id();
        test.core().batches().claim(maria, batchId);
        Upload late = test.core().ingest().open(maria, PathPolicy.parse("/acme/" + batchId + "/results/late.txt"),
                UploadMode.CREATE);
        late.write(0, ByteBuffer.wrap("late".getBytes(StandardCharsets.UTF_8)));
        Instant now = clock.instant();

        Future<Object> commit = HeldLocks.whileHeld(test.database(), jdbc -> {
            // maria's completion in another session (or on another node); the result's row locked too, so that without
            // the batch's lock the publish would read the batch as held and go on to wait here, after its check
            new BatchRepository().transition(jdbc, batchId, BatchState.CLAIMED, BatchState.COMPLETED,
                    Optional.of(maria.operatorId()), Optional.empty(), now);
            jdbc.query("SELECT id FROM files WHERE id = ? FOR UPDATE", row -> row.getString(1), late.fileId());
        }, () -> late.commit());

        assertThatThrownBy(() -> commit.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(GatewayException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(Reason.ACCESS_DENIED));
        late.close();
        long published = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM files WHERE id = ? "
                + "AND state = ?", late.fileId(), FileState.COMMITTED.name()));
        assertThat(published).isZero();
    }
}
