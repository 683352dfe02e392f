package io.vaultgate.server.docs;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Reads each Markdown file once, for the link check and the orphan check to share. */
final class MarkdownPages {
    private final Map<Path, MarkdownPage> pages = new HashMap<>();

    MarkdownPage get(Path file) {
        return pages.computeIfAbsent(file.toAbsolutePath().normalize(), MarkdownPage::read);
    }
}
