package io.vaultgate.server.docs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blanks out what GitHub renders as code: fenced code blocks (their fence lines too), indented code blocks outside
 * lists, and code spans. Code spans follow CommonMark: they may cross line breaks within a paragraph but not leave
 * it, a run of n backticks is closed only by the next run of exactly n, and a backslash does not escape inside one.
 * Lines keep their number and every character keeps its column (replaced by spaces).
 */
final class CodeMask {
    /** The first characters a line needs to be anything but paragraph text (a fence, heading, list item, ...). */
    private static final String MARKERS = "`~#-*+|=_0123456789";
    private static final Pattern FENCE = Pattern.compile("^\\s*(`{3,}|~{3,})(.*)$");
    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}#{1,6}(\\s.*)?$");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*([-*+]|(\\d{1,9})[.)])(\\s.*)?$");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\s*\\|.*$");
    private static final Pattern THEMATIC_BREAK_OR_UNDERLINE =
            Pattern.compile("^ {0,3}(=+|([-*_])(\\s*\\2){2,}|-+)\\s*$");

    private CodeMask() {
    }

    static List<String> mask(List<String> lines) {
        String[] out = lines.toArray(new String[0]);
        List<int[]> paragraphs = new ArrayList<>();
        int paragraphStart = -1;
        String fence = null;
        boolean afterBlank = true;
        boolean inList = false;
        for (int i = 0; i < out.length; i++) {
            String line = out[i];
            if (fence != null) {
                out[i] = "";
                if (closes(fence, line)) {
                    fence = null;
                }
                continue;
            }
            boolean blank = line.isBlank();
            if (blank) {
                paragraphStart = close(paragraphs, paragraphStart, i);
                afterBlank = true;
                continue;
            }
            if (MARKERS.indexOf(firstNonSpace(line)) < 0 && !(afterBlank && indentation(line) >= 4)) {
                if (paragraphStart < 0) { // plain prose: the common case, decided without a regular expression
                    paragraphStart = i;
                }
                if (afterBlank && indentation(line) == 0) {
                    inList = false;
                }
                afterBlank = false;
                continue;
            }
            Matcher fenceLine = FENCE.matcher(line);
            boolean special = fenceLine.matches() && !(fenceLine.group(1).startsWith("`")
                    && fenceLine.group(2).contains("`"));
            if (special || ATX_HEADING.matcher(line).matches() || listItem(line, afterBlank, inList)
                    || TABLE_ROW.matcher(line).matches() || THEMATIC_BREAK_OR_UNDERLINE.matcher(line).matches()
                    || (afterBlank && !inList && indentation(line) >= 4)) {
                paragraphStart = close(paragraphs, paragraphStart, i);
            }
            if (special) {
                fence = fenceLine.group(1);
                out[i] = "";
            } else if (afterBlank && !inList && indentation(line) >= 4) {
                out[i] = "";
                continue; // an indented code block: afterBlank stays true for its next line
            } else if (listItem(line, afterBlank, inList)) {
                inList = true;
                paragraphStart = i;
            } else if (ATX_HEADING.matcher(line).matches() || TABLE_ROW.matcher(line).matches()) {
                paragraphs.add(new int[] {i, i + 1});
            } else if (!THEMATIC_BREAK_OR_UNDERLINE.matcher(line).matches() && paragraphStart < 0) {
                paragraphStart = i;
            }
            if (afterBlank && indentation(line) == 0 && !listItem(line, afterBlank, inList)) {
                inList = false;
            }
            afterBlank = false;
        }
        close(paragraphs, paragraphStart, out.length);
        for (int[] paragraph : paragraphs) {
            maskSpans(out, paragraph[0], paragraph[1]);
        }
        return Arrays.asList(out);
    }

    /** A list item line; an ordered one interrupts a paragraph only if it starts at 1 (CommonMark). */
    private static boolean listItem(String line, boolean afterBlank, boolean inList) {
        Matcher item = LIST_ITEM.matcher(line);
        return item.matches() && (item.group(2) == null || afterBlank || inList || item.group(2).equals("1"));
    }

    private static int close(List<int[]> paragraphs, int start, int end) {
        if (start >= 0 && end > start) {
            paragraphs.add(new int[] {start, end});
        }
        return -1;
    }

    private static boolean closes(String fence, String line) {
        String stripped = line.strip();
        return stripped.length() >= fence.length() && stripped.chars().allMatch(c -> c == fence.charAt(0));
    }

    static char firstNonSpace(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (!Character.isWhitespace(line.charAt(i))) {
                return line.charAt(i);
            }
        }
        return ' ';
    }

    private static int indentation(String line) {
        int columns = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                columns++;
            } else if (c == '\t') {
                columns += 4 - columns % 4;
            } else {
                break;
            }
        }
        return columns;
    }

    /** Masks the code spans of lines [from, to), one paragraph, joined by line breaks. */
    private static void maskSpans(String[] lines, int from, int to) {
        char[] text = String.join("\n", Arrays.asList(lines).subList(from, to)).toCharArray();
        int p = 0;
        while (p < text.length) {
            if (text[p] == '\\') {
                p += 2;
            } else if (text[p] == '`') {
                int run = runLength(text, p);
                int closer = closingRun(text, p + run, run);
                if (closer < 0) {
                    p += run;
                } else {
                    for (int q = p; q < closer + run; q++) {
                        if (text[q] != '\n') {
                            text[q] = ' ';
                        }
                    }
                    p = closer + run;
                }
            } else {
                p++;
            }
        }
        String[] masked = new String(text).split("\n", -1);
        System.arraycopy(masked, 0, lines, from, to - from);
    }

    private static int closingRun(char[] text, int from, int length) {
        int q = from;
        while (q < text.length) {
            if (text[q] == '`') {
                int run = runLength(text, q);
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

    private static int runLength(char[] text, int at) {
        int end = at;
        while (end < text.length && text[end] == text[at]) {
            end++;
        }
        return end - at;
    }
}
