package io.vaultgate.core.ingest;

import static io.vaultgate.core.ingest.IngestServiceTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads that commit at the same instant into one namespace: whatever order the catalog runs their
 * transactions in, a path holds one file, and a file and a directory never share a name. SQLite serialises
 * writers by itself; in the {@code postgresql} execution the transactions really run side by side, which is
 * what this test is for (without a lock taken first, each saw the others' rows as not yet there).
 */
class ConcurrentCommitTest {

    private static final int UPLOADS = 6;
    private static final int ROUNDS = 5;

    @TempDir
    Path home;
    private TestCore core;
    private ClientPrincipal alice;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        core = TestCore.create(home);
        alice = core.client("acme", "alice", Protocol.HTTPS);
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
        core.close();
    }

    @Test
    void uploadsOfOnePathCommittingAtOnce_leaveExactlyOneFileAtThatPath() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            VirtualPath path = PathPolicy.parse("/inbox/same-" + round + ".csv");
            List<Upload> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                uploads.add(written(path, round * UPLOADS + i));
            }

            List<Outcome> outcomes = commitAtOnce(uploads);

            assertThat(outcomes).as("the later ones replace the earlier ones").allMatch(o -> o.failure == null);
            assertThat(committedRows(path)).as("files committed at " + path).isEqualTo(1);
        }
    }

    @Test
    void aFileAndAFileBelowItsNameCommittingAtOnce_neverBothPublish() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            VirtualPath file = PathPolicy.parse("/inbox/clash-" + round);
            List<Upload> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                VirtualPath path = i % 2 == 0 ? file : PathPolicy.parse(file + "/below-" + i + ".csv");
                uploads.add(written(path, round * UPLOADS + i));
            }

            List<Outcome> outcomes = commitAtOnce(uploads);

            long asFile = committedRows(file);
            long below = committedRowsUnder(file);
            assertThat(asFile == 0 || below == 0).as(file + " is a file (" + asFile + ") and a directory of " + below
                    + " files at once").isTrue();
            assertThat(outcomes).filteredOn(o -> o.failure != null)
                    .allMatch(o -> o.failure.reason() == GatewayException.Reason.CONFLICT);
        }
    }

    @Test
    void uploadsOpeningAtOnce_neverTakeTheTenantPastItsFileQuota() throws Exception {
        int quota = 3;
        core.core().administration().setQuota(alice.tenant(), new Quota(0, quota));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Upload>> opens = new ArrayList<>();
        for (int i = 0; i < UPLOADS * 2; i++) {
            VirtualPath path = PathPolicy.parse("/inbox/q-" + i + ".csv");
            opens.add(threads.submit(() -> {
                start.await();
                try {
                    return core.core().ingest().open(alice, path, UploadMode.CREATE);
                } catch (GatewayException e) {
                    assertThat(e.reason()).isEqualTo(GatewayException.Reason.QUOTA_EXCEEDED);
                    return null;
                }
            }));
        }
        start.countDown();
        List<Upload> opened = new ArrayList<>();
        for (Future<Upload> open : opens) { // all answered before any is aborted, which would free its place
            Upload upload = open.get(60, TimeUnit.SECONDS);
            if (upload != null) {
                opened.add(upload);
            }
        }
        for (Upload upload : opened) {
            upload.abort();
            upload.close();
        }

        assertThat(opened).as("uploads the file quota of " + quota + " let open").hasSize(quota);
    }

    private record Outcome(GatewayException failure) {
    }

    private Upload written(VirtualPath path, int seed) {
        Upload upload = core.core().ingest().open(alice, path, UploadMode.CREATE);
        upload.write(0, ByteBuffer.wrap(randomBytes(1000, seed)));
        return upload;
    }

    private List<Outcome> commitAtOnce(List<Upload> uploads) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Outcome>> commits = new ArrayList<>();
        for (Upload upload : uploads) {
            commits.add(threads.submit(() -> {
                start.await();
                try (upload) {
                    upload.commit();
                    return new Outcome(null);
                } catch (GatewayException e) {
                    return new Outcome(e);
                }
            }));
        }
        start.countDown();
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> commit : commits) {
            outcomes.add(commit.get(60, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    private long committedRows(VirtualPath path) {
        return core.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM files WHERE state = 'COMMITTED' "
                + "AND path = '" + path + "'"));
    }

    private long committedRowsUnder(VirtualPath dir) {
        return core.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM files WHERE state = 'COMMITTED' "
                + "AND path LIKE '" + dir + "/%'"));
    }
}
