package io.vaultgate.server.cli;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.Column.Overflow;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * How the usage help is laid out: as wide as the terminal when picocli can tell (else {@link #WIDTH} columns), and
 * wrapped at spaces only, so that paths, configuration keys and example commands ({@code --ssh-key
 * ~/.ssh/id_ed25519.pub}, {@code --set sftp.port=2022}, {@code ./var}) stay whole on one line and can be copied.
 * picocli wraps with the JDK's line {@link java.text.BreakIterator}, which also breaks after a '.' that a letter or
 * a '/' follows ({@code ~/.} / {@code ssh/id_ed25519.pub}). The descriptions, header, footer, option and parameter
 * lists, the list of subcommands and the exit codes are laid out here, as picocli lays them out but for where lines
 * break; the synopsis, which holds no paths, is picocli's.
 */
public final class HelpLayout {

    /** The width of the help when it does not go to a terminal whose width picocli can read. */
    static final int WIDTH = 100;

    private HelpLayout() {
    }

    /** Sets the layout on {@code root} and all its subcommands (call it once they are all added). */
    public static void apply(CommandLine root) {
        root.setUsageHelpWidth(WIDTH);
        root.setUsageHelpAutoWidth(true);
        root.setHelpFactory(WordWrappingHelp::new);
    }

    /** picocli's help, with {@link WordTable}s wherever it wraps descriptions. */
    private static final class WordWrappingHelp extends Help {

        WordWrappingHelp(CommandSpec spec, ColorScheme colors) {
            super(spec, colors);
        }

        private int width() {
            return commandSpec().usageMessage().width();
        }

        private boolean adjustCjk() {
            return commandSpec().usageMessage().adjustLineBreaksForWideCJKCharacters();
        }

        /** As picocli's: short option, comma, long option (spanning), description (wrapping). */
        @Override
        public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals,
                                          ColorScheme colors) {
            int longOptions = calcLongOptionColumnWidth(options, positionals, colors);
            TextTable table = new WordTable(colors, new Column(2, 0, Overflow.TRUNCATE),
                    new Column(2, 0, Overflow.SPAN), new Column(1, 0, Overflow.TRUNCATE),
                    new Column(longOptions, 1, Overflow.SPAN),
                    new Column(width() - 5 - longOptions, 1, Overflow.WRAP));
            table.setAdjustLineBreaksForWideCJKCharacters(adjustCjk());
            return new Layout(colors, table, createDefaultOptionRenderer(), createDefaultParameterRenderer());
        }

        @Override
        public String description(Object... params) {
            return lines(commandSpec().usageMessage().description(), params);
        }

        @Override
        public String header(Object... params) {
            return lines(commandSpec().usageMessage().header(), params);
        }

        @Override
        public String footer(Object... params) {
            return lines(commandSpec().usageMessage().footer(), params);
        }

        /** The exit codes (and any other key-value list), as picocli's, with the values wrapped at spaces. */
        @Override
        public TextTable createTextTable(Map<?, ?> map) {
            int width = width();
            if (map == null || map.isEmpty()) {
                return new WordTable(colorScheme(), new Column(10, 0, Overflow.WRAP),
                        new Column(width - 10, 0, Overflow.WRAP));
            }
            int keys = Math.min(width - 3 - 1, map.keySet().stream().mapToInt(key -> String.valueOf(key).length())
                    .max().orElse(0));
            TextTable table = new WordTable(colorScheme(), new Column(keys + 3, 2, Overflow.SPAN),
                    new Column(width - (keys + 3), 2, Overflow.WRAP));
            table.setAdjustLineBreaksForWideCJKCharacters(adjustCjk());
            map.forEach((key, value) -> table.addRowValues(format(String.valueOf(key)),
                    format(String.valueOf(value))));
            return table;
        }

        /** The subcommands and the first line of each one's description, as picocli's, wrapped at spaces. */
        @Override
        public String commandList(Map<String, Help> subcommands) {
            if (subcommands.isEmpty()) {
                return "";
            }
            int width = width();
            int names = Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), width / 2);
            TextTable table = new WordTable(colorScheme(), new Column(names + 2, 2, Overflow.SPAN),
                    new Column(width - (names + 2), 2, Overflow.WRAP));
            table.setAdjustLineBreaksForWideCJKCharacters(adjustCjk());
            subcommands.forEach((name, help) -> {
                UsageMessageSpec usage = help.commandSpec().usageMessage();
                String first = usage.header().length > 0 ? usage.header()[0]
                        : usage.description().length > 0 ? usage.description()[0] : "";
                Text[] lines = colorScheme().text(format(first)).splitLines();
                for (int i = 0; i < lines.length; i++) {
                    table.addRowValues(i == 0 ? help.commandNamesText(", ") : colorScheme().text(""), lines[i]);
                }
            });
            return table.toString();
        }

        private String lines(String[] lines, Object... params) {
            StringBuilder text = new StringBuilder();
            if (lines == null) {
                return "";
            }
            TextTable table = new WordTable(colorScheme(), new Column(width(), 0, Overflow.WRAP));
            table.setAdjustLineBreaksForWideCJKCharacters(adjustCjk());
            table.indentWrappedLines = 0;
            for (String line : lines) {
                table.addRowValues(format(line, params));
            }
            return table.toString(text).toString();
        }

        /** As picocli formats help text: {@link String#format}, or the text as it is if that fails. */
        private static String format(String text, Object... params) {
            try {
                return text == null ? "" : String.format(text, params);
            } catch (IllegalFormatException e) {
                return text;
            }
        }
    }

    /** A table whose wrapping columns break lines at spaces only; a word longer than a line is cut as picocli does. */
    private static final class WordTable extends TextTable {

        private final ColorScheme colors;

        WordTable(ColorScheme colors, Column... columns) {
            super(colors, columns);
            this.colors = colors;
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            if (value == null || column.overflow != Overflow.WRAP) {
                return super.putValue(row, col, value);
            }
            List<int[]> lines = lines(value.plainString(), column.width - column.indent,
                    column.width - column.indent - indentWrappedLines);
            if (lines.size() <= 1) {
                return super.putValue(row, col, value);
            }
            Cell cell = super.putValue(row, col, value.substring(lines.get(0)[0], lines.get(0)[1]));
            Text indent = colors.text(" ".repeat(indentWrappedLines));
            for (int[] line : lines.subList(1, lines.size())) {
                addEmptyRow();
                cell = super.putValue(rowCount() - 1, col, indent.concat(value.substring(line[0], line[1])));
            }
            return cell;
        }

        /**
         * Where {@code text} is cut into lines of at most {@code first}, then {@code later} characters, at spaces (the
         * spaces themselves dropped): {start, end} pairs. A word longer than a line gets a line of its own.
         */
        static List<int[]> lines(String text, int first, int later) {
            List<int[]> lines = new ArrayList<>();
            int start = 0;
            int room = Math.max(1, first);
            while (text.length() - start > room) {
                int cut = text.lastIndexOf(' ', start + room);
                if (cut <= start) {
                    cut = text.indexOf(' ', start + room);
                    if (cut < 0) {
                        break;
                    }
                }
                int end = cut;
                while (end > start && text.charAt(end - 1) == ' ') {
                    end--;
                }
                lines.add(new int[] {start, end});
                start = cut;
                while (start < text.length() && text.charAt(start) == ' ') {
                    start++;
                }
                room = Math.max(1, later);
            }
            if (start < text.length() || lines.isEmpty()) {
                lines.add(new int[] {start, text.length()});
            }
            return lines;
        }
    }
}
