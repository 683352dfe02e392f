package io.vaultgate.server.docs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the links of a Markdown page as GitHub renders them, from its prose (code already blanked out): inline
 * links and images {@code [text](dest "title")}, {@code <dest>} destinations, balanced parentheses in a destination,
 * and reference-style links, whose destination is taken from the definition {@code [label]: dest} (reported at the
 * definition's line). A full reference {@code [text][label]} with no definition is returned as a problem, since
 * GitHub shows it as plain text; so is an inline link GitHub cannot parse (a space in a bare destination).
 */
final class MarkdownLinks {
    private static final Pattern DEFINITION = Pattern.compile(
            "^ {0,3}\\[([^\\]]+)\\]:[ \\t]*(<[^>]*>|\\S+)(?:[ \\t]+(?:\"[^\"]*\"|'[^']*'|\\([^)]*\\)))?[ \\t]*$");
    private static final Pattern FULL_REFERENCE = Pattern.compile("(?<!\\\\)\\[([^\\]]*)\\]\\[([^\\]]*)\\]");

    private MarkdownLinks() {
    }

    static List<MarkdownLink> in(MarkdownPage page) {
        List<MarkdownLink> links = new ArrayList<>();
        String text = String.join("\n", page.prose());
        int[] lineStarts = lineStarts(text);
        int at = text.indexOf("](");
        while (at >= 0) {
            if (!escaped(text, at)) {
                links.add(inline(text, at + 2, lineOf(lineStarts, at)));
            }
            at = text.indexOf("](", at + 2);
        }
        Map<String, MarkdownLink> definitions = definitions(page);
        links.addAll(definitions.values());
        links.addAll(undefinedReferences(page, definitions));
        links.sort(Comparator.comparingInt(MarkdownLink::line));
        return links;
    }

    /** The inline link whose destination starts after "](" at {@code from}. */
    private static MarkdownLink inline(String text, int from, int line) {
        int p = skipSpace(text, from);
        int start = p;
        String destination;
        if (p < text.length() && text.charAt(p) == '<') {
            int end = text.indexOf('>', p);
            int newline = text.indexOf('\n', p);
            if (end < 0 || (newline >= 0 && newline < end)) {
                return new MarkdownLink(line, text.substring(start, lineEnd(text, start)),
                        "no closing > in <destination>");
            }
            destination = text.substring(p + 1, end);
            p = end + 1;
        } else {
            int depth = 0;
            while (p < text.length() && !Character.isWhitespace(text.charAt(p))) {
                char c = text.charAt(p);
                if (c == '\\') {
                    p++;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (depth == 0) {
                        break;
                    }
                    depth--;
                }
                p++;
            }
            destination = text.substring(start, Math.min(p, text.length()));
        }
        p = skipSpace(text, p);
        if (p < text.length() && "\"'(".indexOf(text.charAt(p)) >= 0) {
            char close = text.charAt(p) == '(' ? ')' : text.charAt(p);
            int end = text.indexOf(close, p + 1);
            p = end < 0 ? text.length() : skipSpace(text, end + 1);
        }
        if (p >= text.length() || text.charAt(p) != ')') {
            return new MarkdownLink(line, text.substring(start, lineEnd(text, start)).replaceFirst("\\).*", ""),
                    "not a link on GitHub: a destination with spaces must be written <like this>");
        }
        return MarkdownLink.to(line, destination);
    }

    private static Map<String, MarkdownLink> definitions(MarkdownPage page) {
        Map<String, MarkdownLink> definitions = new HashMap<>();
        for (int i = 0; i < page.prose().size(); i++) {
            if (!page.prose().get(i).contains("]:")) {
                continue;
            }
            Matcher definition = DEFINITION.matcher(page.prose().get(i));
            if (definition.matches()) {
                String destination = definition.group(2);
                if (destination.startsWith("<")) {
                    destination = destination.substring(1, destination.length() - 1);
                }
                definitions.putIfAbsent(label(definition.group(1)), MarkdownLink.to(i + 1, destination));
            }
        }
        return definitions;
    }

    private static List<MarkdownLink> undefinedReferences(MarkdownPage page, Map<String, MarkdownLink> definitions) {
        List<MarkdownLink> undefined = new ArrayList<>();
        for (int i = 0; i < page.prose().size(); i++) {
            if (!page.prose().get(i).contains("][")) {
                continue;
            }
            Matcher reference = FULL_REFERENCE.matcher(page.prose().get(i));
            while (reference.find()) {
                String label = reference.group(2).isBlank() ? reference.group(1) : reference.group(2);
                if (!definitions.containsKey(label(label))) {
                    undefined.add(new MarkdownLink(i + 1, "[" + label + "]",
                            "no definition [" + label + "]: ... for this reference"));
                }
            }
        }
        return undefined;
    }

    /** Reference labels match case-insensitively, with runs of white space as one space. */
    private static String label(String label) {
        return label.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static boolean escaped(String text, int at) {
        int backslashes = 0;
        for (int i = at - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** Skips spaces and tabs and at most one line break, as CommonMark allows around a destination. */
    private static int skipSpace(String text, int p) {
        boolean newline = false;
        while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t'
                || (text.charAt(p) == '\n' && !newline))) {
            newline |= text.charAt(p) == '\n';
            p++;
        }
        return p;
    }

    private static int lineEnd(String text, int from) {
        int end = text.indexOf('\n', from);
        return end < 0 ? text.length() : end;
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int lineOf(int[] lineStarts, int offset) {
        int lo = 0;
        int hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo + 1;
    }
}
