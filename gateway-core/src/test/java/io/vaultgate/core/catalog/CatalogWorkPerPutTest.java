package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds the catalog work of one SFTP or HTTPS {@code put} of a small file to what sessions 27 and 28 cut it to
 * (docs/benchmarks.md, "Small SFTP files"): the STAT of the target (one read), the opening transaction, the check that
 * the upload is still this node's (one read) and the publishing transaction. It asks the core what the SFTP front-end
 * asks for one {@code put} ({@code findResumable}, then open, two 32 KiB writes and commit, as
 * {@code bench/ingest/SmallUploads} does) and counts, with {@link Database#listen}, the transactions, reads and
 * statements run on the test's thread (the core's timers run on threads of their own). On the run's catalog: SQLite,
 * or PostgreSQL.
 *
 * <p>The numbers are today's, exactly. A change that lowers one is welcome: update the constant here and the counts
 * in docs/benchmarks.md. One that raises one needs a reason worth a statement on every uploaded file.
 */
class CatalogWorkPerPutTest {

    /** Statements per {@code put}: the STAT's 3, the opening transaction's 9, the check's 1, publishing's 13. */
    static final int STATEMENTS = 26;
    /** Write transactions per {@code put}: opening the upload, publishing the file. */
    static final int TRANSACTIONS = 2;
    /** Autocommit reads per {@code put}: the STAT, the check that the upload is still this node's. */
    static final int READS = 2;

    private static final byte[] CONTENT = new byte[64 * 1024];

    @TempDir
    Path home;

    @Test
    void onePutOfASmallFile_runsTwentySixStatements_inTwoWriteTransactionsAndTwoReads() {
        try (TestCore gateway = TestCore.create(home)) {
            ClientPrincipal alice = gateway.client("acme", "alice", Protocol.SFTP);
            put(gateway, alice, "/inbox/warm-up-1.bin"); // a tenant's first uploads do more once (its first checkpoint)
            put(gateway, alice, "/inbox/warm-up-2.bin");
            Counting counted = new Counting(Thread.currentThread());
            gateway.database().listen(counted);
            try {
                put(gateway, alice, "/inbox/measured.bin");
            } finally {
                gateway.database().listen(StatementListener.NONE);
            }

            String welcome = "; fewer is welcome: update the constants in CatalogWorkPerPutTest and the counts in "
                    + "docs/benchmarks.md; more needs a reason worth it on every uploaded file. It ran:\n"
                    + String.join("\n", counted.listed);
            assertThat(counted.statements).withFailMessage("one put ran " + counted.statements
                    + " catalog statements, not " + STATEMENTS + welcome).isEqualTo(STATEMENTS);
            assertThat(counted.transactions).withFailMessage("one put ran " + counted.transactions
                    + " write transactions, not " + TRANSACTIONS + welcome).isEqualTo(TRANSACTIONS);
            assertThat(counted.reads).withFailMessage("one put ran " + counted.reads + " reads, not " + READS
                    + welcome).isEqualTo(READS);
        }
    }

    /** What the SFTP front-end asks of the core for one {@code put} of a new name. */
    private static void put(TestCore gateway, ClientPrincipal client, String name) {
        VirtualPath path = PathPolicy.parse(name);
        assertThat(gateway.core().files().findResumable(client, path)).as("the STAT of a new name").isEmpty();
        try (Upload upload = gateway.core().ingest().open(client, path, UploadMode.CREATE)) {
            for (int offset = 0; offset < CONTENT.length; offset += 32 * 1024) {
                upload.write(offset, ByteBuffer.wrap(CONTENT, offset, 32 * 1024));
            }
            upload.commit();
        }
    }

    /** The work asked for on one thread, counted, and listed in order for a failure's message. */
    private static final class Counting implements StatementListener {
        private final Thread thread;
        final List<String> listed = new ArrayList<>();
        int transactions;
        int reads;
        int statements;

        Counting(Thread thread) {
            this.thread = thread;
        }

        @Override
        public void transaction() {
            if (Thread.currentThread() == thread) {
                transactions++;
                listed.add("write transaction:");
            }
        }

        @Override
        public void read() {
            if (Thread.currentThread() == thread) {
                reads++;
                listed.add("read:");
            }
        }

        @Override
        public void statement(String sql) {
            if (Thread.currentThread() == thread) {
                statements++;
                listed.add("  " + sql);
            }
        }
    }
}
