package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.DirectoryRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.path.VirtualPath;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The immediate children of a directory in a client's namespace, a page at a time ({@link PageMerge}).
 * Directories exist explicitly (created by the client) or implicitly (a file below them exists). The root's two
 * areas are dated now by the core's clock, as {@code stat} dates them: the catalog's time on a joined node, like every
 * other time a listing shows.
 */
final class DirectoryListing {

    private final FileRepository files;
    private final DirectoryRepository directories;
    private final Clock clock;

    DirectoryListing(FileRepository files, DirectoryRepository directories, Clock clock) {
        this.files = files;
        this.directories = directories;
        this.clock = clock;
    }

    DirectoryPage page(Jdbc jdbc, ClientPrincipal client, VirtualPath directory, PageRequest request)
            throws SQLException {
        DirectoryPage page = PageMerge.page(sources(jdbc, client, directory), request);
        if (page.entries().isEmpty() && !isDirectory(jdbc, client, directory)) {
            if (isFile(jdbc, client, directory)) {
                throw new GatewayException(Reason.INVALID_REQUEST, directory + ": not a directory");
            }
            throw GatewayException.notFound(directory.toString());
        }
        return page;
    }

    /** Whether anything lies below {@code directory}, without listing it. */
    boolean hasChildren(Jdbc jdbc, ClientPrincipal client, VirtualPath directory) throws SQLException {
        Area area = Area.of(directory);
        return area == Area.ROOT
                || files.anyUnder(jdbc, client.tenant(), ownerFilter(client, area), directory)
                || area == Area.INBOX && directories.anyUnder(jdbc, client.tenant(), client.accountId(), directory);
    }

    boolean isDirectory(Jdbc jdbc, ClientPrincipal client, VirtualPath path) throws SQLException {
        if (path.depth() <= 1) {
            return true;
        }
        Area area = Area.of(path);
        return (area == Area.INBOX && directories.exists(jdbc, client.tenant(), client.accountId(), path))
                || files.anyUnder(jdbc, client.tenant(), ownerFilter(client, area), path);
    }

    /** Files directly in the directory, then directories implied by deeper files, then explicit directories. */
    private List<PageMerge.Source> sources(Jdbc jdbc, ClientPrincipal client, VirtualPath directory) {
        Area area = Area.of(directory);
        if (area == Area.ROOT) {
            Instant now = clock.instant();
            return List.of((after, limit) -> Stream.of(Area.INBOX, Area.OUTBOX)
                    .map(child -> FileEntry.directory(child.path(), now))
                    .filter(entry -> NameOrder.compare(entry.name(), after) > 0).limit(limit).toList());
        }
        Optional<String> owner = ownerFilter(client, area);
        PageMerge.Source direct = (after, limit) -> files.listIn(jdbc, client.tenant(), owner, directory, after, limit)
                .stream().map(FileRecord::toEntry).toList();
        PageMerge.Source implied = (after, limit) -> files.directoriesIn(jdbc, client.tenant(), owner, directory,
                after, limit).stream().map(dir -> FileEntry.directory(directory.child(dir.name()), dir.modified())).toList();
        if (area != Area.INBOX) {
            return List.of(direct, implied);
        }
        PageMerge.Source explicit = (after, limit) -> directories.namesIn(jdbc, client.tenant(), client.accountId(),
                directory, after, limit).stream().map(name -> FileEntry.directory(directory.child(name), Instant.EPOCH))
                .toList();
        return List.of(direct, implied, explicit);
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
