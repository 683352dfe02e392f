package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.DirectoryRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.path.VirtualPath;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The immediate children of a directory in a client's namespace. Directories exist explicitly (created by
 * the client) or implicitly (a file below them exists).
 */
final class DirectoryListing {

    private final FileRepository files;
    private final DirectoryRepository directories;

    DirectoryListing(FileRepository files, DirectoryRepository directories) {
        this.files = files;
        this.directories = directories;
    }

    List<FileEntry> list(Jdbc jdbc, ClientPrincipal client, VirtualPath directory) throws SQLException {
        Area area = Area.of(directory);
        if (area == Area.ROOT) {
            Instant now = Instant.now();
            return List.of(FileEntry.directory(Area.INBOX.path(), now), FileEntry.directory(Area.OUTBOX.path(), now));
        }
        Children children = new Children(directory);
        Optional<String> owner = ownerFilter(client, area);
        List<FileRecord> direct = files.listIn(jdbc, client.tenant(), owner, directory);
        for (FileRecord file : direct) {
            children.add(file.path(), file.toEntry());
        }
        for (FileRepository.ImpliedDirectory implied : files.directoriesIn(jdbc, client.tenant(), owner, directory)) {
            VirtualPath dir = directory.child(implied.name());
            children.add(dir, FileEntry.directory(dir, implied.modified()));
        }
        if (area == Area.INBOX) {
            for (VirtualPath dir : directories.listUnder(jdbc, client.tenant(), client.accountId(), directory)) {
                children.add(dir, FileEntry.directory(dir, Instant.EPOCH));
            }
        }
        if (children.isEmpty() && !isDirectory(jdbc, client, directory)) {
            if (isFile(jdbc, client, directory)) {
                throw new GatewayException(Reason.INVALID_REQUEST, directory + ": not a directory");
            }
            throw GatewayException.notFound(directory.toString());
        }
        return children.entries();
    }

    boolean isDirectory(Jdbc jdbc, ClientPrincipal client, VirtualPath path) throws SQLException {
        if (path.depth() <= 1) {
            return true;
        }
        Area area = Area.of(path);
        return (area == Area.INBOX && directories.exists(jdbc, client.tenant(), client.accountId(), path))
                || files.anyUnder(jdbc, client.tenant(), ownerFilter(client, area), path);
    }

    private boolean isFile(Jdbc jdbc, ClientPrincipal client, VirtualPath path) throws SQLException {
        return Area.of(path) == Area.INBOX
                ? files.findOwned(jdbc, client.tenant(), client.accountId(), path, FileState.COMMITTED).isPresent()
                : files.findCommitted(jdbc, client.tenant(), path).isPresent();
    }

    private static Optional<String> ownerFilter(ClientPrincipal client, Area area) {
        return area == Area.INBOX ? Optional.of(client.accountId()) : Optional.empty();
    }
}
