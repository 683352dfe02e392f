package io.vaultgate.core.files;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.batch.LeaseCheck;
import io.vaultgate.core.batch.LeaseEndedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch file an operator opened, readable only while the lease it was opened under holds ({@link LeaseCheck},
 * asked before every read and before an answer from its stored digest, {@link #requireReadable}): once the batch is completed, released, claimed by another operator, its lease ran out
 * or its tenant was locked, every read fails with {@link LeaseEndedException} and returns nothing. The first
 * refusal is audited ({@code batch.access_ended}); closing still records what was read ({@code file.downloaded}).
 */
final class LeaseBoundContent implements FileContent {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseBoundContent.class);

    private final FileContent content;
    private final LeaseCheck lease;
    private final FileRecord file;
    private final String operator;
    private final AuditLog audit;
    private final Clock clock;
    private boolean refusalRecorded;

    LeaseBoundContent(FileContent content, LeaseCheck lease, FileRecord file, String operator, AuditLog audit,
                      Clock clock) {
        this.content = content;
        this.lease = lease;
        this.file = file;
        this.operator = operator;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String fileId() {
        return content.fileId();
    }

    @Override
    public long size() {
        return content.size();
    }

    @Override
    public String sha256() {
        return content.sha256();
    }

    @Override
    public void requireReadable() throws LeaseEndedException {
        try {
            lease.requireHeld();
        } catch (LeaseEndedException e) {
            recordOnce(e);
            throw e;
        }
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        requireReadable();
        return content.read(position, dst);
    }

    @Override
    public void close() throws IOException {
        content.close();
    }

    /** The refusal stands whether or not it could be recorded. */
    private void recordOnce(LeaseEndedException e) {
        synchronized (this) {
            if (refusalRecorded) {
                return;
            }
            refusalRecorded = true;
        }
        try {
            audit.append(new AuditEvent.BatchAccessEnded(clock.instant(), Optional.of(file.tenant()), operator,
                    e.batchId(), file.id(), file.path().toString(), e.reason()));
        } catch (RuntimeException failure) {
            LOG.warn("could not record that {}'s read of file {} was refused ({}): {}", operator, file.id(),
                    e.reason(), failure.toString());
        }
    }
}
