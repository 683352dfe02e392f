package io.vaultgate.server.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Markdown file as lines, with {@code prose}: the same lines with every code block and code span blanked out
 * ({@link CodeMask}), so that links and anchors are looked for only where GitHub renders them.
 */
record MarkdownPage(Path file, List<String> lines, List<String> prose) {

    MarkdownPage {
        lines = List.copyOf(lines);
        prose = List.copyOf(prose);
    }

    static MarkdownPage read(Path file) {
        try {
            return of(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static MarkdownPage of(Path file, String text) {
        List<String> lines = text.lines().toList();
        return new MarkdownPage(file, lines, CodeMask.mask(lines));
    }
}
