package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.Lease;
import io.vaultgate.core.batch.LeaseCheck;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.policy.PolicyGate;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The file service as an operator sees it ({@link OperatorView}): read-only batch files of claimed
 * batches, plus the results directory it writes through the ingest service. Anything else is not found.
 * Reading a file needs an active tenant and the operator's acknowledgement of the tenant's current
 * data-handling policy ({@link PolicyGate}); listing a batch or a stat in it needs the same, refused the same way
 * (a tenant's file names and sizes are shown only to an operator who may read the files: not while the tenant is
 * locked, nor before its newest policy version is acknowledged; the batch directories above them stay listed). An
 * opened file reads only while the lease it was opened under holds ({@link LeaseBoundContent}).
 */
final class OperatorFiles {

    private final Database database;
    private final FileRepository files;
    private final BatchRepository batches;
    private final AuditedOpener opener;
    private final AuditLog audit;
    private final TenantLock lock;
    private final PolicyGate policyGate = new PolicyGate();
    private final Clock clock;

    OperatorFiles(Database database, FileRepository files, BatchRepository batches, AuditedOpener opener,
                  AuditLog audit, TenantLock lock, Clock clock) {
        this.audit = audit;
        this.lock = lock;
        this.database = database;
        this.files = files;
        this.batches = batches;
        this.opener = opener;
        this.clock = clock;
    }

    /**
     * A page of what the operator sees in {@code directory}: above the batches, the batches it holds (few); in a
     * batch, its files and results read a page at a time from the catalog ({@link OperatorView#sources}).
     */
    DirectoryPage list(OperatorPrincipal operator, VirtualPath directory, PageRequest page) {
        return database.read(jdbc -> {
            Optional<Batch> batch = OperatorView.claimed(jdbc, batches, operator, directory, clock.instant());
            if (batch.isPresent()) {
                requireAccess(jdbc, operator, batch.get().tenant(), "listings are refused");
            }
            if (batch.isEmpty()) {
                Children children = new Children(directory);
                for (Batch held : batches.heldBy(jdbc, operator.operatorId(), clock.instant())) {
                    VirtualPath results = OperatorView.batchRoot(held).child(OperatorView.RESULTS);
                    children.add(results, FileEntry.directory(results, held.updatedAt()));
                }
                if (children.isEmpty() && !directory.isRoot()) {
                    throw GatewayException.notFound(directory.toString());
                }
                return children.page(page);
            }
            List<PageMerge.Source> sources = OperatorView.sources(jdbc, files, operator, batch.get(), directory);
            DirectoryPage listed = PageMerge.page(sources, page);
            if (listed.entries().isEmpty() && !OperatorView.isBatchDirectory(batch.get(), directory)
                    && (page.after().isEmpty() || PageMerge.page(sources, PageRequest.first(1)).entries().isEmpty())) {
                throw GatewayException.notFound(directory.toString());
            }
            return listed;
        });
    }

    FileEntry stat(OperatorPrincipal operator, VirtualPath path) {
        return database.read(jdbc -> {
            Optional<Batch> batch = OperatorView.claimed(jdbc, batches, operator, path, clock.instant());
            if (batch.isPresent()) {
                requireAccess(jdbc, operator, batch.get().tenant(), "file details are refused");
            }
            Optional<FileRecord> file = batch.isEmpty() ? Optional.empty()
                    : OperatorView.file(jdbc, files, operator, batch.get(), path, true);
            if (file.isPresent()) {
                return file.get().toEntry().withPath(path);
            }
            if (isDirectory(jdbc, operator, path)) {
                return FileEntry.directory(path, clock.instant());
            }
            throw GatewayException.notFound(path.toString());
        });
    }

    /** A file of a batch the operator holds, readable while that lease holds ({@link LeaseCheck}). */
    FileContent open(OperatorPrincipal operator, VirtualPath path) {
        Instant now = clock.instant();
        Opened opened = database.read(jdbc -> {
            Optional<Batch> batch = OperatorView.claimed(jdbc, batches, operator, path, now);
            if (batch.isEmpty()) {
                return Optional.<Opened>empty();
            }
            return OperatorView.file(jdbc, files, operator, batch.get(), path, false)
                    .filter(found -> found.state() == FileState.COMMITTED)
                    .map(found -> new Opened(found, Lease.of(batch.get(), operator.operatorId(), now).orElseThrow()));
        }).orElseThrow(() -> GatewayException.notFound(path.toString()));
        FileRecord file = opened.file();
        database.read(jdbc -> {
            requireAccess(jdbc, operator, file.tenant(), "downloads are refused");
            return null;
        });
        LeaseCheck lease = new LeaseCheck(opened.lease(), now,
                batchId -> database.read(jdbc -> batches.standing(jdbc, batchId)), clock, LeaseCheck.DEFAULT_INTERVAL);
        return new LeaseBoundContent(opener.open(file, operator.name()), lease, file, operator.name(), audit, clock);
    }

    /**
     * The one rule for reading a held batch's files, listing them and stat'ing them, inside the caller's read: the
     * tenant is active ({@link TenantLock}, {@code TENANT_LOCKED}) and the operator acknowledged its newest policy
     * version ({@link PolicyGate}'s refusal, which SFTP and HTTPS answer as they answer a read).
     *
     * @param refused what is refused while the tenant is locked, for the message ({@code "listings are refused"})
     */
    private void requireAccess(Jdbc jdbc, OperatorPrincipal operator, TenantId tenant, String refused)
            throws SQLException {
        lock.requireActive(jdbc, tenant, refused);
        policyGate.requireAcknowledged(jdbc, operator, tenant);
    }

    /** A batch file found for opening, with the lease under which it is opened. */
    private record Opened(FileRecord file, Lease lease) {
    }

    static GatewayException readOnly(VirtualPath path) {
        return new GatewayException(Reason.ACCESS_DENIED, path + ": batch files are read-only; write results below "
                + "the batch's results directory");
    }

    private boolean isDirectory(Jdbc jdbc, OperatorPrincipal operator, VirtualPath path) throws SQLException {
        if (path.isRoot()) {
            return true;
        }
        for (Batch batch : batches.heldBy(jdbc, operator.operatorId(), clock.instant())) {
            VirtualPath root = OperatorView.batchRoot(batch);
            if (root.startsWith(path) || path.equals(root.child(OperatorView.RESULTS))) {
                return true;
            }
        }
        Optional<Batch> batch = OperatorView.claimed(jdbc, batches, operator, path, clock.instant());
        return batch.isPresent() && OperatorView.hasBelow(jdbc, files, operator, batch.get(), path);
    }
}
