package io.vaultgate.server.docs;

/**
 * A link found in a Markdown page: the 1-based line it is on, its destination as written (or, for a reference with
 * no definition, {@code [label]}), and {@code problem}: why GitHub would not render it as a link, or null.
 */
record MarkdownLink(int line, String target, String problem) {

    static MarkdownLink to(int line, String target) {
        return new MarkdownLink(line, target, null);
    }

    boolean broken() {
        return problem != null;
    }
}
