package io.vaultgate.core.ingest;

import io.vaultgate.core.batch.Router;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileShredder;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how uploads end, keeping the object store and the catalog in step. The order is what makes a
 * crash harmless: the ciphertext is durable before the catalog row says COMMITTED, and a row is deleted
 * before its object, so the start-up sweep only ever finds orphan objects, never rows without data.
 */
final class UploadLedger {

    private static final Logger LOG = LoggerFactory.getLogger(UploadLedger.class);

    private final Database database;
    private final FileRepository files;
    private final ObjectStore store;
    private final FileShredder shredder;
    private final Router router;
    private final Clock clock;

    UploadLedger(Database database, FileRepository files, ObjectStore store, Router router, Clock clock) {
        this.database = database;
        this.files = files;
        this.store = store;
        this.shredder = new FileShredder(database, files, store);
        this.router = router;
        this.clock = clock;
    }

    /**
     * Makes the object durable, then in one transaction publishes the file, replaces the owner's previous
     * file at that path and routes it to its batches.
     */
    Receipt commit(FileRecord file, PendingObject object, long size, String sha256) throws IOException {
        store.commit(file.tenant(), object);
        Instant now = clock.instant();
        List<FileRecord> replaced = database.inTransaction(jdbc -> {
            Optional<FileRecord> previous = files.findOwned(jdbc, file.tenant(), file.accountId(), file.path(),
                    FileState.COMMITTED);
            if (previous.isPresent()) {
                files.delete(jdbc, previous.get().id());
            }
            files.updateState(jdbc, file.id(), FileState.COMMITTED, size, Optional.of(sha256), now);
            router.route(jdbc, committed(file, size, sha256, now), now);
            return previous.stream().toList();
        });
        replaced.forEach(shredder::deleteObject);
        LOG.info("upload committed: file={} tenant={} path={} size={}", file.id(), file.tenant(), file.path(), size);
        return new Receipt(file.id(), file.tenant(), file.path().toString(), size, sha256, now);
    }

    private static FileRecord committed(FileRecord file, long size, String sha256, Instant now) {
        return new FileRecord(file.id(), file.tenant(), file.accountId(), file.path(), FileState.COMMITTED,
                file.objectId(), size, Optional.of(sha256), file.createdAt(), now);
    }

    /** Keeps the upload as a resumable partial of {@code kept} plaintext bytes. */
    void suspend(FileRecord file, long kept) {
        database.inTransaction(jdbc -> {
            files.updateState(jdbc, file.id(), FileState.PARTIAL, kept, Optional.empty(), clock.instant());
            return null;
        });
        LOG.info("upload suspended: file={} tenant={} path={} kept={}", file.id(), file.tenant(), file.path(), kept);
    }

    /** Removes every trace of the upload. */
    void discard(FileRecord file) {
        shredder.shred(file);
        LOG.info("upload discarded: file={} tenant={} path={}", file.id(), file.tenant(), file.path());
    }
}
