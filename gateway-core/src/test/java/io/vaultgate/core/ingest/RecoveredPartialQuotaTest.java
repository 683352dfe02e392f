package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.node.NodePresence;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up recovery keeps interrupted uploads of a killed node as partials only within the tenant's byte quota. */
class RecoveredPartialQuotaTest {

    /** 80 % of it is more than one part of the test S3 store (5 MiB), so that some is durable there too. */
    private static final int QUOTA = 10_000_000;

    @TempDir
    Path home;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void uploadsOfAKilledNode_areRecoveredAsPartialsOnlyWithinTheByteQuota() throws Exception {
        TestCore nodeA = open(true);
        ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
        nodeA.core().administration().setQuota(alice.tenant(), new Quota(QUOTA, 0));
        NodePresence a = nodeA.core().nodes().join();
        opened.add(a);
        for (int i = 0; i < 4; i++) { // streaming 80 % of the quota each when the node is killed: never closed
            Upload upload = nodeA.core().ingest().open(alice, PathPolicy.parse("/inbox/big-" + i + ".bin"),
                    UploadMode.CREATE);
            byte[] data = new byte[QUOTA * 8 / 10];
            for (int offset = 0; offset < data.length; offset += 1 << 20) { // within the reorder window
                upload.write(offset, ByteBuffer.wrap(data, offset, Math.min(1 << 20, data.length - offset)));
            }
        }
        a.close();

        TestCore restarted = open(false);
        opened.add(restarted.core().nodes().join());
        assertThat(restarted.core().recovery().run().resumable()).isEqualTo(1);

        long[] used = restarted.database().read(jdbc -> new FileRepository().usage(jdbc, alice.tenant()));
        assertThat(used[0]).isPositive().isLessThanOrEqualTo(QUOTA);
        long aborted = restarted.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE kind = "
                + "'upload.aborted' AND event LIKE '%quota exceeded%'"));
        assertThat(aborted).isEqualTo(3);
    }

    private TestCore open(boolean create) {
        GatewayCore.Settings settings = new GatewayCore.Settings(Duration.ofHours(24), 64)
                .withNode(NodeSettings.of("node-a").withTiming(Duration.ofMillis(200), Duration.ofSeconds(10)));
        TestCore core = create ? TestCore.create(home, settings) : TestCore.reopen(home, settings);
        opened.add(core);
        return core;
    }
}
