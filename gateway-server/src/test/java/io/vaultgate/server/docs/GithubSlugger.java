package io.vaultgate.server.docs;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's anchors for the headings of one page, in order (its html-pipeline table-of-contents filter): the heading's
 * rendered text (markup removed: code spans keep their content, links and images their text, emphasis markers and
 * HTML tags go, entities are decoded), lower-cased, every character but letters, marks, digits, '_', '-' and ' '
 * dropped, each space turned into '-'. A slug seen before on the page gets "-1", "-2", ... appended.
 */
final class GithubSlugger {
    private static final Pattern IMAGE_OR_LINK = Pattern.compile("!?\\[([^\\]]*)\\](?:\\([^)]*\\)|\\[[^\\]]*\\])");
    private static final Pattern AUTOLINK = Pattern.compile("<([A-Za-z][A-Za-z0-9+.-]*:[^\\s<>]*)>");
    private static final Pattern HTML_TAG = Pattern.compile("</?[A-Za-z][^>]*>");
    private static final Pattern UNDERSCORE_EMPHASIS =
            Pattern.compile("(?<![\\\\\\p{L}\\p{N}_])(_+)(?=\\S)(.+?)(?<=\\S)\\1(?![\\p{L}\\p{N}_])");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]+);");
    private static final Map<String, String> NAMED_ENTITIES =
            Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", "\u00a0");
    private static final Pattern ESCAPE = Pattern.compile("\\\\([!-/:-@\\[-`{-~])");

    private final Map<String, Integer> seen = new HashMap<>();

    /** The anchor of the next heading of the page, its Markdown text given. */
    String next(String headingMarkdown) {
        String slug = slug(plainText(headingMarkdown));
        int count = seen.merge(slug, 1, Integer::sum) - 1;
        return count == 0 ? slug : slug + "-" + count;
    }

    static String slug(String plainText) {
        StringBuilder slug = new StringBuilder();
        plainText.strip().toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == ' ') {
                slug.append('-');
            } else if (c == '-' || wordCharacter(c)) {
                slug.appendCodePoint(c);
            }
        });
        return slug.toString();
    }

    /** Ruby's \p{Word}: letters, marks, decimal digits and connector punctuation such as '_'. */
    private static boolean wordCharacter(int c) {
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                    Character.CONNECTOR_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The text GitHub renders for inline Markdown: code spans are literal, the rest loses its markup. */
    static String plainText(String markdown) {
        StringBuilder text = new StringBuilder();
        int p = 0;
        while (p < markdown.length()) {
            int open = nextBacktickRun(markdown, p);
            if (open < 0) {
                break;
            }
            int run = runLength(markdown, open);
            int close = closingRun(markdown, open + run, run);
            if (close < 0) {
                text.append(renderProse(markdown.substring(p, open + run)));
                p = open + run;
                continue;
            }
            text.append(renderProse(markdown.substring(p, open)));
            String code = markdown.substring(open + run, close).replace('\n', ' ');
            if (code.length() >= 2 && code.startsWith(" ") && code.endsWith(" ") && !code.isBlank()) {
                code = code.substring(1, code.length() - 1);
            }
            text.append(code);
            p = close + run;
        }
        return text.append(renderProse(markdown.substring(p))).toString();
    }

    private static String renderProse(String markdown) {
        String text = IMAGE_OR_LINK.matcher(markdown).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        text = AUTOLINK.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        text = HTML_TAG.matcher(text).replaceAll("");
        text = UNDERSCORE_EMPHASIS.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(2)));
        text = ESCAPE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        return ENTITY.matcher(text).replaceAll(m -> Matcher.quoteReplacement(decode(m.group(1), m.group())));
    }

    private static String decode(String entity, String asWritten) {
        if (entity.startsWith("#")) {
            boolean hex = entity.startsWith("#x") || entity.startsWith("#X");
            int c = Integer.parseInt(entity.substring(hex ? 2 : 1), hex ? 16 : 10);
            return Character.isValidCodePoint(c) && c != 0 ? Character.toString(c) : "\ufffd";
        }
        return NAMED_ENTITIES.getOrDefault(entity, asWritten);
    }

    private static int nextBacktickRun(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == '`') {
                return i;
            }
        }
        return -1;
    }

    private static int closingRun(String s, int from, int length) {
        int q = from;
        while (q < s.length()) {
            if (s.charAt(q) == '`') {
                int run = runLength(s, q);
                if (run == length) {
                    return q;
                }
                q += run;
            } else {
                q++;
            }
        }
        return -1;
    }

    private static int runLength(String s, int at) {
        int end = at;
        while (end < s.length() && s.charAt(end) == '`') {
            end++;
        }
        return end - at;
    }
}
