package io.vaultgate.core.files;

import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.path.VirtualPath;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an operator sees of the batches it has claimed: {@code /<tenant>/<batch>/<path below /inbox>} for
 * the batch's files and {@code /<tenant>/<batch>/results/...} for the results it returns, which are stored
 * as the tenant's {@code /outbox/<batch>/...}.
 */
final class OperatorView {

    static final String RESULTS = "results";

    private OperatorView() {
    }

    /** The batch at {@code /<tenant>/<batch>} if the operator holds it at {@code now}. */
    static Optional<Batch> claimed(Jdbc jdbc, BatchRepository batches, OperatorPrincipal operator, VirtualPath path,
                                   Instant now) throws SQLException {
        if (path.depth() < 2) {
            return Optional.empty();
        }
        return batches.find(jdbc, path.segments().get(1))
                .filter(batch -> batch.isHeldBy(operator.operatorId(), now))
                .filter(batch -> batch.tenant().value().equals(path.segments().get(0)));
    }

    static VirtualPath batchRoot(Batch batch) {
        return VirtualPath.ROOT.child(batch.tenant().value()).child(batch.id());
    }

    /** Where a result at {@code path} (below the batch's results directory) is stored for the tenant. */
    static Optional<VirtualPath> resultStoragePath(Batch batch, VirtualPath path) {
        VirtualPath results = batchRoot(batch).child(RESULTS);
        if (!path.startsWith(results) || path.depth() <= results.depth()) {
            return Optional.empty();
        }
        VirtualPath stored = VirtualPath.ROOT.child("outbox").child(batch.id());
        for (String segment : path.segments().subList(results.depth(), path.depth())) {
            stored = stored.child(segment);
        }
        return Optional.of(stored);
    }

    /**
     * Where the children of {@code directory} (in the batch's view) come from, each read a page at a time: the batch's
     * files below the matching {@code /inbox} directory and the directories they imply; at the batch's root, its
     * {@code results} directory; below that, the operator's results stored under {@code /outbox/<batch>}.
     */
    static List<PageMerge.Source> sources(Jdbc jdbc, FileRepository files, OperatorPrincipal operator, Batch batch,
                                          VirtualPath directory) {
        VirtualPath root = batchRoot(batch);
        List<String> rest = directory.segments().subList(root.depth(), directory.depth());
        VirtualPath inbox = below(VirtualPath.ROOT.child("inbox"), rest);
        List<PageMerge.Source> sources = new ArrayList<>();
        sources.add((after, limit) -> files.listInBatch(jdbc, batch.tenant(), batch.id(), inbox, after, limit).stream()
                .map(file -> file.toEntry().withPath(directory.child(file.path().fileName()))).toList());
        sources.add((after, limit) -> files.directoriesInBatch(jdbc, batch.tenant(), batch.id(), inbox, after, limit)
                .stream().map(dir -> FileEntry.directory(directory.child(dir.name()), dir.modified())).toList());
        VirtualPath results = root.child(RESULTS);
        if (directory.equals(root)) {
            FileEntry entry = FileEntry.directory(results, batch.updatedAt());
            sources.add((after, limit) -> NameOrder.compare(RESULTS, after) > 0 ? List.of(entry) : List.of());
        }
        if (directory.startsWith(results)) {
            VirtualPath stored = below(VirtualPath.ROOT.child("outbox").child(batch.id()),
                    directory.segments().subList(results.depth(), directory.depth()));
            Optional<String> owner = Optional.of(operator.operatorId());
            sources.add((after, limit) -> files.listIn(jdbc, batch.tenant(), owner, stored, after, limit).stream()
                    .map(file -> file.toEntry().withPath(directory.child(file.path().fileName()))).toList());
            sources.add((after, limit) -> files.directoriesIn(jdbc, batch.tenant(), owner, stored, after, limit)
                    .stream().map(dir -> FileEntry.directory(directory.child(dir.name()), dir.modified())).toList());
        }
        return sources;
    }

    /** The batch's root and its results directory exist while the batch is held, empty or not. */
    static boolean isBatchDirectory(Batch batch, VirtualPath directory) {
        VirtualPath root = batchRoot(batch);
        return directory.equals(root) || directory.equals(root.child(RESULTS));
    }

    /**
     * The file the operator sees at {@code path} in a batch it holds: a batch file, or one of its results (its
     * interrupted replacement of a result before the committed one when {@code partialFirst}, as a listing shows
     * it). One catalog look-up, whatever the size of the batch.
     */
    static Optional<FileRecord> file(Jdbc jdbc, FileRepository files, OperatorPrincipal operator, Batch batch,
                                     VirtualPath path, boolean partialFirst) throws SQLException {
        Optional<VirtualPath> result = resultStoragePath(batch, path);
        if (result.isPresent()) {
            List<FileState> order = partialFirst ? List.of(FileState.PARTIAL, FileState.COMMITTED)
                    : List.of(FileState.COMMITTED);
            for (FileState state : order) {
                Optional<FileRecord> found = files.findOwned(jdbc, batch.tenant(), operator.operatorId(),
                        result.get(), state);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        VirtualPath root = batchRoot(batch);
        if (!path.startsWith(root) || path.depth() <= root.depth() || path.equals(root.child(RESULTS))) {
            return Optional.empty();
        }
        return files.findInBatch(jdbc, batch.tenant(), batch.id(), inboxPath(root, path));
    }

    /** Whether anything of the batch, or of the operator's results, lies below {@code path}. */
    static boolean hasBelow(Jdbc jdbc, FileRepository files, OperatorPrincipal operator, Batch batch,
                            VirtualPath path) throws SQLException {
        Optional<VirtualPath> result = resultStoragePath(batch, path);
        if (result.isPresent()) {
            return files.anyUnder(jdbc, batch.tenant(), Optional.of(operator.operatorId()), result.get());
        }
        VirtualPath root = batchRoot(batch);
        if (!path.startsWith(root)) {
            return false;
        }
        VirtualPath inbox = inboxPath(root, path);
        return !files.listInBatch(jdbc, batch.tenant(), batch.id(), inbox, "", 1).isEmpty()
                || !files.directoriesInBatch(jdbc, batch.tenant(), batch.id(), inbox, "", 1).isEmpty();
    }

    /** Where {@code path} below the batch's root lies in the tenant's {@code /inbox}. */
    private static VirtualPath inboxPath(VirtualPath root, VirtualPath path) {
        return below(VirtualPath.ROOT.child("inbox"), path.segments().subList(root.depth(), path.depth()));
    }

    private static VirtualPath below(VirtualPath root, List<String> segments) {
        VirtualPath path = root;
        for (String segment : segments) {
            path = path.child(segment);
        }
        return path;
    }
}
