package io.vaultgate.core.files;

import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchLayout;
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
 * as the tenant's {@code /outbox/<batch>/...}. A client's {@code /inbox/results} is shown as
 * {@code inbox-results}, so {@code results} is only ever the operator's ({@link BatchLayout}).
 */
final class OperatorView {

    static final String RESULTS = BatchLayout.RESULTS;

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
     * {@code results} directory, and the client's {@code /inbox/results} as {@code inbox-results}; below
     * {@code results}, the operator's results stored under {@code /outbox/<batch>}, nothing of the client's.
     */
    static List<PageMerge.Source> sources(Jdbc jdbc, FileRepository files, OperatorPrincipal operator, Batch batch,
                                          VirtualPath directory) {
        VirtualPath root = batchRoot(batch);
        List<String> rest = directory.segments().subList(root.depth(), directory.depth());
        List<PageMerge.Source> sources = new ArrayList<>();
        for (VirtualPath inbox : BatchLayout.inboxPaths(rest)) {
            PageMerge.Source inFiles = (after, limit) -> files.listInBatch(jdbc, batch.tenant(), batch.id(), inbox,
                    after, limit).stream().map(file -> file.toEntry().withPath(directory.child(file.path().fileName())))
                    .toList();
            PageMerge.Source inDirectories = (after, limit) -> files.directoriesInBatch(jdbc, batch.tenant(),
                    batch.id(), inbox, after, limit).stream()
                    .map(dir -> FileEntry.directory(directory.child(dir.name()), dir.modified())).toList();
            sources.add(directory.equals(root) ? without(RESULTS, inFiles) : inFiles);
            sources.add(directory.equals(root) ? without(RESULTS, inDirectories) : inDirectories);
        }
        VirtualPath results = root.child(RESULTS);
        if (directory.equals(root)) {
            FileEntry entry = FileEntry.directory(results, batch.updatedAt());
            sources.add((after, limit) -> NameOrder.compare(RESULTS, after) > 0 ? List.of(entry) : List.of());
            sources.add((after, limit) -> NameOrder.compare(BatchLayout.CLIENT_RESULTS, after) > 0
                    ? clientResults(jdbc, files, batch).stream().toList() : List.of());
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

    /**
     * A source's rows without those named {@code name}, still {@code limit} rows when it has more: one more is read,
     * so that {@link PageMerge} still sees a filled read as one.
     */
    private static PageMerge.Source without(String name, PageMerge.Source source) {
        return (after, limit) -> {
            List<FileEntry> kept = source.after(after, limit + 1).stream()
                    .filter(entry -> !entry.name().equals(name)).toList();
            return kept.size() > limit ? kept.subList(0, limit) : kept;
        };
    }

    /** The client's {@code /inbox/results} in the batch, a file or a directory, as {@code inbox-results}. */
    private static Optional<FileEntry> clientResults(Jdbc jdbc, FileRepository files, Batch batch)
            throws SQLException {
        VirtualPath shown = batchRoot(batch).child(BatchLayout.CLIENT_RESULTS);
        VirtualPath inbox = VirtualPath.ROOT.child("inbox").child(RESULTS);
        Optional<FileRecord> file = files.findInBatch(jdbc, batch.tenant(), batch.id(), inbox);
        if (file.isPresent()) {
            return Optional.of(file.get().toEntry().withPath(shown));
        }
        return files.changedBelowInBatch(jdbc, batch.tenant(), batch.id(), inbox)
                .map(modified -> FileEntry.directory(shown, modified));
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
        if (!path.startsWith(root) || path.depth() <= root.depth()) {
            return Optional.empty();
        }
        for (VirtualPath inbox : inboxPaths(root, path)) {
            Optional<FileRecord> file = files.findInBatch(jdbc, batch.tenant(), batch.id(), inbox);
            if (file.isPresent()) {
                return file;
            }
        }
        return Optional.empty();
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
        for (VirtualPath inbox : inboxPaths(root, path)) {
            if (!files.listInBatch(jdbc, batch.tenant(), batch.id(), inbox, "", 1).isEmpty()
                    || !files.directoriesInBatch(jdbc, batch.tenant(), batch.id(), inbox, "", 1).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Where {@code path} below the batch's root may lie in the tenant's {@code /inbox} ({@link BatchLayout}). */
    private static List<VirtualPath> inboxPaths(VirtualPath root, VirtualPath path) {
        return BatchLayout.inboxPaths(path.segments().subList(root.depth(), path.depth()));
    }

    private static VirtualPath below(VirtualPath root, List<String> segments) {
        VirtualPath path = root;
        for (String segment : segments) {
            path = path.child(segment);
        }
        return path;
    }
}
