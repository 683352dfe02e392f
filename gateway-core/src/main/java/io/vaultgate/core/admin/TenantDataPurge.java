package io.vaultgate.core.admin;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.ReferencedObjects;
import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog and the store forget a shredded tenant's data (step 3 of {@link TenantShredding}): its forward
 * jobs not yet delivered, its files' rows and key slots ({@value #PAGE} per transaction), its directories, its
 * accounts' credentials (SSH keys, client certificates and those an upgrade set aside (V25), API tokens, password
 * hashes), then its objects. The tenant row, the account rows, batches, receipts and the audit chain stay, so its
 * history still verifies. Every statement only removes what is left, so a purge cut off anywhere is finished by
 * running it again.
 *
 * <p>The store's sweep of leftovers is given the core's time ({@link ReferencedObjects#now()}), as the start-up
 * sweep is: a store that spares objects younger than a grace (S3) then judges their age on the earlier of the core's
 * time and the host's, so a host clock running ahead cannot make a fresh object look old enough to delete.
 */
final class TenantDataPurge {

    private static final Logger LOG = LoggerFactory.getLogger(TenantDataPurge.class);
    static final int PAGE = 500;

    /** What one purge removed from the catalog and the store. */
    record Forgotten(long files, long forwardJobs, long credentials, int objects) {
    }

    private final Database database;
    private final FileRepository files;
    private final ObjectStore store;
    private final Clock clock;

    /** @param clock the core's clock (the catalog's time on a node that joined), which the store's sweep is told */
    TenantDataPurge(Database database, FileRepository files, ObjectStore store, Clock clock) {
        this.database = database;
        this.files = files;
        this.store = store;
        this.clock = clock;
    }

    Forgotten purge(TenantId tenant) {
        String id = tenant.value();
        long jobs = database.inTransaction(jdbc -> (long) jdbc.update(
                "DELETE FROM forward_jobs WHERE tenant_id = ? AND state <> 'DELIVERED'", id));
        long removed = 0;
        int objects = 0;
        List<FileObject> page;
        do { // a page per transaction: memory and lock time stay bounded however many files the tenant holds
            page = database.inTransaction(jdbc -> {
                List<FileObject> rows = jdbc.query("SELECT id, object_id FROM files WHERE tenant_id = ? ORDER BY id "
                        + "LIMIT ?", row -> new FileObject(row.getString(1), new ObjectId(row.getString(2))), id, PAGE);
                for (FileObject file : rows) {
                    files.delete(jdbc, file.id()); // its key slot first, then the row, keeping the usage counters
                }
                return rows;
            });
            removed += page.size();
            for (FileObject file : page) { // once the rows are gone, as FileShredder does
                objects += deleteObject(tenant, file.object()) ? 1 : 0;
            }
        } while (page.size() == PAGE);
        String accounts = "SELECT id FROM accounts WHERE tenant_id = ?";
        long credentials = database.inTransaction(jdbc -> {
            jdbc.update("DELETE FROM directories WHERE tenant_id = ?", id);
            jdbc.update("DELETE FROM account_certificate_conflicts WHERE account_id IN (" + accounts + ")", id);
            long gone = jdbc.update("DELETE FROM account_ssh_keys WHERE account_id IN (" + accounts + ")", id)
                    + jdbc.update("DELETE FROM account_certificates WHERE account_id IN (" + accounts + ")", id)
                    + jdbc.update("DELETE FROM api_tokens WHERE principal_kind = 'account' AND principal_id IN ("
                    + accounts + ")", id);
            return gone + jdbc.update("UPDATE accounts SET password_hash = NULL WHERE tenant_id = ? "
                    + "AND password_hash IS NOT NULL", id);
        });
        return new Forgotten(removed, jobs, credentials, objects + sweep(tenant));
    }

    private record FileObject(String id, ObjectId object) {
    }

    /** Best effort: the object is unreadable already (its key is gone); a failure leaves it to the sweeps. */
    private boolean deleteObject(TenantId tenant, ObjectId object) {
        try {
            store.delete(tenant, object);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("object {} of shredded tenant {} not deleted ({}); it is unreadable, and the start-up sweep "
                    + "removes it", object, tenant, e.toString());
            return false;
        }
    }

    /** Leftovers no file row names (temporaries of cut-off uploads), where the store's sweep reaches them. */
    private int sweep(TenantId tenant) {
        try {
            return store.sweep(tenant, new ReferencedObjects() {
                @Override
                public Set<ObjectId> committed(TenantId owner, List<ObjectId> ids) {
                    return database.read(jdbc -> files.objectsIn(jdbc, owner, ids, List.of(FileState.COMMITTED)));
                }

                @Override
                public Set<ObjectId> pending(TenantId owner, List<ObjectId> ids) {
                    return database.read(jdbc -> files.objectsIn(jdbc, owner, ids,
                            List.of(FileState.PARTIAL, FileState.UPLOADING)));
                }

                @Override
                public Optional<Instant> now() {
                    return Optional.of(clock.instant());
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("objects of shredded tenant {} not all deleted ({}); they are unreadable, and running the "
                    + "shred again deletes them", tenant, e.toString());
            return 0;
        }
    }
}
