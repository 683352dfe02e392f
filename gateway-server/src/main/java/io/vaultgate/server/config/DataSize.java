package io.vaultgate.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes, written in configuration as {@code 64KiB}, {@code 4MiB}, {@code 100GiB} or plain
 * bytes ({@code 1048576}). Binary units (KiB, MiB, GiB, TiB) are powers of 1024; decimal units (KB, MB,
 * GB, TB) are powers of 1000; unit names are case-insensitive.
 */
public record DataSize(long bytes) implements Comparable<DataSize> {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,19})\\s*([a-zA-Z]*)");
    private static final String EXAMPLES = "use e.g. 64KiB, 4MiB, 100GiB or a plain number of bytes";
    private static final String[] BINARY = {"B", "KiB", "MiB", "GiB", "TiB"};

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    public static DataSize ofKibibytes(long kib) {
        return new DataSize(Math.multiplyExact(kib, 1024L));
    }

    public static DataSize ofMebibytes(long mib) {
        return new DataSize(Math.multiplyExact(mib, 1024L * 1024));
    }

    public static DataSize ofGibibytes(long gib) {
        return new DataSize(Math.multiplyExact(gib, 1024L * 1024 * 1024));
    }

    /**
     * Parses {@code 64KiB}, {@code 100 GiB}, {@code 10MB} or {@code 4096}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static DataSize parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new InvalidValue("not a size " + InvalidValue.quote(text), EXAMPLES);
        }
        long multiplier = multiplier(m.group(2));
        if (multiplier == 0) {
            throw new InvalidValue("unknown size unit " + InvalidValue.quote(m.group(2)) + " in "
                    + InvalidValue.quote(text), "use B, KiB, MiB, GiB, TiB (or KB, MB, GB, TB for powers of 1000)");
        }
        try {
            return new DataSize(Math.multiplyExact(Long.parseLong(m.group(1)), multiplier));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidValue("size " + InvalidValue.quote(text) + " is too large", EXAMPLES);
        }
    }

    private static long multiplier(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "tb" -> 1_000_000_000_000L;
            default -> 0L;
        };
    }

    @Override
    public int compareTo(DataSize other) {
        return Long.compare(bytes, other.bytes);
    }

    /** The largest binary unit that represents the size exactly: {@code 4MiB}, {@code 1000B}. */
    @Override
    public String toString() {
        int unit = 0;
        long value = bytes;
        while (unit < BINARY.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + BINARY[unit];
    }
}
