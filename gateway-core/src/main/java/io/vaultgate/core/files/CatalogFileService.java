package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchAssignment;
import io.vaultgate.core.batch.EmptyBatches;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.DirectoryRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.PartialUploadRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.site.Route;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link FileService} over the catalog and the object store. Clients get the namespace of {@link Area};
 * operators the view of their claimed batches ({@link OperatorFiles}); what a principal may not see is
 * reported as not found.
 */
public final class CatalogFileService implements FileService {

    private final Database database;
    private final FileRepository files;
    private final DirectoryRepository directories;
    private final FileShredder shredder;
    private final AuditedOpener opener;
    private final OperatorFiles operators;
    private final TenantLock lock;
    private final StorageSpaces spaces;
    private final AuditLog audit;
    private final Clock clock;
    private final TenantRepository tenants = new TenantRepository();
    private final PartialUploadRepository uploads = new PartialUploadRepository();
    private final PathClashes clashes;
    private final DirectoryListing listing;
    private final BatchedRename batched;
    private final EmptyBatches emptied;

    public CatalogFileService(Database database, FileRepository files, DirectoryRepository directories,
                              BatchRepository batches, FileShredder shredder, FileOpener opener, AuditLog audit,
                              Clock clock) {
        this.database = database;
        this.files = files;
        this.directories = directories;
        this.shredder = shredder;
        this.opener = new AuditedOpener(opener, audit, clock);
        this.audit = audit;
        this.lock = new TenantLock(database);
        this.operators = new OperatorFiles(database, files, batches, this.opener, audit, lock, clock);
        this.spaces = new StorageSpaces(database, files);
        this.clock = clock;
        this.clashes = new PathClashes(files);
        this.listing = new DirectoryListing(files, directories, clock);
        RouteRepository routes = new RouteRepository();
        this.batched = new BatchedRename(files, batches, routes,
                new BatchAssignment(routes, batches, files, new SecureRandom()));
        this.emptied = new EmptyBatches(batches, audit);
    }

    @Override
    public DirectoryPage list(Principal principal, VirtualPath directory, PageRequest page) {
        if (principal instanceof OperatorPrincipal operator) {
            return operators.list(operator, directory, page);
        }
        ClientPrincipal client = Access.reader(principal, directory);
        return database.read(jdbc -> listing.page(jdbc, client, directory, page));
    }

    @Override
    public FileEntry stat(Principal principal, VirtualPath path) {
        if (principal instanceof OperatorPrincipal operator) {
            return operators.stat(operator, path);
        }
        ClientPrincipal client = Access.reader(principal, path);
        return entry(client, path, false).orElseThrow(() -> GatewayException.notFound(path.toString()));
    }

    @Override
    public FileEntry statResumable(Principal principal, VirtualPath path) {
        if (principal instanceof OperatorPrincipal operator) {
            return operators.stat(operator, path);
        }
        ClientPrincipal client = Access.reader(principal, path);
        return entry(client, path, true).orElseThrow(() -> GatewayException.notFound(path.toString()));
    }

    /**
     * A client's name in {@code /inbox} or {@code /outbox} is looked up without an exception for the missing case
     * (SFTP stats the target of every {@code put}, a new name for most); anything else as {@link #statResumable}.
     */
    @Override
    public Optional<FileEntry> findResumable(Principal principal, VirtualPath path) {
        if (principal instanceof ClientPrincipal client && path.depth() > 1 && Area.find(path).isPresent()) {
            return entry(client, path, true);
        }
        return FileService.super.findResumable(principal, path);
    }

    /**
     * What the client sees at {@code path}, in one read: its file there (where it has both, the committed one, or
     * with {@code resumable} its interrupted upload, whose size is where a resuming client continues), else a
     * directory of that name, else nothing.
     */
    private Optional<FileEntry> entry(ClientPrincipal client, VirtualPath path, boolean resumable) {
        if (path.depth() <= 1) {
            Area.of(path);
            return Optional.of(FileEntry.directory(path, clock.instant()));
        }
        return database.read(jdbc -> {
            Optional<FileRecord> file = resumable ? resumableFile(jdbc, client, path) : visibleFile(jdbc, client, path);
            if (file.isPresent()) {
                return Optional.of(file.get().toEntry());
            }
            if (listing.isDirectory(jdbc, client, path)) {
                return Optional.of(FileEntry.directory(path, clock.instant()));
            }
            return Optional.empty();
        });
    }

    @Override
    public FileContent open(Principal principal, VirtualPath path) {
        if (principal instanceof OperatorPrincipal operator) {
            return operators.open(operator, path);
        }
        ClientPrincipal client = Access.reader(principal, path);
        FileRecord file = committed(client, path);
        return opener.open(file, client.name());
    }

    /**
     * A client's answer comes from the file's catalog row, with {@link #open}'s checks, and is audited as an HTTPS
     * {@code HEAD} (which opens and closes the file) is: a {@code file.downloaded} of 0 bytes, without a
     * {@code file.download_started}, appended before the answer is given (if it cannot be, there is no answer). An
     * operator's file is opened and closed ({@link FileService#storedDigest}'s default), so that its lease and policy
     * checks stay in one place ({@link OperatorFiles#open}); that close audits it the same way.
     */
    @Override
    public StoredDigest storedDigest(Principal principal, VirtualPath path) {
        if (principal instanceof OperatorPrincipal) {
            return FileService.super.storedDigest(principal, path);
        }
        ClientPrincipal client = Access.reader(principal, path);
        FileRecord file = committed(client, path);
        StoredDigest digest = new StoredDigest(file.size(), file.sha256().orElseThrow(() -> GatewayException.internal(
                "committed file " + file.id() + " has no recorded sha256", null)));
        audit.append(new AuditEvent.Downloaded(clock.instant(), Optional.of(file.tenant()), client.name(), file.id(),
                file.path().toString(), 0));
        return digest;
    }

    /** The committed file the client sees at {@code path}, of an active tenant; else not found or locked. */
    private FileRecord committed(ClientPrincipal client, VirtualPath path) {
        FileRecord file = database.read(jdbc -> visibleFile(jdbc, client, path))
                .filter(f -> f.state() == FileState.COMMITTED)
                .orElseThrow(() -> GatewayException.notFound(path.toString()));
        lock.requireActive(file.tenant());
        return file;
    }

    @Override
    public void delete(Principal principal, VirtualPath path) {
        if (principal instanceof OperatorPrincipal) {
            throw OperatorFiles.readOnly(path);
        }
        ClientPrincipal client = Access.writer(principal, path);
        Optional<FileRecord> deleted = database.inTransaction(jdbc -> {
            // the names' lock, as a rename takes it: a rename of the file away on another session either committed
            // first (and nothing is at the path) or waits, and the file is never deleted at its new name
            tenants.lockNames(jdbc, client.tenant());
            Optional<FileRecord> file = visibleFile(jdbc, client, path);
            if (file.isPresent()) {
                remove(jdbc, file.get(), path);
                // a READY batch the file was the last of is not offered empty: it ends EMPTIED, before the event
                emptied.settle(jdbc, client.tenant(), client.name(), clock.instant());
                audit.append(jdbc, new AuditEvent.Deleted(clock.instant(), Optional.of(client.tenant()), client.name(),
                        file.get().id(), path.toString()));
                return file;
            }
            if (!directories.exists(jdbc, client.tenant(), client.accountId(), path)) {
                throw GatewayException.notFound(path.toString());
            }
            if (listing.hasChildren(jdbc, client, path)) {
                throw new GatewayException(Reason.CONFLICT, path + ": directory is not empty");
            }
            directories.delete(jdbc, client.tenant(), client.accountId(), path);
            return Optional.empty();
        });
        deleted.ifPresent(shredder::deleteObject);
    }

    /**
     * Deletes a committed file, or an interrupted partial only while it is still one: its upload may have been
     * resumed since it was read (on another node, too), and a live upload is its uploader's, not removed under it.
     */
    private void remove(Jdbc jdbc, FileRecord file, VirtualPath path) throws SQLException {
        if (file.state() == FileState.PARTIAL) {
            if (!uploads.deletePartial(jdbc, file.id())) {
                throw new GatewayException(Reason.CONFLICT, path + ": its upload was resumed meanwhile");
            }
        } else if (!files.delete(jdbc, file.id())) {
            throw GatewayException.notFound(path.toString());
        }
    }

    /**
     * Renames a client's committed file within its own namespace, never over a name it has. A file in a batch keeps
     * its batches right ({@link BatchedRename}): refused, with one answer for every new name, while an operator holds
     * a claim on a batch holding it; taken out of an open or ready batch and assigned again under its new name
     * otherwise. What happens never depends on other accounts' files, which the client cannot see.
     */
    @Override
    public void rename(Principal principal, VirtualPath from, VirtualPath to) {
        if (principal instanceof OperatorPrincipal) {
            throw OperatorFiles.readOnly(from);
        }
        ClientPrincipal client = Access.writer(principal, from);
        Access.writer(principal, to);
        database.inTransaction(jdbc -> {
            tenants.lockNames(jdbc, client.tenant());
            FileRecord file = visibleFile(jdbc, client, from)
                    .filter(f -> f.state() == FileState.COMMITTED)
                    .orElseThrow(() -> GatewayException.notFound(from.toString()));
            List<Batch> holding = batched.holding(jdbc, file);
            batched.refuseIfHeld(jdbc, from, holding);
            if (visibleFile(jdbc, client, to).isPresent()
                    || listing.isDirectory(jdbc, client, to)) {
                throw new GatewayException(Reason.CONFLICT, to + ": already exists");
            }
            clashes.check(jdbc, client.tenant(), client.accountId(), to);
            List<Route> left = batched.leaveBatches(jdbc, file, from, holding);
            files.rename(jdbc, file.id(), to);
            Instant now = clock.instant();
            batched.assign(jdbc, new FileRecord(file.id(), file.tenant(), file.accountId(), to, file.state(),
                    file.objectId(), file.size(), file.sha256(), file.createdAt(), file.updatedAt()), left, now);
            emptied.settle(jdbc, client.tenant(), client.name(), now);
            audit.append(jdbc, new AuditEvent.Renamed(now, Optional.of(client.tenant()), client.name(),
                    file.id(), from.toString(), to.toString()));
            return null;
        });
    }

    @Override
    public void createDirectory(Principal principal, VirtualPath path) {
        if (principal instanceof OperatorPrincipal) {
            throw OperatorFiles.readOnly(path);
        }
        ClientPrincipal client = Access.writer(principal, path);
        database.inTransaction(jdbc -> {
            tenants.lockNames(jdbc, client.tenant());
            if (visibleFile(jdbc, client, path).isPresent() || listing.isDirectory(jdbc, client, path)) {
                throw new GatewayException(Reason.CONFLICT, path + ": already exists");
            }
            if (!listing.isDirectory(jdbc, client, path.parent())) {
                throw GatewayException.notFound(path.parent().toString());
            }
            directories.insert(jdbc, client.tenant(), client.accountId(), path, clock.instant());
            return null;
        });
    }

    @Override
    public StorageSpace space(Principal principal, VirtualPath path) {
        return spaces.of(principal, path);
    }

    /** The file a client sees at {@code path}: its own in the inbox (committed first), the tenant's in the outbox. */
    private Optional<FileRecord> visibleFile(Jdbc jdbc, ClientPrincipal client, VirtualPath path) throws SQLException {
        return switch (Area.of(path)) {
            case ROOT -> Optional.empty();
            case INBOX -> {
                FileRepository.OwnedFiles owned = files.findOwnedVisible(jdbc, client.tenant(), client.accountId(),
                        path);
                yield owned.committed().or(owned::partial);
            }
            case OUTBOX -> files.findCommitted(jdbc, client.tenant(), path);
        };
    }

    /** As {@link #visibleFile}, but the client's interrupted upload in the inbox first. */
    private Optional<FileRecord> resumableFile(Jdbc jdbc, ClientPrincipal client, VirtualPath path)
            throws SQLException {
        if (Area.of(path) != Area.INBOX) {
            return visibleFile(jdbc, client, path);
        }
        FileRepository.OwnedFiles owned = files.findOwnedVisible(jdbc, client.tenant(), client.accountId(), path);
        return owned.partial().or(owned::committed);
    }
}
