package io.vaultgate.core.files;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One page of a directory whose children come from several sources (files directly in it, directories implied by
 * deeper files, explicit directories), each read in binary name order after the cursor, {@code limit + 1} rows at
 * a time, then merged. Where sources name the same child, a directory wins over a file, and otherwise a later row
 * over an earlier one (an interrupted replacement over the committed file). Holds at most a few pages of rows.
 *
 * <p>A source that filled its read may have more rows at its last name, so only names before the smallest such last
 * name are complete; if that leaves the page short (a name took several rows), the reads are repeated larger.
 */
final class PageMerge {

    /** Up to {@code limit} rows whose names come after {@code after}, in binary name order. */
    @FunctionalInterface
    interface Source {
        List<FileEntry> after(String after, int limit) throws SQLException;
    }

    private static final int MAX_GROWTH = 4;

    private PageMerge() {
    }

    static DirectoryPage page(List<Source> sources, PageRequest request) throws SQLException {
        int read = request.limit() + 1;
        while (true) {
            List<List<FileEntry>> rows = new ArrayList<>(sources.size());
            String bound = null;
            for (Source source : sources) {
                List<FileEntry> some = source.after(request.after(), read);
                rows.add(some);
                if (some.size() >= read) {
                    String last = some.get(some.size() - 1).name();
                    bound = bound == null || NameOrder.compare(last, bound) < 0 ? last : bound;
                }
            }
            TreeMap<String, FileEntry> merged = new TreeMap<>(NameOrder.BINARY);
            for (List<FileEntry> some : rows) {
                for (FileEntry entry : some) {
                    if (bound == null || NameOrder.compare(entry.name(), bound) < 0) {
                        merged.merge(entry.name(), entry, PageMerge::prefer);
                    }
                }
            }
            boolean complete = bound == null || merged.size() >= request.limit();
            if (complete || !merged.isEmpty() && read >= MAX_GROWTH * (request.limit() + 1)) {
                return take(merged, request.limit(), bound != null);
            }
            read *= 2;
        }
    }

    /** The first {@code limit} merged entries; a cursor when there were more, or a source has more. */
    static DirectoryPage take(TreeMap<String, FileEntry> merged, int limit, boolean sourceHasMore) {
        List<FileEntry> page = new ArrayList<>(Math.min(limit, merged.size()));
        Iterator<Map.Entry<String, FileEntry>> entries = merged.entrySet().iterator();
        while (entries.hasNext() && page.size() < limit) {
            page.add(entries.next().getValue());
        }
        boolean more = entries.hasNext() || sourceHasMore;
        return new DirectoryPage(page, more && !page.isEmpty()
                ? Optional.of(page.get(page.size() - 1).name()) : Optional.empty());
    }

    static FileEntry prefer(FileEntry existing, FileEntry added) {
        return existing.directory() ? existing : added;
    }
}
