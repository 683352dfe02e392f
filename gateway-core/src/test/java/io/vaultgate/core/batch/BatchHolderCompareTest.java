package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compare-and-set of an operator's action on a claimed batch (both catalogs): it compares the holder, not the
 * state only, so an action decided on a stale read (maria's, before pedro's claim) leaves pedro's claim alone even
 * where no row lock ordered them ({@link BatchClaimRaceTest} races them on PostgreSQL).
 */
class BatchHolderCompareTest {

    @TempDir
    Path home;
    private final BatchRepository batches = new BatchRepository();
    private TestCore test;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void transitionClaimed_byAnOperatorNotHoldingTheBatch_changesNothing() {
        ClientPrincipal client = test.client("acme", "acme-upload", Protocol.SFTP);
        OperatorPrincipal maria = test.operator("manila", "maria", Protocol.SFTP);
        OperatorPrincipal pedro = test.operator("manila", "pedro", Protocol.SFTP);
        test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1, 0,
                Duration.ofMinutes(10));
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = test.core().batches().claim(pedro, test.core().batches().available(pedro).get(0).id()).id();
        Instant now = Instant.now();
        String stale = maria.operatorId();

        List<Boolean> changed = test.database().inTransaction(jdbc -> List.of(
                batches.transitionClaimed(jdbc, batchId, stale, BatchState.CLAIMED, Optional.of(stale),
                        Optional.of(now.plus(Duration.ofHours(1))), now),
                batches.transitionClaimed(jdbc, batchId, stale, BatchState.COMPLETED, Optional.of(stale),
                        Optional.empty(), now),
                batches.transitionClaimed(jdbc, batchId, stale, BatchState.READY, Optional.empty(), Optional.empty(),
                        now)));

        assertThat(changed).containsExactly(false, false, false);
        Batch after = test.database().read(jdbc -> batches.find(jdbc, batchId)).orElseThrow();
        assertThat(after.state()).isEqualTo(BatchState.CLAIMED);
        assertThat(after.claimedBy()).contains(pedro.operatorId());
        boolean pedros = test.database().inTransaction(jdbc -> batches.transitionClaimed(jdbc, batchId,
                pedro.operatorId(), BatchState.COMPLETED, Optional.of(pedro.operatorId()), Optional.empty(), now));
        assertThat(pedros).as("pedro's own completion").isTrue();
    }
}
