package io.vaultgate.server.docs;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The anchors a link may name on a Markdown page on GitHub: one per ATX ({@code ## Title}) or setext (a line
 * underlined with {@code ===} or {@code ---}) heading outside code, by {@link GithubSlugger}, and the explicit
 * {@code <a id="...">} / {@code <a name="...">} anchors. GitHub has no {@code {#id}} attribute syntax: such text is
 * part of the heading and of its slug.
 */
final class GithubAnchors {
    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}#{1,6}(?:[ \\t]+(.*?))?[ \\t]*$");
    private static final Pattern CLOSING_HASHES = Pattern.compile("(^|[ \\t]+)#+[ \\t]*$");
    private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^ {0,3}(=+|-+)[ \\t]*$");
    private static final Pattern NOT_PARAGRAPH_TEXT =
            Pattern.compile("^(\\s*$| {0,3}#|\\s*([-*+]|\\d{1,9}[.)])(\\s|$)|\\s*\\||\\s*>| {4,}|\\s*(```|~~~))");
    private static final Pattern EXPLICIT_ANCHOR =
            Pattern.compile("<a\\s[^>]*?\\b(?:id|name)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')", Pattern.CASE_INSENSITIVE);

    private GithubAnchors() {
    }

    static Set<String> of(MarkdownPage page) {
        Set<String> anchors = new LinkedHashSet<>();
        GithubSlugger slugger = new GithubSlugger();
        List<String> prose = page.prose();
        for (int i = 0; i < prose.size(); i++) {
            String line = prose.get(i);
            char first = CodeMask.firstNonSpace(line);
            if (first == '#' && ATX_HEADING.matcher(line).matches()) {
                anchors.add(slugger.next(atxText(page.lines().get(i))));
            } else if ((first == '=' || first == '-') && SETEXT_UNDERLINE.matcher(line).matches()
                    && paragraphLine(prose, i - 1)) {
                int start = i - 1;
                while (paragraphLine(prose, start - 1)) {
                    start--;
                }
                if (start == 0 || prose.get(start - 1).isBlank()) { // not a list item's or quote's lazy line
                    anchors.add(slugger.next(String.join("\n", page.lines().subList(start, i)).strip()));
                }
            }
            if (line.indexOf('<') >= 0) {
                Matcher explicit = EXPLICIT_ANCHOR.matcher(line);
                while (explicit.find()) {
                    anchors.add(explicit.group(1) != null ? explicit.group(1) : explicit.group(2));
                }
            }
        }
        return anchors;
    }

    /** The text of an ATX heading line: without its opening hashes and an optional closing sequence. */
    private static String atxText(String line) {
        String text = line.strip().replaceFirst("^#{1,6}", "");
        return CLOSING_HASHES.matcher(text).replaceFirst("").strip();
    }

    private static boolean paragraphLine(List<String> prose, int i) {
        return i >= 0 && !prose.get(i).isEmpty() && !NOT_PARAGRAPH_TEXT.matcher(prose.get(i)).find()
                && !SETEXT_UNDERLINE.matcher(prose.get(i)).matches();
    }
}
