package io.vaultgate.core.files;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.batch.EmptyBatches;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.PartialUploadRepository;
import io.vaultgate.core.storage.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a file for good, in the order that makes a crash harmless: the catalog row and its key slot
 * first (the ciphertext is unreadable from that moment), then the object; an object left behind by a
 * failure is an orphan the start-up sweep deletes.
 */
public final class FileShredder {

    private static final Logger LOG = LoggerFactory.getLogger(FileShredder.class);

    private final Database database;
    private final FileRepository files;
    private final PartialUploadRepository uploads = new PartialUploadRepository();
    private final ObjectStore store;
    private final AuditLog audit;
    private final EmptyBatches emptied;

    public FileShredder(Database database, FileRepository files, ObjectStore store, AuditLog audit) {
        this.database = database;
        this.files = files;
        this.store = store;
        this.audit = audit;
        this.emptied = new EmptyBatches(new BatchRepository(), audit);
    }

    /**
     * Shreds the file and records {@code why} in the audit log in the same transaction; false, and nothing
     * recorded, if its row was already gone (deleted or replaced meanwhile).
     */
    public boolean shred(FileRecord file, AuditEvent why) {
        boolean shredded = database.inTransaction(jdbc -> {
            if (!files.delete(jdbc, file.id())) {
                return false;
            }
            emptied.settle(jdbc, file.tenant(), why.actor(), why.at()); // a READY batch it was the last of ends EMPTIED
            audit.append(jdbc, why);
            return true;
        });
        deleteObject(file);
        return shredded;
    }

    /**
     * Shreds an interrupted partial not resumed since {@code before}, recording {@code why}; false, and
     * nothing changed, if it was resumed (or removed) meanwhile.
     */
    public boolean shredExpiredPartial(FileRecord file, Instant before, AuditEvent why) {
        boolean shredded = database.inTransaction(jdbc -> {
            if (!uploads.deleteExpiredPartial(jdbc, file.id(), before)) {
                return false;
            }
            audit.append(jdbc, why);
            return true;
        });
        if (shredded) {
            deleteObject(file);
        }
        return shredded;
    }

    /** Deletes the object of a file whose row is already gone. */
    public void deleteObject(FileRecord file) {
        try {
            store.delete(file.tenant(), file.objectId());
        } catch (IOException e) {
            LOG.warn("object {} of file {} (tenant {}) not deleted; its key slot is gone and the start-up sweep "
                    + "removes it", file.objectId(), file.id(), file.tenant());
        }
    }
}
