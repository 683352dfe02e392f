package io.vaultgate.server.docs;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The pages a reader cannot reach by following relative links from a start page (README.md): a page linked only from
 * itself, from nowhere, or from other pages that are themselves unreachable.
 */
final class OrphanPages {
    private OrphanPages() {
    }

    /** {@code pages} and the result are relative to {@code root}; links to other files are not followed. */
    static List<Path> unreachable(Path root, Path start, List<Path> pages, MarkdownPages reader) {
        Path base = root.toAbsolutePath().normalize();
        Set<Path> known = new HashSet<>();
        pages.forEach(page -> known.add(base.resolve(page).normalize()));
        Set<Path> reached = new HashSet<>();
        Deque<Path> next = new ArrayDeque<>(List.of(base.resolve(start).normalize()));
        while (!next.isEmpty()) {
            Path page = next.pop();
            if (!reached.add(page)) {
                continue;
            }
            for (MarkdownLink link : MarkdownLinks.in(reader.get(page))) {
                if (link.broken()) {
                    continue;
                }
                try {
                    LinkTarget target = LinkTarget.parse(link.target());
                    Path linked = target.external() ? null : target.resolve(base, page);
                    if (linked != null && known.contains(linked) && !reached.contains(linked)) {
                        next.push(linked);
                    }
                } catch (IllegalArgumentException e) {
                    // a badly encoded link is LinkChecker's to report; it leads nowhere
                }
            }
        }
        return pages.stream().filter(page -> !reached.contains(base.resolve(page).normalize())).toList();
    }
}
