package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A result is stored in the tenant's outbox, one namespace for every operator: a batch claimed again after its lease
 * ran out is answered by its new holder, whose result at a path replaces the earlier holder's there.
 */
class ResultReplacementTest {

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.now());
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal maria;
    private OperatorPrincipal pedro;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        pedro = test.operator("manila", "pedro", Protocol.SFTP);
        test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1, 0,
                Duration.ofMinutes(10));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void resultOfTheNextHolderAtTheSamePath_replacesTheEarlierHoldersResult() throws Exception {
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = test.core().batches().available(maria).get(0).id();
        test.core().batches().claim(maria, batchId);
        test.upload(maria, "/acme/" + batchId + "/results/summary.csv", "maria's summary");
        clock.advance(Duration.ofMinutes(31)); // maria's lease runs out; the batch goes back to READY
        test.core().batches().maintain();
        test.core().batches().claim(pedro, batchId);

        test.upload(pedro, "/acme/" + batchId + "/results/summary.csv", "pedro's summary");

        String path = "/outbox/" + batchId + "/summary.csv";
        assertThat(count("SELECT COUNT(*) FROM files WHERE path = '" + path + "' AND state = 'COMMITTED'"))
                .as("committed rows at the path").isEqualTo(1);
        assertThat(test.read(client, path)).isEqualTo("pedro's summary");
        List<FileEntry> listed = test.core().files().list(client, PathPolicy.parse("/outbox/" + batchId));
        assertThat(listed).extracting(FileEntry::name).containsExactly("summary.csv");
        long[] used = test.database().read(jdbc -> new FileRepository().usage(jdbc, client.tenant()));
        assertThat(used).as("maria's result no longer counts towards the quota")
                .containsExactly("a".length() + "pedro's summary".length(), 2);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE kind = 'upload.committed' "
                + "AND event LIKE '%" + path + "%'")).as("each result's commit, the later replacing the earlier")
                .isEqualTo(2);
    }

    private long count(String sql) {
        return test.database().read(jdbc -> jdbc.count(sql));
    }
}
