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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Every file of the batch and every result, by the path the operator sees. */
    static Map<VirtualPath, FileRecord> files(Jdbc jdbc, FileRepository files, BatchRepository batches,
                                              OperatorPrincipal operator, Batch batch) throws SQLException {
        Map<VirtualPath, FileRecord> view = new LinkedHashMap<>();
        VirtualPath root = batchRoot(batch);
        for (String id : batches.fileIds(jdbc, batch.id())) {
            Optional<FileRecord> file = files.find(jdbc, id);
            if (file.isPresent()) {
                view.put(below(root, file.get().path().segments().subList(1, file.get().path().depth())), file.get());
            }
        }
        VirtualPath stored = VirtualPath.ROOT.child("outbox").child(batch.id());
        for (FileRecord result : files.listUnder(jdbc, batch.tenant(), Optional.of(operator.operatorId()), stored)) {
            view.put(below(root.child(RESULTS), result.path().segments().subList(2, result.path().depth())), result);
        }
        return view;
    }

    private static VirtualPath below(VirtualPath root, List<String> segments) {
        VirtualPath path = root;
        for (String segment : segments) {
            path = path.child(segment);
        }
        return path;
    }
}
